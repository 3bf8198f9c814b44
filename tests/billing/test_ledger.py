"""The posting service: double entry, flags, idempotency, two-phase, append-only, periods, verify."""

from __future__ import annotations

from typing import Any

import pytest

from store.billing import accounts
from store.billing.ledger.codes import TransferCode as T
from store.billing.ledger.schemas import Leg, PostJournal
from store.kit.db import is_integrity_error
from store.kit.errors import Conflict, InvalidInput

DAY = "2026-11-02"
SOURCE = accounts.budget_source("P-STATE")
ENVELOPE = accounts.envelope("AAP-2026")


async def fund(state: Any, amount: int = 10_000, key: str = "fund-1") -> None:
    result = await state.billing.budget.fund_envelope(
        key, programme="P-STATE", envelope_ref="AAP-2026", amount=amount, day=DAY
    )
    assert result.applied


def failed(checks: list[Any]) -> dict[str, str]:
    return {c.invariant: c.detail for c in checks if not c.ok}


async def test_reservations_never_overcommit_and_resolve_once(state: Any) -> None:
    await fund(state)
    budget = state.billing.budget
    first = await budget.reserve(
        "res-1", source=ENVELOPE, grant_id="G1", amount=6000, day=DAY, timeout_seconds=3600
    )
    second = await budget.reserve(
        "res-2", source=ENVELOPE, grant_id="G2", amount=6000, day=DAY, timeout_seconds=3600
    )
    assert first.applied
    assert (second.status, second.code) == ("rejected", "exceeds_credits")  # pending counts: pessimistic

    posted = await budget.post_reservation("post-1", pending_id=first.transfer_ids[0], amount=4000, day=DAY)
    assert posted.applied
    again = await budget.void_reservation("void-1", pending_id=first.transfer_ids[0], day=DAY)
    assert (again.status, again.code) == ("rejected", "pending_transfer_already_resolved")

    balances = await state.ledger.balances([ENVELOPE, accounts.commitment("G1")])
    envelope = balances[ENVELOPE]
    assert (envelope.debits_pending, envelope.debits_posted, envelope.available) == (
        0,
        4000,
        6000,
    )  # remainder freed
    assert balances[accounts.commitment("G1")].credit_balance == 4000
    assert not failed(await state.billing.verify())


async def test_same_key_same_payload_replays_and_other_payload_is_409(state: Any) -> None:
    await fund(state)
    replay = await state.billing.budget.fund_envelope(
        "fund-1", programme="P-STATE", envelope_ref="AAP-2026", amount=10_000, day=DAY
    )
    assert replay.replayed
    assert replay.applied
    assert replay.seq == 1
    with pytest.raises(Conflict) as error:
        await state.billing.budget.fund_envelope(
            "fund-1", programme="P-STATE", envelope_ref="AAP-2026", amount=1, day=DAY
        )
    assert error.value.code == "idempotency_key_reused"
    assert error.value.status == 409
    # A rejection is remembered: retrying it gives the same rejection even once funds exist.
    rejected = await state.billing.budget.commit("c-1", source=ENVELOPE, grant_id="G", amount=20_000, day=DAY)
    await fund(state, 50_000, key="fund-2")
    retried = await state.billing.budget.commit("c-1", source=ENVELOPE, grant_id="G", amount=20_000, day=DAY)
    assert (rejected.status, retried.status, retried.replayed) == ("rejected", "rejected", True)
    assert (await state.ledger.balances([ENVELOPE]))[ENVELOPE].credit_balance == 60_000


async def test_reservation_expires_exactly_once(state: Any) -> None:
    await fund(state)
    ledger = state.ledger
    start = ledger.clock()
    ledger.clock = lambda: start
    reserved = await state.billing.budget.reserve(
        "res-x", source=ENVELOPE, grant_id="G", amount=3000, day=DAY, timeout_seconds=60
    )
    assert await ledger.expire_due() == 0  # not yet due
    ledger.clock = lambda: start + 61_000_000
    late = await state.billing.budget.post_reservation(
        "post-late", pending_id=reserved.transfer_ids[0], amount=3000, day=DAY
    )
    assert late.code == "pending_transfer_expired"
    assert await ledger.expire_due() == 1
    assert await ledger.expire_due() == 0
    assert (await ledger.balances([ENVELOPE]))[ENVELOPE].available == 10_000
    assert not failed(await state.billing.verify())


async def test_a_journal_is_atomic_and_malformed_commands_are_422(state: Any) -> None:
    await fund(state)
    bad = PostJournal(
        idempotency_key="two-legs",
        kind="test",
        effective_date=DAY,
        legs=(
            Leg(code=T.COMMIT, debit=ENVELOPE.id, credit=accounts.commitment("A").id, amount=4000),
            Leg(code=T.COMMIT, debit=ENVELOPE.id, credit=accounts.commitment("B").id, amount=7000),
        ),
    )
    result = await state.ledger.post(bad, opens=[accounts.commitment("A"), accounts.commitment("B")])
    assert result.code == "exceeds_credits"
    assert (await state.ledger.balances([ENVELOPE]))[ENVELOPE].available == 10_000  # first leg not kept
    with pytest.raises(InvalidInput):
        await state.ledger.post(
            PostJournal(
                idempotency_key="zero",
                kind="t",
                effective_date=DAY,
                legs=(Leg(code=1, debit=ENVELOPE.id, credit=SOURCE.id, amount=0),),
            )
        )


async def test_database_refuses_what_the_code_would_refuse(state: Any) -> None:
    await fund(state)
    db = state.db
    for statement in (
        # over-commitment (DMNEC), then edits of the append-only history
        f"UPDATE ledger_account SET debits_pending = 10001 WHERE id = '{ENVELOPE.id}'",
        "UPDATE ledger_transfer SET amount = 1",  # append-only history
        "DELETE FROM ledger_journal",
    ):
        with pytest.raises(Exception) as error:  # noqa: PT011 - sqlite3 or asyncpg errors, checked below
            async with db.write_transaction():
                await db.engine.run_ddl(statement)
        assert is_integrity_error(error.value) or "append-only" in str(error.value)


async def test_closed_period_refuses_postings_and_is_sealed(state: Any) -> None:
    await fund(state)
    with pytest.raises(Conflict):
        await state.billing.close_period(None, "2999-01")  # not over yet
    seal = await state.billing.close_period(None, "2026-10")
    assert await state.billing.close_period(None, "2026-10") == seal  # retried: same seal
    late = await state.billing.budget.commit(
        "late", source=ENVELOPE, grant_id="G", amount=10, day="2026-10-31"
    )
    assert late.code == "period_closed"
    on_time = await state.billing.budget.commit(
        "ok", source=ENVELOPE, grant_id="G", amount=10, day="2026-11-01"
    )
    assert on_time.applied
    with pytest.raises(Conflict):
        await state.billing.close_period(None, "2026-09")
    assert not failed(await state.billing.verify())


async def test_verify_detects_tampering_behind_the_services_back(state: Any) -> None:
    await fund(state)
    await state.billing.budget.commit("c", source=ENVELOPE, grant_id="G", amount=2500, day=DAY)
    await state.billing.close_period(None, "2026-10")
    assert not failed(await state.billing.verify())
    db = state.db
    async with db.write_transaction():  # counters are mutable rows: change one
        await db.engine.run_ddl(
            f"UPDATE ledger_account SET credits_posted = credits_posted + 100 WHERE id = '{ENVELOPE.id}'"
        )
    problems = failed(await state.billing.verify())
    assert {"L1", "L8"} <= set(problems)
    async with db.write_transaction():
        await db.engine.run_ddl(
            f"UPDATE ledger_account SET credits_posted = credits_posted - 100 WHERE id = '{ENVELOPE.id}'"
        )
    assert not failed(await state.billing.verify())
    await tamper_transfer_amount(db)
    problems = failed(await state.billing.verify())
    assert "L9" in problems
    assert "journal 2" in problems["L9"]


async def tamper_transfer_amount(db: Any) -> None:
    """What an owner-level attacker can do: bypass the append-only trigger and edit history."""
    if db.is_postgres:
        async with db.write_transaction():
            await db.engine.run_ddl("ALTER TABLE ledger_transfer DISABLE TRIGGER ledger_transfer_append_only")
            await db.engine.run_ddl("UPDATE ledger_transfer SET amount = amount + 1 WHERE journal_seq = 2")
            await db.engine.run_ddl("ALTER TABLE ledger_transfer ENABLE TRIGGER ledger_transfer_append_only")
        return
    async with db.write_transaction():
        [trigger] = await db.engine.run_ddl(
            "SELECT sql FROM sqlite_master WHERE name = 'ledger_transfer_no_update'"
        )
        await db.engine.run_ddl("DROP TRIGGER ledger_transfer_no_update")
        await db.engine.run_ddl("UPDATE ledger_transfer SET amount = amount + 1 WHERE journal_seq = 2")
        await db.engine.run_ddl(trigger["sql"])
