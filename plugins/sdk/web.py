"""Route helpers for services: the context dependency, access options, and French HTML pages."""

from __future__ import annotations

from typing import Any

import markupsafe
from litestar import Request, Response
from litestar.di import NamedDependency

from plugins.sdk.context import PluginContext

Ctx = NamedDependency[PluginContext]
"""Annotate a route parameter named ``ctx`` with this to receive the tenant's PluginContext."""

PUBLIC: dict[str, Any] = {"public": True}
"""``opt=PUBLIC``: a route that citizens may call without signing in (needs ``routes:public``)."""

SIGNATORY: dict[str, Any] = {"signatory": True}
"""``opt=SIGNATORY``: a route reserved to people who may sign for the collectivité."""


def wants_html(request: Request[Any, Any, Any]) -> bool:
    return "text/html" in request.headers.get("accept", "")


def html_page(
    ctx: PluginContext, title: str, body: str | markupsafe.Markup, *, status_code: int = 200
) -> Response[str]:
    """A page in the store's look (DSFR), with the tenant's name. ``body`` must already be escaped
    markup: build it with ``markupsafe.Markup`` and ``markupsafe.escape``."""
    escape = markupsafe.escape
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} — {escape(ctx.tenant.name)}</title>"
        '<link rel="stylesheet" href="/dsfr/dsfr.min.css"><link rel="stylesheet" href="/static/app.css">'
        '</head><body><header class="fr-header"><div class="fr-container fr-py-2w">'
        f'<p class="fr-header__service-title">{escape(ctx.tenant.name)}</p></div></header>'
        f'<main class="fr-container fr-my-4w" id="contenu"><h1>{escape(title)}</h1>{body}</main>'
        '<footer class="fr-footer"><div class="fr-container"><p class="fr-footer__content-desc">'
        "Service proposé via Territoires Store.</p></div></footer></body></html>"
    )
    return Response(content=html, status_code=status_code, media_type="text/html")
