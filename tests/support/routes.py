"""What the security tests need to know about routes: every (method, path) of an app, its declared
access, and a world of six personas to call them as.

Used by tests/security/test_route_matrix.py and tests/security/test_bad_input.py.
"""

from __future__ import annotations

import inspect
import itertools
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from litestar import Litestar
from litestar.handlers import BaseRouteHandler
from litestar.routes import ASGIRoute, HTTPRoute

from store.kit.auth import Requires
from store.registry.siren import luhn_valid
from tests.support.people import (
    Persona,
    csrf_headers,
    make_account,
    make_agent,
    make_publisher_member,
    sign_in,
)

ROLES = ("anonymous", "agent", "other_agent", "publisher", "other_publisher", "curator")
"""``agent`` and ``publisher`` own the resources a row's ``setup`` creates; ``other_*`` do not."""

COLLECTIVITE_A = "210100533"  # Bourg-en-Bresse (tests/support/registry.py)
COLLECTIVITE_B = "210100046"  # Ambérieu-en-Bugey
PUBLISHER_A = "123456782"
PUBLISHER_B = "987654324"

SKIPPED_METHODS = frozenset({"OPTIONS"})
"""Litestar answers OPTIONS itself (no handler code runs, no data): not part of the matrix."""


def route_key(method: str, path: str) -> str:
    return f"{method} {path}"


def app_routes(app: Litestar) -> dict[str, BaseRouteHandler]:
    """Every ``"METHOD /path/{template}"`` of the app (mounted ASGI apps as ``"* /path"``)."""
    routes: dict[str, BaseRouteHandler] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                for method in sorted(handler.http_methods - SKIPPED_METHODS):
                    routes[route_key(method, route.path)] = handler
        elif isinstance(route, ASGIRoute):
            routes[route_key("*", route.path)] = route.route_handler
        else:  # websockets: none yet; decide how to test them when the first one comes
            routes[route_key("WS", route.path)] = route.route_handlers[0]  # type: ignore[attr-defined]
    return routes


def guards_of(handler: BaseRouteHandler) -> list[Any]:
    """Guards from every layer (app, router, controller, handler), unwrapped."""
    return [guard for layer in handler.ownership_layers for guard in (layer.guards or [])]


def declared_access(handler: BaseRouteHandler) -> str | None:
    """``"public"``, ``"Requires(...)"``, or None when the route says nothing (a bug)."""
    requires = [g for g in guards_of(handler) if isinstance(g, Requires)]
    public = handler.opt.get("public") is True
    if requires and public:
        return "both"
    if requires:
        return repr(requires[0])
    return "public" if public else None


_PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def fill_path(template: str, params: Mapping[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match[1]
        if name not in params:
            raise KeyError(f"{template}: the table row must give params[{name!r}]")
        return str(params[name])

    return _PARAM.sub(value, template)


@dataclass
class World:
    """Six personas and the organisations they act for; ``client`` is signed in as ``as_role``."""

    state: Any
    client: httpx.AsyncClient
    people: dict[str, Persona] = field(default_factory=dict)
    collectivite_a: str = COLLECTIVITE_A
    collectivite_b: str = COLLECTIVITE_B
    publisher_a: str = PUBLISHER_A
    publisher_b: str = PUBLISHER_B
    cache: dict[str, Any] = field(default_factory=dict)
    """Objects that rows share (a consultation in its vote phase…), built once by their setup."""
    params: dict[str, Any] = field(default_factory=dict)
    """The path parameters of the call being made (for checks that look at the object after it)."""
    _serial: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def unique(self, prefix: str) -> str:
        """``prefix-<n>``: a slug or name no other row of this world has used."""
        return f"{prefix}-{next(self._serial)}"

    def new_siren(self) -> str:
        """A SIREN that passes the Luhn check and belongs to no organisation yet."""
        body = f"7{next(self._serial):07d}"
        return next(body + last for last in "0123456789" if luhn_valid(body + last))

    async def once(self, key: str, build: Callable[[], Awaitable[Any]]) -> Any:
        """``build()`` the first time ``key`` is asked for, the same object afterwards."""
        if key not in self.cache:
            self.cache[key] = await build()
        return self.cache[key]

    async def actor(self, role: str) -> Any:
        """The ``Actor`` of a persona, to call services directly in a row's ``setup``."""
        return await self.state.accounts.load_actor(self.people[role].account_id)

    async def as_role(self, role: str) -> dict[str, str]:
        """Sign the client in as ``role`` (anonymous: signed out); return headers for unsafe methods."""
        self.client.cookies.clear()
        if role != "anonymous":
            await sign_in(self.client, self.people[role])
        return await csrf_headers(self.client)


async def make_publisher(siren: str, name: str) -> None:
    import datetime as dt

    from store.registry.tables import Publisher

    if not await Publisher.exists().where(Publisher.siren == siren):
        await Publisher.insert(Publisher(siren=siren, name=name, created_at=dt.datetime.now(dt.UTC)))


async def build_world(state: Any, client: httpx.AsyncClient) -> World:
    await make_publisher(PUBLISHER_A, "Éditeur A")
    await make_publisher(PUBLISHER_B, "Éditeur B")
    world = World(state=state, client=client)
    world.people = {
        "agent": await make_agent(state, "agent@bourg.example.fr", COLLECTIVITE_A),
        "other_agent": await make_agent(state, "agent@amberieu.example.fr", COLLECTIVITE_B),
        "publisher": await make_publisher_member(state, "dev@editeur-a.example.fr", PUBLISHER_A),
        "other_publisher": await make_publisher_member(state, "dev@editeur-b.example.fr", PUBLISHER_B),
        "curator": await make_account(state, "curateur@anct.example.fr", curator=True),
    }
    return world


Setup = Callable[[World], Awaitable[Mapping[str, Any]]]
Body = Any  # a JSON value, or a callable (world) or (world, params) -> JSON value


def resolve(value: Any, world: World, params: Mapping[str, Any] | None = None) -> Any:
    """A value, or what a callable makes of the world (and of the row's params, if it takes them)."""
    if not callable(value):
        return value
    if len(inspect.signature(value).parameters) >= 2:
        return value(world, params or {})
    return value(world)


def iter_templates(app: Litestar) -> Iterator[tuple[str, str, BaseRouteHandler]]:
    for key, handler in sorted(app_routes(app).items()):
        method, path = key.split(" ", 1)
        yield method, path, handler
