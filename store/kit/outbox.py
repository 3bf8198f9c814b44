"""Transactional outbox: events written with the data, delivered after commit.

Each consumer is delivered an event at most once per (event, consumer) row. A *transactional*
consumer runs inside the transaction that records its delivery, so its database effects and the
delivery mark commit together: exactly once. A non-transactional consumer (an HTTP call to a
search engine, say) first claims the event, runs, then marks it done; a claim older than the lease
is taken again after a crash, so such consumers must be idempotent: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import msgspec

from store.kit.db import Database, is_unique_violation
from store.kit.events import DomainEvent
from store.kit.tables import OutboxDelivery, OutboxEvent

log = logging.getLogger("store.outbox")

E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[E], Awaitable[None]]

LEASE = dt.timedelta(seconds=60)
"""How long a claim protects a non-transactional delivery; after that, another dispatcher retakes it."""
RETRY_DELAY = dt.timedelta(seconds=2)
"""How long a failed delivery waits before it is tried again."""
MAX_ATTEMPTS = 8
BATCH = 200
STOP_GRACE = dt.timedelta(seconds=10)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Consumer(Generic[E]):
    name: str
    event_type: type[E]
    handler: Handler[E]
    transactional: bool = True


@dataclass
class Dispatcher:
    """Delivers outbox events to registered consumers; one per process, several per database."""

    db: Database
    consumers: list[Consumer[Any]] = field(default_factory=list)
    _wake: asyncio.Event | None = None
    _task: asyncio.Task[None] | None = None
    _lock: asyncio.Lock | None = None
    _stopping: bool = False
    poll_seconds: float = 2.0

    def subscribe(
        self, name: str, event_type: type[E], handler: Handler[E], *, transactional: bool = True
    ) -> None:
        if any(c.name == name and c.event_type.topic == event_type.topic for c in self.consumers):
            raise ValueError(f"consumer {name} already subscribed to {event_type.topic}")
        self.consumers.append(Consumer(name, event_type, handler, transactional))

    def wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def start(self) -> None:
        self._stopping = False
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="outbox-dispatcher")

    async def stop(self) -> None:
        """Let the delivery in hand finish, then stop. Cancelling a task inside a PostgreSQL
        transaction's BEGIN leaves its connection checked out (and the pool's close waiting for
        it forever), so cancellation is the last resort after ``STOP_GRACE``."""
        if self._task is None:
            return
        self._stopping = True
        self.wake()
        done, _ = await asyncio.wait({self._task}, timeout=STOP_GRACE.total_seconds())
        if not done:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        assert self._wake is not None
        while not self._stopping:
            try:
                await self.drain()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox delivery loop failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            self._wake.clear()

    async def drain(self) -> int:
        """Deliver everything pending now; returns the number of deliveries made."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        delivered = 0
        async with self._lock:
            for consumer in self.consumers:
                while True:
                    batch = await self._pending(consumer)
                    if not batch:
                        break
                    progressed = 0
                    for row in batch:
                        if self._stopping:
                            return delivered
                        if await self._deliver(consumer, row):
                            delivered += 1
                            progressed += 1
                    if progressed == 0:
                        break
        return delivered

    async def purge(self, before: dt.datetime) -> int:
        """Forget events created before ``before`` that every consumer of their topic has handled.

        Events no consumer listens to go too; an event some consumer has not handled (pending or
        failed) stays, visible. A consumer added later starts from what is left: rebuilding a
        derived view (e.g. the search index) is its own command, not a replay of old events.
        """
        by_topic: dict[str, list[str]] = {}
        for consumer in self.consumers:
            by_topic.setdefault(consumer.event_type.topic, []).append(consumer.name)
        removed = 0
        for topic, names in by_topic.items():
            marks = ", ".join("{}" for _ in names)  # placeholders only: values are bound
            rows = await OutboxEvent.raw(
                "DELETE FROM outbox_event WHERE topic = {} AND created_at < {} AND ("  # noqa: S608
                "SELECT COUNT(*) FROM outbox_delivery d WHERE d.event = outbox_event.id "
                f"AND d.state = 'done' AND d.consumer IN ({marks})) = {{}} RETURNING id",
                topic,
                before,
                *names,
                len(names),
            )
            removed += len(rows)
        listened = list(by_topic)
        unheard = f" AND topic NOT IN ({', '.join('{}' for _ in listened)})" if listened else ""
        rows = await OutboxEvent.raw(
            f"DELETE FROM outbox_event WHERE created_at < {{}}{unheard} RETURNING id",  # noqa: S608
            before,
            *listened,
        )
        return removed + len(rows)

    async def _pending(self, consumer: Consumer[Any]) -> list[dict[str, Any]]:
        topic = consumer.event_type.topic
        stale = utcnow() - LEASE
        rows = await OutboxEvent.raw(
            "SELECT e.id, e.topic, e.payload FROM outbox_event e "
            "LEFT JOIN outbox_delivery d ON d.event = e.id AND d.consumer = {} "
            "WHERE e.topic = {} AND (d.id IS NULL OR (d.state = 'claimed' AND d.claimed_at < {}) "
            "OR (d.state = 'failed' AND d.attempts < {} AND d.claimed_at < {})) "
            "ORDER BY e.id LIMIT {}",
            consumer.name,
            topic,
            stale,
            MAX_ATTEMPTS,
            utcnow() - RETRY_DELAY,
            BATCH,
        )
        return list(rows)

    def _decode(self, consumer: Consumer[Any], row: dict[str, Any]) -> DomainEvent:
        payload = row["payload"]
        if isinstance(payload, str):
            payload = msgspec.json.decode(payload)
        return msgspec.convert(payload, consumer.event_type)

    async def _deliver(self, consumer: Consumer[Any], row: dict[str, Any]) -> bool:
        event_id = row["id"]
        try:
            event = self._decode(consumer, row)
        except msgspec.ValidationError as exc:
            await self._mark_failed(consumer, event_id, f"undecodable payload: {exc}", final=True)
            return False
        if consumer.transactional:
            return await self._deliver_transactional(consumer, event_id, event)
        if not await self._claim(consumer, event_id):
            return False
        try:
            await consumer.handler(event)
        except Exception as exc:
            log.warning("consumer %s failed on event %s: %s", consumer.name, event_id, exc)
            await self._mark_failed(consumer, event_id, repr(exc), increment=False)
            return False
        await OutboxDelivery.update({OutboxDelivery.state: "done", OutboxDelivery.done_at: utcnow()}).where(
            (OutboxDelivery.event == event_id) & (OutboxDelivery.consumer == consumer.name)
        )
        return True

    async def _deliver_transactional(
        self, consumer: Consumer[Any], event_id: int, event: DomainEvent
    ) -> bool:
        try:
            async with self.db.write_transaction():
                existing = await OutboxDelivery.select(
                    OutboxDelivery.id,
                    OutboxDelivery.state,
                    OutboxDelivery.claimed_at,
                    OutboxDelivery.attempts,
                ).where((OutboxDelivery.event == event_id) & (OutboxDelivery.consumer == consumer.name))
                now = utcnow()
                if not existing:
                    # The unique (event, consumer) index arbitrates between concurrent dispatchers.
                    await OutboxDelivery.insert(
                        OutboxDelivery(
                            event=event_id,
                            consumer=consumer.name,
                            state="done",
                            attempts=1,
                            claimed_at=now,
                            done_at=now,
                        )
                    )
                else:
                    row = existing[0]
                    if not _due(row, now):
                        return False
                    # A retry: compare-and-set, so that a concurrent dispatcher's mark is never undone
                    # (a delete-then-insert here let two dispatchers both deliver on PostgreSQL).
                    updated = (
                        await OutboxDelivery.update(
                            {
                                OutboxDelivery.state: "done",
                                OutboxDelivery.attempts: row["attempts"] + 1,
                                OutboxDelivery.claimed_at: now,
                                OutboxDelivery.done_at: now,
                                OutboxDelivery.last_error: None,
                            }
                        )
                        .where(
                            (OutboxDelivery.id == row["id"])
                            & (OutboxDelivery.state == row["state"])
                            & (OutboxDelivery.claimed_at == row["claimed_at"])
                        )
                        .returning(OutboxDelivery.id)
                    )
                    if not updated:
                        return False
                await consumer.handler(event)
        except Exception as exc:
            if is_unique_violation(exc):
                return False
            log.warning("consumer %s failed on event %s: %s", consumer.name, event_id, exc)
            await self._mark_failed(consumer, event_id, repr(exc))
            return False
        return True

    async def _claim(self, consumer: Consumer[Any], event_id: int) -> bool:
        now = utcnow()
        try:
            async with self.db.write_transaction():
                rows = await OutboxDelivery.select(
                    OutboxDelivery.id,
                    OutboxDelivery.state,
                    OutboxDelivery.claimed_at,
                    OutboxDelivery.attempts,
                ).where((OutboxDelivery.event == event_id) & (OutboxDelivery.consumer == consumer.name))
                if not rows:
                    await OutboxDelivery.insert(
                        OutboxDelivery(
                            event=event_id,
                            consumer=consumer.name,
                            state="claimed",
                            attempts=1,
                            claimed_at=now,
                        )
                    )
                    return True
                row = rows[0]
                # Another dispatcher may have claimed (or finished) it since we listed it: a live
                # claim is theirs until the lease runs out.
                if not _due(row, now):
                    return False
                # Re-claim only if nobody else claimed it in the meantime (compare-and-set).
                updated = (
                    await OutboxDelivery.update(
                        {
                            OutboxDelivery.state: "claimed",
                            OutboxDelivery.claimed_at: now,
                            OutboxDelivery.attempts: row["attempts"] + 1,
                        }
                    )
                    .where(
                        (OutboxDelivery.id == row["id"])
                        & (OutboxDelivery.state == row["state"])
                        & (OutboxDelivery.claimed_at == row["claimed_at"])
                    )
                    .returning(OutboxDelivery.id)
                )
                return bool(updated)
        except Exception as exc:
            if is_unique_violation(exc):
                return False
            raise

    async def _mark_failed(
        self,
        consumer: Consumer[Any],
        event_id: int,
        error: str,
        *,
        final: bool = False,
        increment: bool = True,
    ) -> None:
        async with self.db.write_transaction():
            rows = await OutboxDelivery.select(OutboxDelivery.id, OutboxDelivery.attempts).where(
                (OutboxDelivery.event == event_id) & (OutboxDelivery.consumer == consumer.name)
            )
            previous = rows[0]["attempts"] if rows else 0
            attempts = MAX_ATTEMPTS if final else previous + (1 if increment or not rows else 0)
            if rows:
                await OutboxDelivery.update(
                    {
                        OutboxDelivery.state: "failed",
                        OutboxDelivery.last_error: error[:2000],
                        OutboxDelivery.attempts: attempts,
                        OutboxDelivery.claimed_at: utcnow(),
                    }
                ).where(OutboxDelivery.id == rows[0]["id"])
            else:
                await OutboxDelivery.insert(
                    OutboxDelivery(
                        event=event_id,
                        consumer=consumer.name,
                        state="failed",
                        attempts=attempts,
                        claimed_at=utcnow(),
                        last_error=error[:2000],
                    )
                )


def _due(row: dict[str, Any], now: dt.datetime) -> bool:
    """May this existing delivery row be (re)tried now? Mirrors the filter of ``_pending``."""
    state, claimed_at = row["state"], row["claimed_at"]
    if state == "claimed":
        return bool(claimed_at < now - LEASE)
    if state == "failed":
        return bool(row["attempts"] < MAX_ATTEMPTS and claimed_at < now - RETRY_DELAY)
    return False
