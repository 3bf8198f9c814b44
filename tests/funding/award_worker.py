"""A separate process that awards applications (run by test_concurrency): real OS-level writers."""

from __future__ import annotations

import asyncio
import json
import sys

from catalogue.funding.schemas import AwardIn
from catalogue.funding.service import FundingService
from store.app import all_tables
from store.billing.ledger.service import LedgerService
from store.billing.service import BillingService
from store.kit.db import Database
from store.kit.errors import Conflict
from store.kit.settings import Settings
from store.kit.uow import UnitOfWorkFactory
from store.registry.service import RegistryService


async def main(database_url: str, worker: int, amount: int, ids: list[int]) -> None:
    settings = Settings(env="test", database_url=database_url, data_dir="/tmp", secret_key="x")
    db = Database(settings)
    db.bind(all_tables())
    await db.start()
    uow = UnitOfWorkFactory(db)
    ledger = LedgerService(db)
    funding = FundingService(
        uow, ledger, BillingService(settings, uow, ledger), RegistryService(), funder_siren="130026032"
    )
    outcomes = []
    for application_id in ids:
        try:
            await funding.award(
                None, application_id, AwardIn(amount_cents=amount), key=f"proc-{worker}-{application_id}"
            )
            outcomes.append("awarded")
        except Conflict as exc:
            outcomes.append(exc.code)
    await db.stop()
    print(json.dumps(outcomes))


if __name__ == "__main__":
    asyncio.run(
        main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(i) for i in sys.argv[4].split(",")])
    )
