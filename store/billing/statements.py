"""Read models for the billing pages: a collectivité's invoices with what is still due and its
balances, a publisher's invoiced revenue and what the platform owes it, the budget ledger's
balances. Ownership is checked here, like every read of ``BillingService``."""

from __future__ import annotations

import msgspec

from store.billing import accounts
from store.billing.corrections import today_of
from store.billing.ledger.codes import AccountCode, Ledger, TransferCode
from store.billing.ledger.service import LedgerService
from store.billing.repository import BillingRepository
from store.kit.auth import Actor, require_actor
from store.kit.errors import NotFound


class StatementLine(msgspec.Struct, frozen=True, kw_only=True):
    """One issued invoice or credit note, with its totals and what its receivable still holds."""

    id: str
    kind: str
    number: str | None
    status: str
    overdue: bool
    payer_siren: str
    payer_name: str
    period: str
    issue_date: str | None
    due_date: str | None
    total_ht: int
    total_vat: int
    total_ttc: int
    amount_due: int
    corrects_id: str | None
    reason: str


class PayerBalance(msgspec.Struct, frozen=True, kw_only=True):
    siren: str
    name: str
    due: int
    """TTC still owed on issued invoices."""
    overdue: int
    """The part of ``due`` whose due date has passed."""
    credit: int
    """Credit balance (overpayments, credit notes beyond what was due), owed back to the payer."""


class RevenueMonth(msgspec.Struct, frozen=True, kw_only=True):
    period: str
    invoiced_ht: int
    credited_ht: int

    @property
    def net_ht(self) -> int:
        return self.invoiced_ht - self.credited_ht


class RevenueByService(msgspec.Struct, frozen=True, kw_only=True):
    description: str
    invoiced_ht: int
    credited_ht: int

    @property
    def net_ht(self) -> int:
        return self.invoiced_ht - self.credited_ht


class PublisherRevenue(msgspec.Struct, frozen=True, kw_only=True):
    siren: str
    name: str
    fee_bp: int
    months: list[RevenueMonth]
    services: list[RevenueByService]
    payable_earned: int
    """What the ledger credited to the publisher's payable (its share of issued invoices, net of
    credit notes and of the platform's fee)."""
    payable_paid: int
    """What was already paid out to the publisher."""

    @property
    def payable_balance(self) -> int:
        return self.payable_earned - self.payable_paid


class BudgetBalance(msgspec.Struct, frozen=True, kw_only=True):
    code: int
    owner_ref: str
    debits_posted: int
    credits_posted: int
    debits_pending: int
    credits_pending: int

    @property
    def available(self) -> int:
        """Credit-normal budget accounts: received − handed out − reserved. The programme source
        is debit-normal: what it has handed to envelopes."""
        if self.code == AccountCode.BUDGET_SOURCE:
            return self.debits_posted - self.credits_posted
        return self.credits_posted - self.debits_posted - self.debits_pending


class RunRow(msgspec.Struct, frozen=True, kw_only=True):
    period: str
    status: str
    issue_date: str
    invoices: int
    charges_planned: int
    charges_blocked: int


class PaymentRow(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    amount: int
    applied: int
    excess: int
    paid_on: str
    reference: str
    source: str


def _overdue(row: dict[str, object], today: str) -> bool:
    due = row.get("due_date")
    return (
        row.get("kind") == "invoice"
        and row.get("status") == "issued"
        and isinstance(due, str)
        and due < today
    )


class Statements:
    def __init__(self, ledger: LedgerService, repo: BillingRepository, fee_bp: int) -> None:
        self.ledger = ledger
        self.repo = repo
        self.db = ledger.sql.db
        self.fee_bp = fee_bp

    def _payers(self, actor: Actor, payer: str | None) -> list[str] | None:
        """The payers the actor may read: its collectivités (one if ``payer`` names it), or any for a
        curator. Naming a collectivité one does not act for finds nothing, as the API answers."""
        require_actor(actor)
        if actor.is_curator:
            return None if payer is None else [payer]
        mine = sorted(actor.collectivite_sirens())
        if payer is None:
            return mine
        if payer not in mine:
            raise NotFound("Collectivité introuvable parmi les vôtres.", code="collectivite_not_found")
        return [payer]

    async def invoices(
        self, actor: Actor, *, payer: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[StatementLine]:
        sirens = self._payers(actor, payer)
        async with self.db.engine.transaction():
            rows = await self.repo.invoices(payer_sirens=sirens, limit=limit, offset=offset)
            due = await self.repo.amounts_due([r["id"] for r in rows if r["kind"] == "invoice"])
        return self._lines(rows, due)

    async def credit_notes(self, invoice_id: str) -> list[StatementLine]:
        """Credit notes of an invoice the caller has already been allowed to read."""
        async with self.db.engine.transaction():
            rows = await self.repo.credit_notes_of(invoice_id)
        return self._lines([r for r in rows if r["seq"] is not None], {})

    def _lines(self, rows: list[dict[str, object]], due: dict[str, int]) -> list[StatementLine]:
        today = today_of(self.ledger.clock())
        return [
            StatementLine(
                id=str(r["id"]),
                kind=str(r["kind"]),
                number=r["number"],  # type: ignore[arg-type]
                status=str(r["status"]),
                overdue=_overdue(r, today),
                payer_siren=str(r["payer_siren"]),
                payer_name=str(r["payer_name"]),
                period=str(r["period"]),
                issue_date=r["issue_date"],  # type: ignore[arg-type]
                due_date=r["due_date"],  # type: ignore[arg-type]
                total_ht=int(r["total_ht"]),  # type: ignore[call-overload]
                total_vat=int(r["total_vat"]),  # type: ignore[call-overload]
                total_ttc=int(r["total_ttc"]),  # type: ignore[call-overload]
                amount_due=due.get(str(r["id"]), 0),
                corrects_id=r["corrects_id"],  # type: ignore[arg-type]
                reason=str(r["reason"] or ""),
            )
            for r in rows
        ]

    async def balances(self, actor: Actor, *, payer: str | None = None) -> list[PayerBalance]:
        """What each of the actor's collectivités owes and holds (a curator: every payer)."""
        sirens = self._payers(actor, payer)
        today = today_of(self.ledger.clock())
        async with self.db.engine.transaction():
            owed = await self.repo.due_by_payer(sirens, today)
            known = sorted(set(owed) | set(sirens or ()))
            wallets = await self.ledger.repo.accounts(accounts.wallet(s).id for s in known)
            names = await self.repo.collectivite_names(known)
        out = []
        for siren in known:
            wallet = wallets.get(accounts.wallet(siren).id)
            credit = wallet["credits_posted"] - wallet["debits_posted"] if wallet else 0
            due, late = owed.get(siren, (0, 0))
            out.append(
                PayerBalance(
                    siren=siren, name=names.get(siren, siren), due=due, overdue=late, credit=int(credit)
                )
            )
        return out

    async def publisher_revenue(self, actor: Actor, siren: str) -> PublisherRevenue:
        require_actor(actor)
        if not (actor.is_curator or actor.speaks_for_publisher(siren)):
            raise NotFound("Éditeur introuvable parmi les vôtres.", code="publisher_not_found")
        async with self.db.engine.transaction():
            months = await self.repo.revenue_by_period(siren)
            services = await self.repo.revenue_by_description(siren)
            payable = (await self.ledger.repo.accounts([accounts.payable(siren).id])).get(
                accounts.payable(siren).id
            )
            credited = await self.repo.debited_by_code(
                accounts.payable(siren).id, int(TransferCode.CN_PROVIDER)
            )
            names = await self.repo.publisher_names([siren])
        return PublisherRevenue(
            siren=siren,
            name=names.get(siren, siren),
            fee_bp=self.fee_bp,
            months=[
                RevenueMonth(
                    period=m["period"], invoiced_ht=int(m["invoiced_ht"]), credited_ht=int(m["credited_ht"])
                )
                for m in months
            ],
            services=[
                RevenueByService(
                    description=s["description"],
                    invoiced_ht=int(s["invoiced_ht"]),
                    credited_ht=int(s["credited_ht"]),
                )
                for s in services
            ],
            # A credit note takes the publisher's share back (a debit): it lowers what was earned,
            # it was never paid out.
            payable_earned=int(payable["credits_posted"]) - credited if payable else 0,
            payable_paid=int(payable["debits_posted"]) - credited if payable else 0,
        )

    async def budget_balances(self) -> list[BudgetBalance]:
        """Every account of the budget ledger (programmes, envelopes, guichets, commitments,
        consumption): for curators (the caller checks)."""
        async with self.db.engine.transaction():
            rows = await self.repo.accounts_of_ledger(int(Ledger.BUDGET))
        return [
            BudgetBalance(
                code=int(r["code"]),
                owner_ref=str(r["owner_ref"]),
                debits_posted=int(r["debits_posted"]),
                credits_posted=int(r["credits_posted"]),
                debits_pending=int(r["debits_pending"]),
                credits_pending=int(r["credits_pending"]),
            )
            for r in rows
        ]

    async def runs(self, limit: int = 12) -> list[RunRow]:
        """The latest billing runs, most recent period first (curators)."""
        async with self.db.engine.transaction():
            rows = await self.repo.recent_runs(limit)
        out = []
        for r in rows:
            counts = msgspec.json.decode(r["counts"] or "{}", type=dict[str, int])
            out.append(
                RunRow(
                    period=r["period"],
                    status=r["status"],
                    issue_date=r["issue_date"],
                    invoices=counts.get("invoices", 0),
                    charges_planned=counts.get("charges_planned", 0),
                    charges_blocked=counts.get("charges_blocked", 0),
                )
            )
        return out

    async def run_done(self, period: str) -> bool:
        async with self.db.engine.transaction():
            return (await self.repo.run_for(period)) is not None

    async def closed_through(self) -> str | None:
        async with self.db.engine.transaction():
            return await self.ledger.repo.closed_through()

    async def payments(self, invoice_id: str) -> list[PaymentRow]:
        """Payments recorded on an invoice the caller has already been allowed to read."""
        async with self.db.engine.transaction():
            rows = await self.repo.payments_of(invoice_id)
        return [PaymentRow(**r) for r in rows]

    async def party_names(self, sirens: set[str], grant_ids: set[str]) -> dict[str, str]:
        """Names to show in a co-funding split: collectivités by SIREN, funders by grant (label)."""
        async with self.db.engine.transaction():
            names = await self.repo.collectivite_names(sirens) if sirens else {}
            grants = await self.repo.grants(grant_ids) if grant_ids else {}
        for grant_id, grant in grants.items():
            names[f"grant:{grant_id}"] = f"{grant['funder_name']} — {grant['label']}"
        return names

    async def find_number(self, number: str) -> str | None:
        """The id of the invoice or credit note with this number (curators' lookup)."""
        async with self.db.engine.transaction():
            row = await self.repo.document_by_number(number)
        return None if row is None else str(row["id"])
