"""The default backend: indexes in process memory, rebuilt from the database at start-up."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from search.backend import Document
from search.embedded import engine
from search.embedded.index import Index
from search.errors import IndexNotFound
from search.query import FacetSearchQuery, SearchQuery
from search.results import FacetSearchResult, SearchResult, TaskRef
from search.settings import IndexSettings

LARGE_BATCH = 2000
"""Batches at least this large are indexed in a worker thread (never on the live index)."""


class EmbeddedBackend:
    name = "embedded"

    def __init__(self) -> None:
        self.indexes: dict[str, Index] = {}
        self._live: set[str] = set()

    def index(self, name: str) -> Index:
        found = self.indexes.get(name)
        if found is None:
            raise IndexNotFound(f"L'index « {name} » n'existe pas.", code="index_not_found")
        return found

    async def ensure_index(self, settings: IndexSettings) -> None:
        current = self.indexes.get(settings.uid)
        if current is None:
            self.indexes[settings.uid] = Index(settings)
        elif current.settings != settings:
            rebuilt = Index(settings)
            rebuilt.upsert(d for d in current.docs if d is not None)
            self.indexes[settings.uid] = rebuilt

    async def upsert(self, index: str, documents: Sequence[Document]) -> TaskRef:
        target = self.index(index)
        if len(documents) >= LARGE_BATCH and index not in self._live:
            await asyncio.to_thread(target.upsert, documents)
        else:
            target.upsert(documents)
        return TaskRef(uid=-1, index=index)

    async def delete(self, index: str, ids: Sequence[str]) -> TaskRef:
        self.index(index).delete(ids)
        return TaskRef(uid=-1, index=index)

    async def search(self, index: str, query: SearchQuery) -> SearchResult:
        self._live.add(index)
        return engine.search(self.index(index), query)

    async def facet_search(self, index: str, query: FacetSearchQuery) -> FacetSearchResult:
        self._live.add(index)
        return engine.facet_search(self.index(index), query)

    async def wait(self, task: TaskRef, timeout_s: float = 30.0) -> None:
        return None

    async def health(self) -> bool:
        return True

    async def count(self, index: str) -> int:
        return len(self.index(index))

    async def swap(self, index: str, other: str) -> None:
        first, second = self.index(index), self.index(other)
        self.indexes[index], self.indexes[other] = second, first
        for name, target in ((index, second), (other, first)):
            target.settings = target.settings.renamed(name)

    async def drop(self, index: str) -> None:
        self.indexes.pop(index, None)
        self._live.discard(index)

    async def close(self) -> None:
        return None
