"""Puts the calling ``Actor`` in ``scope["user"]``: from a bearer token, else from the session."""

from __future__ import annotations

from litestar.datastructures import Headers
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from store.accounts.service import AccountService
from store.kit.auth import ANONYMOUS

SESSION_ACCOUNT_KEY = "account_id"


class ActorMiddleware(ASGIMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        service: AccountService = scope["litestar_app"].state.accounts
        scope["user"] = ANONYMOUS
        authorization = Headers.from_scope(scope).get("authorization", "")
        if authorization.lower().startswith("bearer "):
            # An invalid token is an error, never a silent downgrade to anonymous.
            scope["user"] = await service.actor_from_token(authorization[7:].strip())
        else:
            session = scope.get("session")
            account_id = session.get(SESSION_ACCOUNT_KEY) if isinstance(session, dict) else None
            if isinstance(account_id, str):
                scope["user"] = await service.load_actor(account_id)
        await next_app(scope, receive, send)
