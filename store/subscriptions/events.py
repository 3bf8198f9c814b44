"""Subscription events, delivered after commit through the outbox.

One event per state reached, plus ``SubscriptionPlanChanged``. Payloads are small: consumers read
the subscription again by ``subscription_id``.
"""

from __future__ import annotations

from typing import ClassVar

from store.kit.events import DomainEvent


class SubscriptionEvent(DomainEvent, frozen=True, kw_only=True):
    subscription_id: str
    listing_id: str
    collectivite_siren: str
    publisher_siren: str
    from_state: str | None
    to_state: str
    actor_id: str | None = None


class SubscriptionRequested(SubscriptionEvent, frozen=True, kw_only=True):
    """Eligible and waiting for a signature (``to_state`` = pending_signature)."""

    topic: ClassVar[str] = "store:subscription:requested"


class SubscriptionRejected(SubscriptionEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "store:subscription:rejected"
    code: str
    reason: str


class SubscriptionActivated(SubscriptionEvent, frozen=True, kw_only=True):
    """Signed (or resumed): the service is deployed for every covered collectivité."""

    topic: ClassVar[str] = "store:subscription:activated"


class SubscriptionSuspended(SubscriptionEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "store:subscription:suspended"


class SubscriptionTerminated(SubscriptionEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "store:subscription:terminated"


class SubscriptionPlanChanged(SubscriptionEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "store:subscription:plan_changed"
    from_plan: str
    to_plan: str
    yearly_ht_cents: int


EVENT_FOR_STATE: dict[str, type[SubscriptionEvent]] = {
    "pending_signature": SubscriptionRequested,
    "active": SubscriptionActivated,
    "suspended": SubscriptionSuspended,
    "terminated": SubscriptionTerminated,
}
