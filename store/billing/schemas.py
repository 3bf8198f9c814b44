"""Billing structs at the edge: charges fed by the subscriptions layer, grants, invoices, payments."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from store.billing.split import CoPayer, GrantBase

Siren = Annotated[str, msgspec.Meta(pattern=r"^\d{9}$")]
Period = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
IsoDate = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Cents = Annotated[int, msgspec.Meta(ge=0, le=10**13)]
PositiveCents = Annotated[int, msgspec.Meta(ge=1, le=10**13)]
RateBp = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
IdempotencyKey = Annotated[str, msgspec.Meta(min_length=8, max_length=200)]


class ChargeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One thing to invoice: the subscriptions layer sends one per subscription and period."""

    source_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    """Stable reference of what is charged (``subscription:{id}:{period}``): the idempotency key."""
    payer_siren: Siren
    """Who subscribed; pays everything not funded unless ``co_payers`` share it."""
    amount_ht: Cents
    vat_rate_bp: RateBp
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    period: Period
    grant_id: str | None = None
    co_payers: tuple[CoPayer, ...] = ()
    """Cost sharing (groupement on behalf of member communes): weights by population, equal, custom."""
    publisher_siren: Siren | None = None


class GrantIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9._:-]{1,100}$")]
    label: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    funder_siren: Siren
    funder_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    envelope_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    cap_bp: RateBp
    base: GrantBase = "ht"


class Grant(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    label: str
    funder_siren: str
    funder_name: str
    envelope_ref: str
    cap_bp: int
    base: GrantBase


class SplitPart(msgspec.Struct, frozen=True):
    siren: str
    role: Literal["funder", "payer"]
    amount_ht: int
    grant_id: str | None = None


class InvoiceLineView(msgspec.Struct, frozen=True, kw_only=True):
    position: int
    description: str
    amount_ht: int
    vat_rate_bp: int
    role: str
    grant_id: str | None
    charge_id: str | None
    split: list[SplitPart]


class VatBreakdown(msgspec.Struct, frozen=True):
    rate_bp: int
    base_ht: int
    vat: int


class InvoiceView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    kind: Literal["invoice", "credit_note"]
    number: str | None
    status: str
    overdue: bool
    issuer_siren: str
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
    buyer_service_code: str
    buyer_engagement: str
    vat_breakdown: list[VatBreakdown]
    lines: list[InvoiceLineView] = []


class InvoiceSummary(msgspec.Struct, frozen=True, kw_only=True):
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
    total_ttc: int


class RunReport(msgspec.Struct, frozen=True, kw_only=True):
    run_id: str
    period: str
    status: str
    issue_date: str
    charges_planned: int
    charges_blocked: int
    invoices: int
    issued: int
    blocked: list[str] = []


class PaymentIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount: PositiveCents
    """TTC cents received."""
    paid_on: IsoDate
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    """Payment order (mandat) or bank reference."""


class PaymentView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    invoice_id: str
    amount: int
    applied: int
    excess: int
    paid_on: str
    reference: str
    replayed: bool = False


class CreditNoteIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount_ht: PositiveCents | None = None
    """HT amount to credit; omitted = everything still creditable (full cancellation)."""
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=500)]


class CsvImportRow(msgspec.Struct, frozen=True, kw_only=True):
    line: int
    reference: str
    invoice_number: str
    status: Literal["applied", "replayed", "error"]
    detail: str = ""


class BuyerRefsIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Chorus Pro references the buyer gives (service code, engagement number) for its invoices."""

    service_code: Annotated[str, msgspec.Meta(max_length=100)] = ""
    engagement: Annotated[str, msgspec.Meta(max_length=50)] = ""
