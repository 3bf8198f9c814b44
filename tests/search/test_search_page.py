"""``/recherche``: a GET form that works without JavaScript (facets as checkboxes, sort,
pagination, highlights), enhanced by a small script; linked from the home page and the header."""

from __future__ import annotations

import html
from typing import Any

import httpx

from tests.search.test_services_index import publish
from tests.support.catalogue import make_cast

HTML = {"accept": "text/html"}


async def test_the_search_page_works_without_javascript(client: httpx.AsyncClient, state: Any) -> None:
    cast = await make_cast(state)
    await publish(state, cast)
    for i in range(11):
        await publish(
            state,
            cast,
            f"registre-{i}",
            name=f"Registre numérique {i}",
            action="Tenir un registre",
            pitch="Un registre tenu à jour.",
            description_md="Registre.",
            thematiques=["inclusion-numerique"],
        )
    empty = await client.get("/recherche", headers=HTML)
    assert empty.status_code == 200
    assert 'method="get"' in empty.text
    assert 'action="/recherche"' in empty.text
    assert "service-search.js" in empty.text
    response = await client.get("/recherche", params={"q": "conseil municipl"}, headers=HTML)
    text = html.unescape(response.text)
    assert "1 service pour « conseil municipl »" in text
    assert (
        '<a href="/catalogue/conseil-municipal-en-ligne"><mark>Conseil</mark> <mark>municipa</mark>l' in text
    )
    assert 'type="checkbox"' in text
    assert 'name="kind" value="epci"' in text
    assert "Collectivités visées" in text
    registres = await client.get("/recherche", params={"q": "registre", "sort": "titre"}, headers=HTML)
    text = html.unescape(registres.text)
    assert "11 services" in text
    assert "/recherche?q=registre&amp;per_page=10&amp;sort=titre&amp;page=2" in registres.text
    filtered = await client.get(
        "/recherche", params={"q": "registre", "thematique": "inclusion-numerique", "page": "2"}, headers=HTML
    )
    assert 'value="inclusion-numerique" checked' in filtered.text
    assert "Page 2 sur 2" in filtered.text
    script = await client.get("/static/js/service-search.js")
    assert script.status_code == 200


async def test_a_bad_facet_is_a_400_page_in_french(client: httpx.AsyncClient) -> None:
    response = await client.get("/recherche", params={"kind": "ville"}, headers=HTML)
    assert response.status_code == 400
    assert "Type de collectivité inconnu(e) : ville" in html.unescape(response.text)
    sort = await client.get("/recherche", params={"sort": "hasard"}, headers=HTML)
    assert sort.status_code == 400
    assert "Tri inconnu" in sort.text


async def test_home_page_and_header_lead_to_the_search(client: httpx.AsyncClient) -> None:
    home = await client.get("/", headers=HTML)
    assert 'action="/recherche"' in home.text
    assert 'href="/recherche"' in home.text
