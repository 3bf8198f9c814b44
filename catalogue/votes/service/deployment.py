"""Déploiement: weighted milestones per funded project, rolled up into a percentage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from catalogue.votes.events import DeploymentProgressed
from catalogue.votes.ports import REPORT_PROGRESS
from catalogue.votes.schemas import (
    FundedProjectView,
    MilestoneRequest,
    MilestoneUpdate,
    MilestoneView,
    ProgressView,
)
from catalogue.votes.service.base import VotesBase, audit, gate
from store.kit.auth import Actor, require_curator
from store.kit.errors import Conflict, NotFound
from store.kit.uow import UnitOfWork


def rolled_up(milestones: Iterable[dict[str, Any]]) -> int:
    """Weighted mean of the progress, rounded down: 100 only when every milestone is done."""
    rows = list(milestones)
    weights = sum(m["weight"] for m in rows)
    if not weights:
        return 0
    return sum(m["weight"] * m["progress"] for m in rows) // weights


def _view(m: dict[str, Any]) -> MilestoneView:
    return MilestoneView(
        id=m["id"],
        title=m["title"],
        weight=m["weight"],
        progress=m["progress"],
        due_on=m["due_on"],
        updated_at=m["updated_at"],
    )


class DeploymentService(VotesBase):
    async def progress(self, proposal_id: int) -> ProgressView:
        await self.proposal(proposal_id)
        rows = await self.repo.milestones([proposal_id])
        return ProgressView(
            proposal_id=proposal_id, percent=rolled_up(rows), milestones=[_view(m) for m in rows]
        )

    async def progress_of(self, proposal_ids: Iterable[int]) -> dict[int, int]:
        ids = list(proposal_ids)
        rows = await self.repo.milestones(ids)
        return {i: rolled_up(m for m in rows if m["proposal_id"] == i) for i in ids}

    async def for_listing(self, slug: str, proposal_ids: Iterable[int] = ()) -> list[FundedProjectView]:
        """The funded projects of published consultations that name this listing (or that fed it:
        ``proposal_ids``), with their deployment progress (what the listing's public page shows)."""
        projects = []
        for decision in await self.repo.selected_for_listing(slug, list(proposal_ids)):
            facts = await self.directory.facts(decision["consultation_id"])
            if facts is None or not facts.published:
                continue
            titles = await self.directory.proposal_titles(facts.consultation_id)
            rows = await self.repo.milestones([decision["proposal_id"]])
            projects.append(
                FundedProjectView(
                    consultation_slug=facts.slug,
                    consultation_title=facts.title,
                    proposal_id=decision["proposal_id"],
                    title=titles.get(decision["proposal_id"], ""),
                    funding_amount_cents=decision["funding_amount_cents"],
                    percent=rolled_up(rows),
                    milestones=[_view(m) for m in rows],
                )
            )
        return projects

    async def _selected(self, actor: Actor, proposal_id: int) -> tuple[int, Any]:
        require_curator(actor)
        proposal = await self.proposal(proposal_id, actor)
        gate(proposal.consultation, REPORT_PROGRESS)
        decision = await self.repo.decision(proposal_id)
        if decision is None or decision["decision"] != "selected":
            raise Conflict("Seul un projet retenu a un déploiement à suivre.", code="proposal_not_selected")
        return proposal.consultation.consultation_id, proposal

    async def _announce(self, work: UnitOfWork, consultation_id: int, proposal_id: int) -> None:
        rows = await self.repo.milestones([proposal_id])
        work.emit(
            DeploymentProgressed(
                consultation_id=consultation_id,
                proposal_id=proposal_id,
                progress_percent=rolled_up(rows),
                milestones_done=sum(1 for m in rows if m["progress"] >= 100),
                milestones_total=len(rows),
            )
        )

    async def add(self, actor: Actor, proposal_id: int, data: MilestoneRequest) -> ProgressView:
        consultation_id, _ = await self._selected(actor, proposal_id)
        async with self.uow() as work:
            existing = await self.repo.milestones([proposal_id])
            milestone_id = await self.repo.insert_milestone(
                {
                    "consultation_id": consultation_id,
                    "proposal_id": proposal_id,
                    "title": data.title.strip(),
                    "weight": data.weight,
                    "progress": data.progress,
                    "due_on": data.due_on,
                    "position": len(existing),
                    "updated_at": self.now(),
                }
            )
            await self._announce(work, consultation_id, proposal_id)
            work.audit(
                audit(actor, "votes:milestone:add", "milestone", milestone_id, data={"proposal": proposal_id})
            )
        return await self.progress(proposal_id)

    async def update(
        self,
        actor: Actor,
        milestone_id: int,
        data: MilestoneUpdate,
        *,
        consultation_id: int | None = None,
        proposal_id: int | None = None,
    ) -> ProgressView:
        """Change a milestone; ``consultation_id``/``proposal_id`` (from the URL), when given, must be
        its own: a milestone addressed under another consultation or project does not exist there."""
        row = await self.repo.milestone(milestone_id)
        if (
            row is None
            or (consultation_id is not None and row["consultation_id"] != consultation_id)
            or (proposal_id is not None and row["proposal_id"] != proposal_id)
        ):
            raise NotFound("Jalon introuvable.", code="milestone_not_found")
        consultation_id, _ = await self._selected(actor, row["proposal_id"])
        values: dict[Any, Any] = {
            k: getattr(data, k) for k in data.__struct_fields__ if getattr(data, k) is not None
        }
        values["updated_at"] = self.now()
        async with self.uow() as work:
            await self.repo.update_milestone(milestone_id, values)
            await self._announce(work, consultation_id, row["proposal_id"])
            work.audit(
                audit(
                    actor,
                    "votes:milestone:update",
                    "milestone",
                    milestone_id,
                    data={k: v for k, v in values.items() if k != "updated_at" and k != "due_on"},
                )
            )
        return await self.progress(row["proposal_id"])
