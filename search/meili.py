"""The production backend: Meilisearch over HTTP, with one client for the application's lifetime.

Searches use the search-only key, writes the admin key. ``Accept-Encoding: identity`` avoids the
gzip + keep-alive stall measured on loopback (≈44 ms per request instead of ≈1 ms). Failures become
domain errors: a bad query is a 400, an engine that does not answer a 503 with Retry-After, a failed
indexing task a 502 — the rest of the application keeps working.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import httpx
import msgspec

from search.backend import Document
from search.errors import IndexingError, SearchQueryError, SearchUnavailable
from search.query import FacetSearchQuery, SearchQuery, to_meili_filter
from search.results import FacetHit, FacetSearchResult, SearchResult, TaskRef
from search.settings import IndexSettings

QUERY_CODES_PREFIX = ("invalid_search_", "invalid_facet_search_")


class MeiliBackend:
    name = "meilisearch"

    def __init__(
        self,
        url: str,
        *,
        admin_key: str,
        search_key: str = "",
        prefix: str = "",
        timeout_s: float = 5.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.prefix = prefix
        self.admin_key = admin_key
        self.search_key = search_key or admin_key
        self.client = httpx.AsyncClient(
            base_url=url.rstrip("/"),
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 2.0)),
            headers={"Accept-Encoding": "identity", "Content-Type": "application/json"},
            transport=transport,
        )
        self.settings: dict[str, IndexSettings] = {}

    def uid(self, index: str) -> str:
        return self.prefix + index

    # -- transport --------------------------------------------------------------------------------

    async def _call(
        self, method: str, path: str, *, body: Any = None, search: bool = False, ok404: bool = False
    ) -> Any:
        key = self.search_key if search else self.admin_key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        content = msgspec.json.encode(body) if body is not None else None
        try:
            response = await self.client.request(method, path, content=content, headers=headers)
        except (httpx.TransportError, httpx.TimeoutException) as exc:
            raise SearchUnavailable() from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise SearchUnavailable()
        payload = msgspec.json.decode(response.content) if response.content else None
        if response.status_code >= 400:
            error = payload if isinstance(payload, dict) else {}
            code = str(error.get("code", ""))
            if code == "index_not_found" and ok404:
                return None
            if code.startswith(QUERY_CODES_PREFIX) or response.status_code == 400:
                raise SearchQueryError(_french(code, str(error.get("message", ""))), code=code or None)
            if code == "index_not_found":
                raise SearchUnavailable("L'index de recherche n'est pas encore construit.")
            raise SearchUnavailable(
                f"Le moteur de recherche a refusé la requête ({code or response.status_code})."
            )
        return payload

    async def _task(self, payload: Any, index: str) -> TaskRef:
        return TaskRef(
            uid=int(payload["taskUid"]), index=index, status=str(payload.get("status", "enqueued"))
        )

    # -- indexes ----------------------------------------------------------------------------------

    async def ensure_index(self, settings: IndexSettings) -> None:
        self.settings[settings.uid] = settings
        uid = self.uid(settings.uid)
        existing = await self._call("GET", f"/indexes/{uid}", ok404=True)
        if existing is None:
            created = await self._call(
                "POST", "/indexes", body={"uid": uid, "primaryKey": settings.primary_key}
            )
            await self.wait(await self._task(created, settings.uid), allow=("index_already_exists",))
        task = await self._call("PATCH", f"/indexes/{uid}/settings", body=settings.to_meili())
        await self.wait(await self._task(task, settings.uid))

    async def upsert(self, index: str, documents: Sequence[Document]) -> TaskRef:
        settings = self.settings.get(index)
        key = settings.primary_key if settings else "id"
        payload = await self._call(
            "POST", f"/indexes/{self.uid(index)}/documents?primaryKey={key}", body=list(documents)
        )
        return await self._task(payload, index)

    async def delete(self, index: str, ids: Sequence[str]) -> TaskRef:
        payload = await self._call(
            "POST", f"/indexes/{self.uid(index)}/documents/delete-batch", body=list(ids)
        )
        return await self._task(payload, index)

    async def wait(self, task: TaskRef, timeout_s: float = 30.0, allow: tuple[str, ...] = ()) -> None:
        if task.uid < 0:
            return
        deadline = time.monotonic() + timeout_s
        delay = 0.01
        while True:
            state = await self._call("GET", f"/tasks/{task.uid}")
            status = state.get("status")
            if status == "succeeded":
                return
            if status in ("failed", "canceled"):
                error = state.get("error") or {}
                if error.get("code") in allow:
                    return
                raise IndexingError(
                    f"L'indexation a échoué ({error.get('code', status)}) : {error.get('message', '')}"
                )
            if time.monotonic() > deadline:
                raise SearchUnavailable("L'indexation n'a pas abouti dans le délai imparti.")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.25)

    async def count(self, index: str) -> int:
        stats = await self._call("GET", f"/indexes/{self.uid(index)}/stats", ok404=True)
        return int(stats["numberOfDocuments"]) if stats else 0

    async def swap(self, index: str, other: str) -> None:
        task = await self._call(
            "POST", "/swap-indexes", body=[{"indexes": [self.uid(index), self.uid(other)]}]
        )
        await self.wait(await self._task(task, index), timeout_s=120)

    async def drop(self, index: str) -> None:
        task = await self._call("DELETE", f"/indexes/{self.uid(index)}", ok404=True)
        if task is not None:
            await self.wait(await self._task(task, index), allow=("index_not_found",))

    # -- reading ----------------------------------------------------------------------------------

    async def search(self, index: str, query: SearchQuery) -> SearchResult:
        body: dict[str, Any] = {
            "q": query.q,
            "page": query.page,
            "hitsPerPage": query.hits_per_page,
            "matchingStrategy": query.matching_strategy,
            "attributesToRetrieve": list(query.attributes_to_retrieve),
        }
        if query.filter is not None:
            body["filter"] = to_meili_filter(query.filter)
        if query.facets:
            body["facets"] = list(query.facets)
        if query.sort:
            body["sort"] = list(query.sort)
        if query.attributes_to_highlight:
            body["attributesToHighlight"] = list(query.attributes_to_highlight)
            body["highlightPreTag"] = query.highlight_pre_tag
            body["highlightPostTag"] = query.highlight_post_tag
        data = await self._call("POST", f"/indexes/{self.uid(index)}/search", body=body, search=True)
        return SearchResult(
            hits=data["hits"],
            query=data.get("query", query.q),
            processing_time_ms=int(data.get("processingTimeMs", 0)),
            total_hits=int(data.get("totalHits", 0)),
            total_pages=int(data.get("totalPages", 0)),
            page=int(data.get("page", query.page)),
            hits_per_page=int(data.get("hitsPerPage", query.hits_per_page)),
            facet_distribution=data.get("facetDistribution") or {},
            facet_stats=data.get("facetStats") or {},
        )

    async def facet_search(self, index: str, query: FacetSearchQuery) -> FacetSearchResult:
        body: dict[str, Any] = {
            "facetName": query.facet,
            "facetQuery": query.facet_query,
            "q": query.q,
            "matchingStrategy": query.matching_strategy,
        }
        if query.filter is not None:
            body["filter"] = to_meili_filter(query.filter)
        data = await self._call("POST", f"/indexes/{self.uid(index)}/facet-search", body=body, search=True)
        return FacetSearchResult(
            facet_hits=[FacetHit(value=str(h["value"]), count=int(h["count"])) for h in data["facetHits"]],
            facet_query=query.facet_query,
            processing_time_ms=int(data.get("processingTimeMs", 0)),
        )

    async def health(self) -> bool:
        try:
            response = await self.client.get("/health")
        except (httpx.TransportError, httpx.TimeoutException):
            return False
        return response.status_code == 200

    async def version(self) -> str:
        data = await self._call("GET", "/version")
        return str(data["pkgVersion"])

    async def close(self) -> None:
        await self.client.aclose()


_FRENCH = {
    "invalid_search_filter": "Filtre de recherche invalide",
    "invalid_search_sort": "Tri invalide",
    "invalid_search_facets": "Facette invalide",
    "invalid_facet_search_facet_name": "Facette invalide",
}


def _french(code: str, message: str) -> str:
    head = _FRENCH.get(code, "Recherche invalide")
    return f"{head} : {message.splitlines()[0]}" if message else head + "."
