"""Curator dashboard per consultation (tables, charts, map, CSV exports) and the phase switch and dates."""

from __future__ import annotations

from collections import Counter
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup

from admin.consultations.dashboard import Dashboard
from catalogue.needs.phases import PHASE_LABELS, PHASE_ORDER
from catalogue.needs.reference import CONTRIBUTION_STATE_LABELS
from catalogue.needs.schemas import PhaseUpdate
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import Conflict, DomainError
from store.web.charts import Bar, DepartementMaps, render_bar_chart
from store.web.pages.consultation_forms import DESK, Desk, local_input, moment, refusal
from store.web.rendering import flash, page

CURATOR = [requires(Scope.AdminConsultationsWrite)]


class PhaseEndForm(msgspec.Struct):
    ends_at: str = ""


def dashboard_figures(board: Dashboard) -> dict[str, Markup]:
    """The charts and the map of the dashboard (each names the table holding its figures)."""
    maps = DepartementMaps()
    themes = board.tables["contributions-par-thematique"]
    deployment = board.tables["deploiement"]
    return {
        "themes": render_bar_chart(
            [Bar(str(row[0]), int(row[-1])) for row in themes.rows],
            title="Contributions par thématique",
            unit="contributions",
            table_id="table-contributions-par-thematique",
        ),
        "supports": render_bar_chart(
            [Bar(p.title, p.supports) for p in board.results.proposals[:25]],
            title="Soutiens par proposition (25 premières)",
            unit="soutiens",
            table_id="table-soutiens-par-proposition",
        ),
        "map": maps.render(
            board.supports_by_departement,
            title="Soutiens par département",
            unit="soutiens",
            table_id="table-soutiens-par-departement",
        ),
        "positioning_map": maps.render(
            board.positionings_by_departement,
            title="Positionnements par département",
            unit="positionnements",
            table_id="table-positionnements-par-departement",
        ),
        "deployment": render_bar_chart(
            [Bar(str(row[1]), int(row[-1])) for row in deployment.rows],
            title="Avancement du déploiement par projet financé",
            unit="%",
            formatter=str,
            table_id="table-deploiement",
        ),
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
        board = await desk.consultation_dashboard.build(actor, consultation.id)
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
            board=board,
            tables=board.tables,
            contributions=board.contributions,
            contribution_states=Counter(c.state for c in board.contributions),
            state_labels=CONTRIBUTION_STATE_LABELS,
            titles=board.titles,
            results=board.results,
            interests=board.interests,
            figures=dashboard_figures(board),
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
