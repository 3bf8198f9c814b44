"""Curator area: the review queue, a review page with the decisions, listings by state, publishers."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from admin.curation.audit import AuditLog, AuditQuery
from catalogue.listings.service import ListingService
from catalogue.listings.states import ACTION_LABELS, Action, State
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError
from store.registry.publishers import PublisherCreate, PublisherService
from store.web.pages.catalogue_view import labels, plan_display, population_limits
from store.web.rendering import flash, page

CURATOR = [requires(Scope.AdminCurationWrite)]
DECISIONS = {
    "approuver": "approve",
    "demander-modifications": "request_changes",
    "refuser": "reject",
    "suspendre": "suspend",
    "republier": "reinstate",
    "retirer": "retire",
}
AUDIT_LABELS = {
    "catalogue:listing:create": "Création",
    "catalogue:listing:update": "Modification",
    "catalogue:listing:submit": "Soumission",
    "catalogue:listing:request_changes": "Modifications demandées",
    "catalogue:listing:approve": "Approbation",
    "catalogue:listing:reject": "Refus",
    "catalogue:listing:suspend": "Suspension",
    "catalogue:listing:reinstate": "Republication",
    "catalogue:listing:retire": "Retrait",
    "registry:publisher:create": "Éditeur créé",
    "registry:publisher:update": "Éditeur modifié",
    "registry:publisher:verify": "Éditeur vérifié",
    "registry:publisher:unverify": "Vérification retirée",
}


def _context() -> dict[str, Any]:
    return {**labels(), "audit_labels": AUDIT_LABELS, "decisions": {v: k for k, v in DECISIONS.items()}}


class CurationPages(Controller):
    path = "/curation"
    include_in_schema = False
    guards = CURATOR

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        listings: NamedDependency[ListingService],
        audit_log: NamedDependency[AuditLog],
    ) -> Template:
        actor = actor_of(request)
        recent = await audit_log.search(actor, AuditQuery(), per_page=20)
        return page(
            request,
            "pages/curation/index.html",
            queue=await listings.review_queue(actor),
            counts=await listings.count_by_state(),
            recent=recent.items,
            **_context(),
        )

    @get("/services")
    async def by_state(
        self,
        request: Request[Any, Any, Any],
        listings: NamedDependency[ListingService],
        state_query: Annotated[str, QueryParameter(name="etat")] = "published",
    ) -> Template:
        chosen = state_query if state_query in State.__members__ else "published"
        result = await listings.curate_list(actor_of(request), state=chosen, per_page=100)
        return page(request, "pages/curation/listings.html", chosen=chosen, result=result, **_context())

    @get("/services/{slug:str}")
    async def review(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        audit_log: NamedDependency[AuditLog],
    ) -> Template:
        actor = actor_of(request)
        listing = await listings.get(actor, slug)
        history = await audit_log.search(
            actor, AuditQuery(subject_type="listing", subject_id=listing.id), per_page=100
        )
        return page(
            request,
            "pages/curation/review.html",
            listing=listing,
            plans=[plan_display(p) for p in listing.plans],
            limits=population_limits(
                listing.commune_max_population, listing.epci_max_population, listing.target_kinds
            ),
            allowed=listings.allowed(actor, listing),
            history=history.items,
            **_context(),
        )

    @post("/services/{slug:str}/{decision:str}")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        decision: FromPath[str],
        listings: NamedDependency[ListingService],
    ) -> Redirect:
        action = DECISIONS.get(decision)
        if action is None:
            flash(request, "Décision inconnue.", "error")
            return Redirect(f"/curation/services/{slug}", status_code=303)
        raw = await request.form()
        try:
            done = await listings.transition(
                actor_of(request), slug, Action(action), str(raw.get("reason", "") or "")
            )
        except DomainError as exc:
            flash(request, exc.detail, "error")
            return Redirect(f"/curation/services/{slug}", status_code=303)
        flash(request, f"« {done.name} » : {ACTION_LABELS[action].lower()} — c'est fait.")
        target = f"/curation/services/{slug}" if done.state == State.published else "/curation"
        return Redirect(target, status_code=303)

    @get("/editeurs")
    async def publishers(
        self, request: Request[Any, Any, Any], publishers: NamedDependency[PublisherService]
    ) -> Template:
        return page(
            request, "pages/curation/publishers.html", publishers=await publishers.list_all(), error=None
        )

    @post("/editeurs")
    async def create_publisher(
        self, request: Request[Any, Any, Any], publishers: NamedDependency[PublisherService]
    ) -> Template | Redirect:
        raw = await request.form()
        values = {k: str(raw.get(k, "") or "").strip() for k in ("siren", "name", "website", "contact_email")}
        try:
            data = msgspec.convert(values, PublisherCreate)
            created = await publishers.create(actor_of(request), data)
        except (DomainError, msgspec.ValidationError) as exc:
            detail = (
                exc.detail
                if isinstance(exc, DomainError)
                else "Vérifiez le SIREN, le nom et l'adresse de contact."
            )
            return page(
                request,
                "pages/curation/publishers.html",
                status_code=422 if not isinstance(exc, DomainError) else exc.status,
                publishers=await publishers.list_all(),
                error=detail,
                values=values,
            )
        flash(request, f"Éditeur « {created.name} » enregistré.")
        return Redirect("/curation/editeurs", status_code=303)

    @post("/editeurs/{siren:str}/verification")
    async def verify(
        self,
        request: Request[Any, Any, Any],
        siren: FromPath[str],
        publishers: NamedDependency[PublisherService],
    ) -> Redirect:
        raw = await request.form()
        verified = str(raw.get("verified", "")) == "1"
        done = await publishers.set_verified(actor_of(request), siren, verified)
        flash(request, f"« {done.name} » : {'vérifié' if verified else 'vérification retirée'}.")
        return Redirect("/curation/editeurs", status_code=303)
