"""Thin HTTP layer over ListingService: the public catalogue and the publishers' side."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from catalogue.listings.reference import CollectiviteKind, PlanKind
from catalogue.listings.schemas import (
    ListingCreate,
    ListingFilters,
    ListingSummary,
    ListingUpdate,
    ListingView,
    Page,
    ThematiqueView,
    TransitionRequest,
)
from catalogue.listings.service import ListingService
from catalogue.listings.states import Action
from store.kit.auth import PUBLIC, Scope, actor_of, requires

PageNumber = Annotated[int, QueryParameter(ge=1, le=10_000)]
PerPage = Annotated[int, QueryParameter(name="per_page", ge=1, le=100)]
WRITE = [requires(Scope.CatalogueListingsWrite)]


class ListingController(Controller):
    path = "/api/v1/listings"
    tags = ["Catalogue"]

    @get("/", opt=PUBLIC, operation_id="ListListings")
    async def list_listings(
        self,
        listings: NamedDependency[ListingService],
        thematique: FromQuery[list[str] | None] = None,
        kind: FromQuery[CollectiviteKind | None] = None,
        pricing: FromQuery[PlanKind | None] = None,
        publisher: FromQuery[str | None] = None,
        page: PageNumber = 1,
        per_page: PerPage = 20,
    ) -> Page:
        """Le catalogue public (services publiés), filtrable par thématique (plusieurs possibles :
        l'une ou l'autre), type de collectivité visée, type d'offre (free, flat, per_inhabitant,
        tiered) et éditeur (SIREN)."""
        filters = ListingFilters(
            thematiques=tuple(thematique or ()), kind=kind, pricing=pricing, publisher_siren=publisher
        )
        return await listings.browse(filters, page=page, per_page=per_page)

    @get("/{slug:str}", opt=PUBLIC, operation_id="GetListing")
    async def get_listing(
        self, request: Request[Any, Any, Any], slug: FromPath[str], listings: NamedDependency[ListingService]
    ) -> ListingView:
        """Un service publié ; un brouillon n'est visible que de son éditeur et des curateurs (404 sinon)."""
        return await listings.get(actor_of(request), slug)

    @post("/", guards=WRITE, status_code=HTTP_201_CREATED, operation_id="CreateListing")
    async def create_listing(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ListingCreate],
        listings: NamedDependency[ListingService],
    ) -> ListingView:
        """Un éditeur crée un brouillon de service."""
        return await listings.create(actor_of(request), data)

    @patch("/{slug:str}", guards=WRITE, operation_id="UpdateListing")
    async def update_listing(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[ListingUpdate],
        listings: NamedDependency[ListingService],
    ) -> ListingView:
        """Modifie les champs envoyés : l'éditeur tant que le service est en brouillon ou à corriger,
        un curateur tant qu'il n'est ni retiré ni refusé."""
        return await listings.update(actor_of(request), slug, data)

    @post("/{slug:str}/submit", guards=WRITE, status_code=HTTP_200_OK, operation_id="SubmitListing")
    async def submit_listing(
        self, request: Request[Any, Any, Any], slug: FromPath[str], listings: NamedDependency[ListingService]
    ) -> ListingView:
        """L'éditeur soumet son service à la revue de l'ANCT (il doit être complet)."""
        return await listings.transition(actor_of(request), slug, Action.submit)

    @post("/{slug:str}/retire", guards=WRITE, status_code=HTTP_200_OK, operation_id="RetireListing")
    async def retire_listing(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        data: JSONBody[TransitionRequest | None] = None,
    ) -> ListingView:
        """L'éditeur retire son service du catalogue (motif facultatif ; obligatoire pour un curateur)."""
        return await listings.transition(actor_of(request), slug, Action.retire, data.reason if data else "")


class PublisherListingController(Controller):
    path = "/api/v1/publisher/listings"
    tags = ["Catalogue"]

    @get("/", guards=WRITE, operation_id="ListOwnListings")
    async def own_listings(
        self, request: Request[Any, Any, Any], listings: NamedDependency[ListingService]
    ) -> list[ListingSummary]:
        """Les services des éditeurs que représente le compte, dans tous les états."""
        return await listings.mine(actor_of(request))


class ThematiqueController(Controller):
    path = "/api/v1/thematiques"
    tags = ["Catalogue"]

    @get("/", opt=PUBLIC, operation_id="ListThematiques")
    async def list_thematiques(self, listings: NamedDependency[ListingService]) -> list[ThematiqueView]:
        """Les thématiques de la consultation nationale de 2021."""
        return await listings.thematiques()
