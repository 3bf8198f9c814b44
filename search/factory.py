"""Builds the configured backend (``TS_SEARCH_BACKEND``)."""

from __future__ import annotations

from search.backend import SearchBackend
from search.embedded.backend import EmbeddedBackend
from search.meili import MeiliBackend
from store.kit.settings import Settings


def build_backend(settings: Settings) -> SearchBackend:
    if settings.search_backend == "meilisearch":
        return MeiliBackend(
            settings.meili_url,
            admin_key=settings.meili_admin_key,
            search_key=settings.meili_search_key,
            prefix=settings.meili_index_prefix,
            timeout_s=settings.meili_timeout_seconds,
        )
    return EmbeddedBackend()
