"""``GET /api/v1/search/services``: what an agent types finds the right service, with highlights,
facet counts and filters; drafts stay hidden from the public; bad inputs are 400 problems in French."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from catalogue.listings.states import Action
from tests.search.test_services_index import publish
from tests.support.catalogue import as_, create_listing, make_cast

API = "/api/v1/search/services"


async def catalogue(state: Any) -> Any:
    cast = await make_cast(state)
    await publish(state, cast)
    await publish(
        state,
        cast,
        "serveur-vocal",
        name="Serveur vocal interactif",
        action="Répondre au téléphone sans attente",
        pitch="Un standard téléphonique automatique pour la mairie.",
        thematiques=["demarches-administratives-aides"],
        target_kinds=["commune"],
        plans=[{"kind": "flat", "name": "Forfait", "yearly_cents": 90000, "vat_rate_bp": 2000}],
        funding_origin="",
    )
    await create_listing(state, cast, "ged-brouillon", name="Gestion électronique des documents")
    await state.dispatcher.drain()
    return cast


async def test_an_agent_finds_services_with_highlights_and_facets(
    client: httpx.AsyncClient, state: Any
) -> None:
    await catalogue(state)
    response = await client.get(API, params={"q": "serveur vocal"})
    assert response.status_code == 200
    body = response.json()
    assert [h["slug"] for h in body["hits"]] == ["serveur-vocal"]
    assert body["hits"][0]["highlighted_title"].startswith("<mark>Serveur</mark> <mark>vocal</mark>")
    assert body["hits"][0]["url"] == "/catalogue/serveur-vocal"
    svi = await client.get(API, params={"q": "svi"})
    assert [h["slug"] for h in svi.json()["hits"]] == ["serveur-vocal"]
    everything = (await client.get(API)).json()
    assert everything["total_hits"] == 2, "the draft is not public"
    kinds = next(f for f in everything["facets"] if f["param"] == "kind")
    assert {v["value"]: v["count"] for v in kinds["values"]} == {"commune": 2, "epci": 1}
    epci = (await client.get(API, params={"kind": "epci"})).json()
    assert [h["slug"] for h in epci["hits"]] == ["conseil-municipal-en-ligne"]
    selected = next(f for f in epci["facets"] if f["param"] == "kind")
    assert any(v["selected"] for v in selected["values"])
    free = (await client.get(API, params=[("pricing", "free"), ("pricing", "tiered")])).json()
    assert [h["slug"] for h in free["hits"]] == ["conseil-municipal-en-ligne"]
    no_cofunding = (await client.get(API, params={"cofunding": "false"})).json()
    assert [h["slug"] for h in no_cofunding["hits"]] == ["serveur-vocal"]
    cheapest = (await client.get(API, params={"sort": "prix"})).json()
    assert [h["slug"] for h in cheapest["hits"]] == ["conseil-municipal-en-ligne", "serveur-vocal"]
    by_title = (await client.get(API, params={"sort": "titre", "per_page": "1", "page": "2"})).json()
    assert [h["slug"] for h in by_title["hits"]] == ["serveur-vocal"]
    assert (by_title["total_pages"], by_title["page"]) == (2, 2)


async def test_only_curators_search_every_state(client: httpx.AsyncClient, state: Any) -> None:
    cast = await catalogue(state)
    await as_(client, cast.agent)
    refused = await client.get(API, params={"state": "draft"})
    assert refused.status_code == 403
    assert refused.json()["code"] == "curator_only"
    assert "curateurs" in refused.json()["detail"]
    assert (await client.get(API, params={"q": "ged"})).json()["total_hits"] == 0
    await as_(client, cast.curator)
    drafts = (await client.get(API, params={"q": "ged", "state": "draft"})).json()
    assert [h["slug"] for h in drafts["hits"]] == ["ged-brouillon"]
    assert [h["status"] for h in drafts["hits"]] == ["draft"]
    states = next(f for f in (await client.get(API)).json()["facets"] if f["param"] == "state")
    assert {v["value"]: v["count"] for v in states["values"]} == {"draft": 1, "published": 2}
    await state.listings.transition(
        await cast.actor(state, "curator"), "serveur-vocal", Action.suspend, "motif"
    )
    await state.dispatcher.drain()
    await as_(client, None)
    assert (await client.get(API, params={"q": "serveur vocal"})).json()["total_hits"] == 0


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"thematique": "jardinage"}, "unknown_facet_value"),
        ({"kind": "ville"}, "unknown_facet_value"),
        ({"pricing": "gratuit"}, "unknown_facet_value"),
        ({"departement": "999"}, "unknown_facet_value"),
        ({"publisher": "abc"}, "unknown_facet_value"),
        ({"cofunding": "peut-etre"}, "unknown_facet_value"),
        ({"couleur": "rouge"}, "unknown_parameter"),
        ({"filter": "status = 'draft'"}, "unknown_parameter"),
        ({"page": "0"}, "invalid_page"),
        ({"page": "deux"}, "invalid_page"),
        ({"per_page": "500"}, "invalid_page"),
        ({"sort": "prix:desc"}, "unknown_sort"),
        ({"q": "x" * 201}, None),
    ],
)
async def test_bad_inputs_are_a_400_problem_in_french(
    client: httpx.AsyncClient, params: dict[str, str], code: str | None
) -> None:
    response = await client.get(API, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    if code:
        assert body["code"] == code
    assert any(word in body["detail"] for word in ("inconnu", "invalide", "entier", "Données", "vaut"))
