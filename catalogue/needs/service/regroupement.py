"""Regroupement: curators merge contributions into proposals, split, reorient and reject them.

Contribution states: draft → published → reoriented | rejected | merged. Every move is a
compare-and-set on the current state (two curators cannot both decide), audited, and announced
so that contributors can be told what happened to theirs.
"""

from __future__ import annotations

from typing import Any

from catalogue.needs.events import ContributionOutcomeDecided, ProposalPublished
from catalogue.needs.phases import Action
from catalogue.needs.reference import THEMATIQUES
from catalogue.needs.repository import NeedsRepository
from catalogue.needs.schemas import (
    AttachRequest,
    MergeRequest,
    ProposalDraft,
    ProposalUpdate,
    ProposalView,
    SplitRequest,
)
from catalogue.needs.service.consultations import ConsultationService, audit
from catalogue.needs.service.gate import require
from store.kit.auth import Actor, require_curator
from store.kit.errors import Conflict, InvalidInput, NotFound
from store.kit.uow import UnitOfWork, UnitOfWorkFactory


class RegroupementService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        consultations: ConsultationService,
        repo: NeedsRepository | None = None,
    ) -> None:
        self.uow = uow
        self.consultations = consultations
        self.repo = repo or NeedsRepository()

    # Reading ----------------------------------------------------------------------------------

    async def _views(self, rows: list[dict[str, Any]]) -> list[ProposalView]:
        ids = [r["id"] for r in rows]
        counts = await self.repo.source_counts(ids)
        names = await self.repo.sources_of_proposals(ids)
        return [
            ProposalView(
                id=r["id"],
                consultation_id=r["consultation"],
                title=r["title"],
                summary=r["summary"],
                thematique=r["thematique"],
                kind=r["kind"],
                state=r["state"],
                listing_slug=r["listing_slug"],
                source_count=counts[r["id"]],
                source_collectivites=sorted(names[r["id"]]),
                created_at=r["created_at"],
            )
            for r in rows
        ]

    async def proposals(self, consultation_id: int, actor: Actor | None = None) -> list[ProposalView]:
        await self.consultations.get(consultation_id, actor)  # 404 for drafts unless curator
        curator = bool(actor and actor.is_curator)
        return await self._views(await self.repo.proposals(consultation_id, published_only=not curator))

    async def proposal(self, proposal_id: int, actor: Actor | None = None) -> ProposalView:
        row = await self.repo.proposal(proposal_id)
        curator = bool(actor and actor.is_curator)
        if row is None or (row["state"] != "published" and not curator):
            raise NotFound("Proposition introuvable.", code="proposal_not_found")
        await self.consultations.get(row["consultation"], actor)
        return (await self._views([row]))[0]

    # Curating ---------------------------------------------------------------------------------

    async def _gate(self, actor: Actor, consultation_id: int) -> None:
        require_curator(actor)
        facts = await self.consultations.facts(consultation_id)
        if facts is None:
            raise NotFound("Consultation introuvable.", code="consultation_not_found")
        require(facts, Action.curate)

    async def _published(self, consultation_id: int, ids: list[int]) -> list[dict[str, Any]]:
        rows = await self.repo.contributions(consultation_id, ids=ids)
        found = {r["id"]: r for r in rows}
        missing = [i for i in ids if i not in found]
        if missing:
            raise NotFound(
                "Contributions introuvables dans cette consultation : " + ", ".join(map(str, missing)) + ".",
                code="contribution_not_found",
            )
        wrong = [r for r in rows if r["state"] != "published"]
        if wrong:
            raise Conflict(
                "Seules les contributions déposées et pas encore traitées peuvent être regroupées : "
                + ", ".join(f"n°{r['id']} ({r['state']})" for r in wrong)
                + ".",
                code="contribution_not_published",
            )
        return rows

    def _check_draft(self, draft: ProposalDraft) -> None:
        if draft.thematique not in THEMATIQUES:
            raise InvalidInput("Thématique inconnue.", code="thematique_unknown")

    async def _new_proposal(
        self, work: UnitOfWork, actor: Actor, consultation_id: int, draft: ProposalDraft, sources: list[int]
    ) -> int:
        self._check_draft(draft)
        proposal_id = await self.repo.insert_proposal(
            {
                "consultation": consultation_id,
                "title": draft.title.strip(),
                "summary": draft.summary.strip(),
                "thematique": draft.thematique,
                "kind": draft.kind,
                "state": "published",
                "listing_slug": draft.listing_slug.strip(),
                "created_at": self.consultations.clock(),
                "created_by": actor.account_id,
            }
        )
        work.emit(
            ProposalPublished(
                consultation_id=consultation_id,
                proposal_id=proposal_id,
                title=draft.title.strip(),
                source_contribution_ids=sorted(sources),
            )
        )
        work.audit(audit(actor, "needs:proposal:create", "proposal", proposal_id, to_state="published"))
        return proposal_id

    async def _mark_merged(
        self, work: UnitOfWork, actor: Actor, rows: list[dict[str, Any]], proposal_ids: list[int]
    ) -> None:
        ids = [r["id"] for r in rows]
        moved = await self.repo.set_contribution_state(
            ids,
            state="merged",
            from_states=["published"],
            by=actor.account_id,
            now=self.consultations.clock(),
        )
        if moved != len(ids):
            raise Conflict(
                "Une contribution a été traitée entre-temps : rechargez.", code="contribution_moved"
            )
        for row in rows:
            work.emit(
                ContributionOutcomeDecided(
                    consultation_id=row["consultation"],
                    contribution_id=row["id"],
                    collectivite_siren=row["collectivite"],
                    state="merged",
                    message="",
                    proposal_ids=proposal_ids,
                )
            )
            work.audit(
                audit(
                    actor,
                    "needs:contribution:merge",
                    "contribution",
                    row["id"],
                    from_state="published",
                    to_state="merged",
                    data={"proposals": proposal_ids},
                )
            )

    async def merge(self, actor: Actor, consultation_id: int, data: MergeRequest) -> ProposalView:
        await self._gate(actor, consultation_id)
        ids = sorted(set(data.contribution_ids))
        async with self.uow() as work:
            rows = await self._published(consultation_id, ids)
            proposal_id = await self._new_proposal(work, actor, consultation_id, data.proposal, ids)
            await self.repo.link_sources(proposal_id, ids)
            await self._mark_merged(work, actor, rows, [proposal_id])
        return await self.proposal(proposal_id, actor)

    async def attach(self, actor: Actor, proposal_id: int, data: AttachRequest) -> ProposalView:
        proposal = await self.repo.proposal(proposal_id)
        if proposal is None:
            raise NotFound("Proposition introuvable.", code="proposal_not_found")
        await self._gate(actor, proposal["consultation"])
        ids = sorted(set(data.contribution_ids))
        async with self.uow() as work:
            rows = await self._published(proposal["consultation"], ids)
            await self.repo.link_sources(proposal_id, ids)
            await self._mark_merged(work, actor, rows, [proposal_id])
        return await self.proposal(proposal_id, actor)

    async def _contribution(self, contribution_id: int, consultation_id: int | None) -> dict[str, Any]:
        """The contribution; under another consultation's URL (``consultation_id``) it is not found."""
        row = await self.repo.contribution(contribution_id)
        if row is None or (consultation_id is not None and row["consultation"] != consultation_id):
            raise NotFound("Contribution introuvable dans cette consultation.", code="contribution_not_found")
        return row

    async def split(
        self,
        actor: Actor,
        contribution_id: int,
        data: SplitRequest,
        *,
        consultation_id: int | None = None,
    ) -> list[ProposalView]:
        row = await self._contribution(contribution_id, consultation_id)
        consultation_id = row["consultation"]
        await self._gate(actor, consultation_id)
        for target in data.targets:
            if (target.proposal_id is None) == (target.new_proposal is None):
                raise InvalidInput(
                    "Chaque cible désigne soit une proposition existante, soit une nouvelle proposition.",
                    code="split_target_invalid",
                )
        existing = sorted({t.proposal_id for t in data.targets if t.proposal_id is not None})
        if existing:
            found = await self.repo.proposals(consultation_id, published_only=True, ids=existing)
            if len(found) != len(existing):
                raise NotFound(
                    "Proposition cible introuvable dans cette consultation.", code="proposal_not_found"
                )
        if len(existing) + sum(1 for t in data.targets if t.new_proposal) < 2:
            raise InvalidInput(
                "Une scission demande au moins deux propositions distinctes.", code="split_too_small"
            )
        async with self.uow() as work:
            rows = await self._published(consultation_id, [contribution_id])
            targets = list(existing)
            for target in data.targets:
                if target.new_proposal is not None:
                    targets.append(
                        await self._new_proposal(
                            work, actor, consultation_id, target.new_proposal, [contribution_id]
                        )
                    )
            for proposal_id in targets:
                await self.repo.link_sources(proposal_id, [contribution_id])
            await self._mark_merged(work, actor, rows, targets)
        return await self._views(
            await self.repo.proposals(consultation_id, published_only=False, ids=targets)
        )

    async def _close(
        self, actor: Actor, contribution_id: int, state: str, message: str, consultation_id: int | None
    ) -> None:
        row = await self._contribution(contribution_id, consultation_id)
        await self._gate(actor, row["consultation"])
        message = message.strip()
        if len(message) < 3:
            raise InvalidInput("Un message explicatif est obligatoire.", code="message_required")
        async with self.uow() as work:
            moved = await self.repo.set_contribution_state(
                [contribution_id],
                state=state,
                from_states=["published"],
                message=message,
                by=actor.account_id,
                now=self.consultations.clock(),
            )
            if not moved:
                raise Conflict(
                    "Seule une contribution déposée et pas encore traitée peut l'être.",
                    code="contribution_not_published",
                )
            work.emit(
                ContributionOutcomeDecided(
                    consultation_id=row["consultation"],
                    contribution_id=contribution_id,
                    collectivite_siren=row["collectivite"],
                    state=state,
                    message=message,
                    proposal_ids=[],
                )
            )
            work.audit(
                audit(
                    actor,
                    f"needs:contribution:{'reorient' if state == 'reoriented' else 'reject'}",
                    "contribution",
                    contribution_id,
                    from_state="published",
                    to_state=state,
                    reason=message,
                )
            )

    async def reorient(
        self, actor: Actor, contribution_id: int, message: str, *, consultation_id: int | None = None
    ) -> None:
        """Close a published contribution with a message pointing elsewhere. ``consultation_id``: the
        consultation the caller addressed it under (the URL's); another one's contribution is 404."""
        await self._close(actor, contribution_id, "reoriented", message, consultation_id)

    async def reject(
        self, actor: Actor, contribution_id: int, reason: str, *, consultation_id: int | None = None
    ) -> None:
        await self._close(actor, contribution_id, "rejected", reason, consultation_id)

    async def update_proposal(self, actor: Actor, proposal_id: int, data: ProposalUpdate) -> ProposalView:
        require_curator(actor)
        row = await self.repo.proposal(proposal_id)
        if row is None:
            raise NotFound("Proposition introuvable.", code="proposal_not_found")
        if data.state is not None and data.state != row["state"]:
            await self._gate(actor, row["consultation"])
        if data.thematique is not None and data.thematique not in THEMATIQUES:
            raise InvalidInput("Thématique inconnue.", code="thematique_unknown")
        values = {k: getattr(data, k) for k in data.__struct_fields__ if getattr(data, k) is not None}
        async with self.uow() as work:
            await self.repo.update_proposal(proposal_id, values)
            work.audit(
                audit(
                    actor,
                    "needs:proposal:update",
                    "proposal",
                    proposal_id,
                    from_state=row["state"],
                    to_state=values.get("state", row["state"]),
                    data={k: v for k, v in values.items() if k != "summary"},
                )
            )
        return await self.proposal(proposal_id, actor)
