"""Public, read-only API on the collectivités registry (open data: Licence Ouverte 2.0)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from store.kit.auth import PUBLIC
from store.registry.schemas import CollectiviteKind, CollectivitePage, CollectiviteView
from store.registry.service import MAX_PAGE_SIZE, RegistryService


class CollectiviteController(Controller):
    path = "/api/v1/collectivites"
    tags = ["Référentiel des collectivités"]

    @get("/", opt=PUBLIC, operation_id="ListCollectivites")
    async def list_collectivites(
        self,
        registry: NamedDependency[RegistryService],
        page: Annotated[int, QueryParameter(ge=1, le=100_000, description="Page, à partir de 1.")] = 1,
        page_size: Annotated[
            int, QueryParameter(ge=1, le=MAX_PAGE_SIZE, description="Éléments par page (100 au plus).")
        ] = 20,
        kind: Annotated[CollectiviteKind | None, QueryParameter(description="Type de collectivité.")] = None,
        departement: Annotated[
            str | None,
            QueryParameter(
                max_length=3, description="Code INSEE du département que le territoire touche (01, 2A, 974…)."
            ),
        ] = None,
        name: Annotated[
            str | None,
            QueryParameter(
                min_length=1,
                max_length=100,
                description="Début du nom, sans tenir compte des accents, de la casse ni des tirets.",
            ),
        ] = None,
    ) -> CollectivitePage:
        """Les collectivités actuelles (communes, EPCI, EPT, départements, régions), par nom."""
        return await registry.list_collectivites(
            page=page, page_size=page_size, kind=kind, departement=departement, name=name
        )

    @get("/{siren:str}", opt=PUBLIC, operation_id="GetCollectivite")
    async def get_collectivite(
        self, siren: FromPath[str], registry: NamedDependency[RegistryService]
    ) -> CollectiviteView:
        """Une collectivité par SIREN : 422 si le SIREN est mal formé, 404 s'il est inconnu."""
        return await registry.get(siren)
