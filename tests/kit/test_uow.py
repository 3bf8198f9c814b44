"""A unit of work is one transaction: its events and audit records commit or vanish with its data."""

from __future__ import annotations

from typing import ClassVar

import pytest

from store.kit.errors import Conflict, InvalidInput
from store.kit.events import AuditRecord, DomainEvent
from store.kit.tables import AuditEntry, KeyValue, OutboxEvent


class ThingHappened(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "test:thing:happened"
    name: str


def audit(name: str) -> AuditRecord:
    return AuditRecord(action="test:thing:create", subject_type="thing", subject_id=name)


async def emit_then_fail(state, name: str, *, data: bool = True) -> None:  # type: ignore[no-untyped-def]
    async with state.uow() as work:
        if data:
            await KeyValue.insert(KeyValue(key=f"thing:{name}", value="1"))
        work.emit(ThingHappened(name=name))
        work.audit(audit(name))
        raise InvalidInput("Refusé.")


async def emit_then_collide(state) -> None:  # type: ignore[no-untyped-def]
    async with state.uow() as work:
        work.emit(ThingHappened(name="c"))
        work.audit(audit("c"))
        await KeyValue.insert(KeyValue(key="thing:d", value="1"))
        await KeyValue.insert(KeyValue(key="thing:c", value="2"))


async def test_commit_writes_data_event_and_audit_together(state) -> None:
    async with state.uow() as work:
        await KeyValue.insert(KeyValue(key="thing:a", value="1"))
        work.emit(ThingHappened(name="a"))
        work.audit(audit("a"))
    assert await KeyValue.count().where(KeyValue.key == "thing:a") == 1
    events = await OutboxEvent.select(OutboxEvent.topic, OutboxEvent.payload)
    assert [e["topic"] for e in events] == ["test:thing:happened"]
    assert '"name":"a"' in str(events[0]["payload"])
    assert await AuditEntry.count().where(AuditEntry.subject_id == "a") == 1


async def test_rollback_writes_no_data_no_outbox_row_and_no_audit_row(state) -> None:
    with pytest.raises(InvalidInput):
        await emit_then_fail(state, "b")
    assert await KeyValue.count() == 0
    assert await OutboxEvent.count() == 0
    assert await AuditEntry.count() == 0


async def test_an_integrity_error_is_a_409_and_rolls_everything_back(state) -> None:
    async with state.uow():
        await KeyValue.insert(KeyValue(key="thing:c", value="1"))
    with pytest.raises(Conflict) as raised:
        await emit_then_collide(state)
    assert raised.value.status == 409
    assert await KeyValue.count() == 1
    assert await OutboxEvent.count() == 0
    assert await AuditEntry.count() == 0


async def test_an_event_without_a_topic_is_refused(state) -> None:
    class Nameless(DomainEvent, frozen=True):
        pass

    with pytest.raises(TypeError):
        async with state.uow() as work:
            work.emit(Nameless())
    assert await OutboxEvent.count() == 0


async def test_the_dispatcher_is_woken_only_after_a_commit_with_events(state, monkeypatch) -> None:
    woken: list[bool] = []
    monkeypatch.setattr(state.uow, "after_commit", lambda: woken.append(True))
    async with state.uow() as work:
        work.audit(audit("e"))
    assert woken == []
    with pytest.raises(InvalidInput):
        await emit_then_fail(state, "f", data=False)
    assert woken == []
    async with state.uow() as work:
        work.emit(ThingHappened(name="g"))
    assert woken == [True]
