"""A curator's invoice page: the invoice as its collectivité sees it, plus the forms that move money
on it (record a payment, issue a credit note, write off). Each form carries an idempotency key made
when the page is rendered: a double submit replays; the same key with other values is refused."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from store.billing.corrections import today_of
from store.billing.schemas import CreditNoteIn, PaymentIn
from store.billing.service import BillingService
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError, InvalidInput
from store.kit.money import format_eur
from store.web.pages.billing_forms import form_key, new_key, parse_amount, parse_day
from store.web.pages.invoices import invoice_context
from store.web.rendering import flash, page

BASE = "/curation/facturation/factures"


def _refuse_outsiders(exc: DomainError) -> None:
    """An unknown invoice is a 404 page, not a message on a page that cannot be shown."""
    if exc.code == "invoice_not_found":
        raise exc


class BillingInvoiceAdminPages(Controller):
    path = BASE
    include_in_schema = False
    guards = [requires(Scope.AdminBillingWrite)]

    async def _page(
        self,
        request: Request[Any, Any, Any],
        billing: BillingService,
        invoice_id: str,
        *,
        status_code: int = 200,
        **extra: Any,
    ) -> Template:
        context = await invoice_context(billing, actor_of(request), invoice_id)
        return page(
            request,
            "pages/billing/admin_invoice.html",
            status_code=status_code,
            base=BASE,
            payment_key=new_key(),
            credit_key=new_key(),
            write_off_key=new_key(),
            **{**context, **extra},
        )

    def _to(self, invoice_id: str) -> Redirect:
        return Redirect(f"{BASE}/{invoice_id}", status_code=303)

    @get("/{invoice_id:str}")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        billing: NamedDependency[BillingService],
    ) -> Template:
        return await self._page(request, billing, invoice_id)

    @post("/{invoice_id:str}/paiement")
    async def payment(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        billing: NamedDependency[BillingService],
    ) -> Template | Redirect:
        raw = await request.form()
        values = {k: str(raw.get(k) or "") for k in ("amount", "paid_on", "reference", "accept_excess")}
        try:
            key = form_key(raw)
            reference = values["reference"].strip()
            if not 1 <= len(reference) <= 100:
                raise InvalidInput(
                    "Indiquez la référence du mandat ou du virement (100 caractères au plus).",
                    code="bad_reference",
                )
            paid_on = parse_day(values["paid_on"])
            if paid_on > today_of(billing.ledger.clock()):
                raise InvalidInput("La date du paiement ne peut pas être dans le futur.", code="bad_date")
            data = PaymentIn(amount=parse_amount(values["amount"]), paid_on=paid_on, reference=reference)
            view = await billing.record_payment(
                actor_of(request), invoice_id, data, key=key, allow_excess=values["accept_excess"] == "oui"
            )
        except DomainError as exc:
            _refuse_outsiders(exc)
            return await self._page(
                request, billing, invoice_id, status_code=exc.status, error=exc.detail, values=values
            )
        if view.replayed:
            flash(
                request,
                "Ce paiement avait déjà été enregistré (formulaire envoyé deux fois) : rien n'a été ajouté.",
                "info",
            )
        else:
            message = f"Paiement de {format_eur(view.amount)} enregistré."
            if view.excess:
                message += f" {format_eur(view.excess)} au-delà du dû vont au solde créditeur du payeur."
            flash(request, message)
        return self._to(invoice_id)

    @post("/{invoice_id:str}/avoir")
    async def credit_note(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        billing: NamedDependency[BillingService],
    ) -> Template | Redirect:
        raw = await request.form()
        values = {k: str(raw.get(k) or "") for k in ("credit_amount", "reason")}
        try:
            key = form_key(raw)
            reason = values["reason"].strip()
            if not 3 <= len(reason) <= 500:
                raise InvalidInput(
                    "Indiquez le motif de l'avoir (3 à 500 caractères).", code="reason_required"
                )
            amount = (
                parse_amount(values["credit_amount"], label="Le montant HT à créditer")
                if values["credit_amount"].strip()
                else None
            )
            note = await billing.issue_credit_note(
                actor_of(request), invoice_id, CreditNoteIn(amount_ht=amount, reason=reason), key=key
            )
        except DomainError as exc:
            _refuse_outsiders(exc)
            return await self._page(
                request, billing, invoice_id, status_code=exc.status, error=exc.detail, values=values
            )
        flash(request, f"Avoir {note.number} émis : {format_eur(note.total_ttc)} TTC.")
        return self._to(invoice_id)

    @post("/{invoice_id:str}/non-valeur")
    async def write_off(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        billing: NamedDependency[BillingService],
    ) -> Template | Redirect:
        raw = await request.form()
        try:
            key = form_key(raw)
            if raw.get("confirm") != "oui":
                raise InvalidInput(
                    "Cochez la case de confirmation pour admettre la créance en non-valeur.",
                    code="confirmation_required",
                )
            replayed = await billing.write_off(actor_of(request), invoice_id, key=key)
        except DomainError as exc:
            _refuse_outsiders(exc)
            return await self._page(request, billing, invoice_id, status_code=exc.status, error=exc.detail)
        if replayed:
            flash(
                request, "Cette admission en non-valeur était déjà enregistrée : rien n'a été ajouté.", "info"
            )
        else:
            flash(request, "Reste dû admis en non-valeur.", "warning")
        return self._to(invoice_id)
