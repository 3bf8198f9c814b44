from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]

CollectiviteRole = Literal["elu_executif", "elu", "dgs_dga", "agent"]
PublisherRole = Literal["admin", "developer"]


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password


class MandateView(msgspec.Struct):
    id: str
    kind: Literal["collectivite", "publisher"]
    org_id: str
    org_name: str
    role: str
    can_sign: bool


class AccountView(msgspec.Struct):
    id: str
    email: str
    display_name: str
    is_curator: bool
    mandates: list[MandateView]
    scopes: list[str]


class AccountRecord(msgspec.Struct):
    id: str
    email: str
    password_hash: str
    display_name: str
    is_curator: bool
    is_active: bool


class TokenCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    scopes: Annotated[list[str], msgspec.Meta(min_length=1, max_length=40)]
    expires_in_days: Annotated[int, msgspec.Meta(ge=1, le=365)] = 90


class TokenView(msgspec.Struct):
    id: str
    name: str
    prefix: str
    scopes: list[str]
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(msgspec.Struct):
    token: str
    """Shown once: only its hash is stored."""
    details: TokenView


class MandateCreate(msgspec.Struct, forbid_unknown_fields=True):
    account_email: Email
    kind: Literal["collectivite", "publisher"]
    siren: Annotated[str, msgspec.Meta(min_length=9, max_length=11)]
    role: str
    can_sign: bool = False
    delegation_ref: Annotated[str, msgspec.Meta(max_length=200)] = ""
