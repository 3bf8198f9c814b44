"""Who sees and changes which listing, through the HTTP API."""

from __future__ import annotations

from catalogue.listings.states import Action
from tests.support.catalogue import PUBLISHER_B, as_, create_listing, listing_payload, make_cast
from tests.support.people import csrf_headers

SLUG = "conseil-municipal-en-ligne"


async def test_a_draft_is_404_to_everyone_but_its_publisher_and_curators(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, SLUG)
    for persona in (None, cast.agent, cast.other_agent, cast.dev_b):
        await as_(client, persona)
        response = await client.get(f"/api/v1/listings/{SLUG}")
        assert response.status_code == 404, persona
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "listing_not_found"
        listed = (await client.get("/api/v1/listings")).json()
        assert listed["total"] == 0
        assert listed["items"] == []
    for persona in (cast.dev_a, cast.curator):
        await as_(client, persona)
        response = await client.get(f"/api/v1/listings/{SLUG}")
        assert response.status_code == 200
        assert response.json()["state"] == "draft"


async def test_another_publisher_cannot_edit_submit_or_retire(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, SLUG)
    await as_(client, cast.dev_b)
    headers = await csrf_headers(client)
    assert (
        await client.patch(f"/api/v1/listings/{SLUG}", json={"name": "Volé"}, headers=headers)
    ).status_code == 404
    assert (await client.post(f"/api/v1/listings/{SLUG}/submit", headers=headers)).status_code == 404
    dev_a, curator = await cast.actor(state, "dev_a"), await cast.actor(state, "curator")
    await state.listings.transition(dev_a, SLUG, Action.submit)
    await state.listings.transition(curator, SLUG, Action.approve)
    # Published: B sees it, but it is not B's.
    assert (await client.get(f"/api/v1/listings/{SLUG}")).status_code == 200
    response = await client.patch(f"/api/v1/listings/{SLUG}", json={"name": "Volé"}, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "not_owner"
    response = await client.post(f"/api/v1/listings/{SLUG}/retire", headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "transition_forbidden"
    own = (await client.get("/api/v1/publisher/listings")).json()
    assert own == []
    assert (await state.listings.get(curator, SLUG)).name == "Conseil municipal en ligne"


async def test_publisher_lists_its_own_listings_in_every_state(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, "service-un")
    await create_listing(state, cast, "service-deux")
    await state.listings.transition(await cast.actor(state, "dev_a"), "service-deux", Action.submit)
    await as_(client, cast.dev_a)
    own = (await client.get("/api/v1/publisher/listings")).json()
    assert sorted((o["slug"], o["state"]) for o in own) == [
        ("service-deux", "submitted"),
        ("service-un", "draft"),
    ]


async def test_a_publisher_cannot_edit_after_submission_but_a_curator_can_edit_a_published_listing(
    client, state
) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, SLUG)
    await as_(client, cast.dev_a)
    headers = await csrf_headers(client)
    assert (await client.post(f"/api/v1/listings/{SLUG}/submit", headers=headers)).status_code == 200
    response = await client.patch(f"/api/v1/listings/{SLUG}", json={"pitch": "Changé"}, headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "not_editable"
    assert "éditeur" in response.json()["detail"]
    await state.listings.transition(await cast.actor(state, "curator"), SLUG, Action.approve)
    await as_(client, cast.curator)
    headers = await csrf_headers(client)
    response = await client.patch(f"/api/v1/listings/{SLUG}", json={"pitch": "Corrigé"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["pitch"] == "Corrigé"


async def test_who_may_create_a_listing(client, state) -> None:
    cast = await make_cast(state)
    await as_(client, None)
    headers = await csrf_headers(client)
    assert (await client.post("/api/v1/listings", json=listing_payload(), headers=headers)).status_code == 401
    await as_(client, cast.agent)
    headers = await csrf_headers(client)
    response = await client.post("/api/v1/listings", json=listing_payload(), headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"
    await as_(client, cast.curator)
    headers = await csrf_headers(client)
    response = await client.post("/api/v1/listings", json=listing_payload(), headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "publisher_only"
    await as_(client, cast.dev_a)
    headers = await csrf_headers(client)
    response = await client.post(
        "/api/v1/listings", json=listing_payload(publisher_siren=PUBLISHER_B), headers=headers
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_publisher_member"
    response = await client.post("/api/v1/listings", json=listing_payload(), headers=headers)
    assert response.status_code == 201
    assert response.json()["publisher"]["siren"] == "900000001"


async def test_curator_endpoints_are_for_curators_only(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, SLUG)
    await state.listings.transition(await cast.actor(state, "dev_a"), SLUG, Action.submit)
    for persona, status in ((None, 401), (cast.agent, 403), (cast.dev_a, 403)):
        await as_(client, persona)
        headers = await csrf_headers(client)
        assert (await client.get("/api/v1/admin/review-queue")).status_code == status
        assert (await client.get("/api/v1/admin/audit")).status_code == status
        response = await client.post(f"/api/v1/admin/listings/{SLUG}/approve", headers=headers)
        assert response.status_code == status
    await as_(client, cast.curator)
    headers = await csrf_headers(client)
    assert (await client.post(f"/api/v1/admin/listings/{SLUG}/approve", headers=headers)).status_code == 200
