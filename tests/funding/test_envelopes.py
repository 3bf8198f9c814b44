"""The envelope tree on the ledger: a node never hands out more than it received, the figures add
up at every level, and a committee selection reserves its amount through the outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from catalogue.funding.schemas import AmountIn, EnvelopeIn, ReservationCommitIn
from catalogue.votes.events import FundingReservationRequested
from store.kit.errors import Conflict, InvalidInput, NotFound
from tests.funding.support import M, build_plan, key


def by_code(rows: list[Any]) -> dict[str, Any]:
    return {r.code: r for r in rows}


async def test_the_plan_tree_and_its_figures(state: Any) -> None:
    await build_plan(state.funding)
    rows = await state.funding.tree()
    assert [r.code for r in rows] == [
        "relance",
        "relance-axe-1",
        "relance-axe-2",
        "relance-axe-3",
        "guichet-01",
        "labo-01",
        "guichet-69",
    ]
    tree = by_code(rows)
    assert tree["relance"].figures.allocated == 88 * M
    assert tree["relance"].delegated == 88 * M
    assert tree["relance"].own.available == 0
    assert tree["relance-axe-3"].figures.allocated == 34 * M
    assert tree["relance-axe-3"].own.available == 31 * M  # 3 M€ delegated to two guichets
    assert tree["guichet-01"].own.available == M - M // 4
    assert tree["labo-01"].departement == "01"  # a share inherits its guichet's département
    for row in rows:
        f = row.figures
        assert f.allocated == f.reserved + f.committed + f.available, row.code


async def test_a_node_never_allocates_more_than_it_holds(state: Any) -> None:
    await build_plan(state.funding)
    with pytest.raises(Conflict) as refused:
        await state.funding.allocate(None, "labo-01", AmountIn(amount_cents=M), key=key())
    assert refused.value.code == "envelope_exhausted"
    assert "guichet-01" in refused.value.detail
    # Exactly what is left passes; a cent more does not.
    await state.funding.allocate(None, "labo-01", AmountIn(amount_cents=M - M // 4), key=key())
    with pytest.raises(Conflict):
        await state.funding.allocate(None, "labo-01", AmountIn(amount_cents=1), key=key())
    tree = by_code(await state.funding.tree())
    assert tree["guichet-01"].own.available == 0
    assert tree["labo-01"].figures.allocated == M


async def test_the_same_key_allocates_once(state: Any) -> None:
    await build_plan(state.funding)
    once = key()
    for _ in range(3):
        await state.funding.allocate(None, "guichet-69", AmountIn(amount_cents=M), key=once)
    assert by_code(await state.funding.tree())["guichet-69"].figures.allocated == 3 * M


async def test_tree_shape_is_checked(state: Any) -> None:
    await build_plan(state.funding)
    with pytest.raises(InvalidInput):
        await state.funding.create_envelope(
            None, EnvelopeIn(code="orphan", label="Axe sans plan", kind="axe")
        )
    with pytest.raises(NotFound):
        await state.funding.create_envelope(
            None, EnvelopeIn(code="lost", label="Axe perdu", kind="axe", parent_code="nowhere")
        )
    with pytest.raises(Conflict):
        await state.funding.create_envelope(
            None, EnvelopeIn(code="relance-axe-1", label="Doublon", kind="axe", parent_code="relance")
        )
    with pytest.raises(Conflict):
        await state.funding.fund(None, "relance-axe-1", AmountIn(amount_cents=M), key=key())


async def test_a_selection_reserves_its_funding_through_the_outbox(state: Any) -> None:
    await build_plan(state.funding)
    event = FundingReservationRequested(
        idempotency_key="selection:42",
        envelope_code="relance-axe-1",
        amount_cents=3 * M,
        consultation_id=1,
        proposal_id=7,
        decision_id=42,
        title="Orientation des usagers",
        decided_at=dt.datetime(2026, 5, 3, tzinfo=dt.UTC),
    )
    async with state.uow() as work:
        work.emit(event)
        work.emit(event)  # delivered twice: reserved once
    await state.dispatcher.drain()
    axis = by_code(await state.funding.tree())["relance-axe-1"]
    assert axis.figures.reserved == 3 * M
    assert axis.own.available == 27 * M
    # Beyond what the axis holds, the reservation is refused (the outbox keeps the event failed).
    with pytest.raises(Conflict):
        await state.funding.reserve(
            envelope_code="relance-axe-1",
            amount_cents=28 * M,
            idempotency_key="selection:43",
            reference="proposal:8",
            label="Trop gros",
        )


async def test_a_reservation_is_committed_in_part_or_released(state: Any) -> None:
    await build_plan(state.funding)
    for n in (1, 2):
        await state.funding.reserve(
            envelope_code="relance-axe-1",
            amount_cents=3 * M,
            idempotency_key=f"selection:{n}",
            reference=f"proposal:{n}",
            label=f"Projet {n}",
        )
    first, second = await state.funding.reservations(None)
    once = key()
    for _ in range(2):  # the same request twice commits once
        done = await state.funding.commit_reservation(
            None, first.id, ReservationCommitIn(amount_cents=2 * M), key=once
        )
    assert (done.state, done.committed_cents) == ("committed", 2 * M)
    released = await state.funding.release_reservation(None, second.id, key=key())
    assert released.state == "released"
    with pytest.raises(Conflict):
        await state.funding.commit_reservation(
            None, second.id, ReservationCommitIn(amount_cents=M), key=key()
        )
    axis = by_code(await state.funding.tree())["relance-axe-1"].figures
    assert (axis.reserved, axis.committed, axis.available) == (0, 2 * M, 28 * M)
