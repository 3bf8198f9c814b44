"""Facts the consultations module publishes (after commit, through the outbox)."""

from __future__ import annotations

from typing import ClassVar

from store.kit.events import DomainEvent


class ConsultationPhaseChanged(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:consultation:phase_changed"
    consultation_id: int
    slug: str
    from_phase: str | None
    to_phase: str


class ContributionPublished(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:contribution:published"
    consultation_id: int
    contribution_id: int
    collectivite_siren: str
    on_behalf_of: list[str]
    kind: str


class ContributionOutcomeDecided(DomainEvent, frozen=True, kw_only=True):
    """A contribution was merged, reoriented or rejected: its contributors can be told."""

    topic: ClassVar[str] = "catalogue:contribution:outcome_decided"
    consultation_id: int
    contribution_id: int
    collectivite_siren: str
    state: str
    message: str
    proposal_ids: list[int]


class ProposalPublished(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:proposal:published"
    consultation_id: int
    proposal_id: int
    title: str
    source_contribution_ids: list[int]
