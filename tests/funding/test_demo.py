"""The funding demo: the plan's three axes, guichets, calls and applications at every stage; a
second run changes nothing; selections asked for before the tree existed are reserved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalogue.funding.demo import seed_funding_demo
from catalogue.votes.events import FundingReservationRequested
from tests.funding.support import M


async def test_the_demo_sets_up_the_plan(state: Any) -> None:
    async with state.uow() as work:  # the consultation's seed ran first
        work.emit(
            FundingReservationRequested(
                idempotency_key="selection:demo-1",
                envelope_code="relance-axe-1",
                amount_cents=2 * M,
                consultation_id=1,
                proposal_id=1,
                decision_id=1,
                title="Orientation des usagers",
                decided_at=dt.datetime(2021, 5, 3, tzinfo=dt.UTC),
            )
        )
    await state.dispatcher.drain()  # refused: no envelope yet (the event stays failed, visible)
    created = await seed_funding_demo(state)
    assert created["envelopes"] == 14
    assert created["reservations"] == 1
    assert created["applications"] == 5
    tree = {r.code: r for r in await state.funding.tree()}
    assert tree["relance"].figures.allocated == 88 * M
    assert [tree[f"relance-axe-{n}"].figures.allocated for n in (1, 2, 3)] == [30 * M, 24 * M, 34 * M]
    assert tree["relance-axe-1"].figures.reserved == 2 * M
    assert tree["guichet-63"].figures.allocated == 297_000_00
    assert tree["relance-axe-2"].figures.committed == 400_000_00
    assert tree["relance-axe-2"].figures.consumed == 120_000_00
    assert tree["guichet-01"].figures.committed == 16_000_00
    states = []
    for call in await state.funding.list_calls():
        states += [a.state for a in await state.funding.call_applications(None, call.id)]
    states.sort()
    assert states == ["awarded", "awarded", "declined", "eligible", "in_review"]

    again = await seed_funding_demo(state)
    assert again.get("envelopes") is None
    assert again.get("applications") is None
    assert again["reservations"] == 0
    assert {r.code: r for r in await state.funding.tree()}["relance"].figures == tree["relance"].figures
