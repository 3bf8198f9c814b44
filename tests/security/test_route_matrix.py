"""Role × route matrix: every route of ``create_app(settings)`` is called as each of six personas.

HOW TO ADD A ROUTE (the test fails until you do)
------------------------------------------------
Add one entry to ``MATRIX`` below, keyed ``"METHOD /path/{param:type}"`` exactly as Litestar lists
it (the failure message prints the missing keys). Pick a constructor:

    everyone()                          public: every persona gets a 2xx/3xx
    signed_in()                         anonymous 401, every account 2xx/3xx
    only("curator")                     anonymous 401, curator 2xx/3xx, everybody else 403
    only("agent", "curator", others=DENY)   ownership: the non-owners get 403 or 404

Personas (tests/support/routes.py): ``anonymous``; ``agent`` acts for collectivité A
(``world.collectivite_a``) and ``other_agent`` for collectivité B; ``publisher`` speaks for publisher
A (``world.publisher_a``) and ``other_publisher`` for publisher B; ``curator`` is an ANCT curator.
The *owners* are ``agent`` and ``publisher``: whatever ``setup`` creates belongs to them.

Options of every constructor (all optional):

    params={"siren": "210100533"}       path parameters; a value may be ``lambda world: ...``
    setup=async_fn                      ``async def make(world) -> dict`` run before each persona's
                                        call; creates the owners' resource through the services
                                        (``world.state.<service>``, ``await world.actor("publisher")``)
                                        and returns more params, e.g. ``{"slug": ...}``
    json={...} / form={...}             request body (or ``lambda world: {...}``)
    optional=True                       the route may be absent (e.g. /dsfr without npm assets)
    check=fn                            ``fn(role, response, world)`` asserts on what came back, e.g.
                                        that a list holds only the caller's own items
    <role>=expectation                  override one persona, e.g. ``curator=ALLOW``

Expectations: ``ALLOW`` (status < 400), ``DENY`` (403 or 404), or an exact status (401, 403, 404, …).
Example, a publisher's own draft listing that curators may also read:

    "GET /api/v1/listings/{slug:str}": only("publisher", "curator", others=404, setup=draft_listing),

Whatever the expectation, a 5xx always fails. Unsafe methods carry the CSRF header, so a 403 here
is the guard or the service speaking, not the CSRF check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from store.app import create_app
from store.kit.settings import Settings
from tests.support.people import PASSWORD
from tests.support.routes import (
    ROLES,
    Body,
    Setup,
    World,
    app_routes,
    build_world,
    declared_access,
    fill_path,
    resolve,
)

ALLOW = "allow"
DENY = "deny"
Expectation = str | int
Check = Callable[[str, httpx.Response, World], None]


@dataclass(frozen=True)
class Row:
    expect: Mapping[str, Expectation]
    params: Mapping[str, Any] = field(default_factory=dict)
    setup: Setup | None = None
    json: Body = None
    form: Body = None
    optional: bool = False
    check: Check | None = None


def _row(base: Mapping[str, Expectation], overrides: dict[str, Any]) -> Row:
    expect = dict(base)
    for role in ROLES:
        if role in overrides:
            expect[role] = overrides.pop(role)
    return Row(expect=expect, **overrides)


def everyone(expectation: Expectation = ALLOW, **options: Any) -> Row:
    return _row(dict.fromkeys(ROLES, expectation), options)


def signed_in(**options: Any) -> Row:
    return _row({**dict.fromkeys(ROLES, ALLOW), "anonymous": 401}, options)


def only(*allowed: str, others: Expectation = 403, **options: Any) -> Row:
    unknown = set(allowed) - set(ROLES)
    assert not unknown, f"unknown personas {unknown}"
    expect = {role: (ALLOW if role in allowed else others) for role in ROLES}
    return _row({**expect, "anonymous": 401}, options)


async def agent_token(world: World) -> dict[str, str]:
    """An API token of the ``agent`` persona: only its owner may revoke it."""
    actor = await world.actor("agent")
    created = await world.state.accounts.create_token(
        actor, name="ci", scopes=["account:self:read"], expires_in_days=1
    )
    return {"token_id": created.details.id}


def _is_self(role: str, response: httpx.Response, world: World) -> None:
    if role != "anonymous":
        assert response.json()["email"] == world.people[role].email


def login_body(world: World) -> dict[str, str]:
    return {"email": world.people["agent"].email, "password": PASSWORD}


MATRIX: dict[str, Row] = {
    # Operations --------------------------------------------------------------------------------
    "GET /health": everyone(),
    "GET /ready": everyone(),
    "GET /metrics": everyone(),
    # Documentation (Litestar's OpenAPI router) -------------------------------------------------
    "GET /schema": everyone(),
    "GET /schema/scalar": everyone(),
    "GET /schema/openapi.json": everyone(),
    "GET /schema/{path:str}": everyone(404, params={"path": "inconnu"}),
    # Assets ------------------------------------------------------------------------------------
    "GET /static/{file_path:path}": everyone(params={"file_path": "app.css"}),
    "HEAD /static/{file_path:path}": everyone(params={"file_path": "app.css"}),
    "GET /dsfr/{file_path:path}": everyone(params={"file_path": "dsfr.min.css"}, optional=True),
    "HEAD /dsfr/{file_path:path}": everyone(params={"file_path": "dsfr.min.css"}, optional=True),
    # Accounts API ------------------------------------------------------------------------------
    "POST /api/v1/auth/login": everyone(json=login_body),
    "POST /api/v1/auth/logout": everyone(),
    "GET /api/v1/me": signed_in(check=lambda role, r, w: _is_self(role, r, w)),
    "GET /api/v1/me/tokens": signed_in(),
    "POST /api/v1/me/tokens": signed_in(json={"name": "ci", "scopes": ["account:self:read"]}),
    "DELETE /api/v1/me/tokens/{token_id:str}": only("agent", others=404, setup=agent_token),
    "POST /api/v1/mandates": only(
        "curator",
        json=lambda w: {
            "account_email": w.people["other_agent"].email,
            "kind": "collectivite",
            "siren": w.collectivite_a,
            "role": "agent",
        },
    ),
    # Pages -------------------------------------------------------------------------------------
    "GET /": everyone(),
    "GET /connexion": everyone(),
    "POST /connexion": everyone(form=login_body),
    "POST /deconnexion": everyone(),
}


@pytest.fixture(scope="module")
def declared_routes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The routes of an app built like production's (assets present if installed)."""
    tmp = tmp_path_factory.mktemp("routes")
    root = Path(__file__).resolve().parents[2]
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{tmp / 'unused.sqlite3'}",
        data_dir=str(tmp),
        secret_key="route-matrix-secret-key-not-for-production",
        dsfr_dir=str(root / "node_modules/@gouvfr/dsfr/dist"),
    )
    return app_routes(create_app(settings))


def test_every_route_declares_its_access(declared_routes: dict[str, Any]) -> None:
    """A guard from store.kit.auth (``requires(...)``/``AUTHENTICATED``) or ``opt=PUBLIC``: never neither."""
    silent = sorted(key for key, handler in declared_routes.items() if declared_access(handler) is None)
    both = sorted(key for key, handler in declared_routes.items() if declared_access(handler) == "both")
    assert not silent, f"routes without a guard nor opt=PUBLIC: {silent}"
    assert not both, f"routes both public and guarded (pick one): {both}"


def test_every_route_has_a_row_in_the_matrix(declared_routes: dict[str, Any]) -> None:
    missing = sorted(set(declared_routes) - set(MATRIX))
    stale = sorted(key for key in set(MATRIX) - set(declared_routes) if not MATRIX[key].optional)
    assert not missing, "add a row to MATRIX in tests/security/test_route_matrix.py for: " + ", ".join(
        missing
    )
    assert not stale, f"MATRIX rows for routes that no longer exist: {stale}"


def test_public_rows_match_public_routes(declared_routes: dict[str, Any]) -> None:
    """A route the table calls public must be declared public, and the reverse (no accidental 401)."""
    wrong = []
    for key, handler in declared_routes.items():
        row = MATRIX.get(key)
        if row is None:
            continue
        table_public = row.expect["anonymous"] != 401
        declared = declared_access(handler)
        if table_public != (declared == "public"):
            wrong.append(f"{key}: table says anonymous → {row.expect['anonymous']}, route says {declared}")
    assert not wrong, wrong


def _matches(expectation: Expectation, status: int) -> bool:
    if expectation == ALLOW:
        return status < 400
    if expectation == DENY:
        return status in (403, 404)
    return status == expectation


@pytest.mark.parametrize("key", sorted(MATRIX))
async def test_route_as_every_persona(key: str, state, client) -> None:
    row = MATRIX[key]
    if key not in _live_routes(client):
        assert row.optional, f"{key} is in MATRIX but not served"
        pytest.skip(f"{key}: route absent in this setup (optional)")
    method, template = key.split(" ", 1)
    world = await build_world(state, client)
    failures = []
    for role in ROLES:
        params = {name: resolve(value, world) for name, value in row.params.items()}
        if row.setup is not None:
            params.update(await row.setup(world))
        headers = await world.as_role(role)
        request: dict[str, Any] = {"headers": headers}
        if row.json is not None:
            request["json"] = resolve(row.json, world)
        if row.form is not None:
            request["data"] = resolve(row.form, world)
        response = await client.request(method, fill_path(template, params), **request)
        expected = row.expect[role]
        if response.status_code >= 500 or not _matches(expected, response.status_code):
            failures.append(f"{role}: expected {expected}, got {response.status_code} {response.text[:200]}")
        elif row.check is not None:
            try:
                row.check(role, response, world)
            except AssertionError as exc:
                failures.append(f"{role}: check failed: {exc}")
    assert not failures, f"{key}\n  " + "\n  ".join(failures)


def _live_routes(client) -> set[str]:  # type: ignore[no-untyped-def]
    return set(app_routes(client.app))


def test_matrix_helpers_describe_what_they_say() -> None:
    assert only("curator").expect == {
        "anonymous": 401,
        "agent": 403,
        "other_agent": 403,
        "publisher": 403,
        "other_publisher": 403,
        "curator": ALLOW,
    }
    assert replace(signed_in(), optional=True).expect["anonymous"] == 401
    assert everyone(curator=404).expect["curator"] == 404
