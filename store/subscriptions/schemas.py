"""Subscription shapes at the edge: requests (strict) and what the API returns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from catalogue.listings.reference import ProcurementRoute
from catalogue.listings.schemas import Plan
from store.subscriptions.reference import CostSharing

Siren = Annotated[str, msgspec.Meta(pattern=r"^\d{9}$")]
Slug = Annotated[str, msgspec.Meta(min_length=3, max_length=80)]
Reason = Annotated[str, msgspec.Meta(max_length=2000)]
ShareBp = Annotated[int, msgspec.Meta(ge=1, le=10_000)]


class MemberShare(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    siren: Siren
    share_bp: ShareBp | None = None
    """Custom cost sharing only: the member's share in basis points (all shares sum to 10 000)."""


class SubscriptionRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    listing: Slug
    collectivite_siren: Siren
    """The collectivité that subscribes and pays (the caller must act for it)."""
    plan_index: Annotated[int, msgspec.Meta(ge=0, le=9)]
    """Position of the chosen plan in the listing's plans."""
    procurement_route: ProcurementRoute
    procurement_reference: Annotated[str, msgspec.Meta(max_length=200)] = ""
    """Order number at a central purchasing body, market reference, convention number…"""
    duration_months: Annotated[int, msgspec.Meta(ge=1, le=120)] = 48
    """Expected duration, renewals included: the estimated value the thresholds apply to."""
    members: Annotated[list[MemberShare], msgspec.Meta(max_length=500)] = []
    """For a groupement (EPCI, EPT): the member communes it subscribes for. Empty: for itself."""
    cost_sharing: CostSharing | None = None
    """How members share the cost; required with ``members``."""


class ChangePlanIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    plan_index: Annotated[int, msgspec.Meta(ge=0, le=9)]


class ReasonIn(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    reason: Reason = ""


class CoverageView(msgspec.Struct, frozen=True, kw_only=True):
    siren: str
    name: str
    population: int | None
    share_bp: int | None = None
    service_url: str | None = None
    """Where the deployed service answers for this collectivité (None when nothing is deployed)."""


class SegmentView(msgspec.Struct, frozen=True, kw_only=True):
    starts_on: dt.date
    ends_on: dt.date | None
    plan_name: str
    yearly_ht_cents: int


class SubscriptionView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    listing_slug: str
    listing_name: str
    publisher_siren: str
    collectivite_siren: str
    collectivite_name: str
    on_behalf: bool
    cost_sharing: str | None
    state: str
    state_label: str
    plan_index: int
    plan: Plan
    yearly_ht_cents: int
    """The current yearly price, HT, in cents."""
    vat_rate_bp: int
    covered_population: int | None
    procurement_route: str
    procurement_reference: str
    duration_months: int
    estimated_value_cents: int
    covered: list[CoverageView]
    segments: list[SegmentView]
    plugin_id: str | None
    signed_by: str | None
    signed_at: dt.datetime | None
    activated_on: dt.date | None
    terminated_on: dt.date | None
    rejection_code: str | None
    rejection_reason: str | None
    suspended_by: str | None
    deployment_note: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    actions: list[str] = []
    """What the caller may do now (sign, reject, change_plan, suspend, resume, terminate)."""


class HistoryEntry(msgspec.Struct, frozen=True, kw_only=True):
    at: dt.datetime
    action: str
    """request, eligibility, sign, reject, change_plan, suspend, resume, terminate, deployment"""
    actor_label: str
    from_state: str | None
    to_state: str | None
    reason: str | None


class SubscriberRow(msgspec.Struct, frozen=True, kw_only=True):
    subscription_id: str
    listing_slug: str
    listing_name: str
    collectivite_siren: str
    collectivite_name: str
    state: str
    state_label: str
    plan_name: str
    yearly_ht_cents: int
    covered_count: int
    activated_on: dt.date | None


class ListingRevenue(msgspec.Struct, frozen=True, kw_only=True):
    listing_slug: str
    listing_name: str
    active_count: int
    recurring_yearly_ht_cents: int


class PublisherSubscribers(msgspec.Struct, frozen=True, kw_only=True):
    publisher_siren: str
    subscribers: list[SubscriberRow]
    active_count: int
    recurring_yearly_ht_cents: int
    """Sum of the yearly HT prices of the active subscriptions (suspended ones are not billed)."""
    by_listing: list[ListingRevenue] = []
    """The same, per listing, largest first."""
