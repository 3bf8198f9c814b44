"""The lifecycle hooks a service implements, with pluggy. Each may be a coroutine function.

A service module (the manifest's entry point) defines functions decorated with ``@hookimpl``;
hooks it does not need are simply left out. Arguments may be omitted from an implementation
(pluggy's opt-in arguments), so new arguments can be added without breaking published services.
Every hook here is documented in ``docs/plugins.md``; a test checks it.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "territoires_plugin"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_routes() -> Any:
    """Return the Litestar route handlers (functions or Controllers) of the service.

    They are mounted under ``/services/{collectivite}/{plugin}/``. A route needs an agent of the
    collectivité unless it says ``opt=PUBLIC`` (which the ``routes:public`` permission allows).
    """


@hookspec
def provision(ctx: Any) -> Any:
    """The service is deployed for a collectivité: prepare its data. Must be idempotent."""


@hookspec
def upgrade(ctx: Any, previous_version: str) -> Any:
    """The collectivité moves to this release from ``previous_version`` (newer or older: rollback)."""


@hookspec
def deprovision(ctx: Any) -> Any:
    """The service is withdrawn from the collectivité. Its data is kept for export; do not delete it."""


@hookspec(firstresult=True)
def health(ctx: Any) -> Any:
    """Return a ``HealthReport`` (or None for "ok"): checked by the store's health view."""
