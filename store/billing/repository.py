"""Every billing query (grants, charges, runs, invoices, lines, numbering, payments).

Like the ledger's, these statements run on the current transaction's connection (``Sql``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from store.billing.ledger.codes import AccountCode, Kind
from store.billing.ledger.sql import Sql

INVOICE_COLUMNS = (
    "id, kind, run_id, issuer_siren, payer_siren, payer_name, series, year, seq, number, status, period, "
    "total_ht, total_vat, total_ttc, issue_date, due_date, corrects_id, reason, buyer_service_code, "
    "buyer_engagement, journal_seq, created_at_us"
)
LINE_COLUMNS = (
    "id, invoice_id, position, charge_id, description, amount_ht, vat_rate_bp, role, grant_id, "
    "publisher_siren, split, corrects_line_id"
)
CHARGE_TYPES = (
    *("text",) * 4,
    "bigint",
    "integer",
    *("text",) * 4,
    "bigint",
    *("text",) * 3,
)


class BillingRepository:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    # Grants and charges -----------------------------------------------------------------------------

    async def insert_grant(self, row: Sequence[Any]) -> None:
        await self.sql.execute(
            "INSERT INTO billing_grant (id, label, funder_siren, funder_name, envelope_ref, cap_bp, base, "
            "created_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            row,
        )

    async def grants(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        rows = await self.sql.fetch_in(
            "SELECT id, label, funder_siren, funder_name, envelope_ref, cap_bp, base FROM billing_grant "
            "WHERE id IN ({in})",
            ids,
        )
        return {r["id"]: r for r in rows}

    async def charges_by_ref(self, refs: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored charges among these ``source_ref`` (one statement per 10 000 refs)."""
        rows = await self.sql.fetch_keyed(
            "SELECT c.id AS id, c.source_ref AS source_ref, c.payer_siren AS payer_siren, "
            "c.payers AS payers, c.amount_ht AS amount_ht, c.vat_rate_bp AS vat_rate_bp, "
            "c.description AS description, "
            "c.period AS period, c.grant_id AS grant_id, c.publisher_siren AS publisher_siren, "
            "c.status AS status FROM {keys} JOIN billing_charge c ON c.source_ref = keys.value",
            refs,
        )
        return {r["source_ref"]: r for r in rows}

    async def insert_charges(self, rows: Sequence[Sequence[Any]]) -> None:
        """``(id, source_ref, payer_siren, payers, amount_ht, vat_rate_bp, description, period,
        grant_id, publisher_siren, created_at_us)`` rows, recorded as pending."""
        await self.sql.insert_set(
            "INSERT INTO billing_charge (id, source_ref, payer_siren, payers, amount_ht, vat_rate_bp, "
            "description, period, grant_id, publisher_siren, created_at_us, status, block_reason, run_id) "
            "{rows} ON CONFLICT DO NOTHING",
            CHARGE_TYPES,
            [(*row, "pending", "", None) for row in rows],
        )

    async def pending_charges(self, period: str) -> list[dict[str, Any]]:
        """Charges of the period on no invoice line yet and not blocked, in ``source_ref`` order."""
        return await self.sql.fetch(
            "SELECT id, source_ref, payer_siren, payers, amount_ht, vat_rate_bp, description, period, "
            "grant_id, publisher_siren FROM billing_charge c WHERE period = ? AND status = 'pending' "
            "AND NOT EXISTS (SELECT 1 FROM billing_invoice_line l WHERE l.charge_id = c.id) "
            "ORDER BY source_ref",
            [period],
        )

    async def set_charge_status(self, rows: Sequence[Sequence[Any]]) -> None:
        """``(status, block_reason, run_id, id)`` rows."""
        await self.sql.executemany(
            "UPDATE billing_charge SET status = ?, block_reason = ?, run_id = ? WHERE id = ?", rows
        )

    async def blocked_charges(self, run_id: str) -> list[dict[str, Any]]:
        return await self.sql.fetch(
            "SELECT source_ref, block_reason FROM billing_charge WHERE run_id = ? AND status = 'blocked' "
            "ORDER BY source_ref",
            [run_id],
        )

    async def collectivite_names(self, sirens: Iterable[str]) -> dict[str, str]:
        rows = await self.sql.fetch_in("SELECT siren, name FROM collectivite WHERE siren IN ({in})", sirens)
        return {r["siren"]: r["name"] for r in rows}

    # Runs ---------------------------------------------------------------------------------------------

    async def run_for(self, period: str) -> dict[str, Any] | None:
        rows = await self.sql.fetch(
            "SELECT id, period, status, issue_date, counts FROM billing_run WHERE period = ?", [period]
        )
        return rows[0] if rows else None

    async def insert_run(self, row: Sequence[Any]) -> None:
        await self.sql.execute(
            "INSERT INTO billing_run (id, period, status, issue_date, counts, created_at_us, finished_at_us) "
            "VALUES (?, ?, ?, ?, ?, ?, NULL)",
            row,
        )

    async def finish_run(self, run_id: str, counts: str, finished_at_us: int) -> None:
        await self.sql.execute(
            "UPDATE billing_run SET status = 'done', counts = ?, finished_at_us = ? WHERE id = ?",
            [counts, finished_at_us, run_id],
        )

    # Invoices -----------------------------------------------------------------------------------------

    async def insert_invoices(self, rows: Sequence[Sequence[Any]]) -> None:
        await self.sql.executemany(
            f"INSERT INTO billing_invoice ({INVOICE_COLUMNS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    async def insert_lines(self, rows: Sequence[Sequence[Any]]) -> None:
        await self.sql.executemany(
            f"INSERT INTO billing_invoice_line ({LINE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    async def drafts(self, run_id: str, limit: int) -> list[dict[str, Any]]:
        return await self.sql.fetch(
            f"SELECT {INVOICE_COLUMNS} FROM billing_invoice WHERE run_id = ? AND seq IS NULL "
            "ORDER BY payer_siren, id LIMIT ?",
            [run_id, limit],
        )

    async def count_run_invoices(self, run_id: str) -> tuple[int, int]:
        rows = await self.sql.fetch(
            "SELECT count(*) AS total, count(seq) AS issued FROM billing_invoice WHERE run_id = ?", [run_id]
        )
        return int(rows[0]["total"]), int(rows[0]["issued"])

    async def lines_of(self, invoice_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        rows = await self.sql.fetch_in(
            f"SELECT {LINE_COLUMNS} FROM billing_invoice_line WHERE invoice_id IN ({{in}}) "
            "ORDER BY invoice_id, position",
            invoice_ids,
        )
        out: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            out.setdefault(row["invoice_id"], []).append(row)
        return out

    async def posting_lines_of(self, invoice_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
        """Just what a posting needs (amounts, rates, grants, publishers): no texts."""
        rows = await self.sql.fetch_in(
            "SELECT invoice_id, amount_ht, vat_rate_bp, grant_id, publisher_siren FROM billing_invoice_line "
            "WHERE invoice_id IN ({in})",
            invoice_ids,
        )
        out: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            out.setdefault(row["invoice_id"], []).append(row)
        return out

    async def next_numbers(self, key: str, count: int) -> int:
        """Reserve ``count`` consecutive numbers in a series; returns the first. Gapless: the counter
        moves inside the issuing transaction, under the ledger's writer lock."""
        rows = await self.sql.fetch(
            f"SELECT last FROM billing_sequence WHERE key = ?{self.sql.for_update}", [key]
        )
        last = int(rows[0]["last"]) if rows else 0
        if rows:
            await self.sql.execute("UPDATE billing_sequence SET last = ? WHERE key = ?", [last + count, key])
        else:
            await self.sql.execute("INSERT INTO billing_sequence (key, last) VALUES (?, ?)", [key, count])
        return last + 1

    async def issue(self, rows: Sequence[Sequence[Any]]) -> None:
        """``(seq, number, status, issue_date, due_date, journal_seq, id)`` rows."""
        await self.sql.executemany(
            "UPDATE billing_invoice SET seq = ?, number = ?, status = ?, issue_date = ?, due_date = ?, "
            "journal_seq = ? WHERE id = ? AND seq IS NULL",
            rows,
        )

    async def set_status(self, invoice_id: str, status: str) -> None:
        await self.sql.execute("UPDATE billing_invoice SET status = ? WHERE id = ?", [status, invoice_id])

    async def invoice(self, invoice_id: str) -> dict[str, Any] | None:
        rows = await self.sql.fetch(
            f"SELECT {INVOICE_COLUMNS} FROM billing_invoice WHERE id = ?", [invoice_id]
        )
        return rows[0] if rows else None

    async def invoice_by_number(self, number: str) -> dict[str, Any] | None:
        rows = await self.sql.fetch(
            f"SELECT {INVOICE_COLUMNS} FROM billing_invoice WHERE number = ? AND kind = 'invoice'", [number]
        )
        return rows[0] if rows else None

    async def invoices(
        self, *, payer_sirens: Sequence[str] | None, limit: int, offset: int
    ) -> list[dict[str, Any]]:
        where, args = "seq IS NOT NULL", list[Any]()
        if payer_sirens is not None:
            if not payer_sirens:
                return []
            where += f" AND payer_siren IN ({', '.join('?' * len(payer_sirens))})"
            args.extend(payer_sirens)
        return await self.sql.fetch(
            f"SELECT {INVOICE_COLUMNS} FROM billing_invoice WHERE {where} "
            "ORDER BY issue_date DESC, number DESC LIMIT ? OFFSET ?",
            [*args, limit, offset],
        )

    async def credit_notes_of(self, invoice_id: str) -> list[dict[str, Any]]:
        return await self.sql.fetch(
            f"SELECT {INVOICE_COLUMNS} FROM billing_invoice WHERE corrects_id = ? ORDER BY seq", [invoice_id]
        )

    async def all_documents(self) -> list[dict[str, Any]]:
        return await self.sql.fetch(f"SELECT {INVOICE_COLUMNS} FROM billing_invoice WHERE seq IS NOT NULL")

    async def all_lines(self) -> list[dict[str, Any]]:
        return await self.sql.fetch(
            f"SELECT {LINE_COLUMNS} FROM billing_invoice_line l WHERE EXISTS "
            "(SELECT 1 FROM billing_invoice i WHERE i.id = l.invoice_id AND i.seq IS NOT NULL)"
        )

    # Payments -----------------------------------------------------------------------------------------

    async def payment_by_key(self, key: str) -> dict[str, Any] | None:
        rows = await self.sql.fetch(
            "SELECT id, idempotency_key, invoice_id, amount, applied, excess, paid_on, reference, source "
            "FROM billing_payment WHERE idempotency_key = ?",
            [key],
        )
        return rows[0] if rows else None

    async def insert_payment(self, row: Sequence[Any]) -> None:
        await self.sql.execute(
            "INSERT INTO billing_payment (id, idempotency_key, invoice_id, amount, applied, excess, paid_on, "
            "reference, source, journal_seq, created_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )

    async def payments_total(self, invoice_id: str) -> int:
        rows = await self.sql.fetch(
            "SELECT coalesce(sum(applied), 0) AS total FROM billing_payment WHERE invoice_id = ?",
            [invoice_id],
        )
        return int(rows[0]["total"])

    # Statements (the billing pages) -----------------------------------------------------------------

    async def amounts_due(self, invoice_ids: Iterable[str]) -> dict[str, int]:
        """TTC still held by each invoice's receivable."""
        rows = await self.sql.fetch_in(
            "SELECT i.id AS id, a.debits_posted - a.credits_posted AS due FROM billing_invoice i "
            "JOIN ledger_account a ON a.code = ? AND a.owner_ref = 'invoice:' || i.id WHERE i.id IN ({in})",
            invoice_ids,
            [int(AccountCode.RECEIVABLE_INVOICE)],
        )
        return {r["id"]: int(r["due"]) for r in rows}

    async def due_by_payer(
        self, payer_sirens: Sequence[str] | None, today: str
    ) -> dict[str, tuple[int, int]]:
        """``{siren: (due, overdue)}``: TTC still owed on issued invoices, and the part past due."""
        if payer_sirens is not None and not payer_sirens:
            return {}
        where, args = "", list[Any]()
        if payer_sirens is not None:
            where = f" AND i.payer_siren IN ({', '.join('?' * len(payer_sirens))})"
            args.extend(payer_sirens)
        rows = await self.sql.fetch(
            "SELECT i.payer_siren AS siren, sum(a.debits_posted - a.credits_posted) AS due, "
            "sum(CASE WHEN i.status = 'issued' AND i.due_date < ? "
            "THEN a.debits_posted - a.credits_posted ELSE 0 END) AS late "
            "FROM billing_invoice i JOIN ledger_account a ON a.code = ? AND a.owner_ref = 'invoice:' || i.id "
            f"WHERE i.kind = 'invoice' AND i.seq IS NOT NULL{where} GROUP BY i.payer_siren",
            [today, int(AccountCode.RECEIVABLE_INVOICE), *args],
        )
        return {r["siren"]: (int(r["due"]), int(r["late"])) for r in rows}

    async def revenue_by_period(self, publisher_siren: str) -> list[dict[str, Any]]:
        """HT invoiced and credited per period on lines of charges carrying the publisher."""
        return await self.sql.fetch(
            "SELECT i.period AS period, "
            "sum(CASE WHEN i.kind = 'invoice' THEN l.amount_ht ELSE 0 END) AS invoiced_ht, "
            "sum(CASE WHEN i.kind = 'credit_note' THEN l.amount_ht ELSE 0 END) AS credited_ht "
            "FROM billing_invoice_line l JOIN billing_invoice i ON i.id = l.invoice_id "
            "WHERE l.publisher_siren = ? AND i.seq IS NOT NULL GROUP BY i.period ORDER BY i.period DESC",
            [publisher_siren],
        )

    async def revenue_by_description(self, publisher_siren: str) -> list[dict[str, Any]]:
        """The same, per charged service (the charge's description)."""
        return await self.sql.fetch(
            "SELECT c.description AS description, "
            "sum(CASE WHEN i.kind = 'invoice' THEN l.amount_ht ELSE 0 END) AS invoiced_ht, "
            "sum(CASE WHEN i.kind = 'credit_note' THEN l.amount_ht ELSE 0 END) AS credited_ht "
            "FROM billing_invoice_line l JOIN billing_invoice i ON i.id = l.invoice_id "
            "JOIN billing_charge c ON c.id = l.charge_id "
            "WHERE l.publisher_siren = ? AND i.seq IS NOT NULL GROUP BY c.description ORDER BY c.description",
            [publisher_siren],
        )

    async def debited_by_code(self, account_id: str, code: int) -> int:
        """Posted debits of one account through one transfer code (cents)."""
        rows = await self.sql.fetch(
            "SELECT coalesce(sum(amount), 0) AS total FROM ledger_transfer "
            "WHERE debit_account_id = ? AND code = ? AND kind IN (?, ?)",
            [account_id, code, int(Kind.SINGLE), int(Kind.POST)],
        )
        return int(rows[0]["total"])

    async def publisher_names(self, sirens: Iterable[str]) -> dict[str, str]:
        rows = await self.sql.fetch_in("SELECT siren, name FROM publisher WHERE siren IN ({in})", sirens)
        return {r["siren"]: r["name"] for r in rows}

    async def accounts_of_ledger(self, ledger: int) -> list[dict[str, Any]]:
        return await self.sql.fetch(
            "SELECT code, owner_ref, debits_pending, debits_posted, credits_pending, credits_posted "
            "FROM ledger_account WHERE ledger = ? ORDER BY code, owner_ref",
            [ledger],
        )

    async def recent_runs(self, limit: int) -> list[dict[str, Any]]:
        return await self.sql.fetch(
            "SELECT id, period, status, issue_date, counts FROM billing_run ORDER BY period DESC LIMIT ?",
            [limit],
        )

    async def payments_of(self, invoice_id: str) -> list[dict[str, Any]]:
        return await self.sql.fetch(
            "SELECT id, amount, applied, excess, paid_on, reference, source FROM billing_payment "
            "WHERE invoice_id = ? ORDER BY paid_on, created_at_us",
            [invoice_id],
        )

    async def document_by_number(self, number: str) -> dict[str, Any] | None:
        rows = await self.sql.fetch("SELECT id FROM billing_invoice WHERE number = ?", [number])
        return rows[0] if rows else None

    async def journal_has_ref(self, seq: int, business_ref: str) -> bool:
        rows = await self.sql.fetch(
            "SELECT 1 AS hit FROM ledger_transfer WHERE journal_seq = ? AND business_ref = ? LIMIT 1",
            [seq, business_ref],
        )
        return bool(rows)
