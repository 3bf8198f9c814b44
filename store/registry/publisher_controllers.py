"""Thin HTTP layer over PublisherService: public reads, curator writes."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from store.kit.auth import PUBLIC, Scope, actor_of, requires
from store.registry.publishers import (
    PublisherCreate,
    PublisherService,
    PublisherUpdate,
    PublisherView,
    VerificationRequest,
)


class PublisherController(Controller):
    path = "/api/v1/publishers"
    tags = ["Éditeurs"]

    @get("/", opt=PUBLIC, operation_id="ListPublishers")
    async def list_publishers(self, publishers: NamedDependency[PublisherService]) -> list[PublisherView]:
        """Les éditeurs de services, par ordre alphabétique."""
        return await publishers.list_all()

    @get("/{siren:str}", opt=PUBLIC, operation_id="GetPublisher")
    async def get_publisher(
        self, siren: FromPath[str], publishers: NamedDependency[PublisherService]
    ) -> PublisherView:
        """La fiche d'un éditeur."""
        return await publishers.get(siren)

    @post("/", guards=[requires(Scope.AdminPublishersWrite)], operation_id="CreatePublisher")
    async def create_publisher(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PublisherCreate],
        publishers: NamedDependency[PublisherService],
    ) -> PublisherView:
        """Un curateur enregistre un éditeur (SIREN vérifié par sa clé de Luhn)."""
        return await publishers.create(actor_of(request), data)

    @patch("/{siren:str}", guards=[requires(Scope.AdminPublishersWrite)], operation_id="UpdatePublisher")
    async def update_publisher(
        self,
        request: Request[Any, Any, Any],
        siren: FromPath[str],
        data: JSONBody[PublisherUpdate],
        publishers: NamedDependency[PublisherService],
    ) -> PublisherView:
        """Un curateur corrige la fiche d'un éditeur."""
        return await publishers.update(actor_of(request), siren, data)

    @put(
        "/{siren:str}/verification",
        guards=[requires(Scope.AdminPublishersWrite)],
        status_code=HTTP_200_OK,
        operation_id="SetPublisherVerification",
    )
    async def set_verification(
        self,
        request: Request[Any, Any, Any],
        siren: FromPath[str],
        data: JSONBody[VerificationRequest],
        publishers: NamedDependency[PublisherService],
    ) -> PublisherView:
        """Un curateur atteste (ou non) l'identité de l'éditeur : badge « vérifié »."""
        return await publishers.set_verified(actor_of(request), siren, data.verified)
