"""Search API: structured query parameters only (never a filter string from the client)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter, QueryParameter

from search.params import is_curator, service_params
from search.schemas import (
    DEPARTEMENT_PATTERN,
    CollectiviteKind,
    CollectiviteSearchPage,
    ServiceSearchPage,
)
from search.service import SearchService
from store.kit.auth import PUBLIC, actor_of

Values = FromQuery[Annotated[list[str] | None, Parameter(max_items=30)]]


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

    @get("/services", opt=PUBLIC, operation_id="SearchServices")
    async def services(
        self,
        request: Request[Any, Any, Any],
        search: NamedDependency[SearchService],
        q: FromQuery[Annotated[str, Parameter(max_length=200)]] = "",
        thematique: Values = None,
        kind: Values = None,
        pricing: Values = None,
        maturity: Values = None,
        deployment_mode: Annotated[list[str] | None, QueryParameter(name="deployment", max_items=30)] = None,
        publisher: Values = None,
        departement: Values = None,
        cofunding: FromQuery[str | None] = None,
        state_filter: Annotated[list[str] | None, QueryParameter(name="state", max_items=30)] = None,
        sort: FromQuery[str] = "pertinence",
        page: FromQuery[str] = "1",
        per_page: FromQuery[str] = "20",
    ) -> ServiceSearchPage:
        """Cherche un service du catalogue (fautes de frappe, accents manquants, préfixes et sigles
        tolérés), avec les effectifs par facette. Filtres (plusieurs valeurs : l'une ou l'autre) :
        ``thematique`` (slug), ``kind`` (type de collectivité visée), ``pricing`` (free, flat,
        per_inhabitant, tiered), ``maturity``, ``deployment``, ``publisher`` (SIREN), ``departement``
        (des territoires pilotes), ``cofunding`` (true/false). Tri : ``pertinence``, ``titre``,
        ``prix``, ``recent``. Le public ne voit que les services publiés ; les curateurs peuvent
        filtrer par ``state`` et voient tous les états."""
        params = service_params(dict(request.query_params.dict()))
        return await search.search_services(params, curator=is_curator(actor_of(request)))
