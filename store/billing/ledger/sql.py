"""Raw SQL on the current transaction's connection, the same text on SQLite and PostgreSQL.

The ledger's hot path batches rows (``executemany``), which Piccolo's query builder cannot do; SQL
is written with ``?`` placeholders and rewritten to ``$n`` for asyncpg. Every statement here runs
inside a write transaction opened by ``Database.write_transaction()`` (BEGIN IMMEDIATE on SQLite).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from store.kit.db import Database

_PLACEHOLDER = re.compile(r"\?")
CHUNK = 500
"""Largest IN (...) list per statement (SQLite's variable limit is far above)."""


@functools.lru_cache(maxsize=512)
def _to_pg(sql: str) -> str:
    counter = iter(range(1, 100_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


class Sql:
    """Statements on the connection of the transaction currently open in this task."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pg = isinstance(db.engine, PostgresEngine)
        self.for_update = " FOR UPDATE" if self.pg else ""

    def _connection(self) -> Any:
        transaction = self.db.engine.current_transaction.get()
        if transaction is None:
            raise RuntimeError("ledger statements must run inside a write transaction")
        return transaction.connection

    async def fetch(self, sql: str, args: Sequence[Any] = ()) -> list[dict[str, Any]]:
        connection = self._connection()
        if self.pg:
            return [dict(r) for r in await connection.fetch(_to_pg(sql), *args)]
        async with connection.execute(sql, tuple(args)) as cursor:
            return [dict(r) for r in await cursor.fetchall()]

    async def fetch_in(
        self, sql: str, values: Iterable[Any], args: Sequence[Any] = ()
    ) -> list[dict[str, Any]]:
        """``sql`` holds one ``{in}`` marker; values are sent in chunks."""
        items = list(values)
        rows: list[dict[str, Any]] = []
        for start in range(0, len(items), CHUNK):
            chunk = items[start : start + CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows.extend(await self.fetch(sql.replace("{in}", marks), [*args, *chunk]))
        return rows

    async def execute(self, sql: str, args: Sequence[Any] = ()) -> None:
        connection = self._connection()
        if self.pg:
            await connection.execute(_to_pg(sql), *args)
        else:
            await connection.execute(sql, tuple(args))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        connection = self._connection()
        if self.pg:
            await connection.executemany(_to_pg(sql), rows)
        else:
            await connection.executemany(sql, rows)
