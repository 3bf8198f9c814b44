"""Sign-in and sign-out pages (HTML forms with CSRF)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from store.accounts.controllers import start_session
from store.accounts.service import AccountService
from store.kit.auth import PUBLIC, actor_of
from store.kit.errors import DomainError
from store.web.rendering import flash, page


class LoginForm(msgspec.Struct):
    email: str = ""
    password: str = ""
    next: str = "/"


def _safe_next(target: str) -> str:
    """Only local paths: never redirect a user to another site after login."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


class AuthPages(Controller):
    include_in_schema = False

    @get("/connexion", opt=PUBLIC)
    async def login_form(self, request: Request[Any, Any, Any], next: FromQuery[str] = "/") -> Template:
        return page(request, "pages/login.html", next=_safe_next(next), email="", error=None)

    @post("/connexion", opt=PUBLIC)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[LoginForm],
        accounts: NamedDependency[AccountService],
    ) -> Template | Redirect:
        try:
            actor = await accounts.authenticate(data.email, data.password)
        except DomainError as exc:
            return page(
                request,
                "pages/login.html",
                status_code=exc.status,
                next=_safe_next(data.next),
                email=data.email,
                error=exc.detail,
            )
        assert actor.account_id is not None
        await start_session(request, actor.account_id)
        flash(request, f"Bienvenue, {actor.display_name}.")
        return Redirect(_safe_next(data.next), status_code=303)

    @post("/deconnexion", opt=PUBLIC)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        was_signed_in = actor_of(request).is_authenticated
        request.clear_session()
        if was_signed_in:
            flash(request, "Vous êtes déconnecté.", "info")
        return Redirect("/", status_code=303)
