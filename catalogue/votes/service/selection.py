"""Sélection: the committee's decision per proposal. Supports inform it; they do not decide it.

A selected proposal feeds the catalogue and reserves its funding, through two outbox events
(``ProposalSelected`` for catalogue.listings, ``FundingReservationRequested`` for
catalogue.funding). Selected and not-selected are final; a deferred proposal may be decided again.
"""

from __future__ import annotations

from typing import Any

from catalogue.votes.events import FundingReservationRequested, ProposalDecided, ProposalSelected
from catalogue.votes.ports import SELECT
from catalogue.votes.schemas import DECISION_LABELS, DecisionRequest, DecisionView
from catalogue.votes.service.base import VotesBase, audit, gate
from catalogue.votes.service.results import ResultsService
from store.kit.auth import Actor, require_curator
from store.kit.errors import Conflict, InvalidInput, NotFound


def decision_view(row: dict[str, Any]) -> DecisionView:
    return DecisionView(
        id=row["id"],
        consultation_id=row["consultation_id"],
        proposal_id=row["proposal_id"],
        decision=row["decision"],
        decision_label=DECISION_LABELS[row["decision"]],
        rationale=row["rationale"],
        committee_session=row["committee_session"],
        funding_amount_cents=row["funding_amount_cents"],
        envelope_code=row["envelope_code"],
        listing_slug=row["listing_slug"],
        pilot_capacity=row["pilot_capacity"],
        supports_at_decision=row["supports_at_decision"],
        population_at_decision=row["population_at_decision"],
        population_year=row["population_year"],
        decided_at=row["decided_at"],
    )


class SelectionService(VotesBase):
    async def decisions(self, actor: Actor | None, consultation_id: int) -> list[DecisionView]:
        await self.consultation(consultation_id, actor)
        return [decision_view(r) for r in await self.repo.decisions(consultation_id)]

    async def decision(self, proposal_id: int) -> DecisionView | None:
        row = await self.repo.decision(proposal_id)
        return decision_view(row) if row else None

    async def decide(self, actor: Actor, proposal_id: int, data: DecisionRequest) -> DecisionView:
        require_curator(actor)
        proposal = await self.proposal(proposal_id, actor)
        if proposal.state != "published":
            raise Conflict("Cette proposition a été retirée.", code="proposal_withdrawn")
        facts = proposal.consultation
        gate(facts, SELECT)
        envelope = (data.envelope_code if data.envelope_code is not None else facts.envelope_code).strip()
        if data.decision == "selected" and data.funding_amount_cents > 0 and not envelope:
            raise InvalidInput(
                "Indiquez l'enveloppe sur laquelle réserver le financement.", code="envelope_required"
            )
        if data.decision != "selected" and data.funding_amount_cents:
            raise InvalidInput(
                "Seule une proposition retenue reçoit un financement.", code="funding_without_selection"
            )
        supports, population, year = await ResultsService(
            self.uow, self.directory, self.repo, population=self.population
        ).snapshot(facts.consultation_id, proposal_id)
        now = self.now()
        values: dict[str, Any] = {
            "consultation_id": facts.consultation_id,
            "proposal_id": proposal_id,
            "decision": data.decision,
            "rationale": data.rationale.strip(),
            "committee_session": data.committee_session.strip(),
            "funding_amount_cents": data.funding_amount_cents,
            "envelope_code": envelope,
            "listing_slug": (
                data.listing_slug if data.listing_slug is not None else proposal.listing_slug
            ).strip(),
            "pilot_capacity": (
                data.pilot_capacity if data.pilot_capacity is not None else facts.default_pilot_capacity
            ),
            "supports_at_decision": supports,
            "population_at_decision": population,
            "population_year": year,
            "decided_at": now,
            "decided_by": actor.account_id,
        }
        async with self.uow() as work:
            existing = await self.repo.decision(proposal_id, lock=True)
            if existing is not None and existing["decision"] != "deferred":
                raise Conflict(
                    f"La décision « {DECISION_LABELS[existing['decision']]} » est définitive.",
                    code="decision_final",
                )
            decision_id = await self.repo.save_decision(existing["id"] if existing else None, values)
            work.emit(
                ProposalDecided(
                    decision_id=decision_id,
                    consultation_id=facts.consultation_id,
                    proposal_id=proposal_id,
                    decision=data.decision,
                    rationale=values["rationale"],
                )
            )
            if data.decision == "selected":
                work.emit(
                    ProposalSelected(
                        decision_id=decision_id,
                        consultation_id=facts.consultation_id,
                        consultation_slug=facts.slug,
                        proposal_id=proposal_id,
                        title=proposal.title,
                        summary=proposal.summary,
                        thematique=proposal.thematique,
                        kind=proposal.kind,
                        listing_slug=values["listing_slug"],
                        funding_amount_cents=data.funding_amount_cents,
                        envelope_code=envelope,
                        pilot_capacity=values["pilot_capacity"],
                        decided_at=now,
                    )
                )
                if data.funding_amount_cents > 0:
                    work.emit(
                        FundingReservationRequested(
                            idempotency_key=f"selection:{decision_id}",
                            envelope_code=envelope,
                            amount_cents=data.funding_amount_cents,
                            consultation_id=facts.consultation_id,
                            proposal_id=proposal_id,
                            decision_id=decision_id,
                            title=proposal.title,
                            decided_at=now,
                        )
                    )
            work.audit(
                audit(
                    actor,
                    "votes:selection:decide",
                    "proposal",
                    proposal_id,
                    from_state=existing["decision"] if existing else None,
                    to_state=data.decision,
                    reason=values["rationale"],
                    data={
                        "funding_amount_cents": data.funding_amount_cents,
                        "envelope_code": envelope,
                        "supports_at_decision": supports,
                        "population_at_decision": population,
                    },
                )
            )
        row = await self.repo.decision(proposal_id)
        if row is None:  # pragma: no cover - just written
            raise NotFound("Décision introuvable.")
        return decision_view(row)
