"""Test databases: a fresh SQLite file or a fresh PostgreSQL database per test session."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

PG_ADMIN_DSN = os.environ.get("TSTEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")

# Reference data survives between tests; everything else is emptied after each test.
KEEP_TABLES = {
    "collectivite",
    "collectivite_member",
    "admin_area",
    "registry_import",
    "migration",
    "thematique",
}


def test_database_kind() -> str:
    return os.environ.get("TSTEST_DATABASE", "sqlite")


def sqlite_url(tmp: Path) -> str:
    return f"sqlite:///{tmp / 'test.sqlite3'}"


async def _pg_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_DSN, timeout=5)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


def create_pg_database() -> str:
    name = f"ts_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def empty_tables(db, tables) -> None:  # type: ignore[no-untyped-def]
    names = [t._meta.tablename for t in tables if t._meta.tablename not in KEEP_TABLES]
    if db.is_postgres:
        # TRUNCATE costs per table: find the non-empty ones in one round trip, truncate only those.
        probes = " UNION ALL ".join(
            f"SELECT '{n}' AS name WHERE EXISTS (SELECT 1 FROM \"{n}\")" for n in names
        )
        dirty = [row["name"] for row in await db.engine.run_ddl(probes)]
        if dirty:
            joined = ", ".join(f'"{n}"' for n in dirty)
            await db.engine.run_ddl(f"TRUNCATE {joined} RESTART IDENTITY CASCADE")
        return
    async with db.write_transaction():
        for name in reversed(names):
            await db.engine.run_ddl(f'DELETE FROM "{name}"')
