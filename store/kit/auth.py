"""Who is calling: scopes, the actor, and the guards that every route declares.

Scopes follow ``area:resource:action``. A role grants a set of scopes; an API token grants a
subset of its account's. Guards check scopes; *ownership* (this collectivité, this publisher's
plugin) is checked in services, so that the CLI and HTTP enforce the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Literal

import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from store.kit.errors import Forbidden, NotAuthenticated


class Scope(StrEnum):
    """Keep alphabetised within each area."""

    AccountSelfRead = "account:self:read"
    AccountTokensWrite = "account:tokens:write"

    AdminAuditRead = "admin:audit:read"
    AdminCurationWrite = "admin:curation:write"
    AdminFundingWrite = "admin:funding:write"
    AdminConsultationsWrite = "admin:consultations:write"
    AdminBillingWrite = "admin:billing:write"
    AdminPluginsWrite = "admin:plugins:write"
    AdminPublishersWrite = "admin:publishers:write"
    AdminUsersWrite = "admin:users:write"

    BillingInvoicesRead = "billing:invoices:read"
    BillingRevenueRead = "billing:revenue:read"

    CatalogueListingsWrite = "catalogue:listings:write"
    CatalogueNeedsWrite = "catalogue:needs:write"
    CatalogueVotesWrite = "catalogue:votes:write"
    CatalogueInterestWrite = "catalogue:interest:write"
    FundingApplicationsWrite = "funding:applications:write"

    PluginsReleasesWrite = "plugins:releases:write"
    PluginsServicesUse = "plugins:services:use"

    RegistryCollectivitesRead = "registry:collectivites:read"

    SubscriptionsWrite = "store:subscriptions:write"


class Role(StrEnum):
    collectivite = "collectivite"
    publisher = "publisher"
    curator = "curator"


BASE_SCOPES = frozenset({Scope.AccountSelfRead, Scope.AccountTokensWrite})

ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.collectivite: frozenset(
        {
            Scope.BillingInvoicesRead,
            Scope.CatalogueNeedsWrite,
            Scope.CatalogueVotesWrite,
            Scope.CatalogueInterestWrite,
            Scope.FundingApplicationsWrite,
            Scope.PluginsServicesUse,
            Scope.RegistryCollectivitesRead,
            Scope.SubscriptionsWrite,
        }
    ),
    Role.publisher: frozenset(
        {Scope.BillingRevenueRead, Scope.CatalogueListingsWrite, Scope.PluginsReleasesWrite}
    ),
    Role.curator: frozenset(Scope),
}

MandateKind = Literal["collectivite", "publisher"]


class MandateInfo(msgspec.Struct, frozen=True):
    kind: MandateKind
    org_id: str
    """SIREN of the collectivité or of the publisher."""
    org_name: str
    role: str
    can_sign: bool = False


class Actor(msgspec.Struct, frozen=True, kw_only=True):
    account_id: str | None = None
    email: str | None = None
    display_name: str = "Visiteur"
    is_curator: bool = False
    mandates: tuple[MandateInfo, ...] = ()
    scopes: frozenset[str] = frozenset()
    token_id: str | None = None

    @property
    def is_authenticated(self) -> bool:
        return self.account_id is not None

    @property
    def roles(self) -> frozenset[Role]:
        roles = {Role(m.kind) for m in self.mandates}
        if self.is_curator:
            roles.add(Role.curator)
        return frozenset(roles)

    def has(self, scope: Scope) -> bool:
        return scope.value in self.scopes

    def collectivite_sirens(self) -> frozenset[str]:
        return frozenset(m.org_id for m in self.mandates if m.kind == "collectivite")

    def publisher_sirens(self) -> frozenset[str]:
        return frozenset(m.org_id for m in self.mandates if m.kind == "publisher")

    def acts_for(self, siren: str) -> bool:
        return siren in self.collectivite_sirens()

    def can_sign_for(self, siren: str) -> bool:
        return any(m.kind == "collectivite" and m.org_id == siren and m.can_sign for m in self.mandates)

    def speaks_for_publisher(self, siren: str) -> bool:
        return siren in self.publisher_sirens()


ANONYMOUS = Actor()


def scopes_for(is_curator: bool, mandates: Iterable[MandateInfo]) -> frozenset[str]:
    scopes: set[Scope] = set(BASE_SCOPES)
    for mandate in mandates:
        scopes |= ROLE_SCOPES[Role(mandate.kind)]
    if is_curator:
        scopes |= ROLE_SCOPES[Role.curator]
    return frozenset(s.value for s in scopes)


def actor_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor:
    actor = connection.scope.get("user")
    return actor if isinstance(actor, Actor) else ANONYMOUS


def require_actor(actor: Actor) -> Actor:
    if not actor.is_authenticated:
        raise NotAuthenticated("Veuillez vous connecter pour effectuer cette action.")
    return actor


def require_curator(actor: Actor) -> Actor:
    require_actor(actor)
    if not actor.is_curator:
        raise Forbidden("Action réservée aux curateurs de l'ANCT.", code="curator_only")
    return actor


class Requires:
    """A Litestar guard that demands authentication and every listed scope."""

    def __init__(self, *scopes: Scope) -> None:
        self.scopes = scopes

    def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = require_actor(actor_of(connection))
        missing = [s for s in self.scopes if not actor.has(s)]
        if missing:
            raise Forbidden(
                "Votre compte n'a pas les droits nécessaires (" + ", ".join(missing) + ").",
                code="missing_scope",
            )

    def __repr__(self) -> str:
        return f"Requires({', '.join(self.scopes)})"


def requires(*scopes: Scope) -> Requires:
    return Requires(*scopes)


AUTHENTICATED = Requires()
"""Guard for routes any signed-in account may call (ownership is then checked in services)."""

PUBLIC: dict[str, Any] = {"public": True}
"""``opt`` for routes anyone may call; the route matrix test insists every route says which."""
