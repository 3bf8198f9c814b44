"""Listing events, delivered after commit through the outbox.

Every state change emits one event named after the state it reached; an edit of a live listing
(published or suspended) emits ``ListingUpdated``. The payload is small on purpose: consumers
(the search indexer) read the listing again from the database by ``listing_id``.

Visibility for indexers: after ``ListingPublished`` the listing is public; after
``ListingSuspended``, ``ListingRetired`` it is not; ``ListingUpdated`` on a published listing means
"re-index it". Drafts and reviews (submitted, changes requested, rejected) are never public.
"""

from __future__ import annotations

from typing import ClassVar

from store.kit.events import DomainEvent


class ListingEvent(DomainEvent, frozen=True, kw_only=True):
    listing_id: str
    slug: str
    publisher_siren: str
    from_state: str | None
    to_state: str
    actor_id: str | None = None


class ListingSubmitted(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:submitted"


class ListingChangesRequested(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:changes_requested"


class ListingPublished(ListingEvent, frozen=True, kw_only=True):
    """Approved by a curator (from ``submitted``) or reinstated (from ``suspended``)."""

    topic: ClassVar[str] = "catalogue:listing:published"


class ListingRejected(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:rejected"


class ListingSuspended(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:suspended"


class ListingRetired(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:retired"


class ListingUpdated(ListingEvent, frozen=True, kw_only=True):
    """A published or suspended listing was edited; ``fields`` names what changed."""

    topic: ClassVar[str] = "catalogue:listing:updated"
    fields: tuple[str, ...] = ()


class ListingDraftChanged(ListingEvent, frozen=True, kw_only=True):
    """A listing that is not live (draft, under review…) was created or edited, or its pilots
    changed: nothing public changes, but curators' search re-reads it."""

    topic: ClassVar[str] = "catalogue:listing:draft_changed"
    fields: tuple[str, ...] = ()


EVENT_FOR_STATE: dict[str, type[ListingEvent]] = {
    "submitted": ListingSubmitted,
    "changes_requested": ListingChangesRequested,
    "published": ListingPublished,
    "rejected": ListingRejected,
    "suspended": ListingSuspended,
    "retired": ListingRetired,
}
"""The event a transition emits, by the state it reaches."""
