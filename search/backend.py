"""The seam between the application and a search engine."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from search.query import FacetSearchQuery, SearchQuery
from search.results import FacetSearchResult, SearchResult, TaskRef
from search.settings import IndexSettings

Document = Mapping[str, Any]


@runtime_checkable
class SearchBackend(Protocol):
    """Meilisearch semantics behind one interface; the embedded engine and Meilisearch implement it.

    Index names are logical (``services``); a backend may prefix them. Writes return a ``TaskRef``
    that ``wait`` resolves (raising ``IndexingError`` when the task failed). ``swap`` exchanges two
    indexes atomically, which with ``drop`` gives zero-downtime full reindexes.
    """

    name: str

    async def ensure_index(self, settings: IndexSettings) -> None: ...

    async def upsert(self, index: str, documents: Sequence[Document]) -> TaskRef: ...

    async def delete(self, index: str, ids: Sequence[str]) -> TaskRef: ...

    async def search(self, index: str, query: SearchQuery) -> SearchResult: ...

    async def facet_search(self, index: str, query: FacetSearchQuery) -> FacetSearchResult: ...

    async def wait(self, task: TaskRef, timeout_s: float = 30.0) -> None: ...

    async def health(self) -> bool: ...

    async def count(self, index: str) -> int: ...

    async def swap(self, index: str, other: str) -> None: ...

    async def drop(self, index: str) -> None: ...

    async def close(self) -> None: ...
