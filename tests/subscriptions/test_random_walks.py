"""Random walks through the life cycle: whoever tries whatever, in whatever order, the subscription
only takes legal moves, and its priced history stays coherent (one open segment exactly while
active, segments in order and never overlapping; live coverage exactly while live)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.kit.errors import Conflict, DomainError, Forbidden, NotFound
from store.subscriptions.reference import LIVE_STATES
from store.subscriptions.schemas import ChangePlanIn
from store.subscriptions.tables import Subscription, SubscriptionCoverage
from tests.subscriptions.support import Cast, key, make_cast, publish_listing, request

WHO = ("agent", "signer", "curator", "other_signer")
ACTIONS = ("sign", "reject", "change_plan", "suspend", "resume", "terminate")
SOURCES = {
    "sign": {"pending_signature"},
    "reject": {"requested", "pending_signature"},
    "change_plan": {"active"},
    "suspend": {"active"},
    "resume": {"suspended"},
    "terminate": {"active", "suspended"},
}
TARGET = {"sign": "active", "reject": "rejected", "change_plan": "active", "suspend": "suspended",
          "resume": "active", "terminate": "terminated"}  # fmt: skip
SIGNER_ONLY = {"sign", "change_plan"}


def expected(state: str, suspended_by: str | None, action: str, who: str) -> str | type[DomainError]:
    if who == "other_signer":
        return NotFound
    if (who == "agent" and action != "reject") or (who == "curator" and action in SIGNER_ONLY):
        return Forbidden
    if state not in SOURCES[action]:
        return Conflict
    if action == "resume" and suspended_by == "curator" and who == "signer":
        return Forbidden
    return TARGET[action]


async def attempt(state: Any, actor: Any, action: str, sub_id: str, plan: int) -> Any:
    service = state.subscriptions
    if action == "change_plan":
        return await service.change_plan(actor, sub_id, ChangePlanIn(plan_index=plan), key=key())
    if action in ("sign", "resume"):
        return await getattr(service, action)(actor, sub_id, key=key())
    return await getattr(service, action)(actor, sub_id, "motif", key=key())


_casts: dict[int, Cast] = {}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(WHO), st.sampled_from(ACTIONS)), max_size=14))
async def test_random_walks_follow_the_model(state: Any, steps: list[tuple[str, str]]) -> None:
    if id(state) not in _casts:
        _casts[id(state)] = await make_cast(state)
    cast = _casts[id(state)]
    slug = await publish_listing(cast, slug=f"service-aleatoire-{await Subscription.count()}", plugin_id=None)
    day = dt.date(2026, 5, 1)
    state.subscriptions.today = lambda: day
    signer = await cast.actor("signer")
    sub = await state.subscriptions.request(signer, request(slug), key=key())
    model, suspended_by, plan = "pending_signature", None, 1
    for step, (who, action) in enumerate(steps, start=1):
        day = dt.date(2026, 5, 1) + dt.timedelta(days=step)
        state.subscriptions.today = lambda day=day: day
        outcome = expected(model, suspended_by, action, who)
        actor = await cast.actor(who)
        new_plan = 3 if plan == 1 else 1
        if isinstance(outcome, str):
            view = await attempt(state, actor, action, sub.id, new_plan)
            assert view.state == outcome
            if action == "suspend":
                suspended_by = "curator" if who == "curator" else "collectivite"
            if action == "change_plan":
                plan = new_plan
            model = outcome
        else:
            with pytest.raises(outcome):
                await attempt(state, actor, action, sub.id, new_plan)
        await check_history(state, sub.id, model, plan)


async def check_history(state: Any, sub_id: str, model: str, plan: int) -> None:
    row = await state.subscriptions.repo.get(sub_id)
    assert row["state"] == model
    assert row["plan_position"] == plan
    segments = await state.subscriptions.repo.segments(row["id"])
    assert len([s for s in segments if s["ends_on"] is None]) == (1 if model == "active" else 0)
    for before, after in itertools.pairwise(segments):
        assert before["ends_on"] is not None
        assert before["starts_on"] <= before["ends_on"] <= after["starts_on"]
    live = await SubscriptionCoverage.select(SubscriptionCoverage.live).where(
        SubscriptionCoverage.subscription == row["id"]
    )
    assert {r["live"] for r in live} == {model in LIVE_STATES}
