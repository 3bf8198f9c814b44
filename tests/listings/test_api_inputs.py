"""Bad inputs are 4xx problem+json with a French detail, and nothing is half-written."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.listings.states import Action
from catalogue.listings.tables import Listing, ListingPlan
from tests.support.catalogue import as_, create_listing, listing_payload, make_cast
from tests.support.people import csrf_headers

SLUG = "conseil-municipal-en-ligne"


def problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    if code:
        assert body["code"] == code, body
    assert body["detail"]
    return dict(body)


@pytest.fixture
async def dev(client, state):
    cast = await make_cast(state)
    await as_(client, cast.dev_a)
    return cast


@pytest.mark.parametrize(
    ("overrides", "status", "code", "field"),
    [
        ({"colour": "bleu"}, 400, "validation_error", "colour"),
        ({"slug": "Pas Un Slug"}, 400, "validation_error", None),
        ({"slug": "ab"}, 400, "validation_error", None),
        ({"slug": "nouveau"}, 422, "reserved_slug", "slug"),
        ({"target_kinds": ["village"]}, 400, "validation_error", None),
        ({"maturity": "mature"}, 400, "validation_error", None),
        ({"contact_email": "pas-une-adresse"}, 400, "validation_error", None),
        ({"repository_url": "ftp://example.org/x"}, 400, "validation_error", None),
        ({"commune_max_population": 0}, 400, "validation_error", None),
        ({"plans": [{"kind": "flat", "name": "Forfait", "yearly_cents": -1}]}, 400, "validation_error", None),
        ({"plans": [{"kind": "flat", "name": "F", "yearly_cents": 12.5}]}, 400, "validation_error", None),
        ({"plans": [{"kind": "troc", "name": "Échange"}]}, 400, "validation_error", None),
        ({"plans": [{"kind": "free", "name": "x", "vat_rate_bp": 2000}]}, 400, "validation_error", None),
        ({"thematiques": ["astrologie"]}, 422, "invalid_listing", "thematiques"),
        ({"licence": "WTFPL-9"}, 422, "invalid_listing", "licence"),
        ({"required_services": ["service-inexistant"]}, 422, "invalid_listing", "required_services"),
        ({"required_services": [SLUG]}, 422, "invalid_listing", "required_services"),
        (
            {"plans": [{"kind": "per_inhabitant", "name": "P", "per_inhabitant_cents": 10, "floor_cents": 500,
                        "cap_cents": 100}]},
            422, "invalid_listing", "plans[0]",
        ),
        (
            {"plans": [{"kind": "tiered", "name": "T", "tiers": [
                {"up_to_population": 5000, "amount_cents": 100},
                {"up_to_population": 1000, "amount_cents": 50}]}]},
            422, "invalid_listing", "plans[0]",
        ),
        (
            {"plans": [{"kind": "tiered", "name": "T", "tiers": [
                {"up_to_population": None, "amount_cents": 100},
                {"up_to_population": 1000, "amount_cents": 50}]}]},
            422, "invalid_listing", "plans[0]",
        ),
    ],
)  # fmt: skip
async def test_bad_creations_are_refused_and_write_nothing(
    client, state, dev, overrides, status, code, field
) -> None:
    response = await client.post(
        "/api/v1/listings", json=listing_payload(**overrides), headers=await csrf_headers(client)
    )
    body = problem(response, status, code)
    if field:
        assert field in [e["field"] for e in body["errors"]]
    assert await Listing.count() == 0
    assert await ListingPlan.count() == 0


async def test_a_taken_slug_is_a_conflict(client, state, dev) -> None:
    headers = await csrf_headers(client)
    assert (await client.post("/api/v1/listings", json=listing_payload(), headers=headers)).status_code == 201
    problem(await client.post("/api/v1/listings", json=listing_payload(), headers=headers), 409, "slug_taken")


async def test_patch_is_partial_strict_and_keeps_the_rest(client, state, dev) -> None:
    headers = await csrf_headers(client)
    await client.post("/api/v1/listings", json=listing_payload(), headers=headers)
    problem(await client.patch(f"/api/v1/listings/{SLUG}", json={"slug": "autre"}, headers=headers), 400)
    problem(await client.patch(f"/api/v1/listings/{SLUG}", json={"thematiques": ["x"]}, headers=headers), 422)
    response = await client.patch(
        f"/api/v1/listings/{SLUG}",
        json={"commune_max_population": None, "plans": [{"kind": "free", "name": "Gratuit"}]},
        headers=headers,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["commune_max_population"] is None
    assert body["epci_max_population"] == 15000
    assert body["plans"] == [{"kind": "free", "name": "Gratuit", "description": ""}]
    assert body["name"] == "Conseil municipal en ligne"


async def test_submitting_an_incomplete_listing_names_what_is_missing(client, state, dev) -> None:
    headers = await csrf_headers(client)
    await client.post("/api/v1/listings", json={"slug": "ebauche", "name": "Ébauche"}, headers=headers)
    body = problem(
        await client.post("/api/v1/listings/ebauche/submit", headers=headers), 422, "listing_incomplete"
    )
    fields = {e["field"] for e in body["errors"]}
    assert {"action", "plans", "thematiques", "procurement_routes", "licence"} <= fields
    assert "il manque" in body["detail"]


async def test_illegal_transition_and_missing_reason_over_http(client, state, dev) -> None:
    await create_listing(state, dev, SLUG)
    await as_(client, dev.curator)
    headers = await csrf_headers(client)
    body = problem(
        await client.post(f"/api/v1/admin/listings/{SLUG}/approve", headers=headers),
        409,
        "illegal_transition",
    )
    assert "Brouillon" in body["detail"]
    await state.listings.transition(await dev.actor(state, "dev_a"), SLUG, Action.submit)
    problem(
        await client.post(f"/api/v1/admin/listings/{SLUG}/reject", headers=headers), 422, "reason_required"
    )
    problem(
        await client.post(f"/api/v1/admin/listings/{SLUG}/reject", json={"reason": " "}, headers=headers),
        422,
        "reason_required",
    )
    problem(
        await client.post(f"/api/v1/admin/listings/{SLUG}/reject", json={"motif": "x"}, headers=headers),
        400,
        "validation_error",
    )
    response = await client.post(
        f"/api/v1/admin/listings/{SLUG}/reject",
        json={"reason": "Doublon d'un service existant."},
        headers=headers,
    )
    assert response.status_code == 200
    assert response.json()["state"] == "rejected"
    assert response.json()["review_note"] == "Doublon d'un service existant."


@pytest.mark.parametrize("slug", ["inconnu", "avec espace", "accentué", "PAS-VALIDE", "a" * 200])
async def test_unknown_or_malformed_slugs_are_404(client, slug) -> None:
    problem(await client.get(f"/api/v1/listings/{slug}"), 404, "listing_not_found")


async def test_list_filters_and_pagination(client, state, dev) -> None:
    dev_a, curator = await dev.actor(state, "dev_a"), await dev.actor(state, "curator")
    specs = {
        "service-gratuit": {"plans": [{"kind": "free", "name": "Gratuit"}], "target_kinds": ["commune"]},
        "service-forfait": {
            "plans": [{"kind": "flat", "name": "F", "yearly_cents": 50000}],
            "thematiques": ["mobilite-transports"],
            "target_kinds": ["region"],
        },
        "service-habitant": {
            "plans": [
                {"kind": "per_inhabitant", "name": "H", "per_inhabitant_cents": 5, "floor_cents": 10000}
            ],
            "thematiques": ["mobilite-transports", "energies-dechets"],
            "target_kinds": ["epci", "commune"],
        },
    }
    for slug, overrides in specs.items():
        await create_listing(state, dev, slug, **overrides)
        await state.listings.transition(dev_a, slug, Action.submit)
        await state.listings.transition(curator, slug, Action.approve)
    await create_listing(state, dev, "brouillon-invisible", plans=[{"kind": "free", "name": "Gratuit"}])
    await as_(client, None)

    async def slugs(query: str) -> list[str]:
        response = await client.get(f"/api/v1/listings{query}")
        assert response.status_code == 200, response.text
        return sorted(item["slug"] for item in response.json()["items"])

    assert await slugs("") == ["service-forfait", "service-gratuit", "service-habitant"]
    assert await slugs("?pricing=free") == ["service-gratuit"]
    assert await slugs("?thematique=mobilite-transports") == ["service-forfait", "service-habitant"]
    assert await slugs("?thematique=energies-dechets&thematique=citoyennete-democratie-participative") == [
        "service-gratuit",
        "service-habitant",
    ]
    assert await slugs("?kind=epci") == ["service-habitant"]
    assert await slugs("?kind=commune&pricing=per_inhabitant") == ["service-habitant"]
    page = (await client.get("/api/v1/listings?per_page=2&page=2")).json()
    assert (page["total"], page["total_pages"], len(page["items"])) == (3, 2, 1)
    problem(await client.get("/api/v1/listings?kind=village"), 400, "validation_error")
    problem(await client.get("/api/v1/listings?per_page=1000"), 400, "validation_error")
    habitant = next(
        i for i in (await client.get("/api/v1/listings")).json()["items"] if i["slug"] == "service-habitant"
    )
    assert habitant["starting_price_cents"] == 10000
    assert habitant["review_note"] is None
