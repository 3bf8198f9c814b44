"""Facts the funding module publishes (after commit, through the outbox). Payloads are contracts."""

from __future__ import annotations

from typing import ClassVar

from store.kit.events import DomainEvent


class ApplicationSubmitted(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:funding:application_submitted"
    application_id: int
    call_id: int
    lead_siren: str
    requested_cents: int


class ApplicationAwarded(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:funding:application_awarded"
    application_id: int
    call_id: int
    lead_siren: str
    envelope_code: str
    amount_cents: int
    grant_id: str
    listing_id: str | None


class ApplicationDeclined(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:funding:application_declined"
    application_id: int
    call_id: int
    lead_siren: str
    reason: str
