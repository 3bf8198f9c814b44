"""French, server-rendered pages with the State design system (DSFR)."""

from store.web.rendering import WEB_DIR, render_problem, template_config
from store.web.routes import web_route_handlers

__all__ = ["WEB_DIR", "render_problem", "template_config", "web_route_handlers"]
