"""Supports: the voter is the collectivité (SIREN), whoever clicks, within its limit.

Integrity under concurrent clicks: each support runs in one write transaction that first locks
the voter's ballot row (PostgreSQL ``FOR UPDATE``; SQLite already holds the write lock from
``BEGIN IMMEDIATE``), then counts the voter's live supports and checks the limit; the partial
unique index on (proposal, voter) WHERE withdrawn_at IS NULL backs the "once per proposal" rule.
"""

from __future__ import annotations

from catalogue.votes.ports import VOTE
from catalogue.votes.schemas import BallotView
from catalogue.votes.service.base import VotesBase, audit, gate, own_siren
from store.kit.auth import Actor, require_actor
from store.kit.errors import Conflict, NotFound

ALREADY = "Votre collectivité soutient déjà cette proposition."


class SupportService(VotesBase):
    async def ballot(self, actor: Actor, consultation_id: int, voter_siren: str) -> BallotView:
        require_actor(actor)
        siren = own_siren(actor, voter_siren)
        facts = await self.consultation(consultation_id, actor)
        live = await self.repo.live_supports(consultation_id, siren)
        limit = facts.vote_limit
        return BallotView(
            consultation_id=consultation_id,
            voter_siren=siren,
            vote_limit=limit,
            used=len(live),
            remaining=max(0, limit - len(live)) if limit else None,
            minimum_votes_per_voter=facts.minimum_votes_per_voter,
            supported_proposal_ids=[s["proposal_id"] for s in live],
            temporary=any(s["temporary"] for s in live),
            can_vote_now=facts.refusal(VOTE) is None,
            refusal=facts.refusal(VOTE),
        )

    async def _proposal_in(self, proposal_id: int, consultation_id: int | None) -> int:
        """The proposal's consultation, which must be ``consultation_id`` (the URL's) when given."""
        proposal = await self.proposal(proposal_id)
        found = proposal.consultation.consultation_id
        if consultation_id is not None and found != consultation_id:
            raise NotFound("Proposition introuvable dans cette consultation.", code="proposal_not_found")
        return found

    async def support(
        self, actor: Actor, proposal_id: int, voter_siren: str, *, consultation_id: int | None = None
    ) -> BallotView:
        require_actor(actor)
        siren = own_siren(actor, voter_siren)
        consultation_id = await self._proposal_in(proposal_id, consultation_id)
        now = self.now()
        try:
            async with self.uow() as work:
                await self.repo.lock_ballot(consultation_id, siren, now)
                # Read the rules again under the lock: a phase switch or a new limit is seen.
                proposal = await self.proposal(proposal_id)
                facts = proposal.consultation
                gate(facts, VOTE)
                live = await self.repo.live_supports(consultation_id, siren)
                if any(s["proposal_id"] == proposal_id for s in live):
                    raise Conflict(ALREADY, code="already_supported")
                if facts.vote_limit and len(live) >= facts.vote_limit:
                    raise Conflict(
                        f"Votre collectivité a déjà utilisé ses {facts.vote_limit} soutiens : retirez-en un "
                        "pour soutenir cette proposition.",
                        code="vote_limit_reached",
                    )
                count = await self.repo.lock_tally(consultation_id, proposal_id)
                threshold = facts.threshold_per_proposal
                if threshold and not facts.can_accumulate_beyond_threshold and count >= threshold:
                    raise Conflict(
                        f"Cette proposition a déjà atteint son seuil de {threshold} soutiens.",
                        code="threshold_reached",
                    )
                minimum = facts.minimum_votes_per_voter
                cast = len(live) + 1
                support_id = await self.repo.insert_support(
                    consultation_id=consultation_id,
                    proposal_id=proposal_id,
                    voter=siren,
                    by=actor.account_id,
                    temporary=bool(minimum) and cast < minimum,
                    now=now,
                )
                if minimum and cast >= minimum:
                    await self.repo.set_temporary(consultation_id, siren, False)
                await self.repo.bump_tally(proposal_id, 1)
                work.audit(
                    audit(
                        actor,
                        "votes:support:cast",
                        "support",
                        support_id,
                        data={"proposal": proposal_id, "voter": siren},
                    )
                )
        except Conflict as exc:
            if exc.code == "integrity_conflict":  # the partial unique index caught a double vote
                raise Conflict(ALREADY, code="already_supported") from exc
            raise
        return await self.ballot(actor, consultation_id, siren)

    async def withdraw(
        self, actor: Actor, proposal_id: int, voter_siren: str, *, consultation_id: int | None = None
    ) -> BallotView:
        require_actor(actor)
        siren = own_siren(actor, voter_siren)
        consultation_id = await self._proposal_in(proposal_id, consultation_id)
        now = self.now()
        async with self.uow() as work:
            await self.repo.lock_ballot(consultation_id, siren, now)
            facts = (await self.proposal(proposal_id)).consultation
            gate(facts, VOTE)
            live = await self.repo.live_supports(consultation_id, siren)
            mine = next((s for s in live if s["proposal_id"] == proposal_id), None)
            if mine is None:
                raise NotFound(
                    "Votre collectivité ne soutient pas cette proposition.", code="support_not_found"
                )
            await self.repo.withdraw_support(mine["id"], actor.account_id, now)
            await self.repo.lock_tally(consultation_id, proposal_id)
            await self.repo.bump_tally(proposal_id, -1)
            if facts.minimum_votes_per_voter and len(live) - 1 < facts.minimum_votes_per_voter:
                await self.repo.set_temporary(consultation_id, siren, True)
            work.audit(
                audit(
                    actor,
                    "votes:support:withdraw",
                    "support",
                    mine["id"],
                    data={"proposal": proposal_id, "voter": siren},
                )
            )
        return await self.ballot(actor, consultation_id, siren)
