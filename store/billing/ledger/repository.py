"""Every ledger query. Runs on the connection of the current write transaction (see ``Sql``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from store.billing.ledger.chain import GENESIS
from store.billing.ledger.sql import Sql

ACCOUNT_COLUMNS = (
    "id, ledger, code, owner_ref, flags, debits_pending, debits_posted, credits_pending, credits_posted"
)
JOURNAL_INSERT = (
    "INSERT INTO ledger_journal (id, seq, idempotency_key, request_hash, kind, status, actor, result, "
    "effective_date, prev_hash, hash, recorded_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
TRANSFER_INSERT = (
    "INSERT INTO ledger_transfer (id, journal_seq, leg, ledger, code, kind, debit_account_id, "
    "credit_account_id, amount, pending_id, timeout_at_us, business_ref, effective_date, recorded_at_us) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
COUNTERS_UPDATE = (
    "UPDATE ledger_account SET debits_pending = debits_pending + ?, debits_posted = debits_posted + ?, "
    "credits_pending = credits_pending + ?, credits_posted = credits_posted + ? WHERE id = ?"
)


class LedgerRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    async def lock_head(self) -> dict[str, Any]:
        """Take the writer lock (row lock on PostgreSQL; BEGIN IMMEDIATE already holds it on SQLite)."""
        rows = await self.sql.fetch(
            f"SELECT seq, hash, recorded_at_us FROM ledger_chain_head WHERE id = 1{self.sql.for_update}"
        )
        if rows:
            return rows[0]
        await self.sql.execute(
            "INSERT INTO ledger_chain_head (id, seq, hash, recorded_at_us) VALUES (1, 0, ?, 0) "
            "ON CONFLICT DO NOTHING",
            [GENESIS],
        )
        rows = await self.sql.fetch(
            f"SELECT seq, hash, recorded_at_us FROM ledger_chain_head WHERE id = 1{self.sql.for_update}"
        )
        return rows[0]

    async def set_head(self, seq: int, hash_: str, recorded_at_us: int) -> None:
        await self.sql.execute(
            "UPDATE ledger_chain_head SET seq = ?, hash = ?, recorded_at_us = ? WHERE id = 1",
            [seq, hash_, recorded_at_us],
        )

    async def journals_by_key(self, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = await self.sql.fetch_in(
            "SELECT idempotency_key, request_hash, seq, status, result FROM ledger_journal "
            "WHERE idempotency_key IN ({in})",
            keys,
        )
        return {r["idempotency_key"]: r for r in rows}

    async def open_accounts(self, rows: Sequence[Sequence[Any]]) -> None:
        """Create accounts that do not exist yet: ``(id, ledger, code, owner_ref, flags, created_at_us)``."""
        await self.sql.executemany(
            "INSERT INTO ledger_account (id, ledger, code, owner_ref, flags, debits_pending, debits_posted, "
            "credits_pending, credits_posted, created_at_us) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?) "
            "ON CONFLICT DO NOTHING",
            rows,
        )

    async def lock_accounts(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Lock the accounts in id order (PostgreSQL), so that concurrent writers never deadlock."""
        ordered = sorted(set(ids))
        rows = await self.sql.fetch_in(
            f"SELECT {ACCOUNT_COLUMNS} FROM ledger_account WHERE id IN ({{in}}) "
            f"ORDER BY id{self.sql.for_update}",
            ordered,
        )
        return {r["id"]: r for r in rows}

    async def accounts(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = await self.sql.fetch_in(
            f"SELECT {ACCOUNT_COLUMNS} FROM ledger_account WHERE id IN ({{in}})", ids
        )
        return {r["id"]: r for r in rows}

    async def transfers(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = await self.sql.fetch_in(
            "SELECT id, ledger, code, kind, debit_account_id, credit_account_id, amount, timeout_at_us, "
            "business_ref FROM ledger_transfer WHERE id IN ({in})",
            ids,
        )
        return {r["id"]: r for r in rows}

    async def resolved(self, pending_ids: Iterable[str]) -> set[str]:
        rows = await self.sql.fetch_in(
            "SELECT pending_id FROM ledger_transfer WHERE pending_id IN ({in})", pending_ids
        )
        return {r["pending_id"] for r in rows}

    async def insert_journals(self, rows: Sequence[Sequence[Any]]) -> None:
        await self.sql.executemany(JOURNAL_INSERT, rows)

    async def insert_transfers(self, rows: Sequence[Sequence[Any]]) -> None:
        await self.sql.executemany(TRANSFER_INSERT, rows)

    async def add_to_counters(self, rows: Sequence[Sequence[Any]]) -> None:
        await self.sql.executemany(COUNTERS_UPDATE, rows)

    async def unbalanced_clearing(self, clearing_code: int) -> list[str]:
        rows = await self.sql.fetch(
            "SELECT owner_ref FROM ledger_account WHERE code = ? AND "
            "(debits_posted <> credits_posted OR debits_pending <> credits_pending)",
            [clearing_code],
        )
        return [r["owner_ref"] for r in rows]

    async def closed_through(self) -> str | None:
        rows = await self.sql.fetch("SELECT max(period) AS period FROM ledger_period")
        return rows[0]["period"] if rows else None

    async def insert_period(self, period: str, seal_seq: int, closed_at_us: int, closed_by: str) -> None:
        await self.sql.execute(
            "INSERT INTO ledger_period (period, status, seal_seq, closed_at_us, closed_by) "
            "VALUES (?, 'closed', ?, ?, ?)",
            [period, seal_seq, closed_at_us, closed_by],
        )

    async def due_pendings(self, now_us: int, limit: int) -> list[dict[str, Any]]:
        return await self.sql.fetch(
            "SELECT p.id, p.code, p.debit_account_id, p.credit_account_id, p.amount, p.business_ref "
            "FROM ledger_transfer p WHERE p.kind = 1 AND p.timeout_at_us IS NOT NULL "
            "AND p.timeout_at_us <= ? "
            "AND NOT EXISTS (SELECT 1 FROM ledger_transfer r WHERE r.pending_id = p.id) "
            "ORDER BY p.timeout_at_us, p.id LIMIT ?",
            [now_us, limit],
        )

    async def all_balances(self) -> list[tuple[str, int, int, int, int]]:
        rows = await self.sql.fetch(
            "SELECT id, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_account"
        )
        return [
            (r["id"], r["debits_pending"], r["debits_posted"], r["credits_pending"], r["credits_posted"])
            for r in rows
        ]
