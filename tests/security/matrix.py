"""The vocabulary of the role × route matrix (tests/security/test_route_matrix.py): rows, the
constructors that build them, and the runner that calls one route as every persona.

Kept apart from the test module so that the rows of each domain can live in their own module
(``matrix_*.py`` beside this one) without importing a test file.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.support.routes import ROLES, Body, Setup, World, fill_path, resolve

ALLOW = "allow"
DENY = "deny"
Expectation = str | int
Check = Callable[[str, httpx.Response, World], Any]
"""``check(role, response, world)``; may be ``async`` (to look in the database after the call)."""

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Row:
    expect: Mapping[str, Expectation]
    params: Mapping[str, Any] = field(default_factory=dict)
    setup: Setup | None = None
    json: Body = None
    form: Body = None
    query: Body = None
    files: Body = None
    """Multipart files, as httpx takes them: ``{"archive": ("a.zip", data, "application/zip")}``."""
    headers: Body = None
    """Extra request headers (an ``Idempotency-Key``…); a callable makes fresh ones for each call."""
    subpath: Body = None
    """For a mounted app (``"* /services"``): the path below the mount point, called with GET."""
    optional: bool = False
    check: Check | None = None
    method: str | None = None
    """The method to call a mounted app (``"* /services"``) with; GET by default."""
    label: str = ""
    """What this case is about, when a route has several (``cases(...)``)."""


Rows = Row | tuple[Row, ...]


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


def cases(*rows: Row) -> tuple[Row, ...]:
    """Several rows for one route: the same route on objects in different states (a draft, a
    published listing…) or owned by different personas."""
    assert rows, "no case"
    assert all(row.label for row in rows), "label every case"
    return rows


def rows_of(value: Rows) -> tuple[Row, ...]:
    return value if isinstance(value, tuple) else (value,)


def matches(expectation: Expectation, status: int) -> bool:
    if expectation == ALLOW:
        return status < 400
    if expectation == DENY:
        return status in (403, 404)
    return status == expectation


async def run_row(key: str, row: Row, world: World) -> list[str]:
    """Call the route as each persona; return what went wrong (empty: the row holds).

    ``setup`` runs before the first call, and again before the next one whenever a call with an
    unsafe method succeeded (it may have consumed the object: approved the listing, cast the vote).
    A refused call changes nothing, so the next persona meets the same object.
    """
    method, template = key.split(" ", 1)
    if method == "*":  # a mounted ASGI app: the row says where below it and with which method
        method = row.method or "GET"
    client = world.client
    failures: list[str] = []
    params: dict[str, Any] = {}
    stale = True
    for role in ROLES:
        if stale:
            params = {name: resolve(value, world) for name, value in row.params.items()}
            if row.setup is not None:
                params.update(await row.setup(world))
            stale = False
        world.params = params
        headers = await world.as_role(role)
        if row.headers is not None:
            headers.update(resolve(row.headers, world, params))
        request: dict[str, Any] = {"headers": headers}
        if row.json is not None:
            request["json"] = resolve(row.json, world, params)
        if row.form is not None:
            request["data"] = resolve(row.form, world, params)
        if row.query is not None:
            request["params"] = resolve(row.query, world, params)
        if row.files is not None:
            request["files"] = resolve(row.files, world, params)
        path = fill_path(template, params)
        if row.subpath is not None:
            path += resolve(row.subpath, world, params)
        response = await client.request(method, path, **request)
        expected = row.expect[role]
        if response.status_code >= 500 or not matches(expected, response.status_code):
            failures.append(f"{role}: expected {expected}, got {response.status_code} {response.text[:300]}")
        elif row.check is not None:
            try:
                outcome = row.check(role, response, world)
                if inspect.isawaitable(outcome):
                    await outcome
            except AssertionError as exc:
                failures.append(f"{role}: check failed: {exc}")
        if method in UNSAFE and response.status_code < 400:
            stale = True
    label = f" [{row.label}]" if row.label else ""
    return [f"{key}{label} — {failure}" for failure in failures]
