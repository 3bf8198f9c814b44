"""Model-based test: every command goes to the real posting service *and* to a pure-Python reference
ledger (tests/billing/model_ledger.py); replies and every account's four counters must agree after
each step, and ``verify`` must find every invariant intact at the end (TigerBeetle's auditor idea)."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from store.app import all_tables
from store.billing import accounts
from store.billing.ledger.codes import TransferCode as TC
from store.billing.ledger.schemas import AccountRef, Leg, PostJournal
from store.billing.ledger.service import LedgerService
from store.billing.ledger.verify import verify_ledger
from store.billing.split import CoPayer, split_charge
from store.kit.db import Database
from store.kit.errors import Conflict
from store.kit.settings import Settings
from tests.billing import model_ledger as model
from tests.billing.support import purge_billing

COLLS = ["210100533", "200071751", "210100046"]
BASE_US = 1_800_000_000_000_000
REFS: dict[str, AccountRef] = {
    "src": accounts.budget_source("P"),
    "env": accounts.envelope("E"),
    "com": accounts.commitment("G"),
    "consumed": accounts.consumed("E", 2026),
    "clearing": accounts.CLEARING,
    "payable": accounts.payable("123456782"),
    "bank": accounts.BANK,
    **{f"recv:{c}": accounts.receivable(c) for c in [*COLLS, "state"]},
}
FLAGS = {"env": 1, "com": 1, "consumed": 1, "payable": 1, "bank": 2}


class LedgerMachine(RuleBasedStateMachine):
    test_settings: Settings
    reservations = Bundle("reservations")

    @initialize()
    def setup(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.db = Database(self.test_settings)
        self.db.bind(all_tables())
        self.now = 0
        self.ticks = itertools.count(1)
        self.service = LedgerService(self.db, clock=lambda: BASE_US + self.now * 1_000_000 + next(self.ticks))
        self.m = model.Ledger()
        for name in REFS:
            ledger = 1 if name in ("src", "env", "com", "consumed") else 2
            self.m.open(model.Account(name, ledger, FLAGS.get(name, 2 if name.startswith("recv") else 0)))
        self.run(self.db.start())
        self.run(purge_billing(self.db))
        self.n = 0
        self.history: list[tuple[PostJournal, tuple[model.T, ...], Any]] = []

    def teardown(self) -> None:
        if not hasattr(self, "loop"):
            return
        checks = self.run(verify_ledger(self.db))
        self.run(purge_billing(self.db))
        self.run(self.db.stop())
        self.loop.close()
        assert all(c.ok for c in checks), [c for c in checks if not c.ok]

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def _key(self) -> str:
        self.n += 1
        return f"k{self.n}"

    def submit(self, legs: list[tuple[model.T, Leg]], kind: str) -> tuple[Any, Any]:
        key = self._key()
        command = PostJournal(
            idempotency_key=key, kind=kind, effective_date="2026-11-02", legs=tuple(leg for _, leg in legs)
        )
        expected = self.m.submit(key, tuple(t for t, _ in legs))
        actual = self.run(self.service.post(command, opens=tuple(REFS.values())))
        assert actual.status == expected[0], (expected, actual)
        if expected[0] == "rejected":
            assert actual.code == expected[1].split(":")[0], (expected, actual)
        self.history.append((command, tuple(t for t, _ in legs), actual))
        return expected, actual

    @staticmethod
    def leg(code: int, dr: str, cr: str, amount: int, **kwargs: Any) -> Leg:
        return Leg(
            code=code,
            debit=REFS[dr].id if dr else "",
            credit=REFS[cr].id if cr else "",
            amount=amount,
            **kwargs,
        )

    @rule(amount=st.integers(1, 10**7))
    def fund_envelope(self, amount: int) -> None:
        self.submit(
            [(model.T(self._key(), "src", "env", amount), self.leg(TC.ENVELOPE_FUND, "src", "env", amount))],
            "fund",
        )

    @rule(target=reservations, amount=st.integers(1, 10**7), ttl=st.integers(1, 100))
    def reserve(self, amount: int, ttl: int) -> tuple[str, str, int] | None:
        mid = self._key()
        leg = self.leg(TC.RESERVE, "env", "com", amount, kind="pending", timeout_us=ttl * 1_000_000)
        expected, actual = self.submit(
            [(model.T(mid, "env", "com", amount, "pending", timeout_at=self.now + ttl), leg)], "reserve"
        )
        return (mid, actual.transfer_ids[0], amount) if expected[0] == "applied" else None

    @rule(pending=reservations, fraction=st.fractions(0, 1))
    def post(self, pending: tuple[str, str, int] | None, fraction: Any) -> None:
        if pending is None:
            return
        mid, rid, amount = pending
        part = max(1, int(amount * fraction))
        leg = self.leg(TC.RESERVE_POST, "", "", part, kind="post", pending_id=rid)
        self.submit([(model.T(self._key(), "env", "com", part, "post", pending_id=mid), leg)], "post")

    @rule(pending=reservations)
    def void(self, pending: tuple[str, str, int] | None) -> None:
        if pending is None:
            return
        mid, rid, amount = pending
        leg = self.leg(TC.RESERVE_VOID, "", "", amount, kind="void", pending_id=rid)
        self.submit([(model.T(self._key(), "env", "com", amount, "void", pending_id=mid), leg)], "void")

    @rule(seconds=st.integers(1, 50))
    def advance_clock(self, seconds: int) -> None:
        self.now += seconds
        self.m.now = self.now

    @rule()
    def expire_due(self) -> None:
        due = sorted(
            (p.timeout_at, p.id)
            for p in self.m.transfers.values()
            if p.kind == "pending"
            and p.id not in self.m.resolved
            and p.timeout_at is not None
            and self.now >= p.timeout_at
        )
        for _, pid in due:
            p = self.m.transfers[pid]
            assert (
                self.m.submit(
                    self._key(), (model.T(self._key(), p.dr, p.cr, p.amount, "expire", pending_id=pid),)
                )[0]
                == "applied"
            )
        assert self.run(self.service.expire_due()) == len(due)

    @rule(
        total=st.integers(1, 10**6),
        cap_bp=st.sampled_from([0, 5000, 10_000]),
        weights=st.lists(st.integers(1, 10**5), min_size=3, max_size=3),
    )
    def co_funded_charge(self, total: int, cap_bp: int, weights: list[int]) -> None:
        split = split_charge(
            total, 0, [CoPayer(c, w) for c, w in zip(COLLS, weights, strict=True)], cap_bp=cap_bp
        )
        legs: list[tuple[model.T, Leg]] = []
        if split.funder_ht:
            legs.append(
                (
                    model.T(self._key(), "com", "consumed", split.funder_ht),
                    self.leg(TC.CONSUME, "com", "consumed", split.funder_ht),
                )
            )
            legs.append(
                (
                    model.T(self._key(), "recv:state", "clearing", split.funder_ht),
                    self.leg(TC.CHARGE_FUNDER_SHARE, "recv:state", "clearing", split.funder_ht),
                )
            )
        for siren, amount in split.payers.items():
            if amount:
                legs.append(
                    (
                        model.T(self._key(), f"recv:{siren}", "clearing", amount),
                        self.leg(TC.CHARGE_PAYER_SHARE, f"recv:{siren}", "clearing", amount),
                    )
                )
        legs.append(
            (
                model.T(self._key(), "clearing", "payable", total),
                self.leg(TC.CHARGE_TO_PROVIDER, "clearing", "payable", total),
            )
        )
        self.submit(legs, "charge")

    @precondition(lambda self: bool(self.history))
    @rule(data=st.data())
    def retry(self, data: st.DataObject) -> None:
        """A lost reply: the client sends the same key and payload again; nothing new is written."""
        command, _, first = data.draw(st.sampled_from(self.history))
        seq_before = self.run(self._head())
        again = self.run(self.service.post(command, opens=tuple(REFS.values())))
        assert (again.status, again.code, again.seq, again.transfer_ids, again.replayed) == (
            first.status,
            first.code,
            first.seq,
            first.transfer_ids,
            True,
        )
        assert self.run(self._head()) == seq_before

    @precondition(lambda self: bool(self.history))
    @rule(data=st.data())
    def reuse_key_with_other_payload(self, data: st.DataObject) -> None:
        command, _, _ = data.draw(st.sampled_from(self.history))
        other = PostJournal(
            idempotency_key=command.idempotency_key, kind="other", effective_date="2026-11-03"
        )
        with pytest.raises(Conflict):
            self.run(self.service.post(other))

    async def _head(self) -> int:
        async with self.db.engine.transaction():
            rows = await self.service.sql.fetch("SELECT seq FROM ledger_chain_head WHERE id = 1")
        return int(rows[0]["seq"]) if rows else 0

    @invariant()
    def counters_match_the_model(self) -> None:
        if not hasattr(self, "m"):
            return
        self.m.check_invariants()
        balances = self.run(self.service.balances(REFS.values()))
        for name, ref in REFS.items():
            real = balances[ref]
            counters = (
                [0, 0, 0, 0]
                if real is None
                else [real.debits_pending, real.debits_posted, real.credits_pending, real.credits_posted]
            )
            a = self.m.accounts[name]
            assert counters == [a.dr_pending, a.dr_posted, a.cr_pending, a.cr_posted], name


def test_ledger_behaves_like_the_reference_model(settings: Settings) -> None:
    LedgerMachine.test_settings = settings
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings_for_machine(),
    )


def settings_for_machine() -> Any:
    return settings(
        max_examples=40,
        stateful_step_count=50,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
