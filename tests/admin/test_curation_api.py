"""The review queue and the audit log, as curators use them."""

from __future__ import annotations

from catalogue.listings.states import Action
from tests.support.catalogue import as_, create_listing, make_cast
from tests.support.people import csrf_headers


async def test_review_queue_lists_submitted_listings_oldest_first(client, state) -> None:
    cast = await make_cast(state)
    dev = await cast.actor(state, "dev_a")
    for slug in ("deuxieme-service", "premier-service", "brouillon-seul"):
        await create_listing(state, cast, slug)
    await state.listings.transition(dev, "premier-service", Action.submit)
    await state.listings.transition(dev, "deuxieme-service", Action.submit)
    await as_(client, cast.curator)
    queue = (await client.get("/api/v1/admin/review-queue")).json()
    assert [q["slug"] for q in queue] == ["premier-service", "deuxieme-service"]
    every = (await client.get("/api/v1/admin/listings?state=draft")).json()
    assert [i["slug"] for i in every["items"]] == ["brouillon-seul"]
    response = await client.get("/api/v1/admin/listings?state=nimporte")
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_state"


async def test_audit_log_is_filtered_by_subject_and_action(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, "service-audite")
    await create_listing(state, cast, "autre-service")
    dev = await cast.actor(state, "dev_a")
    await state.listings.transition(dev, "service-audite", Action.submit)
    await as_(client, cast.curator)
    headers = await csrf_headers(client)
    listing = (await client.get("/api/v1/listings/service-audite")).json()
    await client.post(
        "/api/v1/admin/listings/service-audite/request-changes", json={"reason": "Logo ?"}, headers=headers
    )
    page = (await client.get(f"/api/v1/admin/audit?subject_type=listing&subject_id={listing['id']}")).json()
    assert [(e["action"], e["reason"]) for e in page["items"]] == [
        ("catalogue:listing:request_changes", "Logo ?"),
        ("catalogue:listing:submit", None),
        ("catalogue:listing:create", None),
    ]
    assert page["total"] == 3
    assert page["items"][0]["data"]["slug"] == "service-audite"
    by_action = (await client.get("/api/v1/admin/audit?action=catalogue:listing:create")).json()
    assert by_action["total"] == 2
    accounts = (await client.get("/api/v1/admin/audit?action=accounts:&per_page=2")).json()
    assert len(accounts["items"]) == 2
    assert accounts["total"] > 2
