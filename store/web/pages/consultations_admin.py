"""Curator dashboard per consultation: contributions, supports, selections, positionings, progress."""

from __future__ import annotations

from collections import Counter
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from catalogue.needs.phases import PHASE_LABELS, PHASE_ORDER
from catalogue.needs.reference import CONTRIBUTION_STATE_LABELS
from catalogue.needs.service import ConsultationService, ContributionService, RegroupementService
from catalogue.votes.service import DeploymentService, InterestService, ResultsService, SelectionService
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError
from store.web.rendering import flash, page

CURATOR = [requires(Scope.AdminConsultationsWrite)]
BAR_HEIGHT = 22


def bar_chart(rows: list[tuple[str, int]], width: int = 640) -> dict[str, Any]:
    """Geometry of a horizontal SVG bar chart (rendered by the template, no JavaScript)."""
    label_width, top = 260, max((v for _, v in rows), default=0) or 1
    bars = [
        {
            "y": i * BAR_HEIGHT,
            "label": label if len(label) <= 36 else label[:35] + "…",
            "value": value,
            "width": int((width - label_width - 50) * value / top),
        }
        for i, (label, value) in enumerate(rows)
    ]
    return {
        "bars": bars,
        "height": max(1, len(rows)) * BAR_HEIGHT,
        "width": width,
        "label_width": label_width,
    }


class ConsultationAdminPages(Controller):
    include_in_schema = False
    path = "/curation/consultations"

    @get("/{slug:str}", guards=CURATOR)
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        consultations: NamedDependency[ConsultationService],
        contributions: NamedDependency[ContributionService],
        regroupement: NamedDependency[RegroupementService],
        results: NamedDependency[ResultsService],
        selection: NamedDependency[SelectionService],
        interests: NamedDependency[InterestService],
        deployment: NamedDependency[DeploymentService],
    ) -> Template:
        actor = actor_of(request)
        consultation = await consultations.get_by_slug(slug, actor)
        cid = consultation.id
        all_contributions = await contributions.all(actor, cid)
        proposals = await regroupement.proposals(cid, actor)
        tally = await results.results(actor, cid)
        titles = {p.id: p.title for p in proposals}
        decisions = await selection.decisions(actor, cid)
        selected = [d.proposal_id for d in decisions if d.decision == "selected"]
        order = [k.value for k in PHASE_ORDER]
        active = consultation.active_phase
        following = order[order.index(active) + 1] if active and active != order[-1] else None
        return page(
            request,
            "pages/consultations/dashboard.html",
            consultation=consultation,
            contributions=all_contributions,
            contribution_states=Counter(c.state for c in all_contributions),
            state_labels=CONTRIBUTION_STATE_LABELS,
            proposals=proposals,
            titles=titles,
            results=tally,
            chart=bar_chart([(p.title, p.supports) for p in tally.proposals[:25]]),
            decisions=decisions,
            interests=await interests.all(actor, cid),
            progress=await deployment.progress_of(selected),
            next_phase=following,
            next_label=PHASE_LABELS.get(following or "", ""),
        )

    @post("/{slug:str}/phase-suivante", guards=CURATOR)
    async def advance(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        consultations: NamedDependency[ConsultationService],
    ) -> Redirect:
        actor = actor_of(request)
        try:
            view = await consultations.get_by_slug(slug, actor)
            if view.published_at is None:
                await consultations.publish(actor, view.id)
                flash(request, "Consultation ouverte : la collecte commence.")
            else:
                order = [k.value for k in PHASE_ORDER]
                following = order[order.index(view.active_phase or order[0]) + 1]
                await consultations.advance(actor, view.id, following)
                flash(request, f"Phase « {PHASE_LABELS[following]} » ouverte.")
        except (DomainError, IndexError) as exc:
            flash(
                request,
                exc.detail if isinstance(exc, DomainError) else "La consultation est terminée.",
                "error",
            )
        return Redirect(f"/curation/consultations/{slug}", status_code=303)
