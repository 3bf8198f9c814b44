"""Kernel tables: the outbox, deliveries, the audit log and the key-value store for sessions."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigSerial,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class OutboxEvent(Table, tablename="outbox_event"):
    id = BigSerial(primary_key=True)
    topic = Varchar(length=120, index=True)
    payload = JSON()
    created_at = Timestamptz()


class OutboxDelivery(Table, tablename="outbox_delivery"):
    """One row per (event, consumer): the unique pair is what forbids a second delivery."""

    id = BigSerial(primary_key=True)
    event = ForeignKey(OutboxEvent, on_delete=OnDelete.cascade, index=True)
    consumer = Varchar(length=120)
    state = Varchar(length=16)  # claimed | done | failed
    attempts = Integer(default=0)
    claimed_at = Timestamptz()
    done_at = Timestamptz(null=True, default=None)
    last_error = Text(null=True, default=None)


class AuditEntry(Table, tablename="audit_entry"):
    id = BigSerial(primary_key=True)
    at = Timestamptz(index=True)
    action = Varchar(length=120, index=True)
    subject_type = Varchar(length=60)
    subject_id = Varchar(length=120, index=True)
    actor_id = Varchar(length=64, null=True, default=None)
    actor_label = Varchar(length=200, default="")
    from_state = Varchar(length=40, null=True, default=None)
    to_state = Varchar(length=40, null=True, default=None)
    reason = Text(null=True, default=None)
    data = JSON()


class KeyValue(Table, tablename="key_value"):
    """Expiring key-value rows: server-side sessions live here, so workers share them."""

    key = Varchar(length=200, primary_key=True)
    value = Text()
    expires_at = Timestamptz(null=True, default=None, index=True)
