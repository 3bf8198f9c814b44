"""Home page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from store.kit.auth import PUBLIC
from store.web.rendering import page


class HomePages(Controller):
    include_in_schema = False

    @get("/", opt=PUBLIC)
    async def home(self, request: Request[Any, Any, Any]) -> Template:
        return page(request, "pages/home.html")
