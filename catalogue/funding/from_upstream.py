"""Upstream → funding: reserve a selected proposal's funding in its envelope.

catalogue.funding and catalogue.votes are siblings and may not import each other, so the event is
mirrored here: same topic, same field names (a test checks that the votes event decodes into this
struct). The funding service implements ``ReservationPort`` with the ledger's pending reservation:

    subscribe(dispatcher, funding_service)           # in store.app
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Protocol

from store.kit.events import DomainEvent
from store.kit.outbox import Dispatcher


class SelectionFundingRequested(DomainEvent, frozen=True, kw_only=True):
    """Mirror of ``catalogue.votes.events.FundingReservationRequested``."""

    topic: ClassVar[str] = "catalogue:funding:reservation_requested"
    idempotency_key: str
    envelope_code: str
    amount_cents: int
    consultation_id: int
    proposal_id: int
    decision_id: int
    title: str
    decided_at: dt.datetime


class ReservationPort(Protocol):
    async def reserve(
        self, *, envelope_code: str, amount_cents: int, idempotency_key: str, reference: str, label: str
    ) -> None:
        """A pending reservation on the envelope; the same key twice is one reservation.

        Must refuse (raise) when the envelope cannot hold it: the outbox keeps the event failed
        and visible instead of over-committing.
        """
        ...


def subscribe(dispatcher: Dispatcher, funding: ReservationPort) -> None:
    async def reserve(event: SelectionFundingRequested) -> None:
        await funding.reserve(
            envelope_code=event.envelope_code,
            amount_cents=event.amount_cents,
            idempotency_key=event.idempotency_key,
            reference=f"proposal:{event.proposal_id}",
            label=f"Sélection : {event.title}",
        )

    dispatcher.subscribe("funding.from_upstream", SelectionFundingRequested, reserve)
