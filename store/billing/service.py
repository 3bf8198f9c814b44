"""Billing rules: grants, charges, the billing run, invoices (read with ownership), credit notes,
payments, period close and verification. Money-moving calls are curator-only and idempotent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from store.billing import accounts
from store.billing.amounts import LineAmount, invoice_amounts
from store.billing.budget import BudgetService
from store.billing.corrections import Corrections, today_of
from store.billing.events import BillingRunCompleted, CreditNoteIssued, PaymentRecorded, PeriodClosed
from store.billing.invoicing import BillingRun, stable_id
from store.billing.ledger.service import LedgerService
from store.billing.ledger.verify import CheckResult, read_history, verify_history
from store.billing.repository import BillingRepository
from store.billing.schemas import (
    ChargeIn,
    CreditNoteIn,
    CsvImportRow,
    GrantIn,
    InvoiceLineView,
    InvoiceSummary,
    InvoiceView,
    PaymentIn,
    PaymentView,
    RunReport,
    SplitPart,
    VatBreakdown,
)
from store.billing.statements import Statements
from store.billing.verify import verify_documents
from store.kit.auth import Actor, require_actor, require_curator
from store.kit.errors import Conflict, InvalidInput, NotFound
from store.kit.events import AuditRecord
from store.kit.settings import Settings
from store.kit.uow import UnitOfWorkFactory

_json = msgspec.json.Encoder()
SYSTEM = "system"


def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return SYSTEM
    return f"account:{actor.account_id}"


def _audit(
    actor: Actor | None, action: str, subject_type: str, subject_id: str, **data: object
) -> AuditRecord:
    return AuditRecord(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor.account_id if actor else None,
        actor_label=actor.email or "" if actor else SYSTEM,
        data=dict(data),
    )


class BillingService:
    def __init__(
        self, settings: Settings, uow: UnitOfWorkFactory, ledger: LedgerService | None = None
    ) -> None:
        self.settings = settings
        self.uow = uow
        self.db = uow.db
        self.ledger = ledger or LedgerService(uow.db)
        self.repo = BillingRepository(self.ledger.sql)
        self.runner = BillingRun(settings, self.ledger, self.repo)
        self.corrections = Corrections(settings, self.ledger, self.repo)
        self.budget = BudgetService(self.ledger)
        self.statements = Statements(self.ledger, self.repo, settings.billing_platform_fee_bp)
        self.charge_sources: list[Callable[[str], Awaitable[list[ChargeIn]]]] = []
        """Producers asked for a period's charges before each run (subscriptions register theirs)."""

    def _curator(self, actor: Actor | None) -> None:
        if actor is not None:
            require_curator(actor)

    # Grants and charges -----------------------------------------------------------------------------

    async def register_grant(self, actor: Actor | None, data: GrantIn) -> None:
        self._curator(actor)
        async with self.uow() as work:
            existing = (await self.repo.grants([data.id])).get(data.id)
            if existing is not None:
                if {k: existing[k] for k in ("funder_siren", "envelope_ref", "cap_bp", "base")} != {
                    "funder_siren": data.funder_siren,
                    "envelope_ref": data.envelope_ref,
                    "cap_bp": data.cap_bp,
                    "base": data.base,
                }:
                    raise Conflict("Ce financement existe déjà avec d'autres règles.", code="grant_conflict")
                return
            await self.repo.insert_grant(
                (
                    data.id,
                    data.label,
                    data.funder_siren,
                    data.funder_name,
                    data.envelope_ref,
                    data.cap_bp,
                    data.base,
                    self.ledger.clock(),
                )
            )
            await self.ledger.repo.open_accounts(
                [
                    (ref.id, int(ref.ledger), int(ref.code), ref.owner_ref, 1, self.ledger.clock())
                    for ref in (accounts.commitment(data.id),)
                ]
            )
            work.audit(
                _audit(actor, "billing.grant.register", "grant", data.id, cap_bp=data.cap_bp, base=data.base)
            )

    async def add_charges(self, charges: list[ChargeIn]) -> int:
        """Record charges to invoice; idempotent by ``source_ref``. Returns how many were new.

        All or nothing: a ref already stored (or sent twice in the call) with another content is a
        409 ``charge_conflict`` and nothing is written. Under the writer lock (serialised with billing
        runs), whatever the count: one lookup statement and one insert per 10 000 charges."""
        for charge in charges:
            for payer in charge.co_payers:
                if payer.weight <= 0 or len(payer.siren) != 9 or not payer.siren.isdigit():
                    raise InvalidInput(
                        "Co-payeur invalide (SIREN à 9 chiffres, poids > 0).", code="bad_co_payer"
                    )
            if len({p.siren for p in charge.co_payers}) != len(charge.co_payers):
                raise InvalidInput("Un co-payeur apparaît deux fois.", code="bad_co_payer")
        rows: dict[str, tuple[Any, ...]] = {}
        for c in charges:
            payers = [[p.siren, p.weight] for p in c.co_payers] or [[c.payer_siren, 1]]
            row = (
                stable_id("charge", c.source_ref),
                c.source_ref,
                c.payer_siren,
                _json.encode(payers).decode(),
                c.amount_ht,
                c.vat_rate_bp,
                c.description,
                c.period,
                c.grant_id,
                c.publisher_siren,
            )
            if rows.setdefault(c.source_ref, row) != row:
                raise _charge_conflict(c.source_ref)

        async def work() -> int:
            await self.ledger.repo.lock_head()  # serialised with billing runs: none plans half a batch
            grant_ids = {r[8] for r in rows.values() if r[8]}
            grants = await self.repo.grants(grant_ids) if grant_ids else {}
            if missing := grant_ids - set(grants):
                raise InvalidInput(f"Financement inconnu : {sorted(missing)[0]}.", code="grant_unknown")
            known = await self.repo.charges_by_ref(rows)
            fresh = []
            for ref, row in rows.items():
                old = known.get(ref)
                if old is None:
                    fresh.append((*row, self.ledger.clock()))
                elif tuple(old[k] for k in CHARGE_FIELDS) != row:
                    raise _charge_conflict(ref)
            await self.repo.insert_charges(fresh)
            return len(fresh)

        return int(await self.ledger.run(work))

    # Billing run ------------------------------------------------------------------------------------

    async def run_billing(
        self, actor: Actor | None, period: str, *, issue_date: str | None = None
    ) -> RunReport:
        self._curator(actor)
        if len(period) != 7:
            raise InvalidInput("Période invalide (AAAA-MM attendu).", code="bad_period")
        day = issue_date or today_of(self.ledger.clock())
        for source in self.charge_sources:
            if charges := await source(period):
                await self.add_charges(charges)
        report = await self.runner.execute(period, issue_date=day, actor=actor_label(actor))
        async with self.uow() as work:
            work.emit(
                BillingRunCompleted(
                    run_id=report.run_id,
                    period=period,
                    invoices=report.invoices,
                    charges_blocked=report.charges_blocked,
                )
            )
            work.audit(
                _audit(
                    actor,
                    "billing.run.execute",
                    "billing_run",
                    report.run_id,
                    period=period,
                    invoices=report.invoices,
                    blocked=report.charges_blocked,
                )
            )
        return report

    # Reads (ownership checked here) -----------------------------------------------------------------

    def _visible_sirens(self, actor: Actor) -> list[str] | None:
        require_actor(actor)
        return None if actor.is_curator else sorted(actor.collectivite_sirens())

    async def list_invoices(self, actor: Actor, *, limit: int = 50, offset: int = 0) -> list[InvoiceSummary]:
        sirens = self._visible_sirens(actor)
        today = today_of(self.ledger.clock())
        async with self.db.engine.transaction():
            rows = await self.repo.invoices(payer_sirens=sirens, limit=limit, offset=offset)
        return [
            InvoiceSummary(
                id=r["id"],
                kind=r["kind"],
                number=r["number"],
                status=r["status"],
                overdue=_overdue(r, today),
                payer_siren=r["payer_siren"],
                payer_name=r["payer_name"],
                period=r["period"],
                issue_date=r["issue_date"],
                due_date=r["due_date"],
                total_ttc=r["total_ttc"],
            )
            for r in rows
        ]

    async def get_invoice(self, actor: Actor | None, invoice_id: str) -> InvoiceView:
        async with self.db.engine.transaction():
            row = await self.repo.invoice(invoice_id)
            if row is None or row["seq"] is None:
                raise NotFound("Facture introuvable.", code="invoice_not_found")
            if actor is not None:
                sirens = self._visible_sirens(actor)
                if sirens is not None and row["payer_siren"] not in sirens:
                    raise NotFound("Facture introuvable.", code="invoice_not_found")
            lines = (await self.repo.lines_of([invoice_id])).get(invoice_id, [])
            due = 0
            if row["kind"] == "invoice":
                balance = (await self.ledger.repo.accounts([accounts.receivable(invoice_id).id])).get(
                    accounts.receivable(invoice_id).id
                )
                due = balance["debits_posted"] - balance["credits_posted"] if balance else 0
        amounts = invoice_amounts(
            (
                LineAmount(ln["amount_ht"], ln["vat_rate_bp"], ln["grant_id"], ln["publisher_siren"])
                for ln in lines
            ),
            self.settings.billing_platform_fee_bp,
        )
        return InvoiceView(
            id=row["id"],
            kind=row["kind"],
            number=row["number"],
            status=row["status"],
            overdue=_overdue(row, today_of(self.ledger.clock())),
            issuer_siren=row["issuer_siren"],
            payer_siren=row["payer_siren"],
            payer_name=row["payer_name"],
            period=row["period"],
            issue_date=row["issue_date"],
            due_date=row["due_date"],
            total_ht=row["total_ht"],
            total_vat=row["total_vat"],
            total_ttc=row["total_ttc"],
            amount_due=due,
            corrects_id=row["corrects_id"],
            reason=row["reason"],
            buyer_service_code=row["buyer_service_code"],
            buyer_engagement=row["buyer_engagement"],
            vat_breakdown=[VatBreakdown(r, b, v) for r, b, v in amounts.vat_breakdown],
            lines=[
                InvoiceLineView(
                    position=ln["position"],
                    description=ln["description"],
                    amount_ht=ln["amount_ht"],
                    vat_rate_bp=ln["vat_rate_bp"],
                    role=ln["role"],
                    grant_id=ln["grant_id"],
                    charge_id=ln["charge_id"],
                    split=msgspec.json.decode(ln["split"], type=list[SplitPart]),
                )
                for ln in lines
            ],
        )

    async def invoice_pdf(self, actor: Actor | None, invoice_id: str) -> tuple[str, bytes]:
        """The invoice as a PDF/A-3 with its Factur-X (EN 16931) XML embedded."""
        from store.billing.facturx import render_facturx

        view = await self.get_invoice(actor, invoice_id)
        original = None
        if view.corrects_id:
            original = await self.get_invoice(None, view.corrects_id)
        return f"{view.number}.pdf", render_facturx(self.settings, view, original)

    # Corrections and payments -----------------------------------------------------------------------

    async def issue_credit_note(
        self, actor: Actor | None, invoice_id: str, data: CreditNoteIn, *, key: str
    ) -> InvoiceView:
        self._curator(actor)
        async with self.uow() as work:
            credit_id = await self.corrections.credit_note(
                invoice_id, data, key=key, actor=actor_label(actor)
            )
            view = await self.get_invoice(None, credit_id)
            work.emit(
                CreditNoteIssued(
                    credit_note_id=credit_id, invoice_id=invoice_id, payer_siren=view.payer_siren
                )
            )
            work.audit(
                _audit(
                    actor,
                    "billing.credit_note.issue",
                    "invoice",
                    invoice_id,
                    credit_note=view.number,
                    amount_ht=view.total_ht,
                    reason=data.reason,
                )
            )
        return view

    async def record_payment(
        self,
        actor: Actor | None,
        invoice_id: str,
        data: PaymentIn,
        *,
        key: str,
        source: str = "manual",
        allow_excess: bool = True,
    ) -> PaymentView:
        self._curator(actor)
        async with self.uow() as work:
            view = await self.corrections.record_payment(
                invoice_id, data, key=key, actor=actor_label(actor), source=source, allow_excess=allow_excess
            )
            if not view.replayed:
                work.emit(
                    PaymentRecorded(
                        payment_id=view.id, invoice_id=invoice_id, amount=view.amount, applied=view.applied
                    )
                )
                work.audit(
                    _audit(
                        actor,
                        "billing.payment.record",
                        "invoice",
                        invoice_id,
                        amount=view.amount,
                        reference=view.reference,
                    )
                )
        return view

    async def import_payments(self, actor: Actor | None, text: str) -> list[CsvImportRow]:
        self._curator(actor)
        return await self.corrections.import_payments_csv(text, actor=actor_label(actor))

    async def write_off(self, actor: Actor | None, invoice_id: str, *, key: str) -> bool:
        """Write off what remains due; ``True`` when the key had already done it (a replay)."""
        self._curator(actor)
        async with self.uow() as work:
            result = await self.corrections.write_off(invoice_id, key=key, actor=actor_label(actor))
            if not result.replayed:
                work.audit(_audit(actor, "billing.invoice.write_off", "invoice", invoice_id))
        return result.replayed

    async def overdue(self, today: str | None = None) -> list[InvoiceSummary]:
        day = today or today_of(self.ledger.clock())
        async with self.db.engine.transaction():
            rows = await self.repo.invoices(payer_sirens=None, limit=100_000, offset=0)
        return [
            InvoiceSummary(
                id=r["id"],
                kind=r["kind"],
                number=r["number"],
                status=r["status"],
                overdue=True,
                payer_siren=r["payer_siren"],
                payer_name=r["payer_name"],
                period=r["period"],
                issue_date=r["issue_date"],
                due_date=r["due_date"],
                total_ttc=r["total_ttc"],
            )
            for r in rows
            if _overdue(r, day)
        ]

    # Period close and verification ------------------------------------------------------------------

    async def close_period(self, actor: Actor | None, period: str) -> int:
        self._curator(actor)
        async with self.uow() as work:
            result = await self.ledger.close_period(period, actor=actor_label(actor))
            if not result.replayed:
                work.emit(PeriodClosed(period=period, seal_seq=result.seq))
                work.audit(_audit(actor, "billing.period.close", "period", period, seal_seq=result.seq))
        return result.seq

    async def verify(self) -> list[CheckResult]:
        async with self.db.engine.transaction():
            if self.ledger.sql.pg:
                await self.ledger.sql.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            history = await read_history(self.ledger.sql)
            documents = await self.repo.all_documents()
            lines = await self.repo.all_lines()
        checks = verify_history(history)
        receivables = {
            a["id"]: a for a in history["accounts"] if a["code"] == int(accounts.receivable("x").code)
        }
        return checks + verify_documents(documents, lines, receivables, self.settings.billing_platform_fee_bp)


CHARGE_FIELDS = (
    "id",
    "source_ref",
    "payer_siren",
    "payers",
    "amount_ht",
    "vat_rate_bp",
    "description",
    "period",
    "grant_id",
    "publisher_siren",
)


def _charge_conflict(source_ref: str) -> Conflict:
    return Conflict(f"La charge « {source_ref} » existe déjà avec un autre contenu.", code="charge_conflict")


def _overdue(row: dict[str, object], today: str) -> bool:
    due = row.get("due_date")
    return (
        row.get("kind") == "invoice"
        and row.get("status") == "issued"
        and isinstance(due, str)
        and due < today
    )
