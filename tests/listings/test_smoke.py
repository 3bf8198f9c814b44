from tests.support.catalogue import as_, listing_payload, make_cast
from tests.support.people import csrf_headers


async def test_publish_path(client, state) -> None:
    cast = await make_cast(state)
    await as_(client, cast.dev_a)
    h = await csrf_headers(client)
    r = await client.post("/api/v1/listings", json=listing_payload(), headers=h)
    assert r.status_code == 201, r.text
    print(r.json())
    r = await client.patch(
        "/api/v1/listings/conseil-municipal-en-ligne", json={"name": "Conseil en ligne"}, headers=h
    )
    assert r.status_code == 200, r.text
    r = await client.post("/api/v1/listings/conseil-municipal-en-ligne/submit", headers=h)
    assert r.status_code == 200, r.text
    await as_(client, cast.curator)
    h = await csrf_headers(client)
    r = await client.get("/api/v1/admin/review-queue")
    assert r.status_code == 200, r.text
    assert len(r.json()) == 1
    r = await client.post("/api/v1/admin/listings/conseil-municipal-en-ligne/approve", headers=h)
    assert r.status_code == 200, r.text
    await as_(client, None)
    r = await client.get(
        "/api/v1/listings?thematique=citoyennete-democratie-participative&kind=commune&pricing=free"
    )
    assert r.status_code == 200, r.text
    print(r.json())
    assert r.json()["total"] == 1
    r = await client.get("/api/v1/listings/conseil-municipal-en-ligne")
    print(r.json())
    await as_(client, cast.curator)
    r = await client.get("/api/v1/admin/audit?subject_type=listing")
    print(r.json())
    assert r.json()["total"] == 4
