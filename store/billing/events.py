"""Billing facts, delivered after commit through the outbox."""

from __future__ import annotations

from typing import ClassVar

from store.kit.events import DomainEvent


class BillingRunCompleted(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "billing:run:completed"
    run_id: str
    period: str
    invoices: int
    charges_blocked: int


class CreditNoteIssued(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "billing:credit_note:issued"
    credit_note_id: str
    invoice_id: str
    payer_siren: str


class PaymentRecorded(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "billing:payment:recorded"
    payment_id: str
    invoice_id: str
    amount: int
    applied: int


class PeriodClosed(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "billing:period:closed"
    period: str
    seal_seq: int
