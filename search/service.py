"""Search as the application uses it: structured queries in, visibility rules added here, results
shaped for the API and the pages. Also rebuilds the collectivités index from the registry."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

import markupsafe

from search.backend import SearchBackend
from search.documents import ServiceDocument, collectivite_document, to_dict
from search.errors import SearchQueryError
from search.indexes import ALL_INDEXES, COLLECTIVITES, COLLECTIVITES_INDEX, SERVICES, SERVICES_INDEX
from search.listings_source import ListingSource
from search.query import Eq, Filter, In, SearchQuery, and_
from search.reindex import full_reindex
from search.schemas import (
    CollectiviteHit,
    CollectiviteSearchPage,
    ServiceSearchPage,
    ServiceSearchParams,
)
from search.services_search import ServiceSearch
from store.registry.tables import Collectivite

log = logging.getLogger("search")

MAX_QUERY_LENGTH = 200
BATCH = 5_000
_PRE, _POST = "\x02", "\x03"  # highlight markers, escaped around before becoming <mark>


def _safe_highlight(text: str) -> str:
    escaped = str(markupsafe.escape(text))
    return escaped.replace(_PRE, "<mark>").replace(_POST, "</mark>")


class SearchService:
    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend
        self._services = ServiceSearch(backend)

    async def ensure_indexes(self) -> None:
        for settings in ALL_INDEXES:
            await self.backend.ensure_index(settings)

    # -- collectivités ------------------------------------------------------------------------------

    async def search_collectivites(
        self,
        q: str = "",
        *,
        kinds: Sequence[str] = (),
        departement: str | None = None,
        page: int = 1,
        per_page: int = 10,
    ) -> CollectiviteSearchPage:
        q = " ".join(q.split())[:MAX_QUERY_LENGTH]
        if page < 1 or not 1 <= per_page <= 50:
            raise SearchQueryError("Pagination invalide : page ≥ 1 et 1 à 50 résultats par page.")
        flt: Filter | None = and_(
            In("kind", tuple(kinds)) if kinds else None,
            Eq("departement_code", departement) if departement else None,
        )
        result = await self.backend.search(
            COLLECTIVITES,
            SearchQuery(
                q=q,
                filter=flt,
                page=page,
                hits_per_page=per_page,
                attributes_to_highlight=("name",),
                highlight_pre_tag=_PRE,
                highlight_post_tag=_POST,
            ),
        )
        hits = [
            CollectiviteHit(
                siren=str(h["siren"]),
                name=h["name"],
                label=h.get("label") or h["name"],
                kind=h["kind"],
                kind_label=h.get("kind_label", ""),
                departement_code=h.get("departement_code"),
                departement_name=h.get("departement_name"),
                population=h.get("population"),
                highlighted_name=_safe_highlight(h.get("_formatted", {}).get("name", h["name"])),
            )
            for h in result.hits
        ]
        return CollectiviteSearchPage(
            query=q,
            hits=hits,
            total_hits=result.total_hits,
            total_pages=result.total_pages,
            page=result.page,
            per_page=per_page,
            processing_time_ms=result.processing_time_ms,
        )

    async def reindex_collectivites(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the collectivités index from the registry (source of truth), then swap it in."""
        departements = {
            r["departement_code"]: r["name"]
            for r in await Collectivite.select(Collectivite.departement_code, Collectivite.name).where(
                Collectivite.kind == "departement"
            )
            if r["departement_code"]
        }

        async def batches() -> AsyncIterator[list[Mapping[str, Any]]]:
            offset = 0
            while True:
                rows = await Collectivite.select().order_by(Collectivite.siren).limit(BATCH).offset(offset)
                if not rows:
                    return
                yield [to_dict(collectivite_document(r, departements)) for r in rows]
                offset += len(rows)

        return await full_reindex(self.backend, COLLECTIVITES_INDEX, batches(), progress=progress)

    async def collectivites_count(self) -> int:
        return await self.backend.count(COLLECTIVITES)

    # -- services -----------------------------------------------------------------------------------

    async def search_services(
        self, params: ServiceSearchParams, *, curator: bool = False
    ) -> ServiceSearchPage:
        """Published listings for everyone; every state (and a state facet) for curators."""
        return await self._services.run(params, curator=curator)

    async def index_services(self, documents: Sequence[ServiceDocument]) -> None:
        """Upsert and wait for the engine: a failed write raises, so the outbox delivers it again."""
        if documents:
            await self.backend.wait(await self.backend.upsert(SERVICES, [to_dict(d) for d in documents]))

    async def unindex_services(self, ids: Sequence[str]) -> None:
        if ids:
            await self.backend.wait(await self.backend.delete(SERVICES, list(ids)))

    async def services_count(self) -> int:
        return await self.backend.count(SERVICES)

    async def reindex_services_from_database(self, progress: Callable[[int], None] | None = None) -> int:
        """Rebuild the services index from the listings (source of truth), then swap it in."""
        return await self.reindex_services(ListingSource().batches(), progress=progress)

    async def reindex_services(
        self,
        batches: AsyncIterator[list[ServiceDocument]],
        progress: Callable[[int], None] | None = None,
    ) -> int:
        async def as_dicts() -> AsyncIterator[list[Mapping[str, Any]]]:
            async for batch in batches:
                yield [to_dict(d) for d in batch]

        return await full_reindex(self.backend, SERVICES_INDEX, as_dicts(), progress=progress)


def public_services_filter(extra: Filter | None = None, *, curator: bool = False) -> Filter | None:
    """The public sees published listings only; curators see every state."""
    return extra if curator else and_(Eq("status", "published"), extra)
