"""Keeps the services index in step with the catalogue through the outbox.

Every listing event is handled the same way: read the listing's *current* state and upsert it (or
delete it when it no longer exists). The consumer is non-transactional (it talks to a search
engine), so it may run twice for one event; reading the current state makes that harmless, and a
crash between commit and indexing only delays the update until the event is delivered again. A
failed write raises, and the outbox retries it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from catalogue.listings.events import EVENT_FOR_STATE, ListingDraftChanged, ListingEvent, ListingUpdated
from search.documents import ServiceDocument
from search.service import SearchService
from store.kit.outbox import Dispatcher

log = logging.getLogger("search.indexer")

CONSUMER = "search-indexer"
ListingLoader = Callable[[str], Awaitable[ServiceDocument | None]]
"""Listing id → its index document, ``None`` when the listing no longer exists."""

LISTING_EVENTS: tuple[type[ListingEvent], ...] = (
    *EVENT_FOR_STATE.values(),
    ListingUpdated,
    ListingDraftChanged,
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

    def subscribe(self, dispatcher: Dispatcher, consumer: str = CONSUMER) -> None:
        for event_type in LISTING_EVENTS:
            dispatcher.subscribe(consumer, event_type, self.handle, transactional=False)
