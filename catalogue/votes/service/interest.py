"""Positionnement: collectivités declare interest in a selected service; curators accept or decline.

A co-funding pledge commits the collectivité: only a signatory (``can_sign``) may make it. Pilots
(territoires référents) are capped per service by the decision's ``pilot_capacity``.
"""

from __future__ import annotations

from typing import Any

from catalogue.votes.events import InterestAccepted, InterestWithdrawn
from catalogue.votes.ports import DECLARE_INTEREST, REVIEW_INTEREST, ProposalFacts
from catalogue.votes.schemas import (
    INTEREST_STATE_LABELS,
    ROLE_LABELS,
    InterestRequest,
    InterestView,
    PilotView,
    ReviewRequest,
)
from catalogue.votes.service.base import VotesBase, audit, gate, own_siren
from store.kit.auth import Actor, require_actor, require_curator
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound

PILOT = "territoire_referent"


def interest_view(row: dict[str, Any]) -> InterestView:
    return InterestView(
        id=row["id"],
        consultation_id=row["consultation_id"],
        proposal_id=row["proposal_id"],
        collectivite_siren=row["collectivite"],
        collectivite_name=row["collectivite_name"],
        collectivite_kind=row["collectivite_kind"],
        departement_code=row["departement_code"],
        role=row["role"],
        role_label=ROLE_LABELS[row["role"]],
        commitment_text=row["commitment_text"],
        cofunding_amount_cents=row["cofunding_amount_cents"],
        state=row["state"],
        state_label=INTEREST_STATE_LABELS[row["state"]],
        review_reason=row["review_reason"],
        created_at=row["created_at"],
        reviewed_at=row["reviewed_at"],
    )


class InterestService(VotesBase):
    async def declare(self, actor: Actor, proposal_id: int, data: InterestRequest) -> InterestView:
        require_actor(actor)
        siren = own_siren(actor, data.collectivite_siren)
        if data.role == "cofinanceur":
            if not actor.can_sign_for(siren):
                raise Forbidden(
                    "Un engagement de co-financement doit être pris par un signataire de la collectivité "
                    "(exécutif ou titulaire d'une délégation).",
                    code="signatory_required",
                )
            if data.cofunding_amount_cents <= 0:
                raise InvalidInput("Indiquez le montant du co-financement.", code="cofunding_amount_required")
        elif data.cofunding_amount_cents:
            raise InvalidInput("Seul un co-financeur indique un montant.", code="amount_without_cofunding")
        proposal = await self.proposal(proposal_id)
        gate(proposal.consultation, DECLARE_INTEREST)
        decision = await self.repo.decision(proposal_id)
        if decision is None or decision["decision"] != "selected":
            raise Conflict(
                "On ne se positionne que sur un service retenu par le comité.", code="proposal_not_selected"
            )
        try:
            interest_id = await self._insert(actor, proposal, siren, data)
        except Conflict as exc:
            if exc.code == "integrity_conflict":  # the partial unique index: one live role per service
                raise Conflict(
                    f"Votre collectivité est déjà positionnée comme « {ROLE_LABELS[data.role]} » "
                    "sur ce service.",
                    code="already_declared",
                ) from exc
            raise
        row = await self.repo.interest(interest_id)
        assert row is not None
        return interest_view(row)

    async def _insert(self, actor: Actor, proposal: ProposalFacts, siren: str, data: InterestRequest) -> int:
        async with self.uow() as work:
            interest_id = await self.repo.insert_interest(
                {
                    "consultation_id": proposal.consultation.consultation_id,
                    "proposal_id": proposal.proposal_id,
                    "collectivite": siren,
                    "cast_by": actor.account_id,
                    "role": data.role,
                    "commitment_text": data.commitment_text.strip(),
                    "cofunding_amount_cents": data.cofunding_amount_cents,
                    "state": "submitted",
                    "created_at": self.now(),
                }
            )
            work.audit(audit(actor, "votes:interest:declare", "interest", interest_id, to_state="submitted"))
        return interest_id

    async def mine(self, actor: Actor, consultation_id: int, siren: str | None = None) -> list[InterestView]:
        """The positionings of the actor's collectivités, or of ``siren`` (which must be one of them)."""
        require_actor(actor)
        sirens = {own_siren(actor, siren)} if siren is not None else actor.collectivite_sirens()
        await self.consultation(consultation_id, actor)
        rows = await self.repo.interests(consultation_id, sirens=sirens)
        return [interest_view(r) for r in rows]

    async def all(self, actor: Actor, consultation_id: int) -> list[InterestView]:
        require_curator(actor)
        return [interest_view(r) for r in await self.repo.interests(consultation_id)]

    async def pilots(self, proposal_id: int) -> list[PilotView]:
        """Public: accepted positionings of a selected service."""
        proposal = await self.proposal(proposal_id)
        rows = await self.repo.interests(
            proposal.consultation.consultation_id, proposal_id=proposal_id, states=["accepted"]
        )
        return [
            PilotView(
                collectivite_siren=r["collectivite"],
                collectivite_name=r["collectivite_name"],
                departement_code=r["departement_code"],
                role=r["role"],
                role_label=ROLE_LABELS[r["role"]],
            )
            for r in rows
        ]

    async def _interest(self, interest_id: int, consultation_id: int | None) -> dict[str, Any] | None:
        """The positioning, unless ``consultation_id`` (the one in the URL) is not its consultation."""
        row = await self.repo.interest(interest_id)
        if row is None or (consultation_id is not None and row["consultation_id"] != consultation_id):
            return None
        return row

    async def review(
        self, actor: Actor, interest_id: int, data: ReviewRequest, *, consultation_id: int | None = None
    ) -> InterestView:
        require_curator(actor)
        row = await self._interest(interest_id, consultation_id)
        if row is None:
            raise NotFound("Positionnement introuvable.", code="interest_not_found")
        facts = await self.consultation(row["consultation_id"], actor)
        gate(facts, REVIEW_INTEREST)
        if not data.accept and len(data.reason.strip()) < 3:
            raise InvalidInput("Indiquez pourquoi le positionnement est décliné.", code="reason_required")
        now = self.now()
        to = "accepted" if data.accept else "declined"
        async with self.uow() as work:
            decision = await self.repo.decision(row["proposal_id"], lock=True)
            if data.accept and row["role"] == PILOT:
                capacity = decision["pilot_capacity"] if decision else 0
                if await self.repo.count_accepted(row["proposal_id"], PILOT) >= capacity:
                    raise Conflict(
                        f"Ce service a déjà ses {capacity} territoires référents.",
                        code="pilot_capacity_reached",
                    )
            moved = await self.repo.move_interest(
                interest_id,
                to=to,
                from_states=["submitted"],
                values={
                    "review_reason": data.reason.strip(),
                    "reviewed_at": now,
                    "reviewed_by": actor.account_id,
                },
            )
            if not moved:
                raise Conflict(
                    "Ce positionnement a déjà été examiné ou retiré.", code="interest_not_submitted"
                )
            if data.accept:
                work.emit(
                    InterestAccepted(
                        interest_id=interest_id,
                        consultation_id=row["consultation_id"],
                        proposal_id=row["proposal_id"],
                        listing_slug=decision["listing_slug"] if decision else "",
                        collectivite_siren=row["collectivite"],
                        collectivite_name=row["collectivite_name"],
                        collectivite_kind=row["collectivite_kind"],
                        departement_code=row["departement_code"],
                        role=row["role"],
                        cofunding_amount_cents=row["cofunding_amount_cents"],
                    )
                )
            work.audit(
                audit(
                    actor,
                    "votes:interest:review",
                    "interest",
                    interest_id,
                    from_state="submitted",
                    to_state=to,
                    reason=data.reason.strip() or None,
                )
            )
        updated = await self.repo.interest(interest_id)
        assert updated is not None
        return interest_view(updated)

    async def withdraw(
        self, actor: Actor, interest_id: int, *, consultation_id: int | None = None
    ) -> InterestView:
        require_actor(actor)
        row = await self._interest(interest_id, consultation_id)
        if row is None or row["collectivite"] not in actor.collectivite_sirens():
            raise NotFound("Positionnement introuvable.", code="interest_not_found")
        async with self.uow() as work:
            moved = await self.repo.move_interest(
                interest_id, to="withdrawn", from_states=["submitted", "accepted"], values={}
            )
            if not moved:
                raise Conflict("Ce positionnement n'est plus actif.", code="interest_not_active")
            if row["state"] == "accepted":
                decision = await self.repo.decision(row["proposal_id"])
                work.emit(
                    InterestWithdrawn(
                        interest_id=interest_id,
                        consultation_id=row["consultation_id"],
                        proposal_id=row["proposal_id"],
                        listing_slug=decision["listing_slug"] if decision else "",
                        collectivite_siren=row["collectivite"],
                        departement_code=row["departement_code"],
                        role=row["role"],
                    )
                )
            work.audit(
                audit(
                    actor,
                    "votes:interest:withdraw",
                    "interest",
                    interest_id,
                    from_state=row["state"],
                    to_state="withdrawn",
                )
            )
        updated = await self.repo.interest(interest_id)
        assert updated is not None
        return interest_view(updated)
