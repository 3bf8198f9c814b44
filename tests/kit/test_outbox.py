"""Outbox delivery: after commit only; never lost when a process dies between claim and done; never
twice to a transactional consumer, even with several dispatchers draining the same database."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import ClassVar

from store.kit import outbox
from store.kit.events import DomainEvent
from store.kit.outbox import Dispatcher
from store.kit.tables import AuditEntry, OutboxDelivery, OutboxEvent


class Pinged(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "test:ping:sent"
    n: int


class Crash(BaseException):
    """What a killed process looks like from inside: nothing after this line runs."""


async def emit(state, count: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    async with state.uow() as work:
        for n in range(start, start + count):
            work.emit(Pinged(n=n))


async def wait_for(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def test_events_are_delivered_after_commit_only(state) -> None:
    seen: list[int] = []

    async def handler(event: Pinged) -> None:
        seen.append(event.n)

    state.dispatcher.subscribe("index", Pinged, handler, transactional=False)
    async with state.uow() as work:
        work.emit(Pinged(n=1))
        # The running delivery loop is woken while the transaction is still open: it sees nothing.
        state.dispatcher.wake()
        await asyncio.sleep(0.3)
        assert seen == []
    # The commit wakes the loop: delivery follows promptly, well before the next poll.
    await wait_for(lambda: seen == [1], timeout=state.settings.outbox_poll_seconds + 2)


async def test_nothing_is_delivered_for_a_rolled_back_transaction(state) -> None:
    seen: list[int] = []

    async def handler(event: Pinged) -> None:
        seen.append(event.n)

    state.dispatcher.subscribe("index", Pinged, handler, transactional=False)
    try:
        async with state.uow() as work:
            work.emit(Pinged(n=1))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert await state.dispatcher.drain() == 0
    assert seen == []


async def test_a_crash_between_claim_and_done_is_redelivered_after_the_lease(state, monkeypatch) -> None:
    calls: list[int] = []
    crash = True

    async def handler(event: Pinged) -> None:
        calls.append(event.n)
        if crash:
            raise Crash

    dispatcher = Dispatcher(state.db)
    dispatcher.subscribe("webhook", Pinged, handler, transactional=False)
    await emit(state, 1)
    with contextlib.suppress(Crash):
        await dispatcher.drain()
    assert calls == [0]
    rows = await OutboxDelivery.select(OutboxDelivery.state, OutboxDelivery.attempts)
    assert rows == [{"state": "claimed", "attempts": 1}]

    # Another process restarts: the claim still holds, so nothing is delivered yet.
    crash = False
    restarted = Dispatcher(state.db)
    restarted.subscribe("webhook", Pinged, handler, transactional=False)
    assert await restarted.drain() == 0
    assert calls == [0]

    # Once the lease has run out, the event is delivered again (at least once, never lost).
    monkeypatch.setattr(outbox, "LEASE", dt.timedelta(seconds=0))
    await asyncio.sleep(0.01)
    assert await restarted.drain() == 1
    assert calls == [0, 0]
    rows = await OutboxDelivery.select(OutboxDelivery.state, OutboxDelivery.attempts)
    assert rows == [{"state": "done", "attempts": 2}]
    assert await restarted.drain() == 0


async def test_a_failing_consumer_is_retried_then_left_alone(state, monkeypatch) -> None:
    calls: list[int] = []

    async def handler(event: Pinged) -> None:
        calls.append(event.n)
        raise RuntimeError("search engine down")

    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 3)
    dispatcher = Dispatcher(state.db)
    dispatcher.subscribe("index", Pinged, handler, transactional=False)
    await emit(state, 1)
    for _ in range(5):
        await dispatcher.drain()
        # Failed deliveries wait a moment before the next try: age them instead of sleeping.
        await OutboxDelivery.update(
            {OutboxDelivery.claimed_at: outbox.utcnow() - dt.timedelta(seconds=10)}
        ).where(OutboxDelivery.id > 0)
    assert calls == [0, 0, 0]
    row = (await OutboxDelivery.select(OutboxDelivery.state, OutboxDelivery.last_error))[0]
    assert row["state"] == "failed"
    assert "search engine down" in row["last_error"]


async def test_a_transactional_consumer_commits_its_effects_with_the_delivery(state) -> None:
    async def handler(event: Pinged) -> None:
        await AuditEntry.insert(
            AuditEntry(
                at=outbox.utcnow(), action="test", subject_type="ping", subject_id=str(event.n), data="{}"
            )
        )
        if event.n == 1:
            raise RuntimeError("rule broken")

    dispatcher = Dispatcher(state.db)
    dispatcher.subscribe("projection", Pinged, handler, transactional=True)
    await emit(state, 2)
    assert await dispatcher.drain() == 1
    # The failed delivery left nothing behind: no effect, a failed mark to retry later.
    assert [r["subject_id"] for r in await AuditEntry.select(AuditEntry.subject_id)] == ["0"]
    states = await OutboxDelivery.select(OutboxDelivery.state).order_by(OutboxDelivery.event)
    assert [s["state"] for s in states] == ["done", "failed"]

    # Retried once the delay has passed, by two dispatchers at once: still delivered exactly once.
    other = Dispatcher(state.db)
    other.subscribe("projection", Pinged, handler, transactional=True)
    await OutboxDelivery.update(
        {OutboxDelivery.claimed_at: outbox.utcnow() - dt.timedelta(seconds=10)}
    ).where(OutboxDelivery.state == "failed")
    fixed = Pinged(n=1)

    async def fixed_handler(event: Pinged) -> None:
        await handler(Pinged(n=event.n + 100))

    dispatcher.consumers[0] = outbox.Consumer("projection", Pinged, fixed_handler, True)
    other.consumers[0] = outbox.Consumer("projection", Pinged, fixed_handler, True)
    assert sum(await asyncio.gather(dispatcher.drain(), other.drain())) == 1
    subjects = sorted(r["subject_id"] for r in await AuditEntry.select(AuditEntry.subject_id))
    assert subjects == ["0", str(fixed.n + 100)]
    rows = await OutboxDelivery.select(OutboxDelivery.state, OutboxDelivery.attempts).order_by(
        OutboxDelivery.event
    )
    assert rows == [{"state": "done", "attempts": 1}, {"state": "done", "attempts": 2}]


async def test_two_dispatchers_never_deliver_twice_to_a_transactional_consumer(state) -> None:
    calls: list[tuple[str, int]] = []

    def handler_for(name: str):  # type: ignore[no-untyped-def]
        async def handler(event: Pinged) -> None:
            calls.append((name, event.n))
            await asyncio.sleep(0)  # let the other dispatcher run in between
            await AuditEntry.insert(
                AuditEntry(
                    at=outbox.utcnow(), action="test", subject_type="ping", subject_id=str(event.n), data="{}"
                )
            )

        return handler

    first, second = Dispatcher(state.db), Dispatcher(state.db)
    first.subscribe("projection", Pinged, handler_for("first"), transactional=True)
    second.subscribe("projection", Pinged, handler_for("second"), transactional=True)
    events, rounds = 40, 3
    for round_ in range(rounds):
        await emit(state, events // rounds + 1, start=round_ * (events // rounds + 1))
        results = await asyncio.gather(first.drain(), second.drain(), first.drain(), second.drain())
        assert sum(results) == events // rounds + 1
    events = rounds * (events // rounds + 1)
    effects = [int(r["subject_id"]) for r in await AuditEntry.select(AuditEntry.subject_id)]
    assert sorted(effects) == list(range(events))
    # Handlers whose transaction lost the race left no effect; every event was delivered once.
    delivered = await OutboxDelivery.select(OutboxDelivery.event, OutboxDelivery.state)
    assert len(delivered) == events
    assert {d["state"] for d in delivered} == {"done"}
    assert await first.drain() + await second.drain() == 0
    assert await OutboxEvent.count() == events


async def test_two_dispatchers_claim_each_event_once_for_a_non_transactional_consumer(state) -> None:
    calls: list[int] = []

    async def handler(event: Pinged) -> None:
        calls.append(event.n)
        await asyncio.sleep(0)

    first, second = Dispatcher(state.db), Dispatcher(state.db)
    first.subscribe("index", Pinged, handler, transactional=False)
    second.subscribe("index", Pinged, handler, transactional=False)
    await emit(state, 30)
    await asyncio.gather(first.drain(), second.drain())
    assert sorted(calls) == list(range(30))


async def test_an_undecodable_payload_is_parked_not_retried_forever(state) -> None:
    seen: list[int] = []

    async def handler(event: Pinged) -> None:
        seen.append(event.n)

    await OutboxEvent.insert(
        OutboxEvent(topic=Pinged.topic, payload='{"n": "not a number"}', created_at=outbox.utcnow())
    )
    dispatcher = Dispatcher(state.db)
    dispatcher.subscribe("index", Pinged, handler, transactional=False)
    assert await dispatcher.drain() == 0
    assert await dispatcher.drain() == 0
    row = (await OutboxDelivery.select(OutboxDelivery.state, OutboxDelivery.attempts))[0]
    assert row["state"] == "failed"
    assert row["attempts"] >= outbox.MAX_ATTEMPTS
    assert seen == []
