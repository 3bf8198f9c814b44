"""The plan's eligibility rules on the real registry: deduplicated population, départements covered."""

from __future__ import annotations

from typing import Any

from catalogue.funding.eligibility import check_group, group_facts
from catalogue.funding.rules import AllOf, InDepartements, KindsAllowed, MaxPopulationPerApplicant
from tests.funding.support import PLAN_RULE
from tests.support.registry import (
    AMBERIEU_EN_BUGEY,
    BOURG_EN_BRESSE,
    CA_BASSIN_DE_BOURG,
    DEPARTEMENT_DE_L_AIN,
    DEPARTEMENT_DU_RHONE,
    METROPOLE_DE_LYON,
    full_dataset,
)

SMALL_COMMUNES = [
    r.siren
    for r in sorted(full_dataset().collectivites, key=lambda r: r.siren)
    if r.kind == "commune" and r.departement_code == "01" and r.population and r.population < 2_000
][:3]


async def test_a_large_epci_passes_the_500_000_rule_alone(state: Any) -> None:
    verdict = await check_group(state.registry, PLAN_RULE, [METROPOLE_DE_LYON])
    assert verdict.ok
    assert verdict.children[1].ok
    assert "500\u202f000 requis" in verdict.children[1].message


async def test_three_small_communes_do_not(state: Any) -> None:
    assert len(SMALL_COMMUNES) == 3
    verdict = await check_group(state.registry, PLAN_RULE, SMALL_COMMUNES)
    assert not verdict.ok
    assert [c.ok for c in verdict.children] == [False, False]
    assert "aucun département" in verdict.children[0].message


async def test_a_departement_passes_the_one_departement_rule(state: Any) -> None:
    facts = await group_facts(state.registry, [DEPARTEMENT_DE_L_AIN])
    assert facts.departements == ("01",)
    verdict = await check_group(state.registry, PLAN_RULE, [DEPARTEMENT_DE_L_AIN])
    assert verdict.ok
    assert verdict.children[0].ok
    # The Département du Rhône (478 313 inhabitants: below 500 000) does not cover the Métropole de
    # Lyon's communes, yet exercises the départemental competences on the rest of the 69: it passes
    # on its département, not on its population.
    rhone = await check_group(state.registry, PLAN_RULE, [DEPARTEMENT_DU_RHONE])
    assert rhone.ok
    assert [c.ok for c in rhone.children] == [True, False]
    assert "(69)" in rhone.children[0].message


async def test_population_is_counted_once_over_lead_and_co_applicants(state: Any) -> None:
    alone = await group_facts(state.registry, [CA_BASSIN_DE_BOURG])
    with_town = await group_facts(state.registry, [CA_BASSIN_DE_BOURG, BOURG_EN_BRESSE])
    assert with_town.population == alone.population
    assert [a.siren for a in with_town.applicants] == [CA_BASSIN_DE_BOURG, BOURG_EN_BRESSE]


async def test_a_guichet_reserved_to_small_communes(state: Any) -> None:
    rule = AllOf(
        rules=(
            KindsAllowed(kinds=("commune",)),
            MaxPopulationPerApplicant(population=3_500, kinds=("commune",)),
            InDepartements(codes=("01",)),
        )
    )
    assert (await check_group(state.registry, rule, SMALL_COMMUNES)).ok
    too_big = await check_group(state.registry, rule, [SMALL_COMMUNES[0], AMBERIEU_EN_BUGEY])
    assert not too_big.ok
    assert "Ambérieu-en-Bugey" in too_big.children[1].message
    not_a_commune = await check_group(state.registry, rule, [CA_BASSIN_DE_BOURG])
    assert not not_a_commune.children[0].ok
    elsewhere = await check_group(state.registry, rule, [SMALL_COMMUNES[0], METROPOLE_DE_LYON])
    assert "Hors du territoire" in elsewhere.children[2].message
