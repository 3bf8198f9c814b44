"""Page « Mes collectivités »: the collectivités a signed-in agent acts for, with real figures."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.response import Redirect, Template

from store.kit.auth import PUBLIC, actor_of
from store.registry.service import RegistryService
from store.web.rendering import page


class CollectivitePages(Controller):
    include_in_schema = False

    # Public route: an anonymous visitor is sent to the login form (and back here afterwards);
    # a signed-in account only ever sees the collectivités of its own mandates.
    @get("/mes-collectivites", opt=PUBLIC)
    async def mine(
        self, request: Request[Any, Any, Any], registry: NamedDependency[RegistryService]
    ) -> Template | Redirect:
        actor = actor_of(request)
        if not actor.is_authenticated:
            return Redirect(f"/connexion?next={quote(request.url.path)}", status_code=303)
        return page(request, "pages/collectivites.html", entries=await registry.acting_for(actor))
