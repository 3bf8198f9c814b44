"""Curators' API: the review queue, decisions on listings, and the audit log."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK

from admin.curation.audit import AuditLog, AuditPage, AuditQuery
from catalogue.listings.schemas import ListingSummary, ListingView, Page, TransitionRequest
from catalogue.listings.service import ListingService
from catalogue.listings.states import Action
from catalogue.listings.upstream import UpstreamListings
from store.kit.auth import Scope, actor_of, requires

CURATE = [requires(Scope.AdminCurationWrite)]
PageNumber = Annotated[int, QueryParameter(ge=1, le=10_000)]
PerPage = Annotated[int, QueryParameter(name="per_page", ge=1, le=200)]


class CurationController(Controller):
    path = "/api/v1/admin"
    tags = ["Curation"]

    @get("/review-queue", guards=CURATE, operation_id="ReviewQueue")
    async def review_queue(
        self, request: Request[Any, Any, Any], listings: NamedDependency[ListingService]
    ) -> list[ListingSummary]:
        """Les services soumis, du plus ancien au plus récent."""
        return await listings.review_queue(actor_of(request))

    @get("/listings", guards=CURATE, operation_id="CurateListings")
    async def all_listings(
        self,
        request: Request[Any, Any, Any],
        listings: NamedDependency[ListingService],
        listing_state: Annotated[str | None, QueryParameter(name="state")] = None,
        page: PageNumber = 1,
        per_page: PerPage = 50,
    ) -> Page:
        """Tous les services, quel que soit leur état (filtre facultatif ``state``)."""
        return await listings.curate_list(
            actor_of(request), state=listing_state, page=page, per_page=per_page
        )

    async def _decide(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        action: Action,
        data: TransitionRequest | None,
        listings: ListingService,
    ) -> ListingView:
        return await listings.transition(actor_of(request), slug, action, data.reason if data else "")

    @post(
        "/listings/{slug:str}/approve", guards=CURATE, status_code=HTTP_200_OK, operation_id="ApproveListing"
    )
    async def approve(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        data: JSONBody[TransitionRequest | None] = None,
    ) -> ListingView:
        """Approuve un service soumis : il est publié."""
        return await self._decide(request, slug, Action.approve, data, listings)

    @post(
        "/listings/{slug:str}/request-changes",
        guards=CURATE,
        status_code=HTTP_200_OK,
        operation_id="RequestListingChanges",
    )
    async def request_changes(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        data: JSONBody[TransitionRequest | None] = None,
    ) -> ListingView:
        """Renvoie un service soumis à son éditeur ; motif obligatoire."""
        return await self._decide(request, slug, Action.request_changes, data, listings)

    @post("/listings/{slug:str}/reject", guards=CURATE, status_code=HTTP_200_OK, operation_id="RejectListing")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        data: JSONBody[TransitionRequest | None] = None,
    ) -> ListingView:
        """Refuse définitivement un service soumis ; motif obligatoire."""
        return await self._decide(request, slug, Action.reject, data, listings)

    @post(
        "/listings/{slug:str}/suspend", guards=CURATE, status_code=HTTP_200_OK, operation_id="SuspendListing"
    )
    async def suspend(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        data: JSONBody[TransitionRequest | None] = None,
    ) -> ListingView:
        """Suspend un service publié (il disparaît du catalogue) ; motif obligatoire."""
        return await self._decide(request, slug, Action.suspend, data, listings)

    @post(
        "/listings/{slug:str}/reinstate",
        guards=CURATE,
        status_code=HTTP_200_OK,
        operation_id="ReinstateListing",
    )
    async def reinstate(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        data: JSONBody[TransitionRequest | None] = None,
    ) -> ListingView:
        """Republie un service suspendu."""
        return await self._decide(request, slug, Action.reinstate, data, listings)

    @post(
        "/listings/{slug:str}/retire",
        guards=CURATE,
        status_code=HTTP_200_OK,
        operation_id="CuratorRetireListing",
    )
    async def retire(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        listings: NamedDependency[ListingService],
        data: JSONBody[TransitionRequest | None] = None,
    ) -> ListingView:
        """Retire définitivement un service publié ou suspendu ; motif obligatoire pour un curateur."""
        return await self._decide(request, slug, Action.retire, data, listings)


class PublisherAssignment(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    publisher_siren: Annotated[str, msgspec.Meta(min_length=9, max_length=11)]


class ListingPublisherController(Controller):
    path = "/api/v1/admin/listings/{slug:str}/publisher"
    tags = ["Curation"]

    @post("/", guards=CURATE, status_code=HTTP_200_OK, operation_id="AssignListingPublisher")
    async def assign(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: JSONBody[PublisherAssignment],
        listings: NamedDependency[ListingService],
        upstream_listings: NamedDependency[UpstreamListings],
    ) -> ListingView:
        """Rattache à un éditeur un service né d'une proposition retenue (brouillon sans éditeur)."""
        actor = actor_of(request)
        await upstream_listings.assign_publisher(actor, slug, data.publisher_siren)
        return await listings.get(actor, slug)


class AuditController(Controller):
    path = "/api/v1/admin/audit"
    tags = ["Curation"]

    @get("/", guards=[requires(Scope.AdminAuditRead)], operation_id="ReadAuditLog")
    async def read(
        self,
        request: Request[Any, Any, Any],
        audit_log: NamedDependency[AuditLog],
        subject_type: FromQuery[str | None] = None,
        subject_id: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
        page: PageNumber = 1,
        per_page: PerPage = 50,
    ) -> AuditPage:
        """Le journal d'audit, du plus récent au plus ancien ; filtres : sujet (type et identifiant) et
        préfixe d'action (``catalogue:listing:``)."""
        query = AuditQuery(subject_type=subject_type, subject_id=subject_id, action_prefix=action)
        return await audit_log.search(actor_of(request), query, page=page, per_page=per_page)
