"""Thin HTTP layer over AccountService: sign-in, the current account, API tokens, mandates."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from store.accounts.middleware import SESSION_ACCOUNT_KEY
from store.accounts.schemas import (
    AccountView,
    LoginRequest,
    MandateCreate,
    TokenCreate,
    TokenCreated,
    TokenView,
)
from store.accounts.service import AccountService
from store.kit.auth import AUTHENTICATED, PUBLIC, Scope, actor_of, requires
from store.kit.sessions import rotate_session


async def start_session(request: Request[Any, Any, Any], account_id: str) -> None:
    """Log in: drop the previous session, issue a fresh id (no fixation)."""
    old_id = request.cookies.get(request.app.state.session_cookie)
    if old_id:
        await request.app.stores.get("sessions").delete(old_id)
    rotate_session(request)
    request.set_session({SESSION_ACCOUNT_KEY: account_id})


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["Comptes"]

    @post("/login", opt=PUBLIC, status_code=HTTP_200_OK, operation_id="Login")
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[LoginRequest],
        accounts: NamedDependency[AccountService],
    ) -> AccountView:
        """Ouvre une session (cookie) ; 429 après trop d'échecs pour la même adresse."""
        actor = await accounts.authenticate(data.email, data.password)
        assert actor.account_id is not None
        await start_session(request, actor.account_id)
        return accounts.describe(actor)

    @post("/logout", opt=PUBLIC, status_code=HTTP_204_NO_CONTENT, operation_id="Logout")
    async def logout(self, request: Request[Any, Any, Any]) -> None:
        """Ferme la session courante (sans effet si aucune)."""
        request.clear_session()


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["Comptes"]

    @get("/", guards=[AUTHENTICATED], operation_id="GetMe")
    async def me(
        self, request: Request[Any, Any, Any], accounts: NamedDependency[AccountService]
    ) -> AccountView:
        """Le compte connecté, ses mandats et ses portées."""
        return accounts.describe(actor_of(request))

    @get("/tokens", guards=[requires(Scope.AccountTokensWrite)], operation_id="ListTokens")
    async def list_tokens(
        self, request: Request[Any, Any, Any], accounts: NamedDependency[AccountService]
    ) -> list[TokenView]:
        """Les jetons d'API du compte (jamais leur valeur)."""
        return await accounts.list_tokens(actor_of(request))

    @post("/tokens", guards=[requires(Scope.AccountTokensWrite)], operation_id="CreateToken")
    async def create_token(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[TokenCreate],
        accounts: NamedDependency[AccountService],
    ) -> TokenCreated:
        """Crée un jeton limité à des portées que le compte détient ; sa valeur n'est montrée qu'une fois."""
        return await accounts.create_token(
            actor_of(request), name=data.name, scopes=data.scopes, expires_in_days=data.expires_in_days
        )

    @delete("/tokens/{token_id:str}", guards=[requires(Scope.AccountTokensWrite)], operation_id="RevokeToken")
    async def revoke_token(
        self,
        request: Request[Any, Any, Any],
        token_id: FromPath[str],
        accounts: NamedDependency[AccountService],
    ) -> None:
        """Révoque un jeton du compte."""
        await accounts.revoke_token(actor_of(request), token_id)


class MandateController(Controller):
    path = "/api/v1/mandates"
    tags = ["Comptes"]

    @post("/", guards=[requires(Scope.AdminUsersWrite)], operation_id="GrantMandate")
    async def grant(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[MandateCreate],
        accounts: NamedDependency[AccountService],
    ) -> dict[str, str]:
        """Un curateur rattache un compte à une collectivité ou à un éditeur."""
        mandate_id = await accounts.grant_mandate(
            actor_of(request),
            account_email=data.account_email,
            kind=data.kind,
            siren=data.siren,
            role=data.role,
            can_sign=data.can_sign,
            delegation_ref=data.delegation_ref,
        )
        return {"id": mandate_id}
