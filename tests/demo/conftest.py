"""The billing demo posts to the append-only ledger: empty it with ``purge_billing`` before the shared
teardown, as billing and funding tests do."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from litestar import Litestar

from store.app import all_tables, create_app
from store.kit.settings import Settings
from tests.billing.support import purge_billing
from tests.support import db as test_db


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    application = create_app(settings)
    yield application
    db = application.state.db
    await db.start()
    await purge_billing(db)
    await test_db.empty_tables(db, all_tables())
    await db.stop()
