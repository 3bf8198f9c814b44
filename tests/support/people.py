"""Test personas: accounts with mandates, and signing them in without the login form."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx

PASSWORD = "Mot-de-passe-2026!"


@dataclass
class Persona:
    email: str
    account_id: str
    password: str = PASSWORD


async def make_account(state: Any, email: str, *, curator: bool = False, name: str = "") -> Persona:
    account_id = await state.accounts.create_account(
        email=email, password=PASSWORD, display_name=name or email.split("@")[0], is_curator=curator
    )
    return Persona(email=email, account_id=account_id)


async def make_agent(
    state: Any, email: str, siren: str, *, role: str = "agent", can_sign: bool = False, delegation: str = ""
) -> Persona:
    persona = await make_account(state, email)
    await state.accounts.grant_mandate(
        None,
        account_email=email,
        kind="collectivite",
        siren=siren,
        role=role,
        can_sign=can_sign,
        delegation_ref=delegation,
    )
    return persona


async def make_publisher_member(state: Any, email: str, siren: str, role: str = "developer") -> Persona:
    persona = await make_account(state, email)
    await state.accounts.grant_mandate(None, account_email=email, kind="publisher", siren=siren, role=role)
    return persona


async def sign_in(client: httpx.AsyncClient, persona: Persona) -> None:
    """Open a session directly in the store (the login form has its own tests)."""
    app = client.app  # type: ignore[attr-defined]
    session_id = secrets.token_hex(32)
    store = app.stores.get("sessions")
    await store.set(session_id, b'{"account_id": "%s"}' % persona.account_id.encode(), expires_in=3600)
    client.cookies.set(app.state.session_cookie, session_id)


def sign_out(client: httpx.AsyncClient) -> None:
    client.cookies.clear()


async def csrf_headers(client: httpx.AsyncClient) -> dict[str, str]:
    """Fetch a page to get the CSRF cookie; return the header that must echo it."""
    if "ts_csrf" not in client.cookies:
        await client.get("/health")
    return {"x-csrftoken": client.cookies.get("ts_csrf", "")}
