"""A separate process that posts reservations (run by test_ledger_concurrency): real OS-level writers."""

from __future__ import annotations

import asyncio
import json
import sys

from store.app import all_tables
from store.billing import accounts
from store.billing.budget import BudgetService
from store.billing.ledger.service import LedgerService
from store.kit.db import Database
from store.kit.settings import Settings


async def main(database_url: str, worker: int, count: int, amount: int) -> None:
    db = Database(Settings(env="test", database_url=database_url, data_dir="/tmp", secret_key="x"))
    db.bind(all_tables())
    await db.start()
    budget = BudgetService(LedgerService(db))
    outcomes = []
    for i in range(count):
        result = await budget.reserve(
            f"proc-{worker}-{i}",
            source=accounts.envelope("HOT"),
            grant_id=f"P{worker}-{i}",
            amount=amount,
            day="2026-11-02",
            timeout_seconds=3600,
        )
        outcomes.append(result.status)
    await db.stop()
    print(json.dumps(outcomes))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
