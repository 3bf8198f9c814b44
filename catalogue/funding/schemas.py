"""Funding shapes at the edge (API, pages, CSV)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from catalogue.funding.rules import Departement, Kind, Rule, Verdict

Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")]
Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
Siren = Annotated[str, msgspec.Meta(min_length=9, max_length=11)]
Cents = Annotated[int, msgspec.Meta(ge=1, le=10**13)]
Title = Annotated[str, msgspec.Meta(min_length=3, max_length=200)]
ListingId = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
]
EnvelopeKind = Literal["plan", "axe", "guichet", "part"]
ApplicationState = Literal["submitted", "eligible", "ineligible", "in_review", "awarded", "declined"]

STATE_LABELS: dict[str, str] = {
    "submitted": "Déposée",
    "eligible": "Éligible",
    "ineligible": "Non éligible",
    "in_review": "En instruction",
    "awarded": "Financée",
    "declined": "Refusée",
}


class EnvelopeIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: Code
    label: Title
    kind: EnvelopeKind
    parent_code: Code | None = None
    """None for a plan (the root of a tree), required otherwise."""
    programme: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9-]{1,60}$")] | None = None
    """The budget programme a plan is funded from."""
    departement: Departement | None = None
    position: Annotated[int, msgspec.Meta(ge=0, le=10_000)] = 0


class AmountIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount_cents: Cents
    day: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None


class Figures(msgspec.Struct, frozen=True, kw_only=True):
    """Cents. allocated = reserved + committed + available, each over the node and its subtree."""

    allocated: int
    reserved: int
    committed: int
    consumed: int
    available: int


class EnvelopeRow(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    label: str
    kind: str
    parent_code: str | None
    departement: str | None
    depth: int
    figures: Figures
    """The node with everything under it."""
    own: Figures
    """The node's own account: what it received, reserved and committed itself."""
    delegated: int
    """Handed to its sub-envelopes."""


class DepartementRow(msgspec.Struct, frozen=True, kw_only=True):
    departement: str
    name: str
    envelopes: int
    figures: Figures
    applications: int
    awarded_to_applicants: int
    """Awarded (any envelope) to applications whose lead sits in this département."""


class CallIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    slug: Slug
    title: Title
    description: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    envelope_code: Code
    opens_on: dt.date
    closes_on: dt.date
    max_rate_bp: Annotated[int, msgspec.Meta(ge=1, le=10_000)]
    audiences: Annotated[tuple[Kind, ...], msgspec.Meta(max_length=5)] = ()
    rules: Rule | None = None
    grant_months: Annotated[int, msgspec.Meta(ge=1, le=120)] = 24


class CallView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    slug: str
    title: str
    description: str
    envelope_code: str
    envelope_label: str
    opens_on: dt.date
    closes_on: dt.date
    max_rate_bp: int
    audiences: tuple[str, ...]
    rules: Rule | None
    grant_months: int
    open_now: bool


class ApplicationIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    lead_siren: Siren
    co_applicants: Annotated[tuple[Siren, ...], msgspec.Meta(max_length=200)] = ()
    title: Title
    summary: Annotated[str, msgspec.Meta(max_length=5000)] = ""
    contact_name: Annotated[str, msgspec.Meta(min_length=2, max_length=120)]
    contact_email: Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
    contact_phone: Annotated[str, msgspec.Meta(pattern=r"^[0-9 +().-]{0,30}$")] = ""
    budget_cents: Cents
    requested_cents: Cents
    listing_id: ListingId | None = None
    """The listing (its UUID) whose subscriptions the award co-funds; none for a project grant."""


class ApplicationView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    call_id: int
    call_title: str
    lead_siren: str
    lead_name: str
    co_applicants: tuple[str, ...]
    title: str
    summary: str
    contact_name: str
    contact_email: str
    contact_phone: str
    budget_cents: int
    requested_cents: int
    listing_id: str | None
    state: ApplicationState
    state_label: str
    eligibility: Verdict | None
    eligibility_checked_at: dt.datetime | None
    review_note: str
    decline_reason: str
    awarded_cents: int
    consumed_cents: int
    grant_id: str | None
    grant_from: str | None
    grant_until: str | None
    created_at: dt.datetime


class ReviewIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(min_length=3, max_length=5000)]


class AwardIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount_cents: Cents
    day: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None


class DeclineIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=2000)]


class PaymentIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount_cents: Cents
    paid_on: dt.date
    reference: Annotated[str, msgspec.Meta(max_length=120)] = ""


class PaymentView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    application_id: int
    amount_cents: int
    paid_on: dt.date
    reference: str
    replayed: bool = False


Period = Annotated[str, msgspec.Meta(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class ListingGrantIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A "free State service": the envelope pays ``cap_bp`` of every subscription to the listing."""

    envelope_code: Code
    listing_id: ListingId
    label: Title
    cap_bp: Annotated[int, msgspec.Meta(ge=1, le=10_000)]
    amount_cents: Cents
    """What the envelope commits to it (billing never consumes beyond)."""
    from_period: Period
    until_period: Period


class ListingGrantView(msgspec.Struct, frozen=True, kw_only=True):
    grant_id: str
    envelope_code: str
    listing_id: str
    label: str
    cap_bp: int
    amount_cents: int
    consumed_cents: int
    from_period: str
    until_period: str


class ReservationView(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    envelope_code: str
    reference: str
    label: str
    amount_cents: int
    state: Literal["pending", "committed", "released"]
    committed_cents: int
    grant_id: str
    created_at: dt.datetime


class ReservationCommitIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount_cents: Cents
    """At most the reserved amount; the rest goes back to the envelope."""
