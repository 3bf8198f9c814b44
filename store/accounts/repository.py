"""Every query on accounts, mandates, tokens and login attempts."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from store.accounts.schemas import AccountRecord, MandateView, TokenView
from store.accounts.tables import Account, ApiToken, LoginAttempt, Mandate


def _str_id(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in row.items()}


class AccountRepository:
    async def get_by_email(self, email: str) -> AccountRecord | None:
        rows = await Account.select(
            Account.id,
            Account.email,
            Account.password_hash,
            Account.display_name,
            Account.is_curator,
            Account.is_active,
        ).where(Account.email == email.lower())
        return msgspec.convert(_str_id(rows[0]), AccountRecord) if rows else None

    async def get(self, account_id: str) -> AccountRecord | None:
        try:
            key = uuid.UUID(account_id)
        except ValueError:
            return None
        rows = await Account.select(
            Account.id,
            Account.email,
            Account.password_hash,
            Account.display_name,
            Account.is_curator,
            Account.is_active,
        ).where(Account.id == key)
        return msgspec.convert(_str_id(rows[0]), AccountRecord) if rows else None

    async def insert(
        self, *, email: str, password_hash: str, display_name: str, is_curator: bool, now: dt.datetime
    ) -> str:
        account_id = uuid.uuid4()
        await Account.insert(
            Account(
                id=account_id,
                email=email.lower(),
                password_hash=password_hash,
                display_name=display_name,
                is_curator=is_curator,
                is_active=True,
                created_at=now,
            )
        )
        return str(account_id)

    async def update_password_hash(self, account_id: str, password_hash: str) -> None:
        await Account.update({Account.password_hash: password_hash}).where(
            Account.id == uuid.UUID(account_id)
        )

    async def touch_login(self, account_id: str, now: dt.datetime) -> None:
        await Account.update({Account.last_login_at: now}).where(Account.id == uuid.UUID(account_id))

    async def mandates_of(self, account_id: str, now: dt.datetime) -> list[MandateView]:
        rows = (
            await Mandate.select(
                Mandate.id,
                Mandate.role,
                Mandate.can_sign,
                Mandate.collectivite.siren.as_alias("collectivite_siren"),
                Mandate.collectivite.name.as_alias("collectivite_name"),
                Mandate.publisher.siren.as_alias("publisher_siren"),
                Mandate.publisher.name.as_alias("publisher_name"),
            )
            .where(
                (Mandate.account == uuid.UUID(account_id))
                & (Mandate.valid_from <= now)
                & ((Mandate.valid_to.is_null()) | (Mandate.valid_to > now))
            )
            .order_by(Mandate.created_at)
        )
        views = []
        for row in rows:
            is_collectivite = row["collectivite_siren"] is not None
            views.append(
                MandateView(
                    id=str(row["id"]),
                    kind="collectivite" if is_collectivite else "publisher",
                    org_id=row["collectivite_siren"] if is_collectivite else row["publisher_siren"],
                    org_name=row["collectivite_name"] if is_collectivite else row["publisher_name"],
                    role=row["role"],
                    can_sign=bool(row["can_sign"]) and is_collectivite,
                )
            )
        return views

    async def insert_mandate(
        self,
        *,
        account_id: str,
        collectivite_siren: str | None,
        publisher_siren: str | None,
        role: str,
        can_sign: bool,
        delegation_ref: str,
        now: dt.datetime,
    ) -> str:
        mandate_id = uuid.uuid4()
        await Mandate.insert(
            Mandate(
                id=mandate_id,
                account=uuid.UUID(account_id),
                collectivite=collectivite_siren,
                publisher=publisher_siren,
                role=role,
                can_sign=can_sign,
                delegation_ref=delegation_ref,
                valid_from=now,
                created_at=now,
            )
        )
        return str(mandate_id)

    # Login throttling -------------------------------------------------------------------------

    async def record_attempt(self, email: str, succeeded: bool, now: dt.datetime) -> None:
        await LoginAttempt.insert(LoginAttempt(email=email.lower(), succeeded=succeeded, at=now))

    async def purge_attempts(self, before: dt.datetime) -> int:
        rows = await LoginAttempt.delete().where(LoginAttempt.at < before).returning(LoginAttempt.id)
        return len(rows)

    async def recent_failures(self, email: str, since: dt.datetime) -> list[dt.datetime]:
        """Failures since the later of ``since`` and the last success, oldest first."""
        last_ok = (
            await LoginAttempt.select(LoginAttempt.at)
            .where(
                (LoginAttempt.email == email.lower()) & (LoginAttempt.succeeded == True)  # noqa: E712
            )
            .order_by(LoginAttempt.at, ascending=False)
            .first()
        )
        floor = max(since, last_ok["at"]) if last_ok else since
        rows = (
            await LoginAttempt.select(LoginAttempt.at)
            .where(
                (LoginAttempt.email == email.lower())
                & (LoginAttempt.succeeded == False)  # noqa: E712
                & (LoginAttempt.at > floor)
            )
            .order_by(LoginAttempt.at)
        )
        return [r["at"] for r in rows]

    # API tokens -------------------------------------------------------------------------------

    async def insert_token(
        self,
        *,
        account_id: str,
        name: str,
        prefix: str,
        token_hash: str,
        scopes: list[str],
        now: dt.datetime,
        expires_at: dt.datetime,
    ) -> TokenView:
        token_id = uuid.uuid4()
        await ApiToken.insert(
            ApiToken(
                id=token_id,
                account=uuid.UUID(account_id),
                name=name,
                prefix=prefix,
                token_hash=token_hash,
                scopes=msgspec.json.encode(scopes).decode(),
                created_at=now,
                expires_at=expires_at,
            )
        )
        return TokenView(
            id=str(token_id),
            name=name,
            prefix=prefix,
            scopes=scopes,
            created_at=now,
            expires_at=expires_at,
            last_used_at=None,
            revoked_at=None,
        )

    _TOKEN_COLUMNS = (
        ApiToken.id,
        ApiToken.name,
        ApiToken.prefix,
        ApiToken.scopes,
        ApiToken.created_at,
        ApiToken.expires_at,
        ApiToken.last_used_at,
        ApiToken.revoked_at,
    )

    def _token_view(self, row: dict[str, Any]) -> TokenView:
        row = _str_id(row)
        scopes = row["scopes"]
        row["scopes"] = msgspec.json.decode(scopes) if isinstance(scopes, str) else scopes
        return msgspec.convert(row, TokenView)

    async def tokens_of(self, account_id: str) -> list[TokenView]:
        rows = (
            await ApiToken.select(*self._TOKEN_COLUMNS)
            .where(ApiToken.account == uuid.UUID(account_id))
            .order_by(ApiToken.created_at, ascending=False)
        )
        return [self._token_view(r) for r in rows]

    async def token_by_hash(self, token_hash: str) -> tuple[str, TokenView] | None:
        rows = await ApiToken.select(*self._TOKEN_COLUMNS, ApiToken.account.as_alias("account_id")).where(
            ApiToken.token_hash == token_hash
        )
        if not rows:
            return None
        row = dict(rows[0])
        account_id = str(row.pop("account_id"))
        return account_id, self._token_view(row)

    async def touch_token(self, token_id: str, now: dt.datetime) -> None:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == uuid.UUID(token_id))

    async def revoke_token(self, account_id: str, token_id: str, now: dt.datetime) -> bool:
        try:
            key = uuid.UUID(token_id)
        except ValueError:
            return False
        rows = (
            await ApiToken.update({ApiToken.revoked_at: now})
            .where(
                (ApiToken.id == key)
                & (ApiToken.account == uuid.UUID(account_id))
                & ApiToken.revoked_at.is_null()
            )
            .returning(ApiToken.id)
        )
        return bool(rows)
