"""Curator dashboard per consultation (counts, chart, exports) and the phase switch and dates."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from catalogue.needs.phases import PHASE_LABELS, PHASE_ORDER
from catalogue.needs.reference import CONTRIBUTION_STATE_LABELS
from catalogue.needs.schemas import PhaseUpdate
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import Conflict, DomainError
from store.web.pages.consultation_forms import DESK, Desk, local_input, moment, refusal
from store.web.rendering import flash, page

CURATOR = [requires(Scope.AdminConsultationsWrite)]
BAR_HEIGHT = 22


class PhaseEndForm(msgspec.Struct):
    ends_at: str = ""


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


def next_phase(active: str | None) -> str | None:
    order = [k.value for k in PHASE_ORDER]
    if active is None:
        return None
    index = order.index(active)
    return order[index + 1] if index + 1 < len(order) else None


class ConsultationAdminPages(Controller):
    include_in_schema = False
    path = "/curation/consultations"
    guards = CURATOR
    dependencies = DESK

    async def _dashboard(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        desk: Desk,
        *,
        errors: dict[str, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        cid = consultation.id
        contributions = await desk.contributions.all(actor, cid)
        proposals = await desk.regroupement.proposals(cid, actor)
        tally = await desk.results.results(actor, cid)
        decisions = await desk.selection.decisions(actor, cid)
        selected = [d.proposal_id for d in decisions if d.decision == "selected"]
        following = next_phase(consultation.active_phase)
        active_index = next(
            (p.position for p in consultation.phases if p.kind == consultation.active_phase), -1
        )
        return page(
            request,
            "pages/consultations/dashboard.html",
            status_code=status_code,
            tab="dashboard",
            consultation=consultation,
            contributions=contributions,
            contribution_states=Counter(c.state for c in contributions),
            state_labels=CONTRIBUTION_STATE_LABELS,
            proposals=proposals,
            titles={p.id: p.title for p in proposals},
            results=tally,
            chart=bar_chart([(p.title, p.supports) for p in tally.proposals[:25]]),
            decisions=decisions,
            interests=await desk.interests.all(actor, cid),
            progress=await desk.deployment.progress_of(selected),
            next_phase=following,
            next_label=PHASE_LABELS.get(following or "", ""),
            editable_phases=[p for p in consultation.phases if p.position >= active_index],
            local_input=local_input,
            errors=errors or {},
        )

    @get("/{slug:str}")
    async def dashboard(
        self, request: Request[Any, Any, Any], slug: FromPath[str], desk: NamedDependency[Desk]
    ) -> Template:
        return await self._dashboard(request, slug, desk)

    @post("/{slug:str}/phase-suivante")
    async def advance(
        self, request: Request[Any, Any, Any], slug: FromPath[str], desk: NamedDependency[Desk]
    ) -> Template | Redirect:
        actor = actor_of(request)
        view = await desk.consultations.get_by_slug(slug, actor)
        try:
            if view.published_at is None:
                await desk.consultations.publish(actor, view.id)
                flash(request, "Consultation ouverte : la collecte commence.")
            else:
                following = next_phase(view.active_phase)
                if following is None:
                    raise Conflict(
                        "La consultation est terminée : il n'y a pas de phase suivante.",
                        code="phase_not_next",
                    )
                await desk.consultations.advance(actor, view.id, following)
                flash(request, f"Phase « {PHASE_LABELS[following]} » ouverte.")
        except DomainError as exc:
            status, message = refusal(exc)
            return await self._dashboard(request, slug, desk, errors={"phase": message}, status_code=status)
        return Redirect(f"/curation/consultations/{slug}", status_code=303)

    @post("/{slug:str}/phases/{kind:str}/fin")
    async def move_end(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        kind: FromPath[str],
        data: URLEncodedBody[PhaseEndForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        actor = actor_of(request)
        view = await desk.consultations.get_by_slug(slug, actor)
        try:
            ends_at = moment(data.ends_at, "ends_at", "Fin de la phase")
            await desk.consultations.update_phase(actor, view.id, kind, PhaseUpdate(ends_at=ends_at))
        except DomainError as exc:
            status, message = refusal(exc)
            return await self._dashboard(
                request, slug, desk, errors={f"phase-{kind}": message}, status_code=status
            )
        flash(
            request, f"Fin de la phase « {PHASE_LABELS.get(kind, kind)} » déplacée ; la phase suivante suit."
        )
        return Redirect(f"/curation/consultations/{slug}", status_code=303)
