"""Search API: structured query parameters only (never a filter string from the client)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter

from search.schemas import DEPARTEMENT_PATTERN, CollectiviteKind, CollectiviteSearchPage
from search.service import SearchService
from store.kit.auth import PUBLIC


class SearchController(Controller):
    path = "/api/v1/search"
    tags = ["Recherche"]

    @get("/collectivites", opt=PUBLIC, operation_id="SearchCollectivites")
    async def collectivites(
        self,
        search: NamedDependency[SearchService],
        q: FromQuery[Annotated[str, Parameter(max_length=200)]] = "",
        kind: FromQuery[list[CollectiviteKind] | None] = None,
        departement: FromQuery[Annotated[str | None, Parameter(pattern=DEPARTEMENT_PATTERN)]] = None,
        page: FromQuery[Annotated[int, Parameter(ge=1, le=1000)]] = 1,
        per_page: FromQuery[Annotated[int, Parameter(ge=1, le=50)]] = 10,
    ) -> CollectiviteSearchPage:
        """Cherche une collectivité par son nom (fautes de frappe et accents tolérés) ; les homonymes
        sont distingués par leur département."""
        return await search.search_collectivites(
            q, kinds=kind or (), departement=departement, page=page, per_page=per_page
        )
