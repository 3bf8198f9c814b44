"""Audit rows and outbox events: written with the change, delivered once, after the commit."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.listings.events import (
    ListingChangesRequested,
    ListingEvent,
    ListingPublished,
    ListingRejected,
    ListingRetired,
    ListingSubmitted,
    ListingSuspended,
    ListingUpdated,
)
from catalogue.listings.schemas import ListingUpdate
from catalogue.listings.states import Action
from catalogue.listings.tables import Listing
from store.kit.errors import Conflict
from store.kit.tables import AuditEntry, OutboxEvent
from tests.support.catalogue import create_listing, make_cast

ALL_EVENTS: list[type[ListingEvent]] = [
    ListingSubmitted,
    ListingChangesRequested,
    ListingPublished,
    ListingRejected,
    ListingSuspended,
    ListingRetired,
    ListingUpdated,
]


def record_events(state: Any) -> list[tuple[str, ListingEvent, str]]:
    """Subscribe to every listing event; each delivery notes the listing's state read at that time."""
    seen: list[tuple[str, ListingEvent, str]] = []

    def handler_for(topic: str) -> Any:
        async def handle(event: ListingEvent) -> None:
            row = await Listing.select(Listing.state).where(Listing.slug == event.slug).first()
            seen.append((topic, event, row["state"] if row else "missing"))

        return handle

    for event_type in ALL_EVENTS:
        state.dispatcher.subscribe("test-recorder", event_type, handler_for(event_type.topic))
    return seen


async def test_each_transition_emits_one_event_delivered_after_commit(state) -> None:
    seen = record_events(state)
    cast = await make_cast(state)
    slug = await create_listing(state, cast)
    dev, curator = await cast.actor(state, "dev_a"), await cast.actor(state, "curator")
    steps = [
        (dev, Action.submit, "catalogue:listing:submitted", "submitted"),
        (curator, Action.request_changes, "catalogue:listing:changes_requested", "changes_requested"),
        (dev, Action.submit, "catalogue:listing:submitted", "submitted"),
        (curator, Action.approve, "catalogue:listing:published", "published"),
        (curator, Action.suspend, "catalogue:listing:suspended", "suspended"),
        (curator, Action.reinstate, "catalogue:listing:published", "published"),
        (dev, Action.retire, "catalogue:listing:retired", "retired"),
    ]
    for actor, action, topic, reached in steps:
        await state.listings.transition(actor, slug, action, "motif")
        await state.dispatcher.drain()
        assert [(t, s) for t, _, s in seen] == [(topic, reached)], "delivered once, with the committed state"
        event = seen[0][1]
        assert (event.slug, event.to_state, event.actor_id) == (slug, reached, actor.account_id)
        seen.clear()
        assert await state.dispatcher.drain() == 0, "never delivered twice"


async def test_the_reject_path_emits_listing_rejected(state) -> None:
    seen = record_events(state)
    cast = await make_cast(state)
    slug = await create_listing(state, cast)
    await state.listings.transition(await cast.actor(state, "dev_a"), slug, Action.submit)
    await state.listings.transition(await cast.actor(state, "curator"), slug, Action.reject, "Hors périmètre")
    await state.dispatcher.drain()
    assert [t for t, _, _ in seen] == ["catalogue:listing:submitted", "catalogue:listing:rejected"]


async def test_audit_rows_say_who_when_what_from_where_to_where_and_why(state) -> None:
    cast = await make_cast(state)
    slug = await create_listing(state, cast)
    dev, curator = await cast.actor(state, "dev_a"), await cast.actor(state, "curator")
    await state.listings.transition(dev, slug, Action.submit)
    await state.listings.transition(curator, slug, Action.reject, "  Service hors du périmètre du Store. ")
    rows = await AuditEntry.select().where(AuditEntry.subject_type == "listing").order_by(AuditEntry.id)
    assert [(r["action"], r["from_state"], r["to_state"], r["actor_id"]) for r in rows] == [
        ("catalogue:listing:create", None, "draft", dev.account_id),
        ("catalogue:listing:submit", "draft", "submitted", dev.account_id),
        ("catalogue:listing:reject", "submitted", "rejected", curator.account_id),
    ]
    assert rows[-1]["reason"] == "Service hors du périmètre du Store."
    assert rows[-1]["actor_label"] == "Curatrice"
    assert rows[-1]["at"] is not None


async def test_a_refused_move_writes_neither_audit_nor_event(state) -> None:
    cast = await make_cast(state)
    slug = await create_listing(state, cast)
    before = (await AuditEntry.count(), await OutboxEvent.count())
    with pytest.raises(Conflict):
        await state.listings.transition(await cast.actor(state, "curator"), slug, Action.approve)
    assert (await AuditEntry.count(), await OutboxEvent.count()) == before


async def test_edits_of_a_live_listing_emit_listing_updated_and_drafts_do_not(state) -> None:
    seen = record_events(state)
    cast = await make_cast(state)
    slug = await create_listing(state, cast)
    dev, curator = await cast.actor(state, "dev_a"), await cast.actor(state, "curator")
    await state.listings.update(dev, slug, ListingUpdate(pitch="Un résumé plus clair."))
    await state.dispatcher.drain()
    assert seen == []
    await state.listings.transition(dev, slug, Action.submit)
    await state.listings.transition(curator, slug, Action.approve)
    await state.dispatcher.drain()
    seen.clear()
    await state.listings.update(
        curator, slug, ListingUpdate(pitch="Corrigé par l'ANCT.", name="Conseil en ligne")
    )
    await state.listings.update(
        curator, slug, ListingUpdate(pitch="Corrigé par l'ANCT.")
    )  # no change: no event
    await state.dispatcher.drain()
    assert [(t, e.fields) for t, e, _ in seen] == [("catalogue:listing:updated", ("name", "pitch"))]
    audit = (
        await AuditEntry.select()
        .where(AuditEntry.action == "catalogue:listing:update")
        .order_by(AuditEntry.id)
    )
    assert len(audit) == 2
