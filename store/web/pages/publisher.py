"""Publisher area: my listings with their states, the editor form, submit and retire buttons."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from catalogue.listings.schemas import ListingCreate, ListingUpdate, ListingView
from catalogue.listings.service import ListingService
from catalogue.listings.states import Action
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError, InvalidInput
from store.web.pages.catalogue_view import labels
from store.web.pages.listing_form import ListingForm, empty_form, form_from_listing, read_form, to_struct
from store.web.rendering import flash, page

PUBLISHER = [requires(Scope.CatalogueListingsWrite)]


async def _form_page(
    request: Request[Any, Any, Any],
    listings: ListingService,
    form: ListingForm,
    *,
    listing: ListingView | None,
    status_code: int = 200,
    message: str | None = None,
) -> Template:
    actor = actor_of(request)
    return page(
        request,
        "pages/publisher/form.html",
        status_code=status_code,
        form=form,
        listing=listing,
        allowed=listings.allowed(actor, listing) if listing else None,
        thematiques=await listings.thematiques(),
        publishers=sorted((m.org_id, m.org_name) for m in actor.mandates if m.kind == "publisher"),
        message=message,
        **labels(),
    )


def _refuse_outsiders(exc: DomainError) -> None:
    """A listing that is not the caller's answers 404/403 (an error page), not a message on a page
    they cannot open; a refusal on their own listing (wrong state…) is shown as a message."""
    if exc.status in (401, 403, 404):
        raise exc


class PublisherPages(Controller):
    path = "/editeur/services"
    include_in_schema = False
    guards = PUBLISHER

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], listings: NamedDependency[ListingService]
    ) -> Template:
        actor = actor_of(request)
        mine = await listings.mine(actor)
        return page(
            request,
            "pages/publisher/index.html",
            listings=mine,
            allowed={item.slug: listings.allowed(actor, item) for item in mine},
            **labels(),
        )

    @get("/nouveau")
    async def new(
        self, request: Request[Any, Any, Any], listings: NamedDependency[ListingService]
    ) -> Template:
        await listings.mine(actor_of(request))  # 403 for an account that speaks for no publisher
        return await _form_page(request, listings, empty_form(), listing=None)

    @post("/nouveau")
    async def create(
        self, request: Request[Any, Any, Any], listings: NamedDependency[ListingService]
    ) -> Template | Redirect:
        raw = await request.form()
        form = read_form(raw, creating=True)
        data = to_struct(form, creating=True)
        if isinstance(data, ListingCreate):
            publisher = str(raw.get("publisher_siren", "") or "") or None
            data = msgspec.structs.replace(data, publisher_siren=publisher)
            try:
                created = await listings.create(actor_of(request), data)
            except InvalidInput as exc:
                form.absorb(exc.errors or [])
                return await _form_page(
                    request, listings, form, listing=None, status_code=422, message=exc.detail
                )
            except DomainError as exc:
                return await _form_page(
                    request, listings, form, listing=None, status_code=exc.status, message=exc.detail
                )
            flash(request, f"Brouillon « {created.name} » enregistré.")
            return Redirect(f"/editeur/services/{created.slug}", status_code=303)
        return await _form_page(request, listings, form, listing=None, status_code=422)

    @get("/{slug:str}")
    async def edit(
        self, request: Request[Any, Any, Any], slug: FromPath[str], listings: NamedDependency[ListingService]
    ) -> Template:
        listing = await listings.for_editor(actor_of(request), slug)
        return await _form_page(request, listings, form_from_listing(listing), listing=listing)

    @post("/{slug:str}")
    async def update(
        self, request: Request[Any, Any, Any], slug: FromPath[str], listings: NamedDependency[ListingService]
    ) -> Template | Redirect:
        actor = actor_of(request)
        listing = await listings.for_editor(actor, slug)
        form = read_form(await request.form(), creating=False)
        form.values["slug"] = listing.slug
        data = to_struct(form, creating=False)
        if isinstance(data, ListingUpdate):
            try:
                await listings.update(actor, slug, data)
            except InvalidInput as exc:
                form.absorb(exc.errors or [])
                return await _form_page(
                    request, listings, form, listing=listing, status_code=422, message=exc.detail
                )
            except DomainError as exc:
                return await _form_page(
                    request, listings, form, listing=listing, status_code=exc.status, message=exc.detail
                )
            flash(request, "Modifications enregistrées.")
            return Redirect(f"/editeur/services/{slug}", status_code=303)
        return await _form_page(request, listings, form, listing=listing, status_code=422)

    @post("/{slug:str}/soumettre")
    async def submit(
        self, request: Request[Any, Any, Any], slug: FromPath[str], listings: NamedDependency[ListingService]
    ) -> Redirect:
        try:
            await listings.transition(actor_of(request), slug, Action.submit)
        except DomainError as exc:
            _refuse_outsiders(exc)
            flash(request, exc.detail, "error")
        else:
            flash(request, "Service soumis : l'équipe de l'ANCT va l'examiner.")
        return Redirect(f"/editeur/services/{slug}", status_code=303)

    @post("/{slug:str}/retirer")
    async def retire(
        self, request: Request[Any, Any, Any], slug: FromPath[str], listings: NamedDependency[ListingService]
    ) -> Redirect:
        raw = await request.form()
        try:
            await listings.transition(
                actor_of(request), slug, Action.retire, str(raw.get("reason", "") or "")
            )
        except DomainError as exc:
            _refuse_outsiders(exc)
            flash(request, exc.detail, "error")
            return Redirect(f"/editeur/services/{slug}", status_code=303)
        flash(request, "Service retiré du catalogue.", "info")
        return Redirect("/editeur/services", status_code=303)
