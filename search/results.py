"""The one result shape: Meilisearch's page-mode response, whatever the backend."""

from __future__ import annotations

from typing import Any

import msgspec


class SearchResult(msgspec.Struct, kw_only=True):
    hits: list[dict[str, Any]]
    """Documents, each with ``_formatted`` when highlighting was asked."""
    query: str
    processing_time_ms: int
    total_hits: int
    """Exhaustive count, capped at the index's ``max_total_hits``."""
    total_pages: int
    page: int
    hits_per_page: int
    facet_distribution: dict[str, dict[str, int]] = {}
    facet_stats: dict[str, dict[str, float]] = {}


class FacetHit(msgspec.Struct, frozen=True):
    value: str
    count: int


class FacetSearchResult(msgspec.Struct, kw_only=True):
    facet_hits: list[FacetHit]
    facet_query: str
    processing_time_ms: int


class TaskRef(msgspec.Struct, frozen=True, kw_only=True):
    """An indexing task. The embedded engine completes its tasks at once (``uid`` is -1)."""

    uid: int
    index: str
    status: str = "succeeded"
