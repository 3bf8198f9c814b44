"""Errors reach clients as problem+json with a stable code and a French detail naming the field."""

from __future__ import annotations

import pytest

from store.kit.errors import translate_validation_message
from tests.support.people import csrf_headers


@pytest.mark.parametrize(
    ("message", "french"),
    [
        ("Object contains unknown field `admin` - at `$`", "champ inconnu « admin »"),
        ("Object missing required field `email`", "champ obligatoire « email » manquant"),
        ("Expected `str`, got `int` - at `$.email`", "type attendu un texte, reçu un entier"),
        ("Expected `str` of length <= 1024 - at `$.password`", "longueur <= 1024 attendue"),
        ("Expected `int` >= 1 - at `$.expires_in_days`", "valeur >= 1 attendue"),
        ("Expected `str` matching regex '^x$' - at `$.email`", "format invalide"),
        ("JSON is malformed: invalid character (byte 1)", "JSON mal formé"),
        ("Invalid enum value 'pirate' - at `$.kind`", "valeur « pirate » non autorisée"),
        ("Something nobody expected", "valeur invalide"),
    ],
)
def test_msgspec_messages_are_translated(message: str, french: str) -> None:
    assert translate_validation_message(message) == french


async def post_login(client, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return await client.post("/api/v1/auth/login", json=body, headers=await csrf_headers(client))


async def test_missing_field_is_named(client) -> None:
    response = await post_login(client, {"email": "a@b.fr"})
    problem = response.json()
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["code"] == "validation_error"
    assert problem["errors"] == [{"field": "password", "message": "champ obligatoire « password » manquant"}]
    assert "password" in problem["detail"]


async def test_wrong_type_is_named(client) -> None:
    response = await post_login(client, {"email": 42, "password": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "field": "email",
        "message": "type attendu un texte, reçu un entier",
    }


async def test_pattern_mismatch_is_named(client) -> None:
    response = await post_login(client, {"email": "pas-une-adresse", "password": "x"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"


async def test_unknown_route_is_a_french_404_problem(client) -> None:
    response = await client.get("/api/v1/nulle-part")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"] == "La ressource demandée n'existe pas."


async def test_wrong_method_is_a_405_problem(client) -> None:
    response = await client.delete("/health")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


async def test_pages_get_an_html_error_page(client) -> None:
    response = await client.get("/page-inexistante", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Ressource introuvable" in response.text


async def test_an_unexpected_exception_is_a_500_problem_without_internals(client) -> None:
    from store.kit.errors import problem_for

    problem, _ = problem_for(RuntimeError("secret internals /etc/passwd"), "/x")
    assert problem.status == 500
    assert problem.code == "internal_error"
    assert "passwd" not in problem.detail


def test_a_missing_header_is_named_in_french() -> None:
    from litestar.exceptions import ValidationException

    from store.kit.errors import validation_errors

    exc = ValidationException("Missing required header parameter 'Idempotency-Key' for path /api/v1/x")
    assert [(e.field, e.message) for e in validation_errors(exc)] == [
        ("Idempotency-Key", "en-tête obligatoire manquant")
    ]
