"""Accounts rules: sign-in with throttling, mandates, API tokens, and loading the actor."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from store.accounts import passwords
from store.accounts.repository import AccountRepository
from store.accounts.schemas import AccountView, MandateView, TokenCreated, TokenView
from store.kit.auth import ANONYMOUS, Actor, MandateInfo, Scope, require_curator, scopes_for
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound, TooManyRequests
from store.kit.events import AuditRecord
from store.kit.settings import Settings
from store.kit.uow import UnitOfWorkFactory
from store.registry.repository import RegistryRepository
from store.registry.siren import normalise_siren

TOKEN_PREFIX = "tst_"  # noqa: S105 - a public marker, not a secret
COLLECTIVITE_ROLES = {"elu_executif", "elu", "dgs_dga", "agent"}
PUBLISHER_ROLES = {"admin", "developer"}
SIGNING_ROLES = {"elu_executif"}
"""The executive signs by law; others sign only with a delegation reference (CGCT L2122-18/19)."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    # Tokens carry 256 bits of randomness: a fast hash is enough and allows an indexed lookup.
    return hashlib.sha256(token.encode()).hexdigest()


class AccountService:
    def __init__(
        self,
        settings: Settings,
        uow: UnitOfWorkFactory,
        repo: AccountRepository | None = None,
        registry: RegistryRepository | None = None,
    ) -> None:
        self.settings = settings
        self.uow = uow
        self.repo = repo or AccountRepository()
        self.registry = registry or RegistryRepository()
        self.passwords = passwords.Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)

    # Sign-in -----------------------------------------------------------------------------------

    async def purge_login_attempts(self, now: dt.datetime) -> int:
        """Attempts older than the throttling window no longer count: forget them."""
        return await self.repo.purge_attempts(now - dt.timedelta(seconds=self.settings.login_window_seconds))

    async def authenticate(self, email: str, password: str) -> Actor:
        email = email.strip().lower()
        now = utcnow()
        window = dt.timedelta(seconds=self.settings.login_window_seconds)
        failures = await self.repo.recent_failures(email, now - window)
        if len(failures) >= self.settings.login_max_failures:
            retry_after = (
                int((failures[-self.settings.login_max_failures] + window - now).total_seconds()) + 1
            )
            raise TooManyRequests(
                "Trop de tentatives de connexion pour ce compte : réessayez dans "
                f"{max(1, retry_after // 60)} minute(s).",
                retry_after=max(1, retry_after),
                code="login_throttled",
            )
        account = await self.repo.get_by_email(email)
        ok = self.passwords.verify(account.password_hash if account else None, password)
        async with self.uow():
            await self.repo.record_attempt(email, ok and account is not None and account.is_active, now)
            if account is not None and ok and account.is_active:
                await self.repo.touch_login(account.id, now)
                if self.passwords.needs_rehash(account.password_hash):
                    await self.repo.update_password_hash(account.id, self.passwords.hash(password))
        if account is None or not ok or not account.is_active:
            raise NotAuthenticated("Adresse électronique ou mot de passe incorrect.", code="bad_credentials")
        return await self.load_actor(account.id)

    async def load_actor(self, account_id: str) -> Actor:
        account = await self.repo.get(account_id)
        if account is None or not account.is_active:
            return ANONYMOUS
        mandates = await self.repo.mandates_of(account.id, utcnow())
        infos = tuple(
            MandateInfo(kind=m.kind, org_id=m.org_id, org_name=m.org_name, role=m.role, can_sign=m.can_sign)
            for m in mandates
        )
        return Actor(
            account_id=account.id,
            email=account.email,
            display_name=account.display_name,
            is_curator=account.is_curator,
            mandates=infos,
            scopes=scopes_for(account.is_curator, infos),
        )

    def describe(self, actor: Actor) -> AccountView:
        if actor.account_id is None or actor.email is None:
            raise NotAuthenticated("Veuillez vous connecter.")
        return AccountView(
            id=actor.account_id,
            email=actor.email,
            display_name=actor.display_name,
            is_curator=actor.is_curator,
            mandates=[
                MandateView(
                    id="", kind=m.kind, org_id=m.org_id, org_name=m.org_name, role=m.role, can_sign=m.can_sign
                )
                for m in actor.mandates
            ],
            scopes=sorted(actor.scopes),
        )

    # Accounts and mandates (operators and curators) --------------------------------------------

    async def create_account(
        self, *, email: str, password: str, display_name: str, is_curator: bool = False
    ) -> str:
        email = email.strip().lower()
        if problems := passwords.password_problems(password):
            raise InvalidInput(
                "Mot de passe trop faible : il faut " + ", ".join(problems) + ".", code="weak_password"
            )
        if await self.repo.get_by_email(email) is not None:
            raise Conflict("Un compte existe déjà avec cette adresse.", code="account_exists")
        async with self.uow() as work:
            account_id = await self.repo.insert(
                email=email,
                password_hash=self.passwords.hash(password),
                display_name=display_name.strip() or email,
                is_curator=is_curator,
                now=utcnow(),
            )
            work.audit(
                AuditRecord(
                    action="accounts:account:create",
                    subject_type="account",
                    subject_id=account_id,
                    data={"email": email, "is_curator": is_curator},
                )
            )
        return account_id

    async def grant_mandate(
        self,
        by: Actor | None,
        *,
        account_email: str,
        kind: str,
        siren: str,
        role: str,
        can_sign: bool = False,
        delegation_ref: str = "",
    ) -> str:
        """Curators grant mandates; ``by=None`` is the operator's CLI."""
        if by is not None:
            require_curator(by)
        try:
            siren = normalise_siren(siren)
        except ValueError as exc:
            raise InvalidInput(str(exc), code="invalid_siren") from exc
        account = await self.repo.get_by_email(account_email)
        if account is None:
            raise NotFound("Aucun compte avec cette adresse.", code="account_not_found")
        if kind == "collectivite":
            if role not in COLLECTIVITE_ROLES:
                raise InvalidInput(f"Rôle inconnu pour une collectivité : {role}.", code="invalid_role")
            collectivite = await self.registry.get_collectivite(siren)
            if collectivite is None:
                raise NotFound(
                    "Aucune collectivité avec ce SIREN dans le référentiel.", code="collectivite_not_found"
                )
            if not collectivite.get("active", True):
                raise Conflict(
                    "Cette collectivité n'existe plus au référentiel en vigueur (fusion ou dissolution).",
                    code="collectivite_retired",
                )
            if can_sign and role not in SIGNING_ROLES and not delegation_ref.strip():
                raise InvalidInput(
                    "Le pouvoir de signature d'un élu non exécutif ou d'un agent exige la référence "
                    "de la délégation (arrêté ou délibération).",
                    code="delegation_required",
                )
        elif kind == "publisher":
            if role not in PUBLISHER_ROLES:
                raise InvalidInput(f"Rôle inconnu pour un éditeur : {role}.", code="invalid_role")
            if await self.registry.get_publisher(siren) is None:
                raise NotFound("Aucun éditeur avec ce SIREN.", code="publisher_not_found")
            can_sign = False
        else:
            raise InvalidInput("Type de mandat inconnu.", code="invalid_mandate_kind")
        async with self.uow() as work:
            mandate_id = await self.repo.insert_mandate(
                account_id=account.id,
                collectivite_siren=siren if kind == "collectivite" else None,
                publisher_siren=siren if kind == "publisher" else None,
                role=role,
                can_sign=can_sign,
                delegation_ref=delegation_ref.strip(),
                now=utcnow(),
            )
            work.audit(
                AuditRecord(
                    action="accounts:mandate:grant",
                    subject_type="mandate",
                    subject_id=mandate_id,
                    actor_id=by.account_id if by else None,
                    actor_label=by.display_name if by else "cli",
                    data={
                        "account": account.email,
                        "kind": kind,
                        "siren": siren,
                        "role": role,
                        "can_sign": can_sign,
                    },
                )
            )
        return mandate_id

    # API tokens --------------------------------------------------------------------------------

    async def create_token(
        self, actor: Actor, *, name: str, scopes: list[str], expires_in_days: int
    ) -> TokenCreated:
        if actor.account_id is None:
            raise NotAuthenticated("Veuillez vous connecter.")
        if actor.token_id is not None:
            raise Forbidden("Un jeton d'API ne peut pas créer d'autres jetons.", code="token_cannot_mint")
        unknown = sorted(set(scopes) - {s.value for s in Scope})
        if unknown:
            raise InvalidInput("Portées inconnues : " + ", ".join(unknown) + ".", code="unknown_scope")
        beyond = sorted(set(scopes) - set(actor.scopes))
        if beyond:
            raise Forbidden(
                "Vous ne pouvez pas déléguer des droits que vous n'avez pas : " + ", ".join(beyond) + ".",
                code="scope_not_held",
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        now = utcnow()
        async with self.uow() as work:
            view = await self.repo.insert_token(
                account_id=actor.account_id,
                name=name.strip(),
                prefix=token[:12],
                token_hash=hash_token(token),
                scopes=sorted(set(scopes)),
                now=now,
                expires_at=now + dt.timedelta(days=expires_in_days),
            )
            work.audit(
                AuditRecord(
                    action="accounts:token:create",
                    subject_type="api_token",
                    subject_id=view.id,
                    actor_id=actor.account_id,
                    actor_label=actor.display_name,
                    data={"scopes": view.scopes, "name": view.name},
                )
            )
        return TokenCreated(token=token, details=view)

    async def list_tokens(self, actor: Actor) -> list[TokenView]:
        if actor.account_id is None:
            raise NotAuthenticated("Veuillez vous connecter.")
        return await self.repo.tokens_of(actor.account_id)

    async def revoke_token(self, actor: Actor, token_id: str) -> None:
        if actor.account_id is None:
            raise NotAuthenticated("Veuillez vous connecter.")
        async with self.uow() as work:
            if not await self.repo.revoke_token(actor.account_id, token_id, utcnow()):
                raise NotFound("Jeton introuvable ou déjà révoqué.", code="token_not_found")
            work.audit(
                AuditRecord(
                    action="accounts:token:revoke",
                    subject_type="api_token",
                    subject_id=token_id,
                    actor_id=actor.account_id,
                    actor_label=actor.display_name,
                )
            )

    async def actor_from_token(self, token: str) -> Actor:
        if not token.startswith(TOKEN_PREFIX):
            raise NotAuthenticated("Jeton d'API invalide.", code="invalid_token")
        found = await self.repo.token_by_hash(hash_token(token))
        now = utcnow()
        if found is None:
            raise NotAuthenticated("Jeton d'API invalide.", code="invalid_token")
        account_id, view = found
        if view.revoked_at is not None:
            raise NotAuthenticated("Ce jeton d'API a été révoqué.", code="token_revoked")
        if view.expires_at <= now:
            raise NotAuthenticated("Ce jeton d'API a expiré.", code="token_expired")
        actor = await self.load_actor(account_id)
        if not actor.is_authenticated:
            raise NotAuthenticated("Le compte de ce jeton est désactivé.", code="account_inactive")
        if view.last_used_at is None or now - view.last_used_at > dt.timedelta(minutes=5):
            await self.repo.touch_token(view.id, now)
        # A token never grants more than its account currently holds.
        scopes = actor.scopes & frozenset(view.scopes)
        return Actor(
            account_id=actor.account_id,
            email=actor.email,
            display_name=actor.display_name,
            # Curator powers that services check by role (seeing drafts, every state) ride only on
            # a token that carries some curator scope: a curator's token made for one job is not one.
            is_curator=actor.is_curator and any(s.startswith("admin:") for s in scopes),
            mandates=actor.mandates,
            scopes=scopes,
            token_id=view.id,
        )
