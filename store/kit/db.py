"""Database access: engine construction, pooled SQLite, write transactions, error mapping.

SQLite is the embedded default: WAL, foreign keys on, and every write transaction opened with
``BEGIN IMMEDIATE`` so that concurrent writers queue on the lock instead of failing later with
"database is locked". PostgreSQL is used when ``TS_DATABASE_URL`` says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import aiosqlite
from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, SQLiteTransaction, TransactionType, dict_factory
from piccolo.table import Table

from store.kit.errors import Conflict, InvalidInput
from store.kit.settings import Settings

SQLITE_BUSY_TIMEOUT_SECONDS = 30.0
PING_TIMEOUT_SECONDS = 3.0


class _PooledSQLiteTransaction(SQLiteTransaction):
    """A transaction that hands its connection back to the engine's pool instead of closing it."""

    engine: PooledSQLiteEngine

    async def __aexit__(self, exception_type, exception, traceback) -> bool:
        if self._parent:
            return exception is None
        healthy = True
        try:
            if exception:
                if not self._rolled_back:
                    await self.rollback()
            elif not self._committed and not self._rolled_back:
                await self.commit()
        except BaseException:
            healthy = False
            with contextlib.suppress(Exception):
                await self.connection.execute("ROLLBACK")
            raise
        finally:
            self.engine.current_transaction.reset(self.context)
            await self.engine.release(self.connection, healthy=healthy)
        return exception is None


class PooledSQLiteEngine(SQLiteEngine):
    """Piccolo's SQLite engine opens a connection (and a thread) per query; this one reuses them."""

    def __init__(self, path: str, pool_size: int = 4) -> None:
        super().__init__(path=path, timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
        self._pool_size = pool_size
        self._idle: list[aiosqlite.Connection] = []
        self._open = 0
        self._available: asyncio.Condition | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _condition(self) -> asyncio.Condition:
        loop = asyncio.get_running_loop()
        if self._available is None or self._loop is not loop:
            # A new event loop (CLI command, test session) cannot reuse connections of the old one.
            self._idle, self._open, self._loop = [], 0, loop
            self._available = asyncio.Condition()
        return self._available

    async def _connect(self) -> aiosqlite.Connection:
        pending = aiosqlite.connect(**self.connection_kwargs)
        # A forgotten pool must not keep the process alive at exit (CLI commands, crashed tests).
        pending._thread.daemon = True
        connection = await pending
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        await connection.execute("PRAGMA synchronous = NORMAL")
        await connection.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_SECONDS * 1000)}")
        return connection

    async def acquire(self) -> aiosqlite.Connection:
        condition = self._condition()
        async with condition:
            while not self._idle and self._open >= self._pool_size:
                await condition.wait()
            if self._idle:
                return self._idle.pop()
            self._open += 1
        try:
            return await self._connect()
        except BaseException:
            async with condition:
                self._open -= 1
                condition.notify()
            raise

    async def release(self, connection: aiosqlite.Connection, *, healthy: bool = True) -> None:
        condition = self._condition()
        if not healthy or connection.in_transaction:
            with contextlib.suppress(Exception):
                await connection.close()
            async with condition:
                self._open -= 1
                condition.notify()
            return
        async with condition:
            self._idle.append(connection)
            condition.notify()

    async def close_pool(self) -> None:
        idle, self._idle = self._idle, []
        self._open -= len(idle)
        for connection in idle:
            with contextlib.suppress(Exception):
                await connection.close()

    async def get_connection(self) -> aiosqlite.Connection:
        return await self.acquire()

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        connection = await self.acquire()
        healthy = True
        try:
            async with connection.execute(query, args or []) as cursor:
                rows = await cursor.fetchall()
            if connection.in_transaction:
                await connection.commit()
            return rows
        except sqlite3.DatabaseError as exc:
            healthy = not isinstance(exc, sqlite3.OperationalError) or "locked" in str(exc)
            raise
        finally:
            await self.release(connection, healthy=healthy)

    async def _run_in_existing_connection(
        self, connection, query, args=None, query_type="generic", table=None
    ):
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()

    def transaction(
        self,
        transaction_type: TransactionType = TransactionType.deferred,
        allow_nested: bool = True,
    ) -> SQLiteTransaction:
        return _PooledSQLiteTransaction(
            engine=self, transaction_type=transaction_type, allow_nested=allow_nested
        )


def build_engine(settings: Settings, *, pooled: bool = True) -> Engine[Any]:
    url = settings.database_url
    if url.startswith("sqlite"):
        path = Path(settings.sqlite_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not pooled:
            return SQLiteEngine(path=str(path), timeout=SQLITE_BUSY_TIMEOUT_SECONDS)
        return PooledSQLiteEngine(path=str(path))
    if url.startswith(("postgres://", "postgresql://")):
        parsed = urlparse(url)
        config = {
            "host": parsed.hostname or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": unquote(parsed.username or "postgres"),
            "password": unquote(parsed.password or "") or None,
            "database": (parsed.path or "/postgres").lstrip("/"),
        }
        return PostgresEngine(config=config)
    raise InvalidInput(f"TS_DATABASE_URL non reconnue : {url!r} (sqlite:/// ou postgresql://)")


def is_integrity_error(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return True
    module = type(exc).__module__
    return module.startswith("asyncpg") and type(exc).__name__ in {
        "UniqueViolationError",
        "ForeignKeyViolationError",
        "CheckViolationError",
        "NotNullViolationError",
        "ExclusionViolationError",
    }


def is_unique_violation(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE" in str(exc)
    return type(exc).__name__ == "UniqueViolationError"


class Database:
    """The application's handle on its database: engine, binding, transactions, health."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = build_engine(settings)

    @property
    def is_postgres(self) -> bool:
        return isinstance(self.engine, PostgresEngine)

    def bind(self, tables: Iterable[type[Table]]) -> None:
        for table in tables:
            table._meta.db = self.engine

    async def start(self) -> None:
        if isinstance(self.engine, PostgresEngine):
            if self.engine.pool is None:
                await self.engine.start_connection_pool(
                    min_size=self.settings.db_pool_min, max_size=self.settings.db_pool_max
                )
        else:
            await self.engine.run_ddl("PRAGMA journal_mode = WAL")

    async def stop(self) -> None:
        if isinstance(self.engine, PostgresEngine):
            if self.engine.pool is not None:
                await self.engine.close_connection_pool()
        elif isinstance(self.engine, PooledSQLiteEngine):
            await self.engine.close_pool()

    async def ping(self) -> bool:
        """Does the database answer within ``PING_TIMEOUT_SECONDS``? Never raises."""
        try:
            async with asyncio.timeout(PING_TIMEOUT_SECONDS):
                await self.engine.run_ddl("SELECT 1")
        except Exception:
            return False
        return True

    def write_transaction(self) -> Any:
        """One write transaction: BEGIN IMMEDIATE on SQLite, READ COMMITTED on PostgreSQL."""
        if isinstance(self.engine, SQLiteEngine):
            return self.engine.transaction(transaction_type=TransactionType.immediate)
        return self.engine.transaction()

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        """A write transaction whose integrity errors become 409 Conflict."""
        try:
            async with self.write_transaction():
                yield
        except Exception as exc:
            if is_integrity_error(exc):
                raise Conflict(
                    "L'opération contredit une donnée existante (doublon ou référence manquante).",
                    code="integrity_conflict",
                ) from exc
            raise
