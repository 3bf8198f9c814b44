from __future__ import annotations

import datetime as dt

import pytest

from catalogue.needs.phases import PHASE_ORDER, Window, contiguous_windows, is_contiguous, move_end
from catalogue.needs.schemas import ConsultationCreate, PhaseInput, PhaseUpdate
from store.kit.errors import Conflict, Forbidden, InvalidInput
from tests.support.consultations import (
    BOURG,
    advance_to,
    agent_actor,
    clock_of,
    contribute,
    curator_actor,
    open_consultation,
)

T0 = dt.datetime(2021, 1, 25, tzinfo=dt.UTC)


def test_moving_an_end_moves_the_next_start_and_keeps_phases_contiguous() -> None:
    windows = contiguous_windows(T0, [T0 + dt.timedelta(days=10 * (i + 1)) for i in range(7)])
    moved = move_end(windows, "vote", T0 + dt.timedelta(days=35))
    assert is_contiguous(moved)
    assert moved[2] == Window("vote", T0 + dt.timedelta(days=20), T0 + dt.timedelta(days=35))
    assert moved[3].starts_at == T0 + dt.timedelta(days=35)
    with pytest.raises(ValueError, match="finirait avant de commencer"):
        move_end(windows, "vote", T0 + dt.timedelta(days=45))
    with pytest.raises(ValueError, match="doit finir après son début"):
        contiguous_windows(T0, [T0] * 7)


async def test_exactly_one_phase_is_active_and_only_the_next_one_can_follow(state) -> None:
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    view = await state.consultations.get(cid)
    assert [p.kind for p in view.phases if p.active] == ["collecte"]
    assert view.allowed_actions == ["contribute", "see_votes"]
    with pytest.raises(Conflict, match="phase suivante"):
        await state.consultations.advance(curator, cid, "vote")
    await advance_to(state, curator, cid, "vote")
    view = await state.consultations.get(cid)
    assert [p.kind for p in view.phases if p.active] == ["vote"]
    # The switch recorded the real boundaries: still contiguous.
    assert all(a.ends_at == b.starts_at for a, b in zip(view.phases, view.phases[1:], strict=False))
    assert view.phases[1].starts_at == view.phases[0].ends_at


async def test_the_database_refuses_a_second_active_phase(state) -> None:
    from catalogue.needs.tables import Phase

    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    with pytest.raises(Exception, match=r"(?i)unique"):
        await Phase.update({Phase.active: True}).where((Phase.consultation == cid) & (Phase.kind == "vote"))


async def test_a_phase_past_its_end_refuses_its_actions_until_moved(state) -> None:
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator, days=10)
    agent = await agent_actor(state, "a@bourg.fr", BOURG)
    clock_of(state).tick(days=12)
    with pytest.raises(Conflict, match="close depuis le"):
        await contribute(state, agent, cid, BOURG, "Un besoin tardif")
    view = await state.consultations.get(cid)
    await state.consultations.update_phase(
        curator, cid, "collecte", PhaseUpdate(ends_at=view.phases[0].ends_at + dt.timedelta(days=5))
    )
    assert await contribute(state, agent, cid, BOURG, "Un besoin rattrapé")


async def test_phase_settings_are_data(state) -> None:
    from catalogue.needs.phases import PhaseSettings

    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    agent = await agent_actor(state, "a@bourg.fr", BOURG)
    await state.consultations.update_phase(curator, cid, "collecte", PhaseUpdate(settings=PhaseSettings()))
    with pytest.raises(Conflict, match="qui ne le permet pas"):
        await contribute(state, agent, cid, BOURG, "Un besoin")


async def test_only_curators_manage_consultations(state) -> None:
    curator = await curator_actor(state)
    agent = await agent_actor(state, "a@bourg.fr", BOURG)
    cid = await open_consultation(state, curator)
    with pytest.raises(Forbidden):
        await state.consultations.advance(agent, cid, "regroupement")
    with pytest.raises(Forbidden):
        await state.consultations.update_phase(agent, cid, "collecte", PhaseUpdate())


async def test_creation_rejects_phases_out_of_order(state) -> None:
    curator = await curator_actor(state)
    kinds = [k.value for k in PHASE_ORDER]
    kinds[1], kinds[2] = kinds[2], kinds[1]
    with pytest.raises(InvalidInput, match="dans l'ordre"):
        await state.consultations.create(
            curator,
            ConsultationCreate(
                slug="desordre",
                title="Désordre",
                starts_at=T0,
                phases=[
                    PhaseInput(kind=k, ends_at=T0 + dt.timedelta(days=i + 1)) for i, k in enumerate(kinds)
                ],
            ),
        )
