"""Facts the votes module publishes (after commit, through the outbox).

Consumers live above (catalogue.listings, search) or beside (catalogue.funding, which mirrors the
payload in a struct of its own, since siblings do not import each other). Payloads are contracts:
add fields, never rename or remove them.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from store.kit.events import DomainEvent


class ProposalDecided(DomainEvent, frozen=True, kw_only=True):
    """Any committee decision (selected, not selected, deferred)."""

    topic: ClassVar[str] = "catalogue:proposal:decided"
    decision_id: int
    consultation_id: int
    proposal_id: int
    decision: str
    rationale: str


class ProposalSelected(DomainEvent, frozen=True, kw_only=True):
    """A selected proposal feeds the catalogue: create a draft listing, or link ``listing_slug``."""

    topic: ClassVar[str] = "catalogue:proposal:selected"
    decision_id: int
    consultation_id: int
    consultation_slug: str
    proposal_id: int
    title: str
    summary: str
    thematique: str
    kind: str
    """nouveau_service | acceleration_service_existant"""
    listing_slug: str
    """An existing listing to link; empty: create a draft listing."""
    funding_amount_cents: int
    envelope_code: str
    pilot_capacity: int
    decided_at: dt.datetime


class FundingReservationRequested(DomainEvent, frozen=True, kw_only=True):
    """Reserve the selected proposal's funding in its envelope (a pending ledger reservation)."""

    topic: ClassVar[str] = "catalogue:funding:reservation_requested"
    idempotency_key: str
    """``selection:<decision_id>``: the same reservation is never made twice."""
    envelope_code: str
    amount_cents: int
    consultation_id: int
    proposal_id: int
    decision_id: int
    title: str
    decided_at: dt.datetime


class InterestAccepted(DomainEvent, frozen=True, kw_only=True):
    """A collectivité's positioning was accepted; pilots (territoire_referent) show on the listing."""

    topic: ClassVar[str] = "catalogue:interest:accepted"
    interest_id: int
    consultation_id: int
    proposal_id: int
    listing_slug: str
    collectivite_siren: str
    collectivite_name: str
    collectivite_kind: str
    departement_code: str | None
    role: str
    """territoire_referent | early_adopter | cofinanceur | observateur"""
    cofunding_amount_cents: int


class InterestWithdrawn(DomainEvent, frozen=True, kw_only=True):
    """An accepted positioning was withdrawn: remove the pilot from the listing and the index."""

    topic: ClassVar[str] = "catalogue:interest:withdrawn"
    interest_id: int
    consultation_id: int
    proposal_id: int
    listing_slug: str
    collectivite_siren: str
    departement_code: str | None
    role: str


class DeploymentProgressed(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:deployment:progressed"
    consultation_id: int
    proposal_id: int
    progress_percent: int
    milestones_done: int
    milestones_total: int
