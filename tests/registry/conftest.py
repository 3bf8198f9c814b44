"""A throwaway database for import tests, so that they never disturb the session's reference data."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import msgspec
import pytest

from store.kit.db import Database
from store.kit.migrate import migrate_database
from store.kit.settings import Settings
from store.registry.piccolo_app import APP_CONFIG
from store.registry.tables import Collectivite
from tests.support import db as test_db


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    if test_db.test_database_kind() == "sqlite":
        yield test_db.sqlite_url(tmp_path)
        return
    url = test_db.create_pg_database()
    try:
        yield url
    finally:
        test_db.drop_pg_database(url)


@pytest.fixture
async def scratch_db(migrated: Settings, scratch_url: str, tmp_path: Path) -> AsyncIterator[Database]:
    """A freshly migrated, empty database; the registry tables point at it during the test."""
    settings = msgspec.structs.replace(migrated, database_url=scratch_url, data_dir=str(tmp_path))
    await migrate_database(settings)
    previous = Collectivite._meta.db
    db = Database(settings)
    db.bind(APP_CONFIG.table_classes)
    await db.start()
    try:
        yield db
    finally:
        await db.stop()
        for table in APP_CONFIG.table_classes:
            table._meta.db = previous
        await migrate_database(migrated)  # points Piccolo's own tables back at the session database
