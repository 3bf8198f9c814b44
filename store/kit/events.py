"""Domain events: immutable facts, named in the past tense, delivered after commit."""

from __future__ import annotations

from typing import ClassVar

import msgspec


class DomainEvent(msgspec.Struct, frozen=True, kw_only=True):
    """Base of every event. ``topic`` follows ``area:resource:past_action``."""

    topic: ClassVar[str] = ""


class AuditRecord(msgspec.Struct, frozen=True, kw_only=True):
    """Who did what to which subject, from which state to which state, and why."""

    action: str
    subject_type: str
    subject_id: str
    actor_id: str | None = None
    actor_label: str = ""
    from_state: str | None = None
    to_state: str | None = None
    reason: str | None = None
    data: dict[str, object] = {}
