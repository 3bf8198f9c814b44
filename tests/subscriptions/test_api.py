"""The HTTP face: problem+json with stable codes, the Idempotency-Key header, nothing half written."""

from __future__ import annotations

from typing import Any

from tests.subscriptions.support import BOURG, key, make_cast, publish_listing
from tests.support.people import csrf_headers, sign_in


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code
    return body


async def test_subscribe_over_http(client: Any, state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    await sign_in(client, cast.signer)
    headers = await csrf_headers(client)
    body = {"listing": slug, "collectivite_siren": BOURG, "plan_index": 1, "procurement_route": "dispense"}

    problem(await client.post("/api/v1/subscriptions", json=body, headers=headers), 400, "validation_error")
    bad = await client.post(
        "/api/v1/subscriptions",
        json={**body, "plan_index": "un"},
        headers={**headers, "Idempotency-Key": key()},
    )
    problem(bad, 400, "validation_error")
    route = await client.post(
        "/api/v1/subscriptions",
        json={**body, "procurement_route": "gratuit"},
        headers={**headers, "Idempotency-Key": key()},
    )
    assert "payante" in problem(route, 422, "procurement_route_invalid")["detail"]
    assert (await client.get("/api/v1/subscriptions")).json() == []

    made = await client.post(
        "/api/v1/subscriptions", json=body, headers={**headers, "Idempotency-Key": key()}
    )
    assert made.status_code == 201, made.text
    view = made.json()
    assert view["state"] == "pending_signature"
    assert view["actions"] == ["sign", "reject"]
    twice = await client.post(
        "/api/v1/subscriptions", json=body, headers={**headers, "Idempotency-Key": key()}
    )
    problem(twice, 409, "already_subscribed")

    signed = await client.post(
        f"/api/v1/subscriptions/{view['id']}/sign", headers={**headers, "Idempotency-Key": key()}
    )
    assert signed.json()["state"] == "active"
    problem(await client.get("/api/v1/subscriptions/pas-un-uuid"), 404, "subscription_not_found")
    problem(
        await client.post(
            f"/api/v1/subscriptions/{view['id']}/change-plan",
            json={"plan_index": 9},
            headers={**headers, "Idempotency-Key": key()},
        ),
        422,
        "plan_unknown",
    )

    client.cookies.clear()
    await sign_in(client, cast.publisher)
    response = await client.get("/api/v1/subscriptions/publishers/130026032")
    assert response.status_code == 200, response.text
    revenue = response.json()
    assert revenue["active_count"] == 1
    assert revenue["recurring_yearly_ht_cents"] == 120_000
    assert revenue["by_listing"] == [
        {"listing_slug": slug, "listing_name": "Conseil municipal en ligne", "active_count": 1,
         "recurring_yearly_ht_cents": 120_000}
    ]  # fmt: skip
