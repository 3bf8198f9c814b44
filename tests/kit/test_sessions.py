"""Server-side sessions: a visitor costs no database row until something is stored for them."""

from __future__ import annotations

from store.kit.tables import KeyValue
from tests.support.people import PASSWORD, csrf_headers, make_account


async def test_anonymous_requests_write_no_session(client) -> None:
    for path in ("/health", "/", "/connexion", "/static/app.css"):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert "ts_session" not in response.headers.get("set-cookie", ""), path
    assert await KeyValue.count() == 0


async def test_login_stores_a_session_and_logout_deletes_it(client, state) -> None:
    await make_account(state, "a@b.fr")
    headers = await csrf_headers(client)
    response = await client.post(
        "/api/v1/auth/login", json={"email": "a@b.fr", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 200
    assert await KeyValue.count() == 1
    assert (await client.get("/api/v1/me")).status_code == 200
    response = await client.post("/api/v1/auth/logout", headers=headers)
    assert response.status_code == 204
    assert await KeyValue.count() == 0
    assert (await client.get("/api/v1/me")).status_code == 401
