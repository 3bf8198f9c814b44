"""A listing's public page: everything a buyer needs to decide."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Template

from catalogue.listings.service import ListingService
from catalogue.listings.upstream import UpstreamListings
from catalogue.votes.service import DeploymentService
from store.kit.auth import PUBLIC, actor_of
from store.web.pages.catalogue_view import labels, plan_display, population_limits
from store.web.rendering import page


class ListingPages(Controller):
    include_in_schema = False

    @get("/catalogue/{slug:str}", opt=PUBLIC)
    async def listing(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        upstream_listings: NamedDependency[UpstreamListings],
        deployment: NamedDependency[DeploymentService],
    ) -> Template:
        actor = actor_of(request)
        listing = await listings.get(actor, slug)
        return page(
            request,
            "pages/listing.html",
            listing=listing,
            plans=[plan_display(p) for p in listing.plans],
            limits=population_limits(
                listing.commune_max_population, listing.epci_max_population, listing.target_kinds
            ),
            eligibility=await listings.eligibility(actor, listing),
            allowed=listings.allowed(actor, listing),
            pilots=await upstream_listings.pilots(listing.slug),
            funded_projects=await deployment.for_listing(
                listing.slug, await upstream_listings.proposals(listing.slug)
            ),
            **labels(),
        )
