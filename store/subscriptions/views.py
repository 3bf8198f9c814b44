"""Turning rows into views, and what a caller may do with a subscription."""

from __future__ import annotations

from typing import Any

import msgspec

from catalogue.listings.schemas import Plan
from store.kit.auth import Actor, Scope
from store.kit.events import AuditRecord
from store.subscriptions.reference import STATE_LABELS, State
from store.subscriptions.schemas import CoverageView, SegmentView, SubscriptionView

_plan_decoder = msgspec.json.Decoder(Plan)


def is_curator(actor: Actor) -> bool:
    return actor.is_curator and actor.has(Scope.AdminCurationWrite)


def signs_for(actor: Actor, holder: str) -> bool:
    return actor.can_sign_for(holder) and actor.has(Scope.SubscriptionsWrite)


def acts_for(actor: Actor, holder: str) -> bool:
    return actor.acts_for(holder) and actor.has(Scope.SubscriptionsWrite)


def can_read(actor: Actor, row: dict[str, Any], covered: list[str]) -> bool:
    """The holder's agents, the covered members' agents, the listing's publisher, curators."""
    if actor.is_curator:
        return True
    if actor.acts_for(row["collectivite"]) or any(actor.acts_for(s) for s in covered):
        return True
    return actor.speaks_for_publisher(row["publisher_siren"]) and actor.has(Scope.BillingRevenueRead)


def actions_for(actor: Actor, row: dict[str, Any]) -> list[str]:
    state, holder = row["state"], row["collectivite"]
    signer, curator = signs_for(actor, holder), is_curator(actor)
    actions: list[str] = []
    if state == State.pending_signature and signer:
        actions.append("sign")
    if state in (State.requested, State.pending_signature) and (acts_for(actor, holder) or curator):
        actions.append("reject")  # the holder's agents withdraw, its signatories decline
    if state == State.active and signer:
        actions.append("change_plan")
    if state == State.active and (signer or curator):
        actions.append("suspend")
    if state == State.suspended and (curator or (signer and row["suspended_by"] == "collectivite")):
        actions.append("resume")
    if state in (State.active, State.suspended) and (signer or curator):
        actions.append("terminate")
    return actions


def to_view(
    row: dict[str, Any],
    coverage: list[dict[str, Any]],
    segments: list[dict[str, Any]],
    names: dict[str, str],
    actor: Actor | None,
) -> SubscriptionView:
    deployed = row["plugin_id"] is not None and row["state"] == State.active
    return SubscriptionView(
        id=str(row["id"]),
        listing_slug=row["listing_slug"],
        listing_name=row["listing_name"],
        publisher_siren=row["publisher_siren"],
        collectivite_siren=row["collectivite"],
        collectivite_name=row["collectivite_name"],
        on_behalf=row["on_behalf"],
        cost_sharing=row["cost_sharing"],
        state=row["state"],
        state_label=STATE_LABELS[row["state"]],
        plan_index=row["plan_position"],
        plan=_plan_decoder.decode(row["plan"]),
        yearly_ht_cents=row["yearly_ht_cents"],
        vat_rate_bp=row["vat_rate_bp"],
        covered_population=row["covered_population"],
        procurement_route=row["procurement_route"],
        procurement_reference=row["procurement_reference"],
        duration_months=row["duration_months"],
        estimated_value_cents=row["estimated_value_cents"],
        covered=[
            CoverageView(
                siren=c["collectivite"],
                name=names.get(c["collectivite"], c["collectivite"]),
                population=c["population"],
                share_bp=c["share_bp"],
                service_url=f"/services/{c['collectivite']}/{row['plugin_id']}/" if deployed else None,
            )
            for c in coverage
        ],
        segments=[
            SegmentView(
                starts_on=s["starts_on"],
                ends_on=s["ends_on"],
                plan_name=s["plan_name"],
                yearly_ht_cents=s["yearly_ht_cents"],
            )
            for s in segments
        ],
        plugin_id=row["plugin_id"],
        signed_by=row["signed_by"],
        signed_at=row["signed_at"],
        activated_on=row["activated_on"],
        terminated_on=row["terminated_on"],
        rejection_code=row["rejection_code"],
        rejection_reason=row["rejection_reason"],
        suspended_by=row["suspended_by"],
        deployment_note=row["deployment_note"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        actions=actions_for(actor, row) if actor is not None else [],
    )


def audit(
    actor: Actor | None,
    action: str,
    subscription_id: Any,
    from_state: str | None,
    to_state: str | None,
    *,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditRecord:
    """``actor=None``: the store itself (the eligibility check, a deployment)."""
    return AuditRecord(
        action=f"store:subscription:{action}",
        subject_type="subscription",
        subject_id=str(subscription_id),
        actor_id=actor.account_id if actor else None,
        actor_label=actor.display_name if actor else "Territoires Store",
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
