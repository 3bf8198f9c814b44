"""Publishers: curators create and vouch for them; everyone reads them; every change is audited."""

from __future__ import annotations

from store.kit.tables import AuditEntry
from store.registry.publishers import PublisherCreate
from tests.support.catalogue import PUBLISHER_A, as_, create_listing, make_cast
from tests.support.people import csrf_headers, make_account, make_publisher_member

NEW = {"siren": "912 345 675", "name": "Coopérative des communs", "contact_email": "Bonjour@Coop.example"}


async def test_a_curator_creates_then_verifies_a_publisher(client, state) -> None:
    curator = await make_account(state, "curateur@anct.example", curator=True, name="Curatrice")
    await as_(client, curator)
    headers = await csrf_headers(client)
    response = await client.post("/api/v1/publishers", json=NEW, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["siren"] == "912345675"
    assert response.json()["contact_email"] == "bonjour@coop.example"
    assert response.json()["verified"] is False
    response = await client.put(
        "/api/v1/publishers/912345675/verification", json={"verified": True}, headers=headers
    )
    assert response.status_code == 200
    assert response.json()["verified"] is True
    assert response.json()["verified_at"]
    response = await client.patch(
        "/api/v1/publishers/912345675", json={"website": "https://coop.example"}, headers=headers
    )
    assert response.json()["website"] == "https://coop.example"
    rows = await AuditEntry.select().where(AuditEntry.subject_id == "912345675").order_by(AuditEntry.id)
    assert [(r["action"], r["from_state"], r["to_state"]) for r in rows] == [
        ("registry:publisher:create", None, None),
        ("registry:publisher:verify", "unverified", "verified"),
        ("registry:publisher:update", None, None),
    ]
    assert {r["actor_label"] for r in rows} == {"Curatrice"}
    await as_(client, None)
    assert (await client.get("/api/v1/publishers/912345675")).json()["name"] == "Coopérative des communs"
    assert [p["siren"] for p in (await client.get("/api/v1/publishers")).json()] == ["912345675"]


async def test_bad_sirens_and_duplicates(client, state) -> None:
    curator = await make_account(state, "curateur@anct.example", curator=True)
    await as_(client, curator)
    headers = await csrf_headers(client)
    for siren in ("912345676", "12345", "ABCDEFGHI"):
        response = await client.post("/api/v1/publishers", json={**NEW, "siren": siren}, headers=headers)
        assert response.status_code in (400, 422), siren
        assert response.headers["content-type"].startswith("application/problem+json")
    response = await client.post("/api/v1/publishers", json={**NEW, "siren": "912345676"}, headers=headers)
    assert response.json()["code"] == "invalid_siren"
    assert "clé de contrôle" in response.json()["detail"]
    assert (await client.post("/api/v1/publishers", json=NEW, headers=headers)).status_code == 201
    response = await client.post("/api/v1/publishers", json=NEW, headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "publisher_exists"
    assert (await client.get("/api/v1/publishers/000000000")).status_code == 404
    assert (await client.get("/api/v1/publishers/pas-un-siren")).status_code == 404


async def test_only_curators_manage_publishers(client, state) -> None:
    cast = await make_cast(state)
    for persona, status in ((None, 401), (cast.agent, 403), (cast.dev_a, 403)):
        await as_(client, persona)
        headers = await csrf_headers(client)
        assert (await client.post("/api/v1/publishers", json=NEW, headers=headers)).status_code == status
        response = await client.put(
            f"/api/v1/publishers/{PUBLISHER_A}/verification", json={"verified": True}, headers=headers
        )
        assert response.status_code == status
    assert (await state.publishers.get(PUBLISHER_A)).verified is False


async def test_the_verified_badge_follows_the_publisher_onto_its_listings(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, "service-badge")
    curator = await cast.actor(state, "curator")
    await state.publishers.set_verified(curator, PUBLISHER_A, True)
    await as_(client, cast.dev_a)
    assert (await client.get("/api/v1/listings/service-badge")).json()["publisher"]["verified"] is True


async def test_a_publisher_member_can_be_granted_after_creation(state) -> None:
    await state.publishers.create(None, PublisherCreate(**NEW))
    persona = await make_publisher_member(state, "dev@coop.example", "912345675")
    actor = await state.accounts.load_actor(persona.account_id)
    assert actor.speaks_for_publisher("912345675")
