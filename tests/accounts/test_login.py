from __future__ import annotations

from tests.support.people import PASSWORD, csrf_headers, make_account, make_agent


async def test_login_opens_a_session_and_me_shows_the_mandates(client, state) -> None:
    await make_agent(state, "agent@bourg.fr", "210100533", role="agent")
    headers = await csrf_headers(client)
    response = await client.post(
        "/api/v1/auth/login", json={"email": "Agent@Bourg.fr", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 200, response.text
    me = (await client.get("/api/v1/me")).json()
    assert me["email"] == "agent@bourg.fr"
    assert [(m["kind"], m["org_id"], m["org_name"]) for m in me["mandates"]] == [
        ("collectivite", "210100533", "Bourg-en-Bresse")
    ]
    assert "store:subscriptions:write" in me["scopes"]
    assert "admin:curation:write" not in me["scopes"]


async def test_login_rotates_the_session_id(client, state) -> None:
    await make_account(state, "a@b.fr")
    headers = await csrf_headers(client)
    client.cookies.set("ts_session", "attacker-chosen-session-id", domain="testserver.local")
    response = await client.post(
        "/api/v1/auth/login", json={"email": "a@b.fr", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 200
    assert client.cookies.get("ts_session") not in (None, "attacker-chosen-session-id")


async def test_wrong_password_is_401_problem_in_french(client, state) -> None:
    await make_account(state, "a@b.fr")
    response = await client.post(
        "/api/v1/auth/login", json={"email": "a@b.fr", "password": "nope"}, headers=await csrf_headers(client)
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "bad_credentials"
    assert "incorrect" in response.json()["detail"]


async def test_repeated_failures_throttle_the_account_even_with_the_right_password(client, state) -> None:
    await make_account(state, "a@b.fr")
    headers = await csrf_headers(client)
    for _ in range(state.settings.login_max_failures):
        await client.post(
            "/api/v1/auth/login", json={"email": "a@b.fr", "password": "wrong"}, headers=headers
        )
    response = await client.post(
        "/api/v1/auth/login", json={"email": "a@b.fr", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert response.json()["code"] == "login_throttled"


async def test_login_without_csrf_is_refused(client, state) -> None:
    await make_account(state, "a@b.fr")
    response = await client.post("/api/v1/auth/login", json={"email": "a@b.fr", "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


async def test_unknown_field_and_wrong_content_type_are_4xx(client) -> None:
    headers = await csrf_headers(client)
    response = await client.post(
        "/api/v1/auth/login", json={"email": "a@b.fr", "password": "x", "admin": True}, headers=headers
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "admin"
    response = await client.post(
        "/api/v1/auth/login", content=b'{"email":"a@b.fr"}', headers={**headers, "content-type": "text/plain"}
    )
    assert response.status_code == 415
