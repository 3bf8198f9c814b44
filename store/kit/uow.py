"""Unit of work: one transaction per service call, with its events and audit records.

Events are written to the outbox inside the transaction and handed to the dispatcher only after
the commit, so a consumer never sees an event whose data was rolled back.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

import msgspec

from store.kit.db import Database
from store.kit.events import AuditRecord, DomainEvent
from store.kit.outbox import utcnow
from store.kit.tables import AuditEntry, OutboxEvent


class UnitOfWork:
    def __init__(self) -> None:
        self.events: list[DomainEvent] = []
        self.audits: list[AuditRecord] = []

    def emit(self, event: DomainEvent) -> None:
        if not type(event).topic:
            raise TypeError(f"{type(event).__name__} has no topic")
        self.events.append(event)

    def audit(self, record: AuditRecord) -> None:
        self.audits.append(record)


class UnitOfWorkFactory:
    """``async with uow() as work:`` opens a write transaction and flushes events and audits."""

    def __init__(self, db: Database, after_commit: Callable[[], None] | None = None) -> None:
        self.db = db
        self.after_commit = after_commit

    @contextlib.asynccontextmanager
    async def __call__(self) -> AsyncIterator[UnitOfWork]:
        work = UnitOfWork()
        async with self.db.writing():
            yield work
            emitted = bool(work.events)
            await flush(work)
        # flush() empties work.events: remember whether there was anything to deliver.
        if emitted and self.after_commit is not None:
            self.after_commit()


async def flush(work: UnitOfWork) -> None:
    now = utcnow()
    if work.events:
        await OutboxEvent.insert(
            *[
                OutboxEvent(
                    topic=type(event).topic,
                    payload=msgspec.json.encode(event).decode(),
                    created_at=now,
                )
                for event in work.events
            ]
        )
    if work.audits:
        await AuditEntry.insert(
            *[
                AuditEntry(
                    at=now,
                    action=a.action,
                    subject_type=a.subject_type,
                    subject_id=a.subject_id,
                    actor_id=a.actor_id,
                    actor_label=a.actor_label,
                    from_state=a.from_state,
                    to_state=a.to_state,
                    reason=a.reason,
                    data=msgspec.json.encode(a.data).decode(),
                )
                for a in work.audits
            ]
        )
    work.events.clear()
    work.audits.clear()
