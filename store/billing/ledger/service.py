"""The posting service: atomic, idempotent, hash-chained journals on two ledgers.

Algorithm (one database transaction per batch; research/ledger.md §3.10):
1. take the writer lock: the chain-head row ``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite;
2. look the idempotency keys up: same key and request hash → the stored reply, other hash → 409;
3. create the accounts a journal opens, then lock every touched account ordered by id;
4. apply each journal's legs to in-memory counters and check the flags (DMNEC/CMNED), pendings
   (exists, unresolved, unexpired), closed periods and the clearing account; a journal that breaks a
   rule is *rejected*: recorded with its reason, no leg written, and replayed as such;
5. write journals and transfers (``executemany``), add the deltas to the counters once per account
   (the CHECK constraints re-verify the flags), move the chain head. On SQLite the clearing balance is
   re-checked before commit; on PostgreSQL a deferred constraint trigger does it at commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

import msgspec

from store.billing.ledger.chain import chain_hash, snapshot_hash
from store.billing.ledger.codes import ACCOUNT_FLAGS, AccountCode, Flag, Kind
from store.billing.ledger.repository import LedgerRepository
from store.billing.ledger.schemas import (
    AccountBalance,
    AccountRef,
    JournalResult,
    Leg,
    PostJournal,
    Status,
    StoredResult,
    journal_id,
    transfer_id,
)
from store.billing.ledger.sql import Sql
from store.kit.db import Database, is_integrity_error
from store.kit.errors import Conflict, InvalidInput

W = TypeVar("W")
DMNEC, CMNED, CLOSED = int(Flag.DMNEC), int(Flag.CMNED), int(Flag.CLOSED)
RETRYABLE_SQLSTATES = {"40001", "40P01"}
MAX_ATTEMPTS = 5
_KINDS = {
    "single": Kind.SINGLE,
    "pending": Kind.PENDING,
    "post": Kind.POST,
    "void": Kind.VOID,
    "expire": Kind.EXPIRE,
}
_result_encoder = msgspec.json.Encoder()
_result_decoder = msgspec.json.Decoder(StoredResult)


def wall_clock_us() -> int:
    return time.time_ns() // 1000


class Rejected(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


class Posting(msgspec.Struct, kw_only=True):
    """A journal with the accounts it opens (created when missing, in the same transaction)."""

    command: PostJournal
    opens: tuple[AccountRef, ...] = ()


def _validate(cmd: PostJournal) -> None:
    if not cmd.idempotency_key or len(cmd.idempotency_key) > 255:
        raise InvalidInput(
            "Clé d'idempotence absente ou trop longue (255 caractères au plus).", code="bad_idempotency_key"
        )
    if len(cmd.effective_date) != 10:
        raise InvalidInput("Date d'effet invalide (AAAA-MM-JJ attendu).", code="bad_effective_date")
    for leg in cmd.legs:
        if leg.kind in ("single", "pending", "post") and leg.amount <= 0:
            raise InvalidInput("Un mouvement doit porter un montant strictement positif.", code="bad_amount")
        if leg.kind in ("single", "pending") and (not leg.debit or leg.debit == leg.credit):
            raise InvalidInput("Un mouvement débite et crédite deux comptes distincts.", code="same_account")
        if leg.kind in ("post", "void", "expire") and not leg.pending_id:
            raise InvalidInput("Ce mouvement doit désigner une réservation.", code="pending_id_required")
        if leg.kind != "pending" and leg.timeout_us is not None:
            raise InvalidInput("Seule une réservation peut expirer.", code="bad_timeout")


class LedgerService:
    def __init__(self, db: Database, clock: Callable[[], int] = wall_clock_us) -> None:
        self.db = db
        self.sql = Sql(db)
        self.repo = LedgerRepository(self.sql)
        self.clock = clock

    # Transactions ----------------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """A write transaction (joins the caller's when one is open)."""
        async with self.db.write_transaction():
            yield

    async def run(self, work: Callable[[], Awaitable[W]]) -> W:
        """Run ``work`` in its own write transaction, retried on PostgreSQL serialisation failures."""
        if self.db.engine.current_transaction.get() is not None:
            return await work()
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                async with self.db.write_transaction():
                    return await work()
            except Exception as exc:
                if getattr(exc, "sqlstate", None) in RETRYABLE_SQLSTATES and attempt < MAX_ATTEMPTS:
                    await asyncio.sleep(random.uniform(0.005, 0.05) * attempt)
                    continue
                if is_integrity_error(exc):
                    raise Conflict(
                        "Le grand livre a refusé l'écriture (contrainte d'intégrité).",
                        code="ledger_constraint_violation",
                    ) from exc
                raise
        raise AssertionError("unreachable")

    # Commands --------------------------------------------------------------------------------------

    async def post(
        self, command: PostJournal, *, opens: Sequence[AccountRef] = (), actor: str = "system"
    ) -> JournalResult:
        return (await self.post_batch([Posting(command=command, opens=tuple(opens))], actor=actor))[0]

    async def post_batch(self, postings: Sequence[Posting], *, actor: str = "system") -> list[JournalResult]:
        """Post journals in one transaction; each is applied or rejected on its own."""

        async def work() -> list[JournalResult]:
            return await self.post_locked(postings, actor=actor)

        return await self.run(work)

    async def post_locked(
        self,
        postings: Sequence[Posting],
        *,
        actor: str,
        memo_for: Callable[[int, str], dict[str, str | int]] | None = None,
    ) -> list[JournalResult]:
        """Post inside the caller's write transaction (the billing run, period close)."""
        for posting in postings:
            _validate(posting.command)
        head = await self.repo.lock_head()
        seq, prev_hash, last_us = int(head["seq"]), str(head["hash"]), int(head["recorded_at_us"])
        hashes = {p.command.idempotency_key: p.command.request_hash() for p in postings}
        existing = await self.repo.journals_by_key(hashes)

        fresh: list[Posting] = []
        seen: dict[str, str] = {}
        for posting in postings:
            key = posting.command.idempotency_key
            stored = existing.get(key)
            known = stored["request_hash"] if stored else seen.get(key)
            if known is not None and known != hashes[key]:
                raise Conflict(
                    f"La clé d'idempotence « {key} » a déjà servi pour une autre demande.",
                    code="idempotency_key_reused",
                )
            if known is None:
                seen[key] = hashes[key]
                fresh.append(posting)

        now = max(self.clock(), last_us + 1)
        opens = {ref.id: ref for p in fresh for ref in p.opens}
        if opens:
            await self.repo.open_accounts(
                [
                    (ref.id, int(ref.ledger), int(ref.code), ref.owner_ref, int(ACCOUNT_FLAGS[ref.code]), now)
                    for ref in opens.values()
                ]
            )
        pending_ids = {leg.pending_id for p in fresh for leg in p.command.legs if leg.pending_id}
        pendings = await self.repo.transfers(pending_ids) if pending_ids else {}
        resolved = await self.repo.resolved(pending_ids) if pending_ids else set()
        account_ids = {a for p in fresh for leg in p.command.legs for a in (leg.debit, leg.credit) if a}
        account_ids |= {a for t in pendings.values() for a in (t["debit_account_id"], t["credit_account_id"])}
        locked = await self.repo.lock_accounts(account_ids) if account_ids else {}
        closed_through = await self.repo.closed_through()

        state = {
            i: [r["debits_pending"], r["debits_posted"], r["credits_pending"], r["credits_posted"]]
            for i, r in locked.items()
        }
        initial = {i: list(v) for i, v in state.items()}
        journal_rows: list[tuple[Any, ...]] = []
        transfer_rows: list[tuple[Any, ...]] = []
        results: dict[str, JournalResult] = {}

        for posting in fresh:
            cmd = posting.command
            seq += 1
            now = max(now, last_us + 1)
            last_us = now
            legs: list[dict[str, Any]] = []
            status: Status
            code: str
            detail: str
            snapshot: dict[str, list[int]] = {}
            try:
                if (
                    closed_through
                    and cmd.effective_date[:7] <= closed_through
                    and not cmd.kind.startswith("period.")
                ):
                    raise Rejected("period_closed", f"La période {closed_through} est close.")
                for index, leg in enumerate(cmd.legs):
                    legs.append(
                        self._apply(cmd, index, leg, now, locked, state, snapshot, pendings, resolved)
                    )
                self._check_accounts(snapshot, locked, state)
                status, code, detail = "applied", "", ""
            except Rejected as rejection:
                for account, counters in snapshot.items():
                    state[account] = counters
                for t in legs:
                    pendings.pop(t["id"], None)
                    if t["pending_id"]:
                        resolved.discard(t["pending_id"])
                legs = []
                status, code, detail = "rejected", rejection.code, rejection.detail
            memo = dict(cmd.memo)
            if memo_for is not None and status == "applied":
                memo.update(memo_for(seq, prev_hash))
            reply = StoredResult(
                status=status, code=code, detail=detail, transfer_ids=tuple(t["id"] for t in legs), memo=memo
            )
            journal = {
                "seq": seq,
                "id": journal_id(cmd.idempotency_key),
                "idempotency_key": cmd.idempotency_key,
                "request_hash": hashes[cmd.idempotency_key],
                "kind": cmd.kind,
                "status": status,
                "actor": actor,
                "result": _result_encoder.encode(reply).decode(),
                "effective_date": cmd.effective_date,
                "recorded_at_us": now,
            }
            new_hash = chain_hash(prev_hash, journal, legs)
            journal_rows.append(
                (
                    journal["id"],
                    seq,
                    cmd.idempotency_key,
                    journal["request_hash"],
                    cmd.kind,
                    status,
                    actor,
                    journal["result"],
                    cmd.effective_date,
                    prev_hash,
                    new_hash,
                    now,
                )
            )
            transfer_rows.extend(
                (
                    t["id"],
                    seq,
                    t["leg"],
                    t["ledger"],
                    t["code"],
                    t["kind"],
                    t["debit_account_id"],
                    t["credit_account_id"],
                    t["amount"],
                    t["pending_id"],
                    t["timeout_at_us"],
                    t["business_ref"],
                    t["effective_date"],
                    t["recorded_at_us"],
                )
                for t in legs
            )
            prev_hash = new_hash
            results[cmd.idempotency_key] = JournalResult(
                idempotency_key=cmd.idempotency_key,
                seq=seq,
                status=status,
                code=code,
                detail=detail,
                transfer_ids=reply.transfer_ids,
                memo=memo,
            )

        if journal_rows:
            await self.repo.insert_journals(journal_rows)
            await self.repo.insert_transfers(transfer_rows)
            deltas = [
                (c[0] - i[0], c[1] - i[1], c[2] - i[2], c[3] - i[3], account)
                for account, c in state.items()
                if c != (i := initial[account])
            ]
            await self.repo.add_to_counters(deltas)
            await self.repo.set_head(seq, prev_hash, last_us)
            if not self.sql.pg:
                unbalanced = await self.repo.unbalanced_clearing(int(AccountCode.INVOICE_CLEARING))
                assert not unbalanced, f"clearing account not balanced: {unbalanced}"

        replies: list[JournalResult] = []
        for posting in postings:
            key = posting.command.idempotency_key
            if key in existing:
                row = existing[key]
                stored_result = _result_decoder.decode(row["result"])
                replies.append(
                    JournalResult(
                        idempotency_key=key,
                        seq=int(row["seq"]),
                        status=stored_result.status,
                        code=stored_result.code,
                        detail=stored_result.detail,
                        transfer_ids=stored_result.transfer_ids,
                        memo=stored_result.memo,
                        replayed=True,
                    )
                )
            else:
                first = results[key]
                # A key repeated inside one batch: the later copies are replays of the first.
                replays = sum(1 for r in replies if r.idempotency_key == key)
                replies.append(first if replays == 0 else msgspec.structs.replace(first, replayed=True))
        return replies

    def _apply(
        self,
        cmd: PostJournal,
        index: int,
        leg: Leg,
        now: int,
        locked: dict[str, dict[str, Any]],
        state: dict[str, list[int]],
        snapshot: dict[str, list[int]],
        pendings: dict[str, dict[str, Any]],
        resolved: set[str],
    ) -> dict[str, Any]:
        kind = _KINDS[leg.kind]
        debit, credit, amount = leg.debit, leg.credit, leg.amount
        timeout_at = None
        if kind in (Kind.POST, Kind.VOID, Kind.EXPIRE):
            assert leg.pending_id is not None
            pending = pendings.get(leg.pending_id)
            if pending is None or pending["kind"] != Kind.PENDING:
                raise Rejected("pending_transfer_not_found", "Réservation introuvable.")
            if leg.pending_id in resolved:
                raise Rejected("pending_transfer_already_resolved", "Cette réservation a déjà été soldée.")
            if (debit or pending["debit_account_id"]) != pending["debit_account_id"] or (
                credit or pending["credit_account_id"]
            ) != pending["credit_account_id"]:
                raise Rejected("pending_transfer_mismatch", "Les comptes ne sont pas ceux de la réservation.")
            debit, credit = pending["debit_account_id"], pending["credit_account_id"]
            expired = pending["timeout_at_us"] is not None and now >= pending["timeout_at_us"]
            if kind in (Kind.POST, Kind.VOID) and expired:
                raise Rejected("pending_transfer_expired", "La réservation a expiré.")
            if kind == Kind.EXPIRE and not expired:
                raise Rejected("pending_transfer_not_expired", "La réservation n'a pas encore expiré.")
            if kind == Kind.POST and amount > pending["amount"]:
                raise Rejected("exceeds_pending_amount", "Le montant dépasse la réservation.")
            if kind != Kind.POST:
                amount = pending["amount"]
        for account in (debit, credit):
            if account not in locked:
                raise Rejected("account_not_found", f"Compte inconnu : {account}.")
            if account not in snapshot:
                snapshot[account] = list(state[account])
        dr, cr = locked[debit], locked[credit]
        if dr["ledger"] != cr["ledger"]:
            raise Rejected("ledgers_differ", "Un mouvement ne peut pas relier deux grands livres.")
        if (dr["flags"] | cr["flags"]) & CLOSED and kind not in (Kind.VOID, Kind.EXPIRE):
            raise Rejected("account_closed", "Compte clos.")
        d, c = state[debit], state[credit]
        if kind == Kind.SINGLE:
            d[1] += amount
            c[3] += amount
        elif kind == Kind.PENDING:
            d[0] += amount
            c[2] += amount
            if leg.timeout_us is not None:
                timeout_at = now + leg.timeout_us
        else:
            pending = pendings[leg.pending_id]  # type: ignore[index]
            d[0] -= pending["amount"]
            c[2] -= pending["amount"]
            if kind == Kind.POST:
                d[1] += amount
                c[3] += amount
            resolved.add(leg.pending_id)  # type: ignore[arg-type]
        row = {
            "id": transfer_id(cmd.idempotency_key, index),
            "leg": index,
            "ledger": int(dr["ledger"]),
            "code": leg.code,
            "kind": int(kind),
            "debit_account_id": debit,
            "credit_account_id": credit,
            "amount": amount,
            "pending_id": leg.pending_id if kind in (Kind.POST, Kind.VOID, Kind.EXPIRE) else None,
            "timeout_at_us": timeout_at,
            "business_ref": leg.business_ref,
            "effective_date": cmd.effective_date,
            "recorded_at_us": now,
        }
        if kind == Kind.PENDING:
            pendings[str(row["id"])] = row
        return row

    @staticmethod
    def _check_accounts(
        touched: Iterable[str], locked: dict[str, dict[str, Any]], state: dict[str, list[int]]
    ) -> None:
        for account in touched:
            dp, dpo, cp, cpo = state[account]
            flags = int(locked[account]["flags"])
            if flags & DMNEC and dp + dpo > cpo:
                raise Rejected("exceeds_credits", f"Solde insuffisant sur {locked[account]['owner_ref']}.")
            if flags & CMNED and cp + cpo > dpo:
                raise Rejected(
                    "exceeds_debits", f"Montant supérieur au dû sur {locked[account]['owner_ref']}."
                )
            if locked[account]["code"] == AccountCode.INVOICE_CLEARING and (dpo != cpo or dp != cp):
                raise Rejected("clearing_not_balanced", "Le compte de passage n'est pas soldé.")

    # Reads, expiry, period close ---------------------------------------------------------------------

    async def balances(self, refs: Iterable[AccountRef]) -> dict[AccountRef, AccountBalance | None]:
        refs = list(refs)
        async with self.db.engine.transaction():
            rows = await self.repo.accounts([r.id for r in refs])
        return {r: (msgspec.convert(rows[r.id], AccountBalance) if r.id in rows else None) for r in refs}

    async def expire_due(self, *, limit: int = 1000, code: int = 123) -> int:
        """Release reservations whose deadline has passed, in (deadline, id) order. Idempotent."""

        async def work() -> int:
            due = await self.repo.due_pendings(self.clock(), limit)
            postings = [
                Posting(
                    command=PostJournal(
                        idempotency_key=f"expire:{row['id']}",
                        kind="reservation.expire",
                        effective_date=time.strftime("%Y-%m-%d", time.gmtime(self.clock() / 1e6)),
                        legs=(
                            Leg(
                                code=code,
                                debit="",
                                credit="",
                                amount=row["amount"],
                                kind="expire",
                                pending_id=row["id"],
                                business_ref=row["business_ref"],
                            ),
                        ),
                    )
                )
                for row in due
            ]
            results = await self.post_locked(postings, actor="system:expiry") if postings else []
            return sum(1 for r in results if r.applied and not r.replayed)

        return int(await self.run(work))

    async def close_period(self, period: str, *, actor: str) -> JournalResult:
        """Freeze ``period`` (and every earlier one) and seal it in the chain with a balance snapshot."""
        if len(period) != 7 or period[4] != "-":
            raise InvalidInput("Période invalide (AAAA-MM attendu).", code="bad_period")

        async def work() -> JournalResult:
            await self.repo.lock_head()
            closed = await self.repo.closed_through()
            if closed and period <= closed:
                sealed = await self.repo.journals_by_key([f"period.close:{period}"])
                if period == closed and sealed:  # a retried close: the same seal, nothing new
                    row = next(iter(sealed.values()))
                    return JournalResult(
                        idempotency_key=row["idempotency_key"],
                        seq=int(row["seq"]),
                        status="applied",
                        replayed=True,
                    )
                raise Conflict(f"La période {period} est déjà close.", code="period_already_closed")
            if period >= time.strftime("%Y-%m", time.gmtime(self.clock() / 1e6)):
                raise Conflict(f"La période {period} n'est pas terminée.", code="period_not_over")
            snapshot = snapshot_hash([b for b in await self.repo.all_balances() if any(b[1:])])
            command = PostJournal(
                idempotency_key=f"period.close:{period}",
                kind="period.close",
                effective_date=f"{period}-01",
                memo={"period": period},
            )

            def seal(seq: int, prev_hash: str) -> dict[str, str | int]:
                return {
                    "sealed_through_seq": seq - 1,
                    "sealed_head_hash": prev_hash,
                    "snapshot_hash": snapshot,
                }

            result = (await self.post_locked([Posting(command=command)], actor=actor, memo_for=seal))[0]
            await self.repo.insert_period(period, result.seq, self.clock(), actor)
            return result

        return await self.run(work)
