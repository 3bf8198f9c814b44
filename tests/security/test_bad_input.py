"""Bad input never becomes a 500: every JSON route of the OpenAPI schema is sent an unknown field, a
wrong content type, an oversized body, malformed JSON and a JSON value of the wrong shape. Each gets a
4xx problem+json with a stable ``code`` and a French ``detail``.

The routes come from /schema/openapi.json, so a new JSON route is covered without touching this file.
The caller is the curator, who holds every scope: the guard lets the request through to the body
checks (ownership is checked later, in services, after the body is validated).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.routes import build_world

PROBLEM = "application/problem+json"
STABLE_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
ENGLISH = re.compile(r"\b(the|is|was|invalid|request|validation|failed|expected|error)\b", re.IGNORECASE)
PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


async def json_routes(client, *, required_only: bool = False) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    schema = (await client.get("/schema/openapi.json")).json()
    routes = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {})
            if required_only and not _body_required(body):
                continue
            if "application/json" in body.get("content", {}):
                routes.append((method.upper(), _fill_path(path, operation)))
    return sorted(routes)


def _body_required(body: dict[str, Any]) -> bool:
    """Litestar marks an optional body as required but lets its schema accept null."""
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    accepts_null = any(option.get("type") == "null" for option in schema.get("oneOf", []))
    return bool(body.get("required")) and not accepts_null


def _fill_path(path: str, operation: dict[str, Any]) -> str:
    """A syntactically valid value for each path parameter: the body checks must be what fails."""
    kinds = {
        p["name"]: p.get("schema", {}).get("type", "string")
        for p in operation.get("parameters", [])
        if p.get("in") == "path"
    }

    def value(match: re.Match[str]) -> str:
        return "1" if kinds.get(match.group(1)) == "integer" else PLACEHOLDER

    return re.sub(r"\{([^}:]+)[^}]*\}", value, path)


def assert_problem(response, status: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    problem = response.json()
    assert problem["status"] == status
    assert STABLE_CODE.match(problem["code"]), problem
    assert problem["type"].endswith("/" + problem["code"])
    assert problem["detail"]
    assert not ENGLISH.search(problem["detail"]), problem["detail"]
    return problem


@pytest.fixture
async def curator(state, client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    world = await build_world(state, client)
    # Money-moving routes also require an Idempotency-Key: always give one, so the body is what fails.
    return {**await world.as_role("curator"), "idempotency-key": "cle-de-test-0001"}


async def test_the_schema_lists_json_routes(client) -> None:
    assert ("POST", "/api/v1/auth/login") in await json_routes(client)


async def test_unknown_fields_are_a_400_naming_the_field(client, curator) -> None:
    for method, path in await json_routes(client):
        response = await client.request(method, path, json={"champ_pirate": 1}, headers=curator)
        problem = assert_problem(response, 400)
        assert problem["code"] == "validation_error", (method, path)
        assert [e["field"] for e in problem["errors"]] == ["champ_pirate"], (method, path, problem)
        assert "champ_pirate" in problem["detail"]


async def test_a_wrong_content_type_is_a_415(client, curator) -> None:
    for method, path in await json_routes(client):
        for content_type in ("text/plain", "application/x-www-form-urlencoded", "application/xml", ""):
            response = await client.request(
                method, path, content=b'{"a": 1}', headers={**curator, "content-type": content_type}
            )
            problem = assert_problem(response, 415)
            assert problem["code"] == "unsupported_media_type", (method, path, content_type)


async def test_an_oversized_body_is_a_413(client, state, curator) -> None:
    limit = state.settings.max_body_bytes
    body = b'{"name": "' + b"x" * limit + b'"}'
    for method, path in await json_routes(client):
        response = await client.request(
            method, path, content=body, headers={**curator, "content-type": "application/json"}
        )
        problem = assert_problem(response, 413)
        assert problem["code"] == "payload_too_large", (method, path)


async def test_an_oversized_body_without_length_is_a_413(client, state, curator) -> None:
    """Chunked uploads do not announce their size: the limit still applies while reading."""
    limit = state.settings.max_body_bytes

    async def chunks():  # type: ignore[no-untyped-def]
        yield b'{"name": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'"}'

    method, path = "POST", "/api/v1/auth/login"
    response = await client.request(
        method, path, content=chunks(), headers={**curator, "content-type": "application/json"}
    )
    assert_problem(response, 413)


@pytest.mark.parametrize(
    "body",
    [
        b'{"email": ',
        b"{'email': 'a'}",
        b"\xff\xfe",
        b'{"a": 1} trailing',
        b"",
        b"null",
        b"[]",
        b'"texte"',
        b"12",
    ],
    ids=["truncated", "single-quotes", "not-utf8", "trailing", "empty", "null", "array", "string", "number"],
)
async def test_malformed_or_misshapen_json_is_a_400(client, curator, body: bytes) -> None:
    # An empty or null body is a legitimate "no body" where the body is optional.
    optional_ok = body in {b"", b"null"}
    for method, path in await json_routes(client, required_only=optional_ok):
        response = await client.request(
            method, path, content=body, headers={**curator, "content-type": "application/json"}
        )
        problem = assert_problem(response, 400)
        assert problem["code"] in {"validation_error", "malformed_json"}, (method, path)
        if problem["code"] == "validation_error":
            assert problem["errors"][0]["field"] == "corps", problem


async def test_wrong_types_and_huge_values_are_a_400_naming_the_field(client, curator) -> None:
    response = await client.post(
        "/api/v1/me/tokens",
        json={"name": "x", "scopes": ["account:self:read"], "expires_in_days": 10**30},
        headers=curator,
    )
    problem = assert_problem(response, 400)
    assert problem["errors"][0]["field"] == "expires_in_days"
    response = await client.post("/api/v1/me/tokens", json={"name": ["x"], "scopes": []}, headers=curator)
    assert assert_problem(response, 400)["errors"][0]["field"] == "name"


async def test_deeply_nested_json_is_a_400(client, curator) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    response = await client.post(
        "/api/v1/auth/login", content=body, headers={**curator, "content-type": "application/json"}
    )
    assert assert_problem(response, 400)["code"] == "malformed_json"


async def test_a_bad_path_parameter_is_a_4xx(client, curator) -> None:
    for token_id in ("pas-un-uuid", "%00", "a" * 5000, "../../etc/passwd"):
        response = await client.delete(f"/api/v1/me/tokens/{token_id}", headers=curator)
        assert 400 <= response.status_code < 500, (token_id, response.status_code, response.text[:200])


FORM_GARBAGE: list[tuple[str, bytes]] = [
    ("application/json", b'{"email": "a"}'),
    ("application/x-www-form-urlencoded", b"\xff\xfe\x00"),
    ("application/x-www-form-urlencoded", b"email=a&email=b&password=x&password=y"),
    ("multipart/form-data; boundary=zz", b"--zz\r\nbad"),
    ("multipart/form-data", b"abc"),
    ("text/plain", b"hello"),
]


async def test_page_forms_never_answer_garbage_with_a_5xx(client, curator) -> None:
    from tests.support.routes import app_routes

    forms = [
        key.split(" ", 1)[1] for key in app_routes(client.app) if key.startswith("POST /") and "{" not in key
    ]
    forms = [path for path in forms if not path.startswith("/api/")]
    assert "/connexion" in forms
    for path in forms:
        for content_type, body in FORM_GARBAGE:
            headers = {**curator, "content-type": content_type, "accept": "text/html"}
            response = await client.post(path, content=body, headers=headers)
            assert response.status_code < 500, (path, content_type, response.status_code)


async def test_an_oversized_form_is_a_413(client, state, curator) -> None:
    body = b"email=" + b"x" * (state.settings.max_body_bytes + 1)
    headers = {**curator, "content-type": "application/x-www-form-urlencoded", "accept": "text/html"}
    response = await client.post("/connexion", content=body, headers=headers)
    assert response.status_code == 413
    assert "Requête trop volumineuse" in response.text
