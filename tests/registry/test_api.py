"""Public API on the registry: lookups by SIREN, paginated listing, 4xx problems for bad input."""

from __future__ import annotations

import math

import httpx
import pytest

from tests.support.registry import (
    BOURG_EN_BRESSE,
    CA_BASSIN_DE_BOURG,
    DEPARTEMENT_DU_RHONE,
    METROPOLE_DE_LYON,
    REGION_AURA,
    full_dataset,
    reference_subset,
)

API = "/api/v1/collectivites"


def problem(response: httpx.Response, status: int) -> dict:  # type: ignore[type-arg]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return response.json()


async def test_a_commune_with_its_real_figures(client: httpx.AsyncClient) -> None:
    response = await client.get(f"{API}/{BOURG_EN_BRESSE}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["name"] == "Bourg-en-Bresse"
    assert body["kind"] == "commune"
    assert body["insee_code"] == "01053"
    assert (body["population"], body["population_year"], body["cog_year"]) == (42_372, 2023, 2026)
    assert (body["departement_code"], body["departement_name"]) == ("01", "Ain")
    assert (body["region_code"], body["region_name"]) == ("84", "Auvergne-Rhône-Alpes")
    assert (body["epci_siren"], body["epci_name"]) == (CA_BASSIN_DE_BOURG, "CA du Bassin de Bourg-en-Bresse")
    assert body["member_sirens"] is None
    assert body["departement_siren"] == "220100010"


async def test_a_group_lists_its_members(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"{API}/{CA_BASSIN_DE_BOURG}")).json()
    expected = sorted(m for g, m in full_dataset().members if g == CA_BASSIN_DE_BOURG)
    assert body["kind"] == "epci"
    assert body["subkind"] == "CA"
    assert body["member_sirens"] == expected
    assert body["commune_count"] == len(expected)
    lyon = (await client.get(f"{API}/{METROPOLE_DE_LYON}")).json()
    assert (lyon["subkind"], len(lyon["member_sirens"]), lyon["departement_codes"]) == ("MET69", 58, ["69"])
    rhone = (await client.get(f"{API}/{DEPARTEMENT_DU_RHONE}")).json()
    assert (rhone["kind"], rhone["insee_code"], rhone["member_sirens"]) == ("departement", "69", None)
    in_69 = sum(1 for r in full_dataset().collectivites if r.kind == "commune" and r.departement_code == "69")
    assert rhone["commune_count"] == in_69 - 58


@pytest.mark.parametrize("siren", ["abcdefghi", "21010053", "2101005330", "210100534", "21O100533"])
async def test_a_malformed_or_luhn_invalid_siren_is_422(client: httpx.AsyncClient, siren: str) -> None:
    body = problem(await client.get(f"{API}/{siren}"), 422)
    assert body["code"] == "invalid_siren"
    assert body["errors"][0]["field"] == "siren"
    assert "SIREN" in body["detail"]


async def test_an_unknown_siren_is_404(client: httpx.AsyncClient) -> None:
    body = problem(await client.get(f"{API}/123456782"), 404)
    assert body["code"] == "collectivite_not_found"
    assert "123456782" in body["detail"]


async def test_listing_is_paginated_with_totals(client: httpx.AsyncClient) -> None:
    ain = sum(
        1 for r in reference_subset().collectivites if r.kind == "commune" and r.departement_code == "01"
    )
    response = await client.get(API, params={"kind": "commune", "departement": "01", "page_size": 50})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == ain > 390
    assert body["total_pages"] == math.ceil(ain / 50)
    assert len(body["items"]) == 50
    names = [item["name"] for item in body["items"]]
    last = (
        await client.get(
            API, params={"kind": "commune", "departement": "01", "page_size": 50, "page": body["total_pages"]}
        )
    ).json()
    assert 0 < len(last["items"]) <= 50
    assert not set(names) & {i["name"] for i in last["items"]}
    beyond = (await client.get(API, params={"departement": "01", "page": 1000})).json()
    assert beyond["items"] == []


async def test_departement_filter_keeps_what_touches_it(client: httpx.AsyncClient) -> None:
    body = (await client.get(API, params={"departement": "69", "kind": "epci", "page_size": 100})).json()
    sirens = {item["siren"] for item in body["items"]}
    assert METROPOLE_DE_LYON in sirens
    departements = (await client.get(API, params={"departement": "69", "kind": "departement"})).json()
    assert [item["siren"] for item in departements["items"]] == [DEPARTEMENT_DU_RHONE]
    regions = (await client.get(API, params={"departement": "69", "kind": "region"})).json()
    assert [item["siren"] for item in regions["items"]] == [REGION_AURA]


@pytest.mark.parametrize(
    ("prefix", "siren"),
    [
        ("Rhône", DEPARTEMENT_DU_RHONE),
        ("alsace", "200094332"),
        ("Corse", "200076958"),
        ("auvergne", REGION_AURA),
    ],
)
async def test_departements_and_regions_are_found_by_their_proper_name(
    client: httpx.AsyncClient, prefix: str, siren: str
) -> None:
    body = (await client.get(API, params={"name": prefix, "page_size": 100})).json()
    territorial = [i["siren"] for i in body["items"] if i["kind"] in {"departement", "region"}]
    assert territorial == [siren]


@pytest.mark.parametrize("prefix", ["saint-etienne", "Saint Étienne", "SAINT-ÉTIENNE", "saint étienne"])
async def test_name_prefix_ignores_accents_case_and_hyphens(client: httpx.AsyncClient, prefix: str) -> None:
    body = (await client.get(API, params={"name": prefix, "kind": "commune", "page_size": 100})).json()
    names = {item["name"] for item in body["items"]}
    assert "Saint-Étienne" in names
    assert "Saint-Étienne-du-Bois" in names
    assert all(n.startswith("Saint-Étienne") for n in names)


async def test_homonyms_are_told_apart_by_departement(client: httpx.AsyncClient) -> None:
    body = (await client.get(API, params={"name": "Saint-Denis", "kind": "commune"})).json()
    exact = [(i["siren"], i["departement_code"]) for i in body["items"] if i["name"] == "Saint-Denis"]
    assert sorted(exact) == [("219740115", "974"), ("929939411", "93")]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({"page": 0}, 400, "page"),
        ({"page": "deux"}, 400, "page"),
        ({"page_size": 0}, 400, "page_size"),
        ({"page_size": 101}, 400, "page_size"),
        ({"kind": "syndicat"}, 400, "kind"),
        ({"departement": "20"}, 422, "departement"),
        ({"departement": "ZZ"}, 422, "departement"),
        ({"departement": "0001"}, 400, "departement"),
        ({"name": "--"}, 422, "name"),
        ({"name": "x" * 101}, 400, "name"),
    ],
)
async def test_bad_query_parameters_are_4xx_problems(
    client: httpx.AsyncClient,
    params: dict,
    status: int,
    field: str,  # type: ignore[type-arg]
) -> None:
    body = problem(await client.get(API, params=params), status)
    assert body["errors"][0]["field"] == field
    assert body["detail"]


async def test_the_api_is_documented_in_openapi(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    assert {"/api/v1/collectivites", "/api/v1/collectivites/{siren}"} <= set(schema["paths"])
    parameters = {p["name"] for p in schema["paths"]["/api/v1/collectivites"]["get"]["parameters"]}
    assert parameters == {"page", "page_size", "kind", "departement", "name"}
