"""Vote tallies take the deduplicated population from the registry, per proposal, département and kind."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.votes.population import VoterPopulation
from catalogue.votes.schemas import DecisionRequest
from store.kit.errors import NotFound
from store.registry.schemas import Coverage
from tests.support.consultations import (
    AMBERIEU,
    BOURG,
    CA_BOURG,
    VIRIAT,
    advance_to,
    agent_actor,
    ready_to_vote,
)
from tests.support.registry import (
    DEPARTEMENT_DE_L_AIN,
    DEPARTEMENT_DU_RHONE,
    LYON,
    METROPOLE_DE_LYON,
    REGION_AURA,
)

# Population municipale 2023 of the fixture's real collectivités (all their communes are loaded).
POP_LYON, POP_BOURG = 519_127, 42_372
POP_METROPOLE, POP_RHONE, POP_CA_BOURG = 1_436_354, 478_313, 137_046


class CountingRegistry:
    """The registry, counting the questions the tallies ask it."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        self.asked: list[frozenset[str]] = []

    async def coverage(self, sirens: Iterable[str]) -> Any:
        wanted = list(sirens)
        self.asked.append(frozenset(wanted))
        return await self.registry.coverage(wanted)


async def support_all(state: Any, proposal_id: int, sirens: Iterable[str]) -> None:
    for siren in sirens:
        agent = await agent_actor(state, f"agent{next(_emails)}@{siren}.fr", siren)
        await state.supports.support(agent, proposal_id, siren)


_emails = itertools.count()


async def test_each_commune_counts_once_across_communes_groups_departements_and_regions(state) -> None:
    _, cid, proposals = await ready_to_vote(state, proposals=2)
    await support_all(state, proposals[0], [LYON, METROPOLE_DE_LYON, DEPARTEMENT_DU_RHONE, BOURG, CA_BOURG])
    await support_all(state, proposals[1], [REGION_AURA, BOURG])
    results = await state.results.results(None, cid)
    first, second = sorted(results.proposals, key=lambda p: p.proposal_id)

    # Lyon is inside the Métropole; the Métropole and the Département du Rhône share no commune and
    # together are the whole Rhône; Bourg-en-Bresse is inside its agglomération.
    assert (first.supports, first.population) == (5, POP_METROPOLE + POP_RHONE + POP_CA_BOURG)
    by_dep = {b.key: b for b in first.by_departement}
    assert (by_dep["69"].supports, by_dep["69"].voters, by_dep["69"].population) == (
        3,
        3,
        POP_METROPOLE + POP_RHONE,
    )
    assert (by_dep["01"].supports, by_dep["01"].population) == (2, POP_CA_BOURG)
    by_kind = {b.key: b for b in first.by_kind}
    assert by_kind["commune"].population == POP_LYON + POP_BOURG
    assert by_kind["epci"].population == POP_METROPOLE + POP_CA_BOURG
    assert by_kind["departement"].population == POP_RHONE

    # A région has no département of its own: its bucket is "—", and it contains the rest.
    region = await state.registry.population_of([REGION_AURA])
    assert region > POP_METROPOLE + POP_RHONE + POP_CA_BOURG
    assert second.population == region
    assert {b.key: b.population for b in second.by_departement} == {"—": region, "01": POP_BOURG}
    assert results.population == region
    assert (results.supports, results.voters) == (7, 6)
    assert results.population_year == 2023
    totals = {b.key: b.population for b in results.by_departement}
    assert totals == {"01": POP_CA_BOURG, "69": POP_METROPOLE + POP_RHONE, "—": region}


async def test_tallies_remember_answers_and_a_decision_asks_afresh(state) -> None:
    curator, cid, proposals = await ready_to_vote(state, proposals=2)
    counting = CountingRegistry(state.registry)
    state.results.population.registry = counting
    await support_all(state, proposals[0], [BOURG, CA_BOURG, LYON])
    first, twin = await asyncio.gather(
        state.results.results(None, cid), state.results.results(None, cid)
    )  # two visitors at once share the questions in flight
    assert first == twin
    assert counting.asked, "the registry is the source of the populations"
    assert len(counting.asked) == len(set(counting.asked)), "each set is asked once"
    counting.asked.clear()
    assert await state.results.results(None, cid) == first
    assert counting.asked == []

    # One more supporter: only the sets it joins are asked again.
    await support_all(state, proposals[1], [VIRIAT])
    second = await state.results.results(None, cid)
    assert counting.asked
    assert all(VIRIAT in asked for asked in counting.asked)
    assert second.population == first.population  # Viriat is in the agglomération already counted

    # The committee's record is asked now, never taken from memory.
    counting.asked.clear()
    await advance_to(state, curator, cid, "selection")
    decision = await state.selection.decide(
        curator, proposals[0], DecisionRequest(decision="deferred", rationale="À revoir.")
    )
    assert counting.asked == [frozenset({BOURG, CA_BOURG, LYON})]
    assert (decision.supports_at_decision, decision.population_at_decision) == (3, POP_CA_BOURG + POP_LYON)
    assert decision.population_year == 2023


async def test_a_proposal_without_supports_records_no_population(state) -> None:
    curator, cid, proposals = await ready_to_vote(state, proposals=1)
    await advance_to(state, curator, cid, "selection")
    decision = await state.selection.decide(
        curator, proposals[0], DecisionRequest(decision="not_selected", rationale="Aucun soutien.")
    )
    assert (decision.supports_at_decision, decision.population_at_decision) == (0, 0)
    assert decision.population_year is None


POOL = [
    BOURG,
    VIRIAT,
    AMBERIEU,
    CA_BOURG,
    DEPARTEMENT_DE_L_AIN,
    LYON,
    METROPOLE_DE_LYON,
    DEPARTEMENT_DU_RHONE,
]
_slugs = itertools.count()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    supports=st.lists(
        st.tuples(st.sampled_from(POOL), st.integers(0, 1)), min_size=1, max_size=12, unique=True
    )
)
async def test_every_tally_equals_what_the_registry_says_of_its_voters(state, supports) -> None:
    _, cid, proposals = await ready_to_vote(state, proposals=2, slug=f"pop-{next(_slugs)}")
    for siren, which in supports:
        await support_all(state, proposals[which], [siren])
    results = await state.results.results(None, cid)
    kinds = {s: (await state.registry.get(s)).kind for s, _ in supports}
    departements = {s: (await state.registry.get(s)).departement_code or "—" for s, _ in supports}

    async def expect(voters: set[str]) -> int:
        return await state.registry.population_of(voters) if voters else 0

    assert results.population == await expect({s for s, _ in supports})
    for proposal in results.proposals:
        voters = {s for s, w in supports if proposals[w] == proposal.proposal_id}
        assert proposal.supports == len(voters)
        assert proposal.population == await expect(voters)
        for bucket in proposal.by_departement:
            assert bucket.population == await expect({v for v in voters if departements[v] == bucket.key})
        for bucket in proposal.by_kind:
            assert bucket.population == await expect({v for v in voters if kinds[v] == bucket.key})


class FakeRegistry:
    """Ten inhabitants per SIREN; fails while ``failing``."""

    def __init__(self) -> None:
        self.asked: list[frozenset[str]] = []
        self.failing = False

    async def coverage(self, sirens: Iterable[str]) -> Coverage:
        wanted = tuple(sorted(sirens))
        self.asked.append(frozenset(wanted))
        if self.failing:
            raise NotFound("SIREN absent.", code="collectivite_not_found")
        return Coverage(
            sirens=wanted,
            population=10 * len(wanted),
            population_years=(2023,),
            commune_count=len(wanted),
            departements=(),
        )


async def test_answers_expire_and_the_least_recently_used_are_dropped() -> None:
    now = [0.0]
    source = FakeRegistry()
    population = VoterPopulation(source, ttl_seconds=10, max_sets=2, clock=lambda: now[0])
    answers = await population.resolve([{"a"}, {"a", "b"}, set()])
    assert (answers.population({"a", "b"}), answers.population(set()), answers.population_year(set())) == (
        20,
        0,
        None,
    )
    assert len(source.asked) == 2
    await population.resolve([{"a"}])
    assert len(source.asked) == 2
    now[0] = 11  # expired
    await population.resolve([{"a"}])
    assert len(source.asked) == 3
    await population.resolve([{"c"}])  # {"a", "b"} is the least recently used of three
    await population.resolve([{"a"}, {"c"}])
    assert len(source.asked) == 4
    await population.resolve([{"a", "b"}])
    assert len(source.asked) == 5


async def test_a_failed_question_is_asked_again() -> None:
    source = FakeRegistry()
    population = VoterPopulation(source)
    source.failing = True
    with pytest.raises(NotFound):
        await population.resolve([{"a"}])
    source.failing = False
    assert (await population.resolve([{"a"}])).population({"a"}) == 10
    assert source.asked == [frozenset({"a"}), frozenset({"a"})]
