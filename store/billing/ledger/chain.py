"""The journal hash chain: ``hash_n = SHA-256(hash_{n-1} ‖ canonical(journal_n with its legs))``.

The canonical form is a JSON array in a fixed field order; changing it breaks every existing chain,
so it is pinned by a golden test (tests/billing/test_ledger_chain.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import msgspec

GENESIS = "0" * 64

JOURNAL_FIELDS = (
    "seq",
    "id",
    "idempotency_key",
    "request_hash",
    "kind",
    "status",
    "actor",
    "result",
    "effective_date",
    "recorded_at_us",
)
TRANSFER_FIELDS = (
    "id",
    "leg",
    "ledger",
    "code",
    "kind",
    "debit_account_id",
    "credit_account_id",
    "amount",
    "pending_id",
    "timeout_at_us",
    "business_ref",
    "effective_date",
    "recorded_at_us",
)

_encoder = msgspec.json.Encoder()


def canonical(journal: dict[str, Any], transfers: Sequence[dict[str, Any]]) -> bytes:
    return _encoder.encode(
        [
            [journal[f] for f in JOURNAL_FIELDS],
            [[t[f] for f in TRANSFER_FIELDS] for t in transfers],
        ]
    )


def chain_hash(prev_hash: str, journal: dict[str, Any], transfers: Sequence[dict[str, Any]]) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + canonical(journal, transfers)).hexdigest()


def snapshot_hash(balances: Sequence[Sequence[Any]]) -> str:
    """Hash of ``(id, dr_pending, dr_posted, cr_pending, cr_posted)`` rows sorted by account id."""
    return hashlib.sha256(_encoder.encode(sorted([list(b) for b in balances]))).hexdigest()
