"""A month of many subscriptions: the producer's queries do not grow with the segments (one grant
question per payer and listing) and survive more subscriptions than a driver takes parameters."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar

from store.app import all_tables, create_app
from store.kit.settings import Settings
from store.subscriptions.repository import SubscriptionRepository
from store.subscriptions.schemas import ChangePlanIn
from tests.billing.support import purge_billing
from tests.subscriptions.support import BOURG, key, make_cast, publish_listing, request
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


class CountingGrants:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str, str]] = []

    async def active_grant_for(self, siren: str, listing_id: str, period: str) -> str | None:
        self.asked.append((siren, listing_id, period))
        return f"subvention-{siren}"


async def test_many_segments_ask_for_their_grant_once_and_many_subscriptions_fit(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    signer = await cast.actor("signer")
    state.subscriptions.today = lambda: dt.date(2026, 3, 10)
    sub = await state.subscriptions.request(signer, request(slug), key=key())
    sub = await state.subscriptions.sign(signer, sub.id, key=key())
    state.subscriptions.today = lambda: dt.date(2026, 3, 20)
    await state.subscriptions.change_plan(signer, sub.id, ChangePlanIn(plan_index=3), key=key())
    grants = CountingGrants()
    state.subscription_charges.grants = grants
    state.subscription_charges.today = lambda: dt.date(2026, 6, 1)

    march = await state.subscription_charges.charges_for("2026-03")
    assert len(march) == 2  # two segments: before and after the plan change
    assert {c.grant_id for c in march} == {f"subvention-{BOURG}"}
    assert len(grants.asked) == 1

    ids = [uuid.uuid4() for _ in range(40_000)]  # more than asyncpg's 32 767 bind parameters
    coverage = await SubscriptionRepository().coverage([*ids[:20_000], sub.id, *ids[20_000:]])
    assert len(coverage) == 40_001
    assert [c["collectivite"] for c in coverage[str(sub.id)]] == [BOURG]
    assert not any(coverage[str(i)] for i in ids)
