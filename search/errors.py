"""Search failures as domain errors: 400 for a bad query, 503 (with Retry-After) when the engine is
down, 502 when an indexing task failed. Codes mirror Meilisearch's where one exists."""

from __future__ import annotations

from store.kit.errors import DomainError, Unavailable, UpstreamFailure


class SearchQueryError(DomainError):
    """The query names an attribute that is not filterable/sortable/facetable, or is malformed."""

    status = 400
    code = "invalid_search_query"
    title = "Recherche invalide"


class IndexNotFound(DomainError):
    status = 404
    code = "index_not_found"
    title = "Index introuvable"


class SearchUnavailable(Unavailable):
    code = "search_unavailable"

    def __init__(self, detail: str = "Le moteur de recherche est momentanément indisponible.") -> None:
        super().__init__(detail, retry_after=5)


class IndexingError(UpstreamFailure):
    code = "indexing_failed"
