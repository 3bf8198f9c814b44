"""The Meilisearch backend's transport contract, on recorded 1.21 responses: request shape, keys,
headers and the mapping of failures to domain errors. These tests do not prove search behaviour
(the contract suite does, on a real server)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from search.errors import IndexingError, SearchQueryError, SearchUnavailable
from search.meili import MeiliBackend
from search.query import And, Eq, In, Range, SearchQuery
from search.results import TaskRef

FIXTURES = Path(__file__).parent / "fixtures/meili"


def recorded(name: str) -> tuple[int, Any]:
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    return data["status"], data["response"]


def backend(handler: Callable[[httpx.Request], httpx.Response]) -> MeiliBackend:
    return MeiliBackend(
        "http://meili.test",
        admin_key="admin-key",
        search_key="search-key",
        prefix="ts_",
        transport=httpx.MockTransport(handler),
    )


async def test_search_request_shape_and_page_mode_result() -> None:
    seen: list[httpx.Request] = []
    status, body = recorded("search_page_mode_filter_facets_highlight")

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    query = SearchQuery(
        q="gestion",
        filter=And(
            (Eq("types_collectivite", "commune"), In("departements", ("33", "40")), Range("prix", lt=100))
        ),
        facets=("categorie",),
        sort=("prix_mensuel:asc",),
        page=1,
        hits_per_page=3,
        attributes_to_highlight=("titre",),
    )
    result = await backend(handler).search("services", query)
    request = seen[0]
    assert request.url.path == "/indexes/ts_services/search"
    assert request.headers["authorization"] == "Bearer search-key"
    assert request.headers["accept-encoding"] == "identity"
    sent = json.loads(request.content)
    assert sent["filter"] == (
        "(types_collectivite = 'commune') AND (departements IN ['33', '40']) AND (prix < 100.0)"
    )
    assert sent["page"] == 1
    assert sent["hitsPerPage"] == 3
    assert sent["sort"] == ["prix_mensuel:asc"]
    assert result.total_hits == 2
    assert result.facet_distribution["categorie"] == {"Administration": 2}
    assert result.hits[0]["_formatted"]["titre"] == "<mark>Gestion</mark> de l'état civil"


@pytest.mark.parametrize("name", ["search_error_not_filterable", "search_error_syntax"])
async def test_a_bad_query_is_a_400(name: str) -> None:
    status, body = recorded(name)
    with pytest.raises(SearchQueryError) as error:
        await backend(lambda r: httpx.Response(status, json=body)).search("services", SearchQuery())
    assert error.value.status == 400
    assert error.value.code == "invalid_search_filter"


async def test_an_engine_that_does_not_answer_is_a_503_with_retry_after() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    meili = backend(refuse)
    with pytest.raises(SearchUnavailable) as error:
        await meili.search("services", SearchQuery())
    assert error.value.status == 503
    assert error.value.headers["Retry-After"] == "5"
    assert await meili.health() is False


async def test_a_missing_index_is_unavailable_not_a_crash() -> None:
    status, body = recorded("search_index_not_found")
    with pytest.raises(SearchUnavailable):
        await backend(lambda r: httpx.Response(status, json=body)).search("nope", SearchQuery())


async def test_writes_use_the_admin_key_and_failed_tasks_raise() -> None:
    enqueued_status, enqueued = recorded("task_enqueued_summary")
    _, failed = recorded("task_failed")
    keys: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["authorization"])
        if request.url.path.startswith("/tasks/"):
            return httpx.Response(200, json=failed)
        return httpx.Response(enqueued_status, json=enqueued)

    meili = backend(handler)
    task = await meili.upsert("services", [{"id": "1"}])
    assert task == TaskRef(uid=35, index="services", status="enqueued")
    with pytest.raises(IndexingError):
        await meili.wait(task)
    assert set(keys) == {"Bearer admin-key"}


async def test_facet_search_shape() -> None:
    status, body = recorded("facet_search")
    seen: list[Any] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(json.loads(request.content))
        return httpx.Response(status, json=body)

    from search.query import FacetSearchQuery

    result = await backend(handler).facet_search(
        "services", FacetSearchQuery(facet="categorie", facet_query="edu")
    )
    assert seen[0]["facetName"] == "categorie"
    assert [(h.value, h.count) for h in result.facet_hits] == [("Éducation", 2)]
