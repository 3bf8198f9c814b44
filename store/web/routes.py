"""Every page controller of the site, in one list."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from store.web.pages.auth import AuthPages
from store.web.pages.home import HomePages
from store.web.pages.plugins import PublisherPluginPages
from store.web.pages.plugins_curation import PluginCurationPages


def web_route_handlers() -> list[ControllerRouterHandler]:
    return [AuthPages, HomePages, PublisherPluginPages, PluginCurationPages]
