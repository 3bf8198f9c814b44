"""Role × route matrix: every route of ``create_app(settings)`` is called as each of six personas.

HOW TO ADD A ROUTE (the test fails until you do)
------------------------------------------------
Add one entry to ``MATRIX`` below, or to the rows of its domain that ``MATRIX`` merges (a key in two
of them is an error, not a silent overwrite):
``matrix_catalogue.py`` (registry, publishers, listings, curation and their pages),
``matrix_consultations.py`` (consultations and votes API) and ``matrix_consultation_pages.py`` (their
pages; the consultations both act on come from ``consultation_world.py``), ``matrix_plugins.py``
(plugins API and pages, deployments, artefact links, the ``/services`` mount; plugins from
``plugin_world.py``), ``matrix_billing.py`` (invoices and the money-moving calls) and
``matrix_billing_pages.py`` (their pages and the curators' billing desk). Key it
``"METHOD /path/{param:type}"`` exactly as Litestar lists it (a mounted app: ``"* /path"``; the
failure message prints the missing keys). Pick a constructor (``matrix.py``):

    everyone()                          public: every persona gets a 2xx/3xx
    signed_in()                         anonymous 401, every account 2xx/3xx
    only("curator")                     anonymous 401, curator 2xx/3xx, everybody else 403
    only("agent", "curator", others=DENY)   ownership: the non-owners get 403 or 404
    cases(row, row, …)                  several rows for one route, each with a ``label``: the same
                                        route on a draft and on a published listing, say

Personas (tests/support/routes.py): ``anonymous``; ``agent`` acts for collectivité A
(``world.collectivite_a``) and ``other_agent`` for collectivité B; ``publisher`` speaks for publisher
A (``world.publisher_a``) and ``other_publisher`` for publisher B; ``curator`` is an ANCT curator.
The *owners* are ``agent`` and ``publisher``: whatever ``setup`` creates belongs to them.

Options of every constructor (all optional):

    params={"siren": "210100533"}       path parameters; a value may be ``lambda world: ...``
    setup=async_fn                      ``async def make(world) -> dict`` creates the owners' object
                                        through the services (``world.state.<service>``,
                                        ``await world.actor("publisher")``) and returns more params,
                                        e.g. ``{"slug": ...}``. It runs before the first persona's
                                        call, and again after a call with an unsafe method succeeded
                                        (the object may be consumed: approved, voted…). Objects that
                                        several rows can share are built once: ``world.once(key, fn)``
    json={...} / form={...} / query={...}   request body or query string; a callable gets
                                        ``(world)`` or ``(world, params)``
    files={...} / headers={...}         multipart files, extra headers (``Idempotency-Key``: a
                                        callable makes a fresh one per call); same callables
    subpath=... / method="POST"         for a mounted app: the path below the mount point, and the
                                        method (GET by default)
    optional=True                       the route may be absent (e.g. /dsfr without npm assets)
    check=fn                            ``fn(role, response, world)`` asserts on what came back, e.g.
                                        that a list holds only the caller's own items; it may be
                                        ``async`` to look in the database (``world.params`` holds
                                        the call's path parameters)
    <role>=expectation                  override one persona, e.g. ``curator=ALLOW``

Expectations: ``ALLOW`` (status < 400), ``DENY`` (403 or 404), or an exact status (401, 403, 404, …).
Example, a publisher's own draft listing that curators may also read:

    "GET /api/v1/listings/{slug:str}": only("publisher", "curator", others=404, setup=draft_listing),

Whatever the expectation, a 5xx always fails. Unsafe methods carry the CSRF header, so a 403 here
is the guard or the service speaking, not the CSRF check.

Speed: one app and one world (six personas) serve the whole module, and the database is emptied
once at the end; every setup therefore makes objects with unique names (``world.unique(prefix)``,
``world.new_siren()``) and must not change what another row relies on (mandates, say).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from store.app import all_tables, create_app
from store.kit.settings import Settings
from tests.billing.support import purge_billing
from tests.security.matrix import ALLOW, DENY, Row, Rows, everyone, only, rows_of, run_row, signed_in
from tests.security.matrix_billing import ROWS as BILLING_ROWS
from tests.security.matrix_billing_pages import ROWS as BILLING_PAGE_ROWS
from tests.security.matrix_catalogue import ROWS as CATALOGUE_ROWS
from tests.security.matrix_consultation_pages import ROWS as CONSULTATION_PAGE_ROWS
from tests.security.matrix_consultations import ROWS as CONSULTATION_ROWS
from tests.security.matrix_dashboards import ROWS as DASHBOARD_ROWS
from tests.security.matrix_funding import ROWS as FUNDING_ROWS
from tests.security.matrix_plugins import ROWS as PLUGIN_ROWS
from tests.security.matrix_search import ROWS as SEARCH_ROWS
from tests.security.matrix_subscriptions import ROWS as SUBSCRIPTION_ROWS
from tests.support import db as test_db
from tests.support.people import PASSWORD, make_account
from tests.support.routes import ROLES, World, app_routes, build_world, declared_access


async def agent_token(world: World) -> dict[str, str]:
    """An API token of the ``agent`` persona: only its owner may revoke it."""
    actor = await world.actor("agent")
    created = await world.state.accounts.create_token(
        actor, name="ci", scopes=["account:self:read"], expires_in_days=1
    )
    return {"token_id": created.details.id}


def own_tokens_only(role: str, response: httpx.Response, world: World) -> None:
    if role != "anonymous":
        ids = {token["id"] for token in response.json()}
        assert (world.params["token_id"] in ids) == (role == "agent")


async def newcomer(world: World) -> dict[str, str]:
    """An account without any mandate yet (granting one to a persona would change the world)."""
    email = f"{world.unique('nouvel-agent')}@bourg.example.fr"
    await make_account(world.state, email)
    return {"email": email}


def _is_self(role: str, response: httpx.Response, world: World) -> None:
    if role != "anonymous":
        assert response.json()["email"] == world.people[role].email


def login_body(world: World) -> dict[str, str]:
    return {"email": world.people["agent"].email, "password": PASSWORD}


def merged(*domains: dict[str, Rows]) -> dict[str, Rows]:
    """The rows of every domain module, refusing a key two of them define (one would silently win)."""
    rows: dict[str, Rows] = {}
    for domain in domains:
        twice = sorted(set(rows) & set(domain))
        assert not twice, f"routes with rows in two places: {twice}"
        rows.update(domain)
    return rows


MATRIX: dict[str, Rows] = merged(
    {
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
        "GET /api/v1/me/tokens": signed_in(setup=agent_token, check=own_tokens_only),
        "POST /api/v1/me/tokens": signed_in(json={"name": "ci", "scopes": ["account:self:read"]}),
        "DELETE /api/v1/me/tokens/{token_id:str}": only("agent", others=404, setup=agent_token),
        "POST /api/v1/mandates": only(
            "curator",
            setup=newcomer,
            json=lambda w, p: {
                "account_email": p["email"],
                "kind": "collectivite",
                "siren": w.collectivite_a,
                "role": "agent",
            },
        ),
        # Pages (the home page is the catalogue's) --------------------------------------------------
        "GET /connexion": everyone(),
        "POST /connexion": everyone(form=login_body),
        "POST /deconnexion": everyone(),
    },
    CATALOGUE_ROWS,
    CONSULTATION_ROWS,
    CONSULTATION_PAGE_ROWS,
    PLUGIN_ROWS,
    BILLING_ROWS,
    DASHBOARD_ROWS,
    BILLING_PAGE_ROWS,
    SUBSCRIPTION_ROWS,
    SEARCH_ROWS,
    FUNDING_ROWS,
)


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
    stale = sorted(
        key
        for key in set(MATRIX) - set(declared_routes)
        if not all(row.optional for row in rows_of(MATRIX[key]))
    )
    assert not missing, "add a row to MATRIX in tests/security/test_route_matrix.py for: " + ", ".join(
        missing
    )
    assert not stale, f"MATRIX rows for routes that no longer exist: {stale}"


def test_public_rows_match_public_routes(declared_routes: dict[str, Any]) -> None:
    """A route the table calls public must be declared public, and the reverse (no accidental 401)."""
    wrong = []
    for key, handler in declared_routes.items():
        if key.startswith("* "):
            # A mounted app (``/services``) is public to the store; each deployed service guards its
            # own routes (public pages, agents of the collectivité), which its rows spell out.
            continue
        declared = declared_access(handler)
        for row in rows_of(MATRIX.get(key, ())):
            table_public = row.expect["anonymous"] != 401
            if table_public != (declared == "public"):
                said = row.expect["anonymous"]
                wrong.append(f"{key} {row.label}: table says anonymous → {said}, route says {declared}")
    assert not wrong, wrong


@pytest.fixture(scope="module")
async def matrix_app(migrated: Settings) -> AsyncIterator[Litestar]:
    """One app for the whole matrix (building one per route would cost most of its run time)."""
    application = create_app(migrated)
    yield application
    db = application.state.db
    await db.start()
    await purge_billing(db)  # the ledger's append-only tables refuse a plain DELETE
    await test_db.empty_tables(db, all_tables())
    await db.stop()


@pytest.fixture(scope="module")
async def world(matrix_app: Litestar) -> AsyncIterator[World]:
    for hook in matrix_app.on_startup:
        await hook()
    try:
        transport = httpx.ASGITransport(app=matrix_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as http:
            http.app = matrix_app  # type: ignore[attr-defined]
            yield await build_world(matrix_app.state, http)
    finally:
        for hook in matrix_app.on_shutdown:
            await hook()


def short_id(key: str) -> str:
    """``POST /api/v1/consultations/{consultation_id}/…`` without the converters (ids over 100
    characters would become ``key0``)."""
    return re.sub(r":\w+\}", "}", key)


@pytest.mark.parametrize("key", sorted(MATRIX), ids=short_id)
async def test_route_as_every_persona(key: str, world: World) -> None:
    rows = rows_of(MATRIX[key])
    if key not in app_routes(world.client.app):  # type: ignore[attr-defined]
        assert all(row.optional for row in rows), f"{key} is in MATRIX but not served"
        pytest.skip(f"{key}: route absent in this setup (optional)")
    failures = [failure for row in rows for failure in await run_row(key, row, world)]
    assert not failures, "\n  ".join(failures)


def test_matrix_helpers_describe_what_they_say() -> None:
    assert only("curator").expect == {
        "anonymous": 401,
        "agent": 403,
        "other_agent": 403,
        "publisher": 403,
        "other_publisher": 403,
        "curator": ALLOW,
    }
    assert only("agent", others=DENY).expect["other_agent"] == DENY
    assert signed_in(optional=True).expect["anonymous"] == 401
    assert everyone(curator=404).expect["curator"] == 404
    assert set(ROLES) == set(everyone().expect)
    assert isinstance(everyone(), Row)
