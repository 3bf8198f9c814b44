"""Thin HTTP layer over BillingService: invoices (a collectivité sees only its own), their Factur-X
PDF, and the curator's money-moving calls, each with an ``Idempotency-Key`` header."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from store.billing.ledger.verify import CheckResult
from store.billing.schemas import (
    CreditNoteIn,
    CsvImportRow,
    InvoiceSummary,
    InvoiceView,
    PaymentIn,
    PaymentView,
    RunReport,
)
from store.billing.service import BillingService
from store.kit.auth import Scope, actor_of, requires

IdempotencyKeyHeader = Annotated[
    str,
    HeaderParameter(name="Idempotency-Key", min_length=8, max_length=200, description="Clé d'idempotence"),
]
Limit = Annotated[int, msgspec.Meta(ge=1, le=200)]
Offset = Annotated[int, msgspec.Meta(ge=0)]


class RunIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    period: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
    issue_date: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None


class CsvIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    csv: Annotated[str, msgspec.Meta(min_length=1, max_length=1_000_000)]


class InvoiceController(Controller):
    path = "/api/v1/billing/invoices"
    tags = ["Facturation"]

    @get("/", guards=[requires(Scope.BillingInvoicesRead)], operation_id="ListInvoices")
    async def list_invoices(
        self,
        request: Request[Any, Any, Any],
        billing: NamedDependency[BillingService],
        limit: FromQuery[Limit] = 50,
        offset: FromQuery[Offset] = 0,
    ) -> list[InvoiceSummary]:
        """Les factures et avoirs émis : ceux de ses collectivités, ou tous pour un curateur."""
        return await billing.list_invoices(actor_of(request), limit=limit, offset=offset)

    @get("/{invoice_id:str}", guards=[requires(Scope.BillingInvoicesRead)], operation_id="GetInvoice")
    async def get_invoice(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        billing: NamedDependency[BillingService],
    ) -> InvoiceView:
        """Une facture, ses lignes et la répartition du cofinancement de chaque ligne."""
        return await billing.get_invoice(actor_of(request), invoice_id)

    @get("/{invoice_id:str}/pdf", guards=[requires(Scope.BillingInvoicesRead)], operation_id="GetInvoicePdf")
    async def pdf(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        billing: NamedDependency[BillingService],
    ) -> Response[bytes]:
        """La facture en PDF/A-3 avec son XML Factur-X (profil EN 16931) embarqué, accepté par Chorus Pro."""
        filename, content = await billing.invoice_pdf(actor_of(request), invoice_id)
        return Response(
            content,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    @post(
        "/{invoice_id:str}/payments",
        guards=[requires(Scope.AdminBillingWrite)],
        status_code=HTTP_201_CREATED,
        operation_id="RecordPayment",
    )
    async def record_payment(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        data: JSONBody[PaymentIn],
        idempotency_key: IdempotencyKeyHeader,
        billing: NamedDependency[BillingService],
    ) -> PaymentView:
        """Enregistre un paiement (mandat, virement) ; l'excédent va au solde créditeur du payeur."""
        return await billing.record_payment(actor_of(request), invoice_id, data, key=idempotency_key)

    @post(
        "/{invoice_id:str}/credit-notes",
        guards=[requires(Scope.AdminBillingWrite)],
        status_code=HTTP_201_CREATED,
        operation_id="IssueCreditNote",
    )
    async def credit_note(
        self,
        request: Request[Any, Any, Any],
        invoice_id: FromPath[str],
        data: JSONBody[CreditNoteIn],
        idempotency_key: IdempotencyKeyHeader,
        billing: NamedDependency[BillingService],
    ) -> InvoiceView:
        """Émet un avoir : une facture émise n'est jamais modifiée."""
        return await billing.issue_credit_note(actor_of(request), invoice_id, data, key=idempotency_key)


class BillingAdminController(Controller):
    path = "/api/v1/billing"
    tags = ["Facturation"]

    @post(
        "/runs",
        guards=[requires(Scope.AdminBillingWrite)],
        status_code=HTTP_200_OK,
        operation_id="RunBilling",
    )
    async def run(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[RunIn],
        idempotency_key: IdempotencyKeyHeader,
        billing: NamedDependency[BillingService],
    ) -> RunReport:
        """Lance (ou reprend) la facturation d'une période : rejouable sans double facturation."""
        del idempotency_key  # the run is keyed by its period; the header is required for uniformity
        return await billing.run_billing(actor_of(request), data.period, issue_date=data.issue_date)

    @post(
        "/payments/import",
        guards=[requires(Scope.AdminBillingWrite)],
        status_code=HTTP_200_OK,
        operation_id="ImportPayments",
    )
    async def import_payments(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CsvIn],
        idempotency_key: IdempotencyKeyHeader,
        billing: NamedDependency[BillingService],
    ) -> list[CsvImportRow]:
        """Importe un CSV d'ordres de paiement ; chaque ligne est idempotente par sa référence."""
        del idempotency_key  # each row is keyed by its payment reference
        return await billing.import_payments(actor_of(request), data.csv)

    @post(
        "/periods/{period:str}/close",
        guards=[requires(Scope.AdminBillingWrite)],
        status_code=HTTP_200_OK,
        operation_id="ClosePeriod",
    )
    async def close_period(
        self,
        request: Request[Any, Any, Any],
        period: FromPath[str],
        idempotency_key: IdempotencyKeyHeader,
        billing: NamedDependency[BillingService],
    ) -> dict[str, int]:
        """Clôt le mois : plus aucune écriture datée dedans, scellé dans la chaîne d'empreintes."""
        del idempotency_key  # a period closes once; the key is required for uniformity
        return {"seal_seq": await billing.close_period(actor_of(request), period)}

    @get("/verify", guards=[requires(Scope.AdminAuditRead)], operation_id="VerifyLedger")
    async def verify(self, billing: NamedDependency[BillingService]) -> list[CheckResult]:
        """Re-vérifie tous les invariants du grand livre et de la facturation."""
        return await billing.verify()
