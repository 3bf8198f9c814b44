"""The collectivité search API, the reindex, the outbox-following indexer, and a search engine that
is down (503 with Retry-After while the rest of the application keeps working)."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
import pytest

from catalogue.listings.events import ListingPublished, ListingRetired
from search.documents import ServiceDocument
from search.indexer import CONSUMER, ServiceIndexer
from search.indexes import SERVICES
from search.query import SearchQuery
from search.service import public_services_filter
from store.app import create_app
from store.kit.settings import Settings


async def test_a_commune_is_found_with_typos_and_no_accents(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/search/collectivites", params={"q": "amberieu en bugay"})
    assert response.status_code == 200
    first = response.json()["hits"][0]
    assert first["name"] == "Ambérieu-en-Bugey"
    assert first["label"] == "Ambérieu-en-Bugey (01)"
    assert "<mark>" in first["highlighted_name"]


async def test_prefix_as_you_type_and_kind_filter(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/search/collectivites", params={"q": "bourg en b"})
    names = [h["name"] for h in response.json()["hits"]]
    assert names[0] == "Bourg-en-Bresse"
    epci = await client.get("/api/v1/search/collectivites", params={"q": "bourg", "kind": "epci"})
    assert [h["kind"] for h in epci.json()["hits"]] == ["epci"]


async def test_highlight_never_injects_html(client: httpx.AsyncClient, state: Any) -> None:
    page = await state.search.search_collectivites("bourg")
    for hit in page.hits:
        assert "<script" not in hit.highlighted_name


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "ville"},
        {"per_page": "500"},
        {"departement": "xx"},
        {"page": "0"},
        {"q": "x" * 201},
    ],
)
async def test_bad_parameters_are_a_400_problem(client: httpx.AsyncClient, params: dict[str, str]) -> None:
    response = await client.get("/api/v1/search/collectivites", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_raw_filter_parameter_is_ignored(client: httpx.AsyncClient) -> None:
    plain = await client.get("/api/v1/search/collectivites", params={"q": "bourg"})
    response = await client.get(
        "/api/v1/search/collectivites", params={"q": "bourg", "filter": "kind = 'region'"}
    )
    assert response.status_code == 200
    hits = [h["siren"] for h in response.json()["hits"]]
    assert hits == [h["siren"] for h in plain.json()["hits"]]
    assert any(h["kind"] == "commune" for h in response.json()["hits"])


async def test_reindex_swaps_in_a_fresh_index(state: Any) -> None:
    count = await state.search.reindex_collectivites()
    assert count == await state.search.collectivites_count()
    assert count >= 3


def _event(kind: Any, to_state: str) -> Any:
    return kind(listing_id="L1", slug="parapheur", publisher_siren="", from_state=None, to_state=to_state)


async def test_the_indexer_follows_listing_events(state: Any) -> None:
    listings = {
        "L1": ServiceDocument(
            id="L1", slug="parapheur", title="Parapheur électronique mutualisé", status="published"
        )
    }

    async def load(listing_id: str) -> ServiceDocument | None:
        return listings.get(listing_id)

    # The app's own indexer would read these made-up listings from the database (absent: it deletes
    # them from the index) at a moment the delivery loop chooses: only this test's indexer listens.
    state.dispatcher.consumers = [c for c in state.dispatcher.consumers if c.name != CONSUMER]
    ServiceIndexer(state.search, load).subscribe(state.dispatcher, consumer="test-indexer")
    async with state.uow() as work:
        work.emit(_event(ListingPublished, "published"))
    await state.dispatcher.drain()

    async def public(q: str) -> list[str]:
        result = await state.search.backend.search(
            SERVICES, SearchQuery(q=q, filter=public_services_filter())
        )
        return [h["id"] for h in result.hits]

    assert await public("parapheru") == ["L1"]
    listings["L1"] = msgspec.structs.replace(listings["L1"], status="retired")
    async with state.uow() as work:
        work.emit(_event(ListingRetired, "retired"))
    await state.dispatcher.drain()
    assert await public("parapheur") == []
    curator = await state.search.backend.search(SERVICES, SearchQuery(q="parapheur"))
    assert [h["status"] for h in curator.hits] == ["retired"]
    del listings["L1"]
    async with state.uow() as work:
        work.emit(_event(ListingRetired, "retired"))
    await state.dispatcher.drain()
    assert (await state.search.backend.search(SERVICES, SearchQuery(q="parapheur"))).total_hits == 0


async def test_meilisearch_down_is_a_503_and_the_rest_works(settings: Settings) -> None:
    down = msgspec.structs.replace(
        settings, search_backend="meilisearch", meili_url="http://127.0.0.1:9", meili_timeout_seconds=0.5
    )
    app = create_app(down)
    for hook in app.on_startup:
        await hook()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as http:
            response = await http.get("/api/v1/search/collectivites", params={"q": "bourg"})
            assert response.status_code == 503
            assert response.headers["retry-after"] == "5"
            assert response.json()["code"] == "search_unavailable"
            assert (await http.get("/health")).status_code == 200
    finally:
        for hook in app.on_shutdown:
            await hook()


async def test_the_picker_page_works_without_javascript(client: httpx.AsyncClient) -> None:
    empty = await client.get("/recherche/collectivites", headers={"accept": "text/html"})
    assert empty.status_code == 200
    assert 'method="get"' in empty.text
    response = await client.get(
        "/recherche/collectivites",
        params={"q": "amberieu", "kind": "commune"},
        headers={"accept": "text/html"},
    )
    assert response.status_code == 200
    assert "Ambérieu" in response.text
    assert "<mark>" in response.text
    assert "collectivite-picker.js" in response.text
    script = await client.get("/static/js/collectivite-picker.js")
    assert script.status_code == 200
