from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    BigSerial,
    Boolean,
    ForeignKey,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from store.registry.tables import Collectivite, Publisher


class Account(Table, tablename="account"):
    id = UUID(primary_key=True)
    email = Varchar(length=254, unique=True)
    password_hash = Text()
    display_name = Varchar(length=200)
    is_curator = Boolean(default=False)
    is_active = Boolean(default=True)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)


class Mandate(Table, tablename="mandate"):
    """An account acts for exactly one organisation: a collectivité or a publisher."""

    id = UUID(primary_key=True)
    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    collectivite = ForeignKey(Collectivite, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    publisher = ForeignKey(Publisher, on_delete=OnDelete.restrict, null=True, default=None, index=True)
    role = Varchar(length=24)
    """elu_executif | elu | dgs_dga | agent (collectivité); developer | admin (publisher)."""
    can_sign = Boolean(default=False)
    delegation_ref = Varchar(length=200, default="")
    valid_from = Timestamptz()
    valid_to = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ApiToken(Table, tablename="api_token"):
    id = UUID(primary_key=True)
    account = ForeignKey(Account, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100)
    prefix = Varchar(length=16)
    """The visible start of the token, so that users can tell their tokens apart."""
    token_hash = Varchar(length=64, unique=True)
    scopes = JSON()
    created_at = Timestamptz()
    expires_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class LoginAttempt(Table, tablename="login_attempt"):
    id = BigSerial(primary_key=True)
    email = Varchar(length=254, index=True)
    succeeded = Boolean()
    at = Timestamptz(index=True)
