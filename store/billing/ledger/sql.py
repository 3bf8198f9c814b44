"""Raw SQL on the current transaction's connection, the same text on SQLite and PostgreSQL.

The ledger's hot path batches rows (``executemany``), which Piccolo's query builder cannot do; SQL
is written with ``?`` placeholders and rewritten to ``$n`` for asyncpg. Every statement here runs
inside a write transaction opened by ``Database.write_transaction()`` (BEGIN IMMEDIATE on SQLite).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from store.kit.db import Database

_PLACEHOLDER = re.compile(r"\?")
CHUNK = 500
"""Largest IN (...) list per statement (SQLite's variable limit is far above)."""
SET_CHUNK = 10_000
"""Rows or keys per set-based statement (``fetch_keyed``, ``insert_set``): one parameter per column."""


def _json(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


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

    async def fetch_keyed(self, sql: str, keys: Iterable[str]) -> list[dict[str, Any]]:
        """``sql`` holds one ``{keys}`` marker, a table ``keys(value)`` of the given strings to join
        on an indexed column. The keys travel as one parameter (an array on PostgreSQL, a JSON array
        on SQLite), so there is one statement per ``SET_CHUNK`` keys and a join the planner runs on
        the index; an ``IN ($1 … $500)`` list, once PostgreSQL switches the prepared statement to
        its generic plan, compares every row of the table with every parameter."""
        items = list(keys)
        table = "unnest(?::text[]) AS keys(value)" if self.pg else "json_each(?) AS keys"
        rows: list[dict[str, Any]] = []
        for start in range(0, len(items), SET_CHUNK):
            chunk = items[start : start + SET_CHUNK]
            rows.extend(await self.fetch(sql.replace("{keys}", table), [chunk if self.pg else _json(chunk)]))
        return rows

    async def insert_set(self, sql: str, types: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """``sql`` is an ``INSERT INTO t (columns) {rows} …`` whose rows have the PostgreSQL ``types``.
        On PostgreSQL each ``SET_CHUNK`` rows are one statement reading one array per column
        (``SELECT * FROM unnest(…)``): a single round trip and a single executor run instead of one
        per row; SQLite runs ``VALUES (?, …)`` per row in process (``executemany``)."""
        if not rows:
            return
        if not self.pg:
            await self.executemany(sql.replace("{rows}", f"VALUES ({', '.join('?' * len(types))})"), rows)
            return
        arrays = ", ".join(f"?::{t}[]" for t in types)
        source = f"SELECT * FROM unnest({arrays})"  # noqa: S608 - placeholders and constant type names
        statement = sql.replace("{rows}", source)
        for start in range(0, len(rows), SET_CHUNK):
            chunk = rows[start : start + SET_CHUNK]
            await self.execute(statement, [list(column) for column in zip(*chunk, strict=True)])

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
