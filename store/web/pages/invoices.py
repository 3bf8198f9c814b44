"""Collectivités' invoices: the list with balances, one invoice with each line's co-funding split,
its credit notes and payments, and the Factur-X PDF. Only the caller's collectivités (404 otherwise,
as the API answers); a curator reads them all."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Template

from store.billing.service import BillingService
from store.kit.auth import Actor, Scope, actor_of, requires
from store.web.pages.billing_forms import billing_labels
from store.web.rendering import page

PAGE_SIZE = 50


async def invoice_context(billing: BillingService, actor: Actor | None, invoice_id: str) -> dict[str, Any]:
    """Everything an invoice page shows; ``actor`` None once the caller's right was checked."""
    view = await billing.get_invoice(actor, invoice_id)
    original = await billing.get_invoice(None, view.corrects_id) if view.corrects_id else None
    credit_notes = await billing.statements.credit_notes(view.id) if view.kind == "invoice" else []
    payments = await billing.statements.payments(view.id) if view.kind == "invoice" else []
    sirens = {part.siren for line in view.lines for part in line.split if part.role == "payer"}
    grants = {part.grant_id for line in view.lines for part in line.split if part.grant_id}
    names = await billing.statements.party_names(sirens | {view.payer_siren}, grants)
    return {
        "invoice": view,
        "original": original,
        "credit_notes": credit_notes,
        "payments": payments,
        "names": names,
        **billing_labels(),
    }


class InvoicePages(Controller):
    path = "/factures"
    include_in_schema = False
    guards = [requires(Scope.BillingInvoicesRead)]

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        billing: NamedDependency[BillingService],
        collectivite: Annotated[str | None, QueryParameter(pattern=r"^\d{9}$")] = None,
        page_number: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1,
    ) -> Template:
        actor = actor_of(request)
        statements = billing.statements
        invoices = await statements.invoices(
            actor, payer=collectivite, limit=PAGE_SIZE + 1, offset=(page_number - 1) * PAGE_SIZE
        )
        balances = await statements.balances(actor, payer=collectivite) if not actor.is_curator else []
        return page(
            request,
            "pages/billing/invoices.html",
            invoices=invoices[:PAGE_SIZE],
            has_next=len(invoices) > PAGE_SIZE,
            page_number=page_number,
            balances=balances,
            collectivite=collectivite,
            collectivites=sorted((m.org_id, m.org_name) for m in actor.mandates if m.kind == "collectivite"),
            **billing_labels(),
        )

    @get("/{invoice_id:str}")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        billing: NamedDependency[BillingService],
    ) -> Template:
        context = await invoice_context(billing, actor_of(request), invoice_id)
        return page(request, "pages/billing/invoice.html", **context)

    @get("/{invoice_id:str}/pdf")
    async def pdf(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        billing: NamedDependency[BillingService],
    ) -> Response[bytes]:
        filename, content = await billing.invoice_pdf(actor_of(request), invoice_id)
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
