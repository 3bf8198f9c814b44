"""msgspec Structs at the edge of the votes API, and the views its services return."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

Siren = Annotated[str, msgspec.Meta(min_length=9, max_length=11)]
Cents = Annotated[int, msgspec.Meta(ge=0, le=10_000_000_000)]
Decision = Literal["selected", "not_selected", "deferred"]
InterestRole = Literal["territoire_referent", "early_adopter", "cofinanceur", "observateur"]

DECISION_LABELS = {"selected": "Retenue", "not_selected": "Non retenue", "deferred": "Reportée"}
ROLE_LABELS = {
    "territoire_referent": "Territoire référent (pilote)",
    "early_adopter": "Early adopter",
    "cofinanceur": "Co-financeur",
    "observateur": "Observateur",
}
INTEREST_STATE_LABELS = {
    "submitted": "En attente d'examen",
    "accepted": "Accepté",
    "declined": "Décliné",
    "withdrawn": "Retiré",
}


class SupportRequest(msgspec.Struct, forbid_unknown_fields=True):
    voter_siren: Siren
    """The collectivité that supports; the caller must hold a mandate for it."""


class BallotView(msgspec.Struct, kw_only=True):
    consultation_id: int
    voter_siren: str
    vote_limit: int
    """0: unlimited."""
    used: int
    remaining: int | None
    minimum_votes_per_voter: int
    supported_proposal_ids: list[int]
    temporary: bool
    """True while the voter has cast fewer supports than the minimum: they do not count yet."""
    can_vote_now: bool
    refusal: str | None


class Bucket(msgspec.Struct, kw_only=True):
    key: str
    supports: int
    voters: int
    population: int


class ProposalResult(msgspec.Struct, kw_only=True):
    proposal_id: int
    title: str
    supports: int
    population: int
    threshold_reached: bool
    by_departement: list[Bucket]
    by_kind: list[Bucket]


class ConsultationResults(msgspec.Struct, kw_only=True):
    consultation_id: int
    supports: int
    voters: int
    population: int
    population_year: int | None
    threshold_per_proposal: int
    proposals: list[ProposalResult]
    by_departement: list[Bucket]
    by_kind: list[Bucket]


class DecisionRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    decision: Decision
    rationale: Annotated[str, msgspec.Meta(min_length=3, max_length=4000)]
    funding_amount_cents: Cents = 0
    envelope_code: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    """Defaults to the consultation's envelope."""
    listing_slug: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    """An existing listing to link; defaults to the proposal's, else a draft listing is created."""
    pilot_capacity: Annotated[int, msgspec.Meta(ge=0, le=1000)] | None = None
    committee_session: Annotated[str, msgspec.Meta(max_length=120)] = ""


class DecisionView(msgspec.Struct, kw_only=True):
    id: int
    consultation_id: int
    proposal_id: int
    decision: str
    decision_label: str
    rationale: str
    committee_session: str
    funding_amount_cents: int
    envelope_code: str
    listing_slug: str
    pilot_capacity: int
    supports_at_decision: int
    population_at_decision: int
    population_year: int | None
    decided_at: dt.datetime


class InterestRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    collectivite_siren: Siren
    role: InterestRole
    commitment_text: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    cofunding_amount_cents: Cents = 0


class ReviewRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    accept: bool
    reason: Annotated[str, msgspec.Meta(max_length=4000)] = ""


class InterestView(msgspec.Struct, kw_only=True):
    id: int
    consultation_id: int
    proposal_id: int
    collectivite_siren: str
    collectivite_name: str
    collectivite_kind: str
    departement_code: str | None
    role: str
    role_label: str
    commitment_text: str
    cofunding_amount_cents: int
    state: str
    state_label: str
    review_reason: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None


class PilotView(msgspec.Struct, kw_only=True):
    """Public: who was accepted for what, nothing else."""

    collectivite_siren: str
    collectivite_name: str
    departement_code: str | None
    role: str
    role_label: str


class MilestoneRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Annotated[str, msgspec.Meta(min_length=3, max_length=200)]
    weight: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 1
    progress: Annotated[int, msgspec.Meta(ge=0, le=100)] = 0
    due_on: dt.datetime | None = None


class MilestoneUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Annotated[str, msgspec.Meta(min_length=3, max_length=200)] | None = None
    weight: Annotated[int, msgspec.Meta(ge=1, le=1000)] | None = None
    progress: Annotated[int, msgspec.Meta(ge=0, le=100)] | None = None
    due_on: dt.datetime | None = None


class MilestoneView(msgspec.Struct, kw_only=True):
    id: int
    title: str
    weight: int
    progress: int
    due_on: dt.datetime | None
    updated_at: dt.datetime


class ProgressView(msgspec.Struct, kw_only=True):
    proposal_id: int
    percent: int
    """Weighted mean of the milestones' progress (Decidim Accountability)."""
    milestones: list[MilestoneView]


class FundedProjectView(msgspec.Struct, kw_only=True):
    """A selected proposal that funds a catalogue listing, and how far its deployment went."""

    consultation_slug: str
    consultation_title: str
    proposal_id: int
    title: str
    funding_amount_cents: int
    percent: int
    milestones: list[MilestoneView]
