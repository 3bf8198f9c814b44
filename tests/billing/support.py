"""Billing test helpers: purge the append-only tables between tests, seed grants and charges."""

from __future__ import annotations

from typing import Any

from store.billing.tables import BILLING_TABLES, LEDGER_TABLES
from store.kit.db import Database

TABLES = [t._meta.tablename for t in (*LEDGER_TABLES, *BILLING_TABLES)]

# Real SIRENs of the shared test registry (tests/support/registry.py).
BOURG = "210100533"
AGGLO = "200071751"
AMBERIEU = "210100046"
STATE = "130026032"


async def purge_billing(db: Database) -> None:
    """Empty the ledger and billing tables. Their append-only triggers refuse row deletion, so this
    does what only the database owner can: TRUNCATE on PostgreSQL (no TRUNCATE trigger; production
    revokes the privilege), drop-delete-recreate the triggers in one transaction on SQLite."""
    if db.is_postgres:
        await db.engine.run_ddl("TRUNCATE " + ", ".join(f'"{t}"' for t in TABLES))
        return
    async with db.write_transaction():
        names = ", ".join(f"'{t}'" for t in TABLES)
        triggers: list[dict[str, Any]] = await db.engine.run_ddl(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({names})"
        )
        for trigger in triggers:
            await db.engine.run_ddl(f'DROP TRIGGER "{trigger["name"]}"')
        for table in TABLES:
            await db.engine.run_ddl(f'DELETE FROM "{table}"')
        for trigger in triggers:
            await db.engine.run_ddl(trigger["sql"])
