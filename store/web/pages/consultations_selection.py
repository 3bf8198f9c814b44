"""Curators in the browser after the vote: committee decisions, positionings, deployment milestones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from catalogue.needs.schemas import ConsultationView, ProposalView
from catalogue.votes.schemas import (
    DECISION_LABELS,
    DecisionRequest,
    MilestoneRequest,
    MilestoneUpdate,
    ReviewRequest,
)
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError, FieldError, InvalidInput, NotFound
from store.kit.money import format_eur
from store.web.pages.consultation_forms import DESK, Desk, build, cents, optional_int, refusal
from store.web.rendering import flash, page

CURATOR = [requires(Scope.AdminConsultationsWrite)]
PILOT = "territoire_referent"


class DecisionForm(msgspec.Struct):
    decision: str = ""
    rationale: str = ""
    montant: str = ""
    """Funding in euros, as typed (« 1 200 000 », « 450 000,50 »)."""
    envelope_code: str = ""
    listing_slug: str = ""
    pilot_capacity: str = ""
    committee_session: str = ""


class ReviewForm(msgspec.Struct):
    action: str = ""
    """accepter | decliner"""
    reason: str = ""


class MilestoneForm(msgspec.Struct):
    title: str = ""
    weight: str = "1"
    progress: str = "0"
    due_on: str = ""


class MilestoneEditForm(msgspec.Struct):
    weight: str = ""
    progress: str = ""


def decision_request(form: DecisionForm) -> DecisionRequest:
    if form.decision not in DECISION_LABELS:
        raise InvalidInput(
            "Choisissez la décision du comité : retenue, non retenue ou reportée.",
            code="decision_required",
            errors=[FieldError("decision", "décision à choisir")],
        )
    if len(form.rationale.strip()) < 3:
        raise InvalidInput(
            "Motivez la décision (3 caractères au moins) : elle sera publiée.",
            code="rationale_required",
            errors=[FieldError("rationale", "motif obligatoire")],
        )
    return build(
        DecisionRequest,
        decision=form.decision,
        rationale=form.rationale.strip(),
        funding_amount_cents=cents(form.montant),
        envelope_code=form.envelope_code.strip(),  # pre-filled with the consultation's: empty means none
        listing_slug=form.listing_slug.strip() or None,
        pilot_capacity=optional_int(form.pilot_capacity, "pilot_capacity", "Territoires référents"),
        committee_session=form.committee_session.strip(),
    )


def milestone_request(form: MilestoneForm) -> MilestoneRequest:
    if len(form.title.strip()) < 3:
        raise InvalidInput(
            "Donnez un titre au jalon (3 caractères au moins).", code="milestone_title_required"
        )
    due: dt.datetime | None = None
    if form.due_on.strip():
        try:
            due = dt.datetime.combine(dt.date.fromisoformat(form.due_on.strip()), dt.time(12), dt.UTC)
        except ValueError as exc:
            raise InvalidInput("Échéance : date attendue.", code="invalid_date") from exc
    return build(
        MilestoneRequest,
        title=form.title.strip(),
        weight=optional_int(form.weight, "weight", "Poids") or 1,
        progress=optional_int(form.progress, "progress", "Avancement") or 0,
        due_on=due,
    )


class ConsultationSelectionPages(Controller):
    include_in_schema = False
    path = "/curation/consultations"
    guards = CURATOR
    dependencies = DESK

    async def _proposal(
        self, request: Request[Any, Any, Any], desk: Desk, slug: str, proposal_id: int
    ) -> tuple[ConsultationView, ProposalView]:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        proposal = await desk.regroupement.proposal(proposal_id, actor)
        if proposal.consultation_id != consultation.id:
            raise NotFound("Proposition introuvable dans cette consultation.", code="proposal_not_found")
        return consultation, proposal

    async def _render(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        desk: Desk,
        tab: str,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        cid = consultation.id
        proposals = await desk.regroupement.proposals(cid, actor)
        decisions = {d.proposal_id: d for d in await desk.selection.decisions(actor, cid)}
        context: dict[str, Any] = {
            "consultation": consultation,
            "tab": tab,
            "titles": {p.id: p.title for p in proposals},
            "decisions": decisions,
            "errors": errors or {},
            "values": values or {},
        }
        if tab == "selection":
            tally = await desk.results.results(actor, cid)
            context |= {
                "proposals": [p for p in proposals if p.state == "published"],
                "counts": {p.proposal_id: p for p in tally.proposals},
                "decision_labels": DECISION_LABELS,
            }
        elif tab == "positionnements":
            interests = await desk.interests.all(actor, cid)
            context |= {
                "interests": interests,
                "pilots": {
                    pid: sum(
                        1
                        for i in interests
                        if i.proposal_id == pid and i.role == PILOT and i.state == "accepted"
                    )
                    for pid in decisions
                },
            }
        else:
            selected = [pid for pid, d in decisions.items() if d.decision == "selected"]
            context["projects"] = [await desk.deployment.progress(pid) for pid in selected]
        return page(request, f"pages/consultations/{tab}.html", status_code=status_code, **context)

    # Sélection ---------------------------------------------------------------------------------

    @get("/{slug:str}/selection")
    async def selection(
        self, request: Request[Any, Any, Any], slug: FromPath[str], desk: NamedDependency[Desk]
    ) -> Template:
        return await self._render(request, slug, desk, "selection")

    @post("/{slug:str}/selection/{proposal_id:int}")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        proposal_id: FromPath[int],
        data: URLEncodedBody[DecisionForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        _, proposal = await self._proposal(request, desk, slug, proposal_id)
        try:
            decision = await desk.selection.decide(actor_of(request), proposal_id, decision_request(data))
        except DomainError as exc:
            status, message = refusal(exc)
            values = {"form": f"decision-{proposal_id}", **msgspec.structs.asdict(data)}
            return await self._render(
                request,
                slug,
                desk,
                "selection",
                errors={f"decision-{proposal_id}": message},
                values=values,
                status_code=status,
            )
        funding = (
            f", financement {format_eur(decision.funding_amount_cents)}"
            if decision.funding_amount_cents
            else ""
        )
        flash(
            request, f"Décision « {decision.decision_label} » enregistrée pour « {proposal.title} »{funding}."
        )
        return Redirect(
            f"/curation/consultations/{slug}/selection#proposition-{proposal_id}", status_code=303
        )

    # Positionnements ---------------------------------------------------------------------------

    @get("/{slug:str}/positionnements")
    async def interests(
        self, request: Request[Any, Any, Any], slug: FromPath[str], desk: NamedDependency[Desk]
    ) -> Template:
        return await self._render(request, slug, desk, "positionnements")

    @post("/{slug:str}/positionnements/{interest_id:int}")
    async def review(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        interest_id: FromPath[int],
        data: URLEncodedBody[ReviewForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        try:
            if data.action not in {"accepter", "decliner"}:
                raise InvalidInput("Acceptez ou déclinez le positionnement.", code="review_action_required")
            view = await desk.interests.review(
                actor,
                interest_id,
                build(ReviewRequest, accept=data.action == "accepter", reason=data.reason),
                consultation_id=consultation.id,
            )
        except NotFound:
            raise  # not in this consultation: the error page says so
        except DomainError as exc:
            status, message = refusal(exc)
            values = {"form": f"interest-{interest_id}", "reason": data.reason}
            return await self._render(
                request,
                slug,
                desk,
                "positionnements",
                errors={f"interest-{interest_id}": message},
                values=values,
                status_code=status,
            )
        flash(
            request,
            f"Positionnement de {view.collectivite_name} ({view.role_label}) : {view.state_label.lower()}.",
        )
        return Redirect(f"/curation/consultations/{slug}/positionnements", status_code=303)

    # Déploiement -------------------------------------------------------------------------------

    @get("/{slug:str}/deploiement")
    async def deployment(
        self, request: Request[Any, Any, Any], slug: FromPath[str], desk: NamedDependency[Desk]
    ) -> Template:
        return await self._render(request, slug, desk, "deploiement")

    async def _milestone_failed(
        self, request: Request[Any, Any, Any], slug: str, desk: Desk, key: str, exc: DomainError, values: Any
    ) -> Template:
        status, message = refusal(exc)
        return await self._render(
            request,
            slug,
            desk,
            "deploiement",
            errors={key: message},
            values={"form": key, **msgspec.structs.asdict(values)},
            status_code=status,
        )

    @post("/{slug:str}/deploiement/{proposal_id:int}/jalons")
    async def add_milestone(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        proposal_id: FromPath[int],
        data: URLEncodedBody[MilestoneForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        await self._proposal(request, desk, slug, proposal_id)
        try:
            await desk.deployment.add(actor_of(request), proposal_id, milestone_request(data))
        except DomainError as exc:
            return await self._milestone_failed(request, slug, desk, f"jalon-{proposal_id}", exc, data)
        flash(request, f"Jalon « {data.title.strip()} » ajouté.")
        return Redirect(f"/curation/consultations/{slug}/deploiement#projet-{proposal_id}", status_code=303)

    @post("/{slug:str}/deploiement/{proposal_id:int}/jalons/{milestone_id:int}")
    async def update_milestone(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        proposal_id: FromPath[int],
        milestone_id: FromPath[int],
        data: URLEncodedBody[MilestoneEditForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        """Change a milestone's weight and progress; ``progress=100`` marks it done."""
        consultation, _ = await self._proposal(request, desk, slug, proposal_id)
        key = f"jalon-{proposal_id}-{milestone_id}"
        try:
            update = build(
                MilestoneUpdate,
                weight=optional_int(data.weight, "weight", "Poids"),
                progress=optional_int(data.progress, "progress", "Avancement"),
            )
            view = await desk.deployment.update(
                actor_of(request),
                milestone_id,
                update,
                consultation_id=consultation.id,
                proposal_id=proposal_id,
            )
        except NotFound:
            raise  # not a milestone of this project: the error page says so
        except DomainError as exc:
            return await self._milestone_failed(request, slug, desk, key, exc, data)
        flash(request, f"Jalon mis à jour : le projet est avancé à {view.percent} %.")
        return Redirect(f"/curation/consultations/{slug}/deploiement#projet-{proposal_id}", status_code=303)
