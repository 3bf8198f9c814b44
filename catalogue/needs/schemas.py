"""msgspec Structs at the edge of the consultations API, and the views services return."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from catalogue.needs.phases import ACTION_LABELS, PhaseSettings

Title = Annotated[str, msgspec.Meta(min_length=3, max_length=200)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=20_000)]
Message = Annotated[str, msgspec.Meta(min_length=3, max_length=4000)]
Slug = Annotated[str, msgspec.Meta(min_length=3, max_length=120, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Siren = Annotated[str, msgspec.Meta(min_length=9, max_length=11)]
Url = Annotated[str, msgspec.Meta(max_length=500)]
ContributionKind = Literal["besoin", "service_existant"]
ProposalKind = Literal["nouveau_service", "acceleration_service_existant"]
ContributionState = Literal["draft", "published", "reoriented", "rejected", "merged"]
NonNegative = Annotated[int, msgspec.Meta(ge=0, le=10_000)]


def _fmt(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%d/%m/%Y à %H:%M UTC")


# Inputs -------------------------------------------------------------------------------------------


class PhaseInput(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    kind: Literal[
        "collecte", "regroupement", "vote", "selection", "positionnement", "deploiement", "terminee"
    ]
    ends_at: dt.datetime
    settings: PhaseSettings | None = None
    """Defaults to what the phase kind usually allows."""


class ConsultationCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    slug: Slug
    title: Title
    summary: Annotated[str, msgspec.Meta(max_length=500)] = ""
    description: Annotated[str, msgspec.Meta(max_length=20_000)] = ""
    starts_at: dt.datetime
    phases: Annotated[list[PhaseInput], msgspec.Meta(min_length=7, max_length=7)]
    vote_limit: NonNegative = 5
    minimum_votes_per_voter: NonNegative = 0
    threshold_per_proposal: NonNegative = 0
    can_accumulate_beyond_threshold: bool = True
    default_pilot_capacity: NonNegative = 3
    envelope_code: Annotated[str, msgspec.Meta(max_length=60)] = ""


class ConsultationUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title | None = None
    summary: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=20_000)] | None = None
    vote_limit: NonNegative | None = None
    minimum_votes_per_voter: NonNegative | None = None
    threshold_per_proposal: NonNegative | None = None
    can_accumulate_beyond_threshold: bool | None = None
    default_pilot_capacity: NonNegative | None = None
    envelope_code: Annotated[str, msgspec.Meta(max_length=60)] | None = None


class PhaseUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    ends_at: dt.datetime | None = None
    """Moving a phase's end moves the next phase's start."""
    settings: PhaseSettings | None = None


class ContributionCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    collectivite_siren: Siren
    """The collectivité contributing; the caller must hold a mandate for it."""
    kind: ContributionKind
    title: Title
    body: Text
    thematique: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    service_url: Url = ""
    repository_url: Url = ""
    licence: Annotated[str, msgspec.Meta(max_length=40)] = ""
    on_behalf_of: Annotated[list[Siren], msgspec.Meta(max_length=200)] = []
    """Member collectivités a groupement speaks for (checked against the registry)."""
    publish: bool = True
    """False keeps it as a draft, visible to its authors only."""


class ContributionUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title | None = None
    body: Text | None = None
    thematique: Annotated[str, msgspec.Meta(min_length=1, max_length=80)] | None = None
    service_url: Url | None = None
    repository_url: Url | None = None
    licence: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class ProposalDraft(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title
    summary: Text
    thematique: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    kind: ProposalKind = "nouveau_service"
    listing_slug: Annotated[str, msgspec.Meta(max_length=120)] = ""


class MergeRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Regroup published contributions into a new proposal."""

    contribution_ids: Annotated[list[int], msgspec.Meta(min_length=1, max_length=500)]
    proposal: ProposalDraft


class AttachRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Merge more published contributions into an existing proposal."""

    contribution_ids: Annotated[list[int], msgspec.Meta(min_length=1, max_length=500)]


class SplitTarget(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    proposal_id: int | None = None
    new_proposal: ProposalDraft | None = None


class SplitRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """One contribution carrying several needs feeds several proposals (existing or new)."""

    targets: Annotated[list[SplitTarget], msgspec.Meta(min_length=2, max_length=20)]


class OutcomeRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    message: Message
    """The reorientation message or the rejection reason, shown to the contributor."""


class ProposalUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Title | None = None
    summary: Text | None = None
    thematique: Annotated[str, msgspec.Meta(min_length=1, max_length=80)] | None = None
    kind: ProposalKind | None = None
    listing_slug: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    state: Literal["published", "withdrawn"] | None = None


# Views --------------------------------------------------------------------------------------------


class PhaseView(msgspec.Struct, kw_only=True):
    kind: str
    label: str
    position: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    active: bool
    open: bool
    """Active and within its dates: what gates actions."""
    settings: PhaseSettings


class ConsultationView(msgspec.Struct, kw_only=True):
    id: int
    slug: str
    title: str
    summary: str
    description: str
    published_at: dt.datetime | None
    vote_limit: int
    minimum_votes_per_voter: int
    threshold_per_proposal: int
    can_accumulate_beyond_threshold: bool
    default_pilot_capacity: int
    envelope_code: str
    phases: list[PhaseView]
    active_phase: str | None
    allowed_actions: list[str]


class CollectiviteRef(msgspec.Struct, kw_only=True):
    siren: str
    name: str
    kind: str
    departement_code: str | None = None


class ProposalRef(msgspec.Struct, kw_only=True):
    id: int
    title: str


class ContributionView(msgspec.Struct, kw_only=True):
    id: int
    consultation_id: int
    kind: str
    collectivite: CollectiviteRef
    on_behalf_of: list[CollectiviteRef]
    title: str
    body: str
    thematique: str
    service_url: str
    repository_url: str
    licence: str
    state: str
    state_label: str
    outcome_message: str
    proposals: list[ProposalRef]
    """Where it went (merged into one, or split into several)."""
    created_at: dt.datetime
    published_at: dt.datetime | None
    decided_at: dt.datetime | None


class ProposalView(msgspec.Struct, kw_only=True):
    id: int
    consultation_id: int
    title: str
    summary: str
    thematique: str
    kind: str
    state: str
    listing_slug: str
    source_count: int
    source_collectivites: list[str]
    """Names only: the public sees who contributed, not what they wrote."""
    created_at: dt.datetime


class ConsultationFacts(msgspec.Struct, frozen=True, kw_only=True):
    """What catalogue.votes needs to know about a consultation right now.

    It satisfies ``catalogue.votes.ports.ConsultationFacts`` structurally; neither module imports
    the other (the composition root hands one to the other).
    """

    consultation_id: int
    slug: str
    title: str
    published: bool
    phase_kind: str | None
    phase_label: str
    phase_starts_at: dt.datetime | None
    phase_ends_at: dt.datetime | None
    allowed: frozenset[str]
    """Actions the active phase allows now (``catalogue.needs.phases.Action`` values)."""
    vote_limit: int
    minimum_votes_per_voter: int
    threshold_per_proposal: int
    can_accumulate_beyond_threshold: bool
    default_pilot_capacity: int
    envelope_code: str
    checked_at: dt.datetime

    def refusal(self, action: str) -> str | None:
        """None when ``action`` is allowed now, else the French reason (for a 409)."""
        if action in self.allowed:
            return None
        what = ACTION_LABELS.get(action, action)
        if not self.published or self.phase_kind is None:
            return f"Impossible de {what} : la consultation n'est pas ouverte."
        label = f"« {self.phase_label} »"
        if self.phase_starts_at is not None and self.checked_at < self.phase_starts_at:
            return f"Impossible de {what} : la phase {label} ouvrira le {_fmt(self.phase_starts_at)}."
        if self.phase_ends_at is not None and self.checked_at >= self.phase_ends_at:
            return f"Impossible de {what} : la phase {label} est close depuis le {_fmt(self.phase_ends_at)}."
        return f"Impossible de {what} : la consultation est en phase {label}, qui ne le permet pas."


class ProposalFacts(msgspec.Struct, frozen=True, kw_only=True):
    proposal_id: int
    state: str
    title: str
    summary: str
    thematique: str
    kind: str
    listing_slug: str
    consultation: ConsultationFacts
