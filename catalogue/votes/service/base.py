"""What every vote service shares: the consultation directory, the clock and the phase gate."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from catalogue.votes.population import VoterPopulation
from catalogue.votes.ports import ConsultationDirectory, ConsultationFacts, ProposalFacts
from catalogue.votes.repository import VotesRepository
from store.kit.auth import Actor
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from store.kit.events import AuditRecord
from store.kit.uow import UnitOfWorkFactory
from store.registry.service import RegistryService
from store.registry.siren import normalise_siren


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def audit(actor: Actor, action: str, subject_type: str, subject_id: object, **kw: Any) -> AuditRecord:
    return AuditRecord(
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor_id=actor.account_id,
        actor_label=actor.display_name,
        **kw,
    )


def gate(facts: ConsultationFacts, action: str) -> None:
    message = facts.refusal(action)
    if message is not None:
        raise Conflict(message, code="phase_closed")


def own_siren(actor: Actor, value: str) -> str:
    """The collectivité the caller acts for: a valid SIREN and a mandate for it."""
    try:
        siren = normalise_siren(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_siren") from exc
    if not actor.acts_for(siren):
        raise Forbidden(
            "Vous n'avez pas de mandat pour cette collectivité : seul un de ses agents ou élus peut agir "
            "en son nom.",
            code="not_your_collectivite",
        )
    return siren


class VotesBase:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        directory: ConsultationDirectory,
        repo: VotesRepository | None = None,
        clock: Callable[[], dt.datetime] | None = None,
        population: VoterPopulation | None = None,
    ) -> None:
        self.uow = uow
        self.directory = directory
        self.repo = repo or VotesRepository()
        self._clock = clock
        self.population = population or VoterPopulation(RegistryService())
        """The deduplicated population of voters, as the registry defines it (shared in the app)."""

    def now(self) -> dt.datetime:
        # The directory's clock, when it has one, so that tests move time for both modules at once.
        clock = self._clock or getattr(self.directory, "clock", None) or utcnow
        return clock()

    async def consultation(self, consultation_id: int, actor: Actor | None = None) -> ConsultationFacts:
        facts = await self.directory.facts(consultation_id)
        if facts is None or not (facts.published or (actor is not None and actor.is_curator)):
            raise NotFound("Consultation introuvable.", code="consultation_not_found")
        return facts

    async def proposal(self, proposal_id: int, actor: Actor | None = None) -> ProposalFacts:
        facts = await self.directory.proposal_facts(proposal_id)
        curator = actor is not None and actor.is_curator
        if facts is None or not ((facts.consultation.published and facts.state == "published") or curator):
            raise NotFound("Proposition introuvable.", code="proposal_not_found")
        return facts
