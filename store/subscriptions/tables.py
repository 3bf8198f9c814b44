"""Subscription tables: the subscription, who it covers, its priced segments, and command keys.

A subscription is held by one collectivité (the payer). It *covers* that collectivité, or, for a
groupement subscribing on behalf of member communes, those members. A collectivité is covered by at
most one live subscription per listing (a partial unique index on the coverage rows), and a holder
has at most one live subscription per listing (another on the subscriptions). Prices live in
*segments*: one per stretch of days at one plan price; a plan change, a suspension or a termination
closes the open segment, so charges are computed from immutable history.
"""

from __future__ import annotations

from piccolo.columns import (
    UUID,
    BigInt,
    BigSerial,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from catalogue.listings.tables import Listing
from store.registry.tables import Collectivite


class Subscription(Table, tablename="subscription"):
    id = UUID(primary_key=True)
    listing = ForeignKey(Listing, on_delete=OnDelete.restrict, index=True)
    publisher_siren = Varchar(length=9, index=True)
    """The listing's publisher when the subscription was requested (who is paid)."""
    collectivite = ForeignKey(Collectivite, on_delete=OnDelete.restrict, index=True)
    """The holder: who requested, signs and pays."""
    on_behalf = Boolean(default=False)
    """A groupement subscribing on behalf of member communes (they are the covered ones)."""
    cost_sharing = Varchar(length=16, null=True, default=None)
    """equal | population | custom, for a subscription on behalf of members."""
    state = Varchar(length=24, index=True)
    plan_position = Integer()
    plan = Text()
    """The plan as it was offered when the subscription was requested or last changed (JSON)."""
    plan_name = Varchar(length=80)
    yearly_ht_cents = BigInt()
    vat_rate_bp = Integer()
    covered_population = Integer(null=True, default=None)
    procurement_route = Varchar(length=32)
    procurement_reference = Varchar(length=200, default="")
    duration_months = Integer()
    estimated_value_cents = BigInt()
    """Yearly price × duration, renewals included: what the procurement thresholds apply to."""
    requested_by = Varchar(length=64, null=True, default=None)
    signed_by = Varchar(length=64, null=True, default=None)
    signed_at = Timestamptz(null=True, default=None)
    activated_on = Date(null=True, default=None)
    terminated_on = Date(null=True, default=None)
    rejection_code = Varchar(length=64, null=True, default=None)
    rejection_reason = Text(null=True, default=None)
    suspended_by = Varchar(length=16, null=True, default=None)
    """collectivite | curator: who suspended, hence who may resume."""
    deployment_note = Text(null=True, default=None)
    """The last deployment problem, shown to the collectivité; None when deployments went well."""
    created_at = Timestamptz()
    updated_at = Timestamptz()


class SubscriptionCoverage(Table, tablename="subscription_coverage"):
    id = BigSerial(primary_key=True)
    subscription = ForeignKey(Subscription, on_delete=OnDelete.cascade, index=True)
    listing = ForeignKey(Listing, on_delete=OnDelete.restrict, index=True)
    collectivite = Varchar(length=9, index=True)
    population = Integer(null=True, default=None)
    share_bp = Integer(null=True, default=None)
    """Custom cost sharing: this member's share in basis points (the shares sum to 10 000)."""
    live = Boolean(default=True)
    """True until the subscription is rejected or terminated."""


class SubscriptionSegment(Table, tablename="subscription_segment"):
    id = BigSerial(primary_key=True)
    subscription = ForeignKey(Subscription, on_delete=OnDelete.cascade, index=True)
    starts_on = Date()
    ends_on = Date(null=True, default=None)
    """Exclusive; None while the segment runs."""
    plan_name = Varchar(length=80)
    yearly_ht_cents = BigInt()
    vat_rate_bp = Integer()


class SubscriptionCommand(Table, tablename="subscription_command"):
    """An ``Idempotency-Key`` already used by an account: a replay answers the same subscription."""

    id = BigSerial(primary_key=True)
    account_id = Varchar(length=64)
    key = Varchar(length=200)
    action = Varchar(length=32)
    request_hash = Varchar(length=64)
    subscription_id = Varchar(length=36)
    created_at = Timestamptz()
