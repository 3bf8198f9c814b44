"""Home page: the published catalogue, filtered by thématique, collectivité kind and kind of offer."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Template

from catalogue.listings.reference import KINDS, PLAN_KINDS
from catalogue.listings.schemas import ListingFilters
from catalogue.listings.service import ListingService
from store.kit.auth import PUBLIC
from store.web.pages.catalogue_view import labels, price_hint
from store.web.rendering import page

PER_PAGE = 12


def _page_number(text: str) -> int:
    return int(text) if text.isdigit() and 0 < int(text) < 10_000 else 1


class HomePages(Controller):
    include_in_schema = False

    @get("/", opt=PUBLIC)
    async def home(
        self,
        request: Request[Any, Any, Any],
        listings: NamedDependency[ListingService],
        thematique: FromQuery[list[str] | None] = None,
        kind_query: Annotated[str, QueryParameter(name="type")] = "",
        offre: FromQuery[str] = "",
        page_query: Annotated[str, QueryParameter(name="page")] = "",
    ) -> Template:
        thematiques = await listings.thematiques()
        known = {t.slug for t in thematiques}
        selected = [t for t in thematique or [] if t in known]
        kind = kind_query if kind_query in KINDS else ""
        offer = offre if offre in PLAN_KINDS else ""
        number = _page_number(page_query)
        filters = ListingFilters(thematiques=tuple(selected), kind=kind or None, pricing=offer or None)
        result = await listings.browse(filters, page=number, per_page=PER_PAGE)
        base: list[tuple[str, str]] = [("thematique", s) for s in selected]
        base += [(k, v) for k, v in (("type", kind), ("offre", offer)) if v]
        links = [
            (n, "/?" + urlencode([*base, ("page", str(n))]), n == result.page)
            for n in range(1, result.total_pages + 1)
        ]
        return page(
            request,
            "pages/home.html",
            thematiques=thematiques,
            selected=selected,
            kind=kind,
            offer=offer,
            result=result,
            page_links=links if result.total_pages > 1 else [],
            price_hint=price_hint,
            **labels(),
        )
