"""The demo's accounts: a curator, one agent per acting collectivité, and an agent of a groupement.

Every account is a real row created by ``AccountService.create_account``, and every collectivité
it acts for is a real mandate row granted by ``AccountService.grant_mandate`` (the operator's
path, as ``tstore grant-mandate``): signing in as any of them shows exactly what the replay did.

All demo accounts share the published password ``DEMO_PASSWORD``. Hashing it with the production
argon2 cost takes about 150 ms, and the demo creates about sixty accounts: rather than lower the
cost (a demo must behave like production) the password is hashed once and that hash is stored for
each account. Sharing the salt reveals only that the passwords are equal, which the documentation
says anyway; the demo refuses to run in production.
"""

from __future__ import annotations

from typing import Any

import msgspec

from store.accounts.passwords import Passwords
from store.accounts.service import AccountService
from store.demo.data import PEOPLE
from store.kit.auth import Actor

DOMAIN = "demo.territoires-store.fr"
CURATOR = next(person for person in PEOPLE if person.kind == "curator")
"""The main demo's curator (``seed-demo``) runs the consultations too: one curator for both demos."""
CURATOR_EMAIL = CURATOR.email
GROUPEMENT_EMAIL = f"agent.mutualise@{DOMAIN}"
DEMO_PASSWORD = "Demo-Territoires-2021!"  # noqa: S105 - a demo login, refused in production
DELEGATION = "Arrêté de délégation de signature (démonstration)"


def agent_email(siren: str) -> str:
    return f"agent.{siren}@{DOMAIN}"


class DemoAccount(msgspec.Struct, frozen=True):
    email: str
    label: str
    """Who it is, in French (for the command's output)."""


class _HashedOnce(Passwords):
    """The production hasher, asked once per password: every demo account stores the same hash."""

    def __init__(self, inner: Passwords) -> None:  # no super().__init__: no dummy hash to compute
        self._inner = inner
        self._hashes: dict[str, str] = {}

    def hash(self, password: str) -> str:
        if password not in self._hashes:
            self._hashes[password] = self._inner.hash(password)
        return self._hashes[password]

    def verify(self, password_hash: str | None, password: str) -> bool:
        return self._inner.verify(password_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self._inner.needs_rehash(password_hash)


class DemoAccounts:
    """Creates the demo accounts once (idempotent) and loads them as actors."""

    def __init__(self, state: Any, *, hash_once: bool = True) -> None:
        live: AccountService = state.accounts
        self.accounts = AccountService(state.settings, state.uow, repo=live.repo, registry=live.registry)
        self.accounts.passwords = _HashedOnce(live.passwords) if hash_once else live.passwords
        self.made: list[DemoAccount] = []

    async def _account(
        self, email: str, name: str, *, curator: bool = False, password: str = DEMO_PASSWORD
    ) -> str:
        found = await self.accounts.repo.get_by_email(email)
        if found is not None:
            return str(found.id)
        return await self.accounts.create_account(
            email=email, password=password, display_name=name, is_curator=curator
        )

    async def _mandate(self, account_id: str, email: str, row: dict[str, Any], *, can_sign: bool) -> None:
        actor = await self.accounts.load_actor(account_id)
        if not actor.acts_for(row["siren"]):
            await self.accounts.grant_mandate(
                None,
                account_email=email,
                kind="collectivite",
                siren=row["siren"],
                role="agent",
                can_sign=can_sign,
                delegation_ref=DELEGATION if can_sign else "",
            )

    async def curator(self) -> Actor:
        account_id = await self._account(CURATOR_EMAIL, CURATOR.name, curator=True, password=CURATOR.password)
        self.made.append(DemoAccount(CURATOR_EMAIL, "curatrice de l'ANCT (tableau de bord, regroupement…)"))
        return await self.accounts.load_actor(account_id)

    async def agents(self, rows: list[dict[str, Any]]) -> dict[str, Actor]:
        """One agent account per collectivité, with a signing delegation (co-funding needs one)."""
        actors: dict[str, Actor] = {}
        for row in rows:
            email = agent_email(row["siren"])
            account_id = await self._account(email, f"Agent — {row['name']}")
            await self._mandate(account_id, email, row, can_sign=True)
            actors[row["siren"]] = await self.accounts.load_actor(account_id)
            self.made.append(DemoAccount(email, f"agent de {row['name']} ({row['siren']})"))
        return actors

    async def groupement_agent(self, rows: list[dict[str, Any]]) -> Actor:
        """An agent of a groupement's shared services, acting for it and for member communes."""
        account_id = await self._account(GROUPEMENT_EMAIL, f"Agent mutualisé — {rows[0]['name']}")
        for row in rows:
            await self._mandate(account_id, GROUPEMENT_EMAIL, row, can_sign=False)
        names = ", ".join(r["name"] for r in rows)
        self.made.append(DemoAccount(GROUPEMENT_EMAIL, f"agent mutualisé : {names}"))
        return await self.accounts.load_actor(account_id)
