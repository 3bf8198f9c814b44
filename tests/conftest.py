"""Test wiring: one database per session (SQLite by default, PostgreSQL with TSTEST_DATABASE=postgres),
migrated once, emptied after each test; one app per test, built from explicit Settings."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from store.app import all_tables, create_app
from store.kit.db import Database
from store.kit.migrate import migrate_database
from store.kit.settings import Settings
from tests.support import db as test_db
from tests.support.registry import load_reference_fixture
from tests.support.services import unavailable

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    kind = test_db.test_database_kind()
    if kind == "sqlite":
        yield test_db.sqlite_url(tmp_path_factory.mktemp("db"))
        return
    if kind != "postgres":
        pytest.exit(f"TSTEST_DATABASE inconnu : {kind}", returncode=2)
    try:
        url = test_db.create_pg_database()
    except Exception as exc:  # server down, auth refused…
        unavailable("postgres", repr(exc))
    try:
        yield url
    finally:
        test_db.drop_pg_database(url)


@pytest.fixture(scope="session")
def base_settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("data")
    return Settings(
        env="test",
        database_url=database_url,
        data_dir=str(data_dir),
        secret_key="test-secret-key-not-for-production",
        argon2_time_cost=1,
        argon2_memory_kib=8,
        login_rate_per_minute=10_000,
        outbox_poll_seconds=0.2,
        dsfr_dir=str(ROOT / "node_modules/@gouvfr/dsfr/dist"),
        log_level="warning",
    )


@pytest.fixture(scope="session")
async def migrated(base_settings: Settings) -> Settings:
    await migrate_database(base_settings)
    db = Database(base_settings)
    db.bind(all_tables())
    await db.start()
    try:
        await load_reference_fixture()
    finally:
        await db.stop()
    return base_settings


@pytest.fixture
def settings(migrated: Settings) -> Settings:
    return migrated


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    application = create_app(settings)
    yield application
    db = application.state.db
    await db.start()
    await test_db.empty_tables(db, all_tables())
    await db.stop()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on the app, in the test's own event loop (startup and shutdown included)."""
    # Litestar's lifespan() holds an anyio task group, which pytest-asyncio fixtures cannot span.
    for hook in app.on_startup:
        await hook()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as http:
            http.app = app  # type: ignore[attr-defined]
            yield http
    finally:
        for hook in app.on_shutdown:
            await hook()


@pytest.fixture
def state(app: Litestar, client: httpx.AsyncClient) -> Any:
    """The app's services, once its startup has run (through the client)."""
    return app.state


def pytest_report_header(config: pytest.Config) -> str:
    required = os.environ.get("TSTEST_REQUIRE", "-")
    return f"territoires-store: base {test_db.test_database_kind()}, services requis: {required}"
