"""Housekeeping: what only grows is purged, and only what is no longer needed."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from store.kit.events import DomainEvent
from store.kit.housekeeping import Housekeeper
from store.kit.outbox import Dispatcher
from store.kit.sessions import DatabaseStore
from store.kit.tables import KeyValue, OutboxDelivery, OutboxEvent

LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
CUTOFF = dt.datetime(2000, 6, 1, tzinfo=dt.UTC)


class Watched(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "test:housekeeping:watched"
    n: int


async def _event(topic: str, at: dt.datetime, deliveries: dict[str, str]) -> int:
    rows = await OutboxEvent.insert(OutboxEvent(topic=topic, payload='{"n": 1}', created_at=at)).returning(
        OutboxEvent.id
    )
    event_id = int(rows[0]["id"])
    for consumer, state in deliveries.items():
        await OutboxDelivery.insert(
            OutboxDelivery(event=event_id, consumer=consumer, state=state, attempts=1, claimed_at=at)
        )
    return event_id


async def _ignore(event: Watched) -> None:
    return None


async def test_outbox_purge_keeps_what_a_consumer_still_owes(state) -> None:
    dispatcher = Dispatcher(state.db)
    dispatcher.subscribe("index", Watched, _ignore)
    dispatcher.subscribe("mail", Watched, _ignore)
    handled = await _event(Watched.topic, LONG_AGO, {"index": "done", "mail": "done"})
    half_failed = await _event(Watched.topic, LONG_AGO, {"index": "done", "mail": "failed"})
    never_claimed = await _event(Watched.topic, LONG_AGO, {"index": "done"})
    recent = await _event(Watched.topic, CUTOFF + dt.timedelta(days=1), {"index": "done", "mail": "done"})
    unheard = await _event("test:housekeeping:nobody", LONG_AGO, {})

    removed = await dispatcher.purge(CUTOFF)

    left = {
        r["id"]
        for r in await OutboxEvent.select(OutboxEvent.id).where(
            OutboxEvent.created_at < CUTOFF + dt.timedelta(days=2)
        )
    }
    assert removed == 2
    assert handled not in left
    assert unheard not in left
    assert {half_failed, never_claimed, recent} <= left
    # Deliveries go with their event (ON DELETE CASCADE), on SQLite as on PostgreSQL.
    assert await OutboxDelivery.count().where(OutboxDelivery.event == handled) == 0
    assert await OutboxDelivery.count().where(OutboxDelivery.event == half_failed) == 2


async def test_expired_sessions_go_and_live_ones_stay(state) -> None:
    store = DatabaseStore("session")
    await store.set("housekeeping-old", "{}", expires_in=dt.timedelta(hours=-1))
    await store.set("housekeeping-live", "{}", expires_in=3600)

    assert await store.purge_expired(dt.datetime.now(dt.UTC)) >= 1

    keys = {
        r["key"]
        for r in await KeyValue.select(KeyValue.key).where(KeyValue.key.like("session:housekeeping-%"))
    }
    assert keys == {"session:housekeeping-live"}


async def test_old_login_attempts_go_and_throttling_still_counts_recent_ones(state) -> None:
    accounts = state.accounts
    now = dt.datetime.now(dt.UTC)
    email = "housekeeping@example.test"
    window = dt.timedelta(seconds=state.settings.login_window_seconds)
    await accounts.repo.record_attempt(email, False, now - window - dt.timedelta(minutes=5))
    for _ in range(2):
        await accounts.repo.record_attempt(email, False, now - dt.timedelta(seconds=5))

    assert await accounts.purge_login_attempts(now) >= 1

    assert len(await accounts.repo.recent_failures(email, now - 10 * window)) == 2


async def test_a_failing_task_does_not_stop_the_others() -> None:
    async def broken(now: dt.datetime) -> int:
        raise RuntimeError("boom")

    async def fine(now: dt.datetime) -> int:
        return 3

    keeper = Housekeeper({"broken": broken, "fine": fine}, interval_seconds=3600)
    assert await keeper.run_once() == {"fine": 3}
