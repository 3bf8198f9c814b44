"""Subscription pages: the « S'abonner » form, « Mes abonnements » with the signatory's actions,
and the publisher's « Abonnés » page with its recurring revenue. Every form works without
JavaScript and carries its own idempotency key, so a double submission does nothing twice."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from catalogue.listings.reference import PROCUREMENT_ROUTES
from catalogue.listings.service import ListingService
from store.kit.auth import AUTHENTICATED, Scope, actor_of, requires
from store.kit.errors import DomainError, Forbidden, NotFound
from store.registry.repository import RegistryRepository
from store.subscriptions.reference import COST_SHARING, GROUPEMENT_KINDS, STATE_LABELS
from store.subscriptions.schemas import ChangePlanIn
from store.subscriptions.service import SubscriptionService
from store.web.pages.subscriptions_form import new_key, plan_prices, read_request
from store.web.rendering import flash, page

AGENT = [requires(Scope.SubscriptionsWrite)]
STATE_BADGES = {
    "pending_signature": "fr-badge--new",
    "active": "fr-badge--success",
    "suspended": "fr-badge--warning",
    "rejected": "fr-badge--error",
    "terminated": "",
    "requested": "fr-badge--info",
}
ACTION_LABELS = {
    "sign": "Signer l'abonnement",
    "reject": "Refuser",
    "change-plan": "Changer d'offre",
    "suspend": "Suspendre",
    "resume": "Rétablir",
    "terminate": "Résilier",
}
HISTORY_LABELS = {
    "request": "Demande",
    "eligibility": "Vérification de l'éligibilité",
    "sign": "Signature",
    "reject": "Refus",
    "change_plan": "Changement d'offre",
    "suspend": "Suspension",
    "resume": "Rétablissement",
    "terminate": "Résiliation",
    "deployment": "Déploiement",
}
VOCABULARY: dict[str, Any] = {
    "state_labels": STATE_LABELS,
    "state_badges": STATE_BADGES,
    "procurement_routes": PROCUREMENT_ROUTES,
    "cost_sharing_labels": COST_SHARING,
    "action_labels": ACTION_LABELS,
}


async def _form(
    request: Request[Any, Any, Any],
    listings: ListingService,
    slug: str,
    siren: str | None,
    *,
    values: dict[str, Any] | None = None,
    message: str | None = None,
    errors: list[Any] | None = None,
    status_code: int = 200,
) -> Template:
    actor = actor_of(request)
    listing = await listings.get(actor, slug)
    if listing.state != "published":
        raise NotFound("Aucun service publié à cette adresse.", code="listing_not_found")
    mine = sorted((m.org_id, m.org_name) for m in actor.mandates if m.kind == "collectivite")
    if siren is None and len(mine) == 1:
        siren = mine[0][0]
    registry = RegistryRepository()
    collectivite = await registry.get_collectivite(siren) if siren else None
    if siren is not None and (collectivite is None or not actor.acts_for(siren)):
        raise Forbidden("Vous n'agissez pas pour cette collectivité.", code="not_collectivite_agent")
    groupement = bool(collectivite and collectivite["kind"] in GROUPEMENT_KINDS)
    members: list[dict[str, Any]] = []
    if collectivite and groupement:
        found = await registry.collectivites(await registry.member_sirens(collectivite["siren"]))
        members = sorted(found.values(), key=lambda r: r["name"])
    return page(
        request,
        "pages/subscriptions/subscribe.html",
        status_code=status_code,
        listing=listing,
        collectivites=mine,
        collectivite=collectivite,
        groupement=groupement,
        members=members,
        prices=plan_prices(
            listing, collectivite["population"] if collectivite else None, groupement=groupement
        ),
        routes=listing.procurement_routes or list(PROCUREMENT_ROUTES),
        values=values or {"duration_months": 48},
        chosen_members=set(values.get("members", [])) if values else set(),
        message=message,
        errors=errors or [],
        key=(values or {}).get("idempotency_key") or new_key(),
        **VOCABULARY,
    )


class SubscriptionPages(Controller):
    include_in_schema = False

    @get("/catalogue/{slug:str}/abonnement", guards=AGENT)
    async def subscribe_form(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        collectivite: FromQuery[str | None] = None,
    ) -> Template:
        return await _form(request, listings, slug, collectivite)

    @post("/catalogue/{slug:str}/abonnement", guards=AGENT)
    async def subscribe(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        subscriptions: NamedDependency[SubscriptionService],
    ) -> Template | Redirect:
        raw = await request.form()
        siren = str(raw.get("collectivite_siren", "") or "")
        values = {k: raw.get(k) for k in raw}
        values["members"] = [str(v) for v in raw.getall("members")] if "members" in raw else []
        collectivite = await RegistryRepository().get_collectivite(siren)
        if collectivite is None or not actor_of(request).acts_for(siren):
            raise Forbidden("Vous n'agissez pas pour cette collectivité.", code="not_collectivite_agent")
        try:
            data = read_request(slug, siren, raw, collectivite)
            made = await subscriptions.request(
                actor_of(request), data, key=str(raw.get("idempotency_key", "") or new_key())
            )
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise
            return await _form(
                request, listings, slug, siren, values=values, message=exc.detail, errors=exc.errors,
                status_code=exc.status,
            )  # fmt: skip
        if made.state == "rejected":
            flash(request, f"Demande refusée : {made.rejection_reason}", "error")
        else:
            flash(request, "Demande enregistrée : elle attend la signature d'un signataire habilité.")
        return Redirect(f"/abonnements/{made.id}", status_code=303)

    @get("/abonnements", guards=AGENT)
    async def mine(
        self, request: Request[Any, Any, Any], subscriptions: NamedDependency[SubscriptionService]
    ) -> Template:
        items = await subscriptions.list(actor_of(request))
        return page(request, "pages/subscriptions/mine.html", subscriptions=items, **VOCABULARY)

    @get("/abonnements/{subscription_id:str}", guards=[AUTHENTICATED])
    async def detail(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        subscriptions: NamedDependency[SubscriptionService],
        listings: NamedDependency[ListingService],
    ) -> Template:
        actor = actor_of(request)
        view = await subscriptions.get(actor, subscription_id)
        plans: list[Any] = []
        if "change_plan" in view.actions:
            plans = (await listings.get(actor, view.listing_slug)).plans
        keys = {action: new_key() for action in ACTION_LABELS}
        history = await subscriptions.history(actor, subscription_id)
        return page(
            request, "pages/subscriptions/detail.html", sub=view, plans=plans, keys=keys, history=history,
            history_labels=HISTORY_LABELS, **VOCABULARY,
        )  # fmt: skip

    @post("/abonnements/{subscription_id:str}/{action:str}", guards=[AUTHENTICATED])
    async def act(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        action: FromPath[str],
        subscriptions: NamedDependency[SubscriptionService],
    ) -> Redirect:
        if action not in ACTION_LABELS:
            raise NotFound("Action inconnue.", code="action_unknown")
        raw = await request.form()
        actor, key = actor_of(request), str(raw.get("idempotency_key", "") or new_key())
        reason = str(raw.get("reason", "") or "")
        try:
            if action == "sign":
                await subscriptions.sign(actor, subscription_id, key=key)
            elif action == "reject":
                await subscriptions.reject(actor, subscription_id, reason, key=key)
            elif action == "suspend":
                await subscriptions.suspend(actor, subscription_id, reason, key=key)
            elif action == "resume":
                await subscriptions.resume(actor, subscription_id, key=key)
            elif action == "terminate":
                await subscriptions.terminate(actor, subscription_id, reason, key=key)
            else:
                index = str(raw.get("plan_index", "") or "")
                plan = ChangePlanIn(plan_index=int(index)) if index.isdigit() and int(index) < 10 else None
                if plan is None:
                    flash(request, "Choisissez une offre.", "error")
                    return Redirect(f"/abonnements/{subscription_id}", status_code=303)
                await subscriptions.change_plan(actor, subscription_id, plan, key=key)
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise  # not theirs, or not their role: an error page, as the API answers
            flash(request, exc.detail, "error")
        else:
            flash(request, f"« {ACTION_LABELS[action]} » : c'est fait.")
        return Redirect(f"/abonnements/{subscription_id}", status_code=303)

    @get("/editeur/abonnes", guards=[requires(Scope.BillingRevenueRead)])
    async def subscribers(
        self, request: Request[Any, Any, Any], subscriptions: NamedDependency[SubscriptionService]
    ) -> Template:
        actor = actor_of(request)
        publishers = sorted((m.org_id, m.org_name) for m in actor.mandates if m.kind == "publisher")
        if not publishers:
            raise Forbidden("Votre compte n'est rattaché à aucun éditeur.", code="publisher_only")
        books = [(name, await subscriptions.subscribers(actor, siren)) for siren, name in publishers]
        return page(request, "pages/subscriptions/subscribers.html", books=books, **VOCABULARY)
