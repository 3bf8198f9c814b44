"""Concurrency on a hot envelope: no lost update, no phantom headroom, one journal per key.

Runs on SQLite (BEGIN IMMEDIATE queues writers) and, with ``TSTEST_DATABASE=postgres``, on a real
PostgreSQL server (chain-head row lock, accounts locked in id order) — the ``postgres`` marker."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import msgspec
import pytest

from store.app import all_tables
from store.billing import accounts
from store.billing.budget import BudgetService
from store.billing.ledger.service import LedgerService
from store.billing.ledger.verify import verify_ledger
from store.kit.db import Database
from store.kit.errors import Conflict
from store.kit.settings import Settings
from tests.billing.support import purge_billing
from tests.support import db as test_db

HOT = accounts.envelope("HOT")
DAY = "2026-11-02"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def budget(settings: Settings) -> AsyncIterator[BudgetService]:
    """A service on its own pool, wide enough for every concurrent caller to hold a connection."""
    db = Database(msgspec.structs.replace(settings, db_pool_min=1, db_pool_max=45))
    db.bind(all_tables())
    await db.start()
    await purge_billing(db)
    service = BudgetService(LedgerService(db))
    funded = await service.fund_envelope(
        "fund-hot", programme="P", envelope_ref="HOT", amount=10_000, day=DAY
    )
    assert funded.applied
    yield service
    checks = await verify_ledger(db)
    await purge_billing(db)
    await db.stop()
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]


def marks() -> list[Any]:
    return [pytest.mark.postgres] if test_db.test_database_kind() == "postgres" else []


pytestmark = marks()


async def test_forty_concurrent_reservations_accept_exactly_what_the_envelope_affords(
    budget: BudgetService,
) -> None:
    results = await asyncio.gather(
        *[
            budget.reserve(
                f"hot-{i}", source=HOT, grant_id=f"G{i}", amount=300, day=DAY, timeout_seconds=3600
            )
            for i in range(40)
        ]
    )
    assert Counter(r.status for r in results) == {"applied": 33, "rejected": 7}
    assert {r.code for r in results if not r.applied} == {"exceeds_credits"}
    envelope = (await budget.ledger.balances([HOT]))[HOT]
    assert envelope is not None
    assert (envelope.debits_pending, envelope.available) == (9900, 100)
    assert sorted(r.seq for r in results) == list(range(2, 42))  # gapless chain, one journal each


async def test_twelve_identical_submissions_post_once(budget: BudgetService) -> None:
    results = await asyncio.gather(
        *[
            budget.reserve("same-key", source=HOT, grant_id="G", amount=500, day=DAY, timeout_seconds=3600)
            for _ in range(12)
        ]
    )
    assert Counter((r.status, r.replayed) for r in results) == {("applied", False): 1, ("applied", True): 11}
    assert len({(r.seq, r.transfer_ids) for r in results}) == 1
    envelope = (await budget.ledger.balances([HOT]))[HOT]
    assert envelope is not None
    assert envelope.debits_pending == 500


async def test_same_key_with_other_payloads_under_concurrency_is_refused(budget: BudgetService) -> None:
    outcomes = await asyncio.gather(
        *[
            budget.reserve("contested", source=HOT, grant_id="G", amount=100 + i, day=DAY, timeout_seconds=60)
            for i in range(8)
        ],
        return_exceptions=True,
    )
    applied = [o for o in outcomes if not isinstance(o, BaseException)]
    refused = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(applied) == 1
    assert len(refused) == 7
    assert {e.code for e in refused} == {"idempotency_key_reused"}


async def test_racing_post_and_void_resolve_a_reservation_once(budget: BudgetService) -> None:
    reserved = await budget.reserve(
        "race", source=HOT, grant_id="G", amount=1000, day=DAY, timeout_seconds=3600
    )
    pending = reserved.transfer_ids[0]
    outcomes = await asyncio.gather(
        *[budget.post_reservation(f"p{i}", pending_id=pending, amount=600, day=DAY) for i in range(5)],
        *[budget.void_reservation(f"v{i}", pending_id=pending, day=DAY) for i in range(5)],
    )
    assert sum(1 for o in outcomes if o.applied) == 1
    assert {o.code for o in outcomes if not o.applied} == {"pending_transfer_already_resolved"}


async def test_separate_processes_writing_at_once_lose_nothing(
    budget: BudgetService, settings: Settings
) -> None:
    """Eight OS processes × five reservations of 3.00 € on 100.00 €: exactly 33 accepted."""
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.billing.concurrent_worker",
                settings.database_url,
                str(w),
                "5",
                "300",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(8)
    ]
    statuses: Counter[str] = Counter()
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        statuses.update(json.loads(out.strip().splitlines()[-1]))
    assert statuses == {"applied": 33, "rejected": 7}
