"""Keeps the services index in step with the catalogue through the outbox.

Every listing event is handled the same way: read the listing's *current* state and upsert it (or
delete it when it no longer exists). The consumer is non-transactional (it talks to a search
engine), so it may run twice for one event; reading the current state makes that harmless, and a
crash between commit and indexing only delays the update until the event is delivered again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import ClassVar

from search.documents import ServiceDocument
from search.service import SearchService
from store.kit.events import DomainEvent
from store.kit.outbox import Dispatcher

log = logging.getLogger("search.indexer")

CONSUMER = "search-indexer"
ListingLoader = Callable[[str], Awaitable[ServiceDocument | None]]
"""Listing id → its index document, ``None`` when the listing no longer exists."""


class ListingEvent(DomainEvent, frozen=True, kw_only=True):
    """What the indexer needs from any listing event (other fields are ignored)."""

    listing_id: str
    slug: str = ""


class ListingPublished(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:published"


class ListingUpdated(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:updated"


class ListingSuspended(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:suspended"


class ListingRetired(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:retired"


class ListingSubmitted(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:submitted"


class ListingRejected(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:rejected"


class ListingChangesRequested(ListingEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "catalogue:listing:changes_requested"


LISTING_EVENTS: tuple[type[ListingEvent], ...] = (
    ListingPublished,
    ListingUpdated,
    ListingSuspended,
    ListingRetired,
    ListingSubmitted,
    ListingRejected,
    ListingChangesRequested,
)


class ServiceIndexer:
    def __init__(self, search: SearchService, load: ListingLoader) -> None:
        self.search = search
        self.load = load

    async def handle(self, event: ListingEvent) -> None:
        document = await self.load(event.listing_id)
        if document is None:
            await self.search.unindex_services([event.listing_id])
            return
        await self.search.index_services([document])

    def subscribe(self, dispatcher: Dispatcher) -> None:
        for event_type in LISTING_EVENTS:
            dispatcher.subscribe(CONSUMER, event_type, self.handle, transactional=False)
