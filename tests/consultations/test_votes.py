from __future__ import annotations

import asyncio
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.needs.schemas import ProposalUpdate
from catalogue.votes.tables import ProposalTally, Support
from store.kit.errors import Conflict, Forbidden, NotFound
from tests.support.consultations import (
    AMBERIEU,
    BOURG,
    CA_BOURG,
    PERONNAS,
    RENNES,
    RENNES_METRO,
    VIRIAT,
    advance_to,
    agent_actor,
    clock_of,
    ready_to_vote,
)


async def live_count(consultation_id: int, voter: str) -> int:
    return await Support.count().where(
        (Support.consultation_id == consultation_id)
        & (Support.voter == voter)
        & Support.withdrawn_at.is_null()
    )


async def test_parallel_supports_from_one_collectivite_end_with_one(state) -> None:
    _, cid, proposals = await ready_to_vote(state)
    clicks = [await agent_actor(state, f"agent{i}@bourg.fr", BOURG) for i in range(3)]
    outcomes = await asyncio.gather(
        *[state.supports.support(clicks[i % 3], proposals[0], BOURG) for i in range(8)],
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(isinstance(o, Conflict) and o.code == "already_supported" for o in refused), refused
    assert await live_count(cid, BOURG) == 1
    tally = await ProposalTally.select().where(ProposalTally.proposal_id == proposals[0]).first()
    assert tally["supports"] == 1


async def test_parallel_supports_over_the_limit_end_with_exactly_the_limit(state) -> None:
    _, cid, proposals = await ready_to_vote(state, proposals=6, vote_limit=2)
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    outcomes = await asyncio.gather(
        *[state.supports.support(agent, p, BOURG) for p in proposals], return_exceptions=True
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 2
    refused = [o for o in outcomes if isinstance(o, BaseException)]
    assert {o.code for o in refused if isinstance(o, Conflict)} == {"vote_limit_reached"}
    assert len(refused) == 4
    assert await live_count(cid, BOURG) == 2


async def test_concurrent_http_clicks_get_a_clear_french_409(client, state) -> None:
    from tests.support.people import csrf_headers, make_agent, sign_in

    _, cid, proposals = await ready_to_vote(state)
    persona = await make_agent(state, "clic@bourg.fr", BOURG)
    await sign_in(client, persona)
    headers = await csrf_headers(client)
    url = f"/api/v1/consultations/{cid}/proposals/{proposals[0]}/supports"
    responses = await asyncio.gather(
        *[client.post(url, json={"voter_siren": BOURG}, headers=headers) for _ in range(5)]
    )
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409, 409]
    conflict = next(r for r in responses if r.status_code == 409).json()
    assert conflict["code"] == "already_supported"
    assert conflict["detail"] == "Votre collectivité soutient déjà cette proposition."


async def test_the_limit_counts_per_collectivite_and_withdrawing_frees_a_vote(state) -> None:
    _, _, proposals = await ready_to_vote(state, proposals=3, vote_limit=2)
    bourg = await agent_actor(state, "agent@bourg.fr", BOURG)
    other = await agent_actor(state, "agent2@bourg.fr", BOURG)
    await state.supports.support(bourg, proposals[0], BOURG)
    ballot = await state.supports.support(other, proposals[1], BOURG)  # another agent, same voter
    assert (ballot.used, ballot.remaining) == (2, 0)
    with pytest.raises(Conflict, match="ses 2 soutiens") as refused:
        await state.supports.support(bourg, proposals[2], BOURG)
    assert refused.value.code == "vote_limit_reached"
    ballot = await state.supports.withdraw(bourg, proposals[0], BOURG)
    assert ballot.remaining == 1
    ballot = await state.supports.support(bourg, proposals[2], BOURG)
    assert sorted(ballot.supported_proposal_ids) == sorted([proposals[1], proposals[2]])
    # Another collectivité has its own limit.
    amberieu = await agent_actor(state, "agent@amberieu.fr", AMBERIEU)
    assert (await state.supports.support(amberieu, proposals[0], AMBERIEU)).used == 1
    with pytest.raises(NotFound):
        await state.supports.withdraw(amberieu, proposals[1], AMBERIEU)


async def test_an_agent_cannot_vote_for_another_collectivite(state) -> None:
    _, _, proposals = await ready_to_vote(state)
    bourg = await agent_actor(state, "agent@bourg.fr", BOURG)
    with pytest.raises(Forbidden) as refused:
        await state.supports.support(bourg, proposals[0], AMBERIEU)
    assert refused.value.code == "not_your_collectivite"
    with pytest.raises(Forbidden):
        await state.supports.support(bourg, proposals[0], CA_BOURG)  # not even its own EPCI


async def test_votes_outside_the_vote_phase_are_refused(state) -> None:
    curator, cid, proposals = await ready_to_vote(state)
    bourg = await agent_actor(state, "agent@bourg.fr", BOURG)
    await state.supports.support(bourg, proposals[0], BOURG)
    clock_of(state).tick(days=30)  # past the vote phase's end date
    with pytest.raises(Conflict, match="close depuis"):
        await state.supports.support(bourg, proposals[1], BOURG)
    with pytest.raises(Conflict, match="close depuis"):
        await state.supports.withdraw(bourg, proposals[0], BOURG)
    view = await state.consultations.get(cid)
    import datetime as dt

    from catalogue.needs.schemas import PhaseUpdate

    await state.consultations.update_phase(
        curator, cid, "vote", PhaseUpdate(ends_at=clock_of(state)() + dt.timedelta(days=1))
    )
    await state.supports.support(bourg, proposals[1], BOURG)
    await advance_to(state, curator, cid, "selection")
    with pytest.raises(Conflict, match="phase « Sélection »") as refused:
        await state.supports.support(bourg, proposals[2], BOURG)
    assert refused.value.code == "phase_closed"
    assert view.active_phase == "vote"


async def test_votes_blocked_freezes_supports_and_withdrawn_proposals_take_none(state) -> None:
    from catalogue.needs.phases import PhaseSettings
    from catalogue.needs.schemas import PhaseUpdate

    curator, cid, proposals = await ready_to_vote(state)
    bourg = await agent_actor(state, "agent@bourg.fr", BOURG)
    await state.consultations.update_phase(
        curator, cid, "vote", PhaseUpdate(settings=PhaseSettings(votes_enabled=True, votes_blocked=True))
    )
    with pytest.raises(Conflict, match="qui ne le permet pas"):
        await state.supports.support(bourg, proposals[0], BOURG)
    await state.consultations.update_phase(
        curator, cid, "vote", PhaseUpdate(settings=PhaseSettings(votes_enabled=True, curation_enabled=True))
    )
    await state.regroupement.update_proposal(curator, proposals[0], ProposalUpdate(state="withdrawn"))
    with pytest.raises(NotFound):
        await state.supports.support(bourg, proposals[0], BOURG)


async def test_minimum_votes_keep_supports_temporary_until_reached(state) -> None:
    curator, cid, proposals = await ready_to_vote(state, proposals=3, minimum_votes_per_voter=2)
    bourg = await agent_actor(state, "agent@bourg.fr", BOURG)
    assert (await state.supports.support(bourg, proposals[0], BOURG)).temporary
    assert (await state.results.results(curator, cid)).supports == 0
    assert not (await state.supports.support(bourg, proposals[1], BOURG)).temporary
    assert (await state.results.results(curator, cid)).supports == 2
    assert (await state.supports.withdraw(bourg, proposals[1], BOURG)).temporary
    assert (await state.results.results(curator, cid)).supports == 0


async def test_threshold_caps_a_proposal_when_accumulation_is_off(state) -> None:
    _, _, proposals = await ready_to_vote(
        state, threshold_per_proposal=1, can_accumulate_beyond_threshold=False
    )
    bourg = await agent_actor(state, "agent@bourg.fr", BOURG)
    amberieu = await agent_actor(state, "agent@amberieu.fr", AMBERIEU)
    await state.supports.support(bourg, proposals[0], BOURG)
    with pytest.raises(Conflict, match="seuil") as refused:
        await state.supports.support(amberieu, proposals[0], AMBERIEU)
    assert refused.value.code == "threshold_reached"


async def test_results_deduplicate_population_by_departement_and_kind(state) -> None:
    _, cid, proposals = await ready_to_vote(state)
    voters = {
        BOURG: "a@bourg.fr",
        VIRIAT: "a@viriat.fr",
        CA_BOURG: "a@ca-bourg.fr",
        RENNES: "a@rennes.fr",
        RENNES_METRO: "a@rennes-metropole.fr",
    }
    for siren, email in voters.items():
        agent = await agent_actor(state, email, siren)
        await state.supports.support(agent, proposals[0], siren)
    from store.registry.tables import Collectivite

    pop = {
        r["siren"]: r["population"]
        for r in await Collectivite.select(Collectivite.siren, Collectivite.population).where(
            Collectivite.siren.is_in([*voters, PERONNAS])
        )
    }
    results = await state.results.results(None, cid)
    first = results.proposals[0]
    assert first.supports == 5
    # The CA covers Bourg and Viriat: its population counts once; same for Rennes in its Métropole.
    assert first.population == pop[CA_BOURG] + pop[RENNES_METRO]
    by_dep = {b.key: b for b in first.by_departement}
    assert (by_dep["01"].supports, by_dep["01"].population) == (3, pop[CA_BOURG])
    assert (by_dep["35"].supports, by_dep["35"].population) == (2, pop[RENNES_METRO])
    by_kind = {b.key: b for b in first.by_kind}
    assert (by_kind["commune"].supports, by_kind["commune"].population) == (
        3,
        pop[BOURG] + pop[VIRIAT] + pop[RENNES],
    )
    assert by_kind["epci"].population == pop[CA_BOURG] + pop[RENNES_METRO]


async def test_votes_hidden_hides_public_results_not_from_curators(client, state) -> None:
    from catalogue.needs.phases import PhaseSettings
    from catalogue.needs.schemas import PhaseUpdate

    curator, cid, _ = await ready_to_vote(state)
    assert (await client.get(f"/api/v1/consultations/{cid}/results")).status_code == 200
    await state.consultations.update_phase(
        curator, cid, "vote", PhaseUpdate(settings=PhaseSettings(votes_enabled=True, votes_hidden=True))
    )
    response = await client.get(f"/api/v1/consultations/{cid}/results")
    assert response.status_code == 403
    assert response.json()["code"] == "votes_hidden"
    assert (await state.results.results(curator, cid)).supports == 0


_counter = itertools.count()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["support", "withdraw"]), st.integers(0, 1), st.integers(0, 3)),
        min_size=1,
        max_size=14,
    )
)
async def test_random_supports_and_withdrawals_never_exceed_the_limit(state, steps) -> None:
    curator, cid, proposals = await ready_to_vote(
        state, proposals=4, vote_limit=2, slug=f"prop-{next(_counter)}"
    )
    sirens = [BOURG, AMBERIEU]
    agents = [await agent_actor(state, f"h{next(_counter)}@x.fr", s) for s in sirens]
    model: dict[str, set[int]] = {s: set() for s in sirens}
    for action, who, which in steps:
        siren, proposal = sirens[who], proposals[which]
        try:
            if action == "support":
                await state.supports.support(agents[who], proposal, siren)
                assert proposal not in model[siren]
                assert len(model[siren]) < 2
                model[siren].add(proposal)
            else:
                await state.supports.withdraw(agents[who], proposal, siren)
                model[siren].remove(proposal)
        except (Conflict, NotFound):
            if action == "support":
                assert proposal in model[siren] or len(model[siren]) >= 2
            else:
                assert proposal not in model[siren]
        for s in sirens:
            assert await live_count(cid, s) == len(model[s]) <= 2
    tallies = {
        r["proposal_id"]: r["supports"]
        for r in await ProposalTally.select().where(ProposalTally.consultation_id == cid)
    }
    for proposal in proposals:
        assert tallies.get(proposal, 0) == sum(proposal in v for v in model.values())
    results = await state.results.results(curator, cid)
    assert results.supports == sum(len(v) for v in model.values())
