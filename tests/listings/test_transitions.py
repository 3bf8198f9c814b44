"""Every action, from every state, by every kind of caller, through the service.

Expected outcome, in this order: 404 when the caller cannot see the listing (not published and not
theirs), 403 when the caller's role may not take this action, 409 when the action is illegal in
this state, otherwise the move happens with exactly one audit row and one outbox event.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.listings.states import TRANSITIONS, Action, State
from catalogue.listings.tables import Listing
from store.kit.auth import ANONYMOUS, Actor
from store.kit.errors import Conflict, DomainError, Forbidden, NotFound
from store.kit.tables import AuditEntry, OutboxEvent
from tests.support.catalogue import Cast, create_listing, make_cast

PATHS: dict[State, list[tuple[str, Action]]] = {
    State.draft: [],
    State.submitted: [("dev_a", Action.submit)],
    State.changes_requested: [("dev_a", Action.submit), ("curator", Action.request_changes)],
    State.published: [("dev_a", Action.submit), ("curator", Action.approve)],
    State.suspended: [("dev_a", Action.submit), ("curator", Action.approve), ("curator", Action.suspend)],
    State.retired: [("dev_a", Action.submit), ("curator", Action.approve), ("curator", Action.retire)],
    State.rejected: [("dev_a", Action.submit), ("curator", Action.reject)],
}
CALLERS = ("dev_a", "dev_b", "curator", "agent", "anonymous")
CALLER_ROLE = {"dev_a": "publisher", "curator": "curator"}


async def listing_in(state: Any, cast: Cast, target: State, slug: str) -> str:
    await create_listing(state, cast, slug)
    for who, action in PATHS[target]:
        await state.listings.transition(await cast.actor(state, who), slug, action, "motif de test")
    return slug


async def caller(state: Any, cast: Cast, who: str) -> Actor:
    return ANONYMOUS if who == "anonymous" else await cast.actor(state, who)


def expected(source: State, action: Action, who: str) -> type[DomainError] | State:
    visible = source == State.published or who in CALLER_ROLE
    if not visible:
        return NotFound
    transition = TRANSITIONS[action]
    if CALLER_ROLE.get(who) not in transition.roles:
        return Forbidden
    if source not in transition.sources:
        return Conflict
    return transition.target


async def counts() -> tuple[int, int]:
    return await AuditEntry.count(), await OutboxEvent.count()


@pytest.mark.parametrize("source", list(State))
@pytest.mark.parametrize("action", list(Action))
async def test_action_from_state_by_every_caller(state, source: State, action: Action) -> None:
    cast = await make_cast(state)
    for index, who in enumerate(CALLERS):
        slug = await listing_in(state, cast, source, f"service-{index}")
        outcome = expected(source, action, who)
        before = await counts()
        if isinstance(outcome, State):
            view = await state.listings.transition(await caller(state, cast, who), slug, action, "motif")
            assert view.state == outcome, (source, action, who)
            assert await counts() == (before[0] + 1, before[1] + 1), "one audit row and one event"
        else:
            with pytest.raises(outcome):
                await state.listings.transition(await caller(state, cast, who), slug, action, "motif")
            assert await counts() == before, "a refused move writes nothing"
            insider = await cast.actor(state, "curator")
            assert (await state.listings.get(insider, slug)).state == source


@pytest.mark.parametrize(
    ("source", "action", "who"),
    [
        (State.submitted, Action.request_changes, "curator"),
        (State.submitted, Action.reject, "curator"),
        (State.published, Action.suspend, "curator"),
        (State.published, Action.retire, "curator"),
        (State.suspended, Action.retire, "curator"),
    ],
)
async def test_a_curators_negative_decision_needs_a_reason(state, source, action, who) -> None:
    cast = await make_cast(state)
    slug = await listing_in(state, cast, source, "service-motif")
    before = await counts()
    for blank in ("", "   \n"):
        with pytest.raises(DomainError) as error:
            await state.listings.transition(await cast.actor(state, who), slug, action, blank)
        assert error.value.status == 422
        assert error.value.code == "reason_required"
    assert await counts() == before


async def test_a_publisher_retires_its_own_listing_without_a_reason(state) -> None:
    cast = await make_cast(state)
    slug = await listing_in(state, cast, State.published, "service-retrait")
    view = await state.listings.transition(await cast.actor(state, "dev_a"), slug, Action.retire)
    assert view.state == State.retired


async def test_changes_requested_goes_back_to_review_and_keeps_the_reason_for_the_publisher(state) -> None:
    cast = await make_cast(state)
    slug = await listing_in(state, cast, State.submitted, "service-corrige")
    curator, dev = await cast.actor(state, "curator"), await cast.actor(state, "dev_a")
    await state.listings.transition(curator, slug, Action.request_changes, "Précisez les tarifs.")
    mine = await state.listings.mine(dev)
    assert [(m.state, m.review_note) for m in mine] == [("changes_requested", "Précisez les tarifs.")]
    await state.listings.transition(dev, slug, Action.submit)
    published = await state.listings.transition(curator, slug, Action.approve)
    assert published.state == State.published
    assert published.review_note is None
    assert published.published_at is not None


_casts: dict[int, Cast] = {}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(CALLERS), st.sampled_from(list(Action))), max_size=12))
async def test_random_walks_through_the_service_follow_the_model(state, steps) -> None:
    """Whatever callers try, in whatever order, the listing only ever takes legal moves, and each
    move (and only a move) leaves one audit row and one event."""
    if id(state) not in _casts:
        _casts[id(state)] = await make_cast(state)
    cast = _casts[id(state)]
    slug = f"service-aleatoire-{await Listing.count()}"
    await create_listing(state, cast, slug)
    model, before = State.draft, await counts()
    moves = 0
    for who, action in steps:
        outcome = expected(model, action, who)
        actor = await caller(state, cast, who)
        if isinstance(outcome, State):
            view = await state.listings.transition(actor, slug, action, "motif")
            assert view.state == outcome
            model, moves = outcome, moves + 1
        else:
            with pytest.raises(outcome):
                await state.listings.transition(actor, slug, action, "motif")
    assert await counts() == (before[0] + moves, before[1] + moves)
