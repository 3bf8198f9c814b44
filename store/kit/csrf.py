"""CSRF protection for browser sessions that leaves bearer-token clients alone.

A browser never attaches an ``Authorization`` header on its own, so a request that carries a bearer
token and no session cookie cannot be a cross-site forgery: CI pipelines publishing releases need no
CSRF dance. Everything else goes through Litestar's double-submit check.
"""

from __future__ import annotations

from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Headers
from litestar.middleware.csrf import CSRFMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send


class TokenAwareCSRFMiddleware(CSRFMiddleware):
    def __init__(self, app: ASGIApp, config: CSRFConfig, session_cookie: str) -> None:
        super().__init__(app, config)
        self.session_cookie = session_cookie

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers.from_scope(scope)
            has_bearer = headers.get("authorization", "").lower().startswith("bearer ")
            has_session = f"{self.session_cookie}=" in headers.get("cookie", "")
            if has_bearer and not has_session:
                await self.app(scope, receive, send)
                return
        await super().__call__(scope, receive, send)
