"""``/recherche``: the catalogue search page. A plain GET form (query, facets as checkboxes, sort,
pagination) that works without JavaScript; static/js/service-search.js only refreshes the results
as the user types."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Template

from search.errors import SearchQueryError
from search.params import is_curator, service_params
from search.schemas import SERVICE_SORTS, ServiceSearchPage, ServiceSearchParams
from search.service import SearchService
from store.kit.auth import PUBLIC, actor_of
from store.kit.errors import Unavailable
from store.web.pages.catalogue_view import labels, price_hint
from store.web.rendering import page

PER_PAGE = 10


def _query_pairs(query: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(k, v) for k, values in query.items() if k != "page" for v in values if v]


def page_links(query: dict[str, list[str]], result: ServiceSearchPage) -> list[tuple[int, str, bool]]:
    """A window of page links around the current page, keeping every other parameter."""
    base = _query_pairs(query)
    first = max(1, result.page - 3)
    last = min(result.total_pages, first + 6)
    return [
        (n, "/recherche?" + urlencode([*base, ("page", str(n))]), n == result.page)
        for n in range(first, last + 1)
    ]


class ServiceSearchPages(Controller):
    include_in_schema = False

    @get("/recherche", opt=PUBLIC)
    async def search_page(
        self, request: Request[Any, Any, Any], search: NamedDependency[SearchService]
    ) -> Template:
        query = dict(request.query_params.dict())
        query.setdefault("per_page", [str(PER_PAGE)])
        result: ServiceSearchPage | None = None
        error = None
        status = 200
        params = ServiceSearchParams()
        try:
            params = service_params(query)
            result = await search.search_services(params, curator=is_curator(actor_of(request)))
        except SearchQueryError as exc:
            error, status = exc.detail, 400
        except Unavailable as exc:
            error, status = exc.detail, 503
        return page(
            request,
            "pages/service_search.html",
            status_code=status,
            params=params,
            result=result,
            error=error,
            sorts=[(key, label) for key, (label, _) in SERVICE_SORTS.items()],
            page_links=page_links(query, result) if result and result.total_pages > 1 else [],
            price_hint=price_hint,
            **labels(),
        )
