"""Ledger commands and replies: a journal of legs, posted atomically and idempotently."""

from __future__ import annotations

import functools
import hashlib
import uuid
from typing import Literal

import msgspec

from store.billing.ledger.codes import ACCOUNT_LEDGER, AccountCode, Ledger

NAMESPACE = uuid.UUID("6f1d3c52-93a4-4b8e-9a51-2b7b8e0c4d10")

LegKind = Literal["single", "pending", "post", "void", "expire"]
Status = Literal["applied", "rejected"]


@functools.lru_cache(maxsize=65_536)
def account_id(code: AccountCode, owner_ref: str) -> str:
    """Accounts have deterministic ids: any service can name one without a lookup."""
    return str(uuid.uuid5(NAMESPACE, f"account:{int(code)}:{owner_ref}"))


def transfer_id(key: str, leg: int) -> str:
    """A replayed command can never create a second leg, even without its journal row."""
    return str(uuid.uuid5(NAMESPACE, f"transfer:{key}:{leg}"))


def journal_id(key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"journal:{key}"))


class AccountRef(msgspec.Struct, frozen=True):
    code: AccountCode
    owner_ref: str

    @property
    def id(self) -> str:
        return account_id(self.code, self.owner_ref)

    @property
    def ledger(self) -> Ledger:
        return ACCOUNT_LEDGER[self.code]


class Leg(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    code: int
    debit: str
    """Account id (see ``account_id``)."""
    credit: str
    amount: int
    """Cents, > 0. For ``void``/``expire`` the pending amount is used whatever is given here."""
    kind: LegKind = "single"
    pending_id: str | None = None
    timeout_us: int | None = None
    """Pending only: the reservation expires this many microseconds after it is recorded."""
    business_ref: str = ""


class PostJournal(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    idempotency_key: str
    kind: str
    effective_date: str
    """ISO date: the business date, used for period membership."""
    legs: tuple[Leg, ...] = ()
    memo: dict[str, str | int] = {}
    """Stored in the journal's result and covered by the hash (e.g. a period seal)."""

    def request_hash(self) -> str:
        return hashlib.sha256(msgspec.json.encode(self, order="sorted")).hexdigest()


class JournalResult(msgspec.Struct, frozen=True, kw_only=True):
    idempotency_key: str
    seq: int
    status: Status
    code: str = ""
    """Why a rejected journal was rejected (``exceeds_credits``, ``pending_transfer_expired`` …)."""
    detail: str = ""
    transfer_ids: tuple[str, ...] = ()
    memo: dict[str, str | int] = {}
    replayed: bool = False

    @property
    def applied(self) -> bool:
        return self.status == "applied"


class StoredResult(msgspec.Struct, frozen=True, kw_only=True):
    """What the journal row keeps of the reply (hashed in the chain)."""

    status: Status
    code: str = ""
    detail: str = ""
    transfer_ids: tuple[str, ...] = ()
    memo: dict[str, str | int] = {}


class AccountBalance(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    ledger: int
    code: int
    owner_ref: str
    flags: int
    debits_pending: int
    debits_posted: int
    credits_pending: int
    credits_posted: int

    @property
    def credit_balance(self) -> int:
        return self.credits_posted - self.debits_posted

    @property
    def debit_balance(self) -> int:
        return self.debits_posted - self.credits_posted

    @property
    def available(self) -> int:
        """Headroom of a credit-normal bounded account: pending debits already count (pessimistic)."""
        return self.credits_posted - self.debits_posted - self.debits_pending
