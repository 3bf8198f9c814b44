"""The collectivité picker: a plain GET form that works without JavaScript, enhanced by a small
autocomplete script (static/js/collectivite-picker.js) that calls the search API."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, Parameter
from litestar.response import Template

from search.errors import SearchQueryError
from search.schemas import CollectiviteKind
from search.service import SearchService
from store.kit.auth import PUBLIC
from store.kit.errors import Unavailable
from store.web.rendering import page as render_page

KINDS = [
    ("", "Tous les types"),
    ("commune", "Commune"),
    ("epci", "Intercommunalité"),
    ("departement", "Département"),
    ("region", "Région"),
]


class SearchPages(Controller):
    include_in_schema = False

    @get("/recherche/collectivites", opt=PUBLIC)
    async def collectivites(
        self,
        request: Request[Any, Any, Any],
        search: NamedDependency[SearchService],
        q: FromQuery[Annotated[str, Parameter(max_length=200)]] = "",
        kind: FromQuery[CollectiviteKind | None] = None,
        page: FromQuery[Annotated[int, Parameter(ge=1, le=100)]] = 1,
    ) -> Template:
        results = None
        error = None
        if q.strip():
            try:
                results = await search.search_collectivites(
                    q, kinds=(kind,) if kind else (), page=page, per_page=10
                )
            except (SearchQueryError, Unavailable) as exc:
                error = exc.detail
        return render_page(
            request,
            "pages/collectivite_picker.html",
            q=q,
            kind=kind or "",
            kinds=KINDS,
            results=results,
            error=error,
        )
