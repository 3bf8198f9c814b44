"""Population covered by a group of collectivités: each commune once, the Rhône without Lyon."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.kit.errors import InvalidInput, NotFound
from store.registry.service import RegistryService
from tests.support.registry import (
    BOURG_EN_BRESSE,
    CA_BASSIN_DE_BOURG,
    DEPARTEMENT_DE_L_AIN,
    DEPARTEMENT_DU_RHONE,
    LYON,
    METROPOLE_DE_LYON,
    METROPOLE_DU_GRAND_PARIS,
    PARIS,
    PLAINE_COMMUNE,
    REGION_AURA,
    full_dataset,
    reference_subset,
)

ROWS = {r.siren: r for r in full_dataset().collectivites}


def population(siren: str) -> int:
    return ROWS[siren].population or 0


@pytest.fixture
def registry(state) -> RegistryService:  # type: ignore[no-untyped-def]
    return state.registry


async def test_a_commune_in_its_own_epci_is_counted_once(registry: RegistryService) -> None:
    assert await registry.population_of([BOURG_EN_BRESSE]) == 42_372
    both = await registry.population_of([CA_BASSIN_DE_BOURG, BOURG_EN_BRESSE])
    assert both == population(CA_BASSIN_DE_BOURG) == await registry.population_of([CA_BASSIN_DE_BOURG])


async def test_a_commune_in_two_groups_is_counted_once(registry: RegistryService) -> None:
    # Every commune of Plaine Commune (EPT) is also in the Métropole du Grand Paris (EPCI).
    coverage = await registry.coverage([METROPOLE_DU_GRAND_PARIS, PLAINE_COMMUNE])
    assert coverage.population == population(METROPOLE_DU_GRAND_PARIS) == 7_142_540
    assert coverage.population < population(METROPOLE_DU_GRAND_PARIS) + population(PLAINE_COMMUNE)
    assert coverage.commune_count == 130
    assert {"75", "92", "93", "94"} <= set(coverage.departements)


async def test_the_rhone_excludes_the_communes_of_the_metropole_de_lyon(registry: RegistryService) -> None:
    rhone = await registry.coverage([DEPARTEMENT_DU_RHONE])
    assert rhone.population == population(DEPARTEMENT_DU_RHONE) == 478_313
    assert rhone.departements == ()  # the Rhône alone does not cover the INSEE département 69
    lyon = await registry.coverage([METROPOLE_DE_LYON])
    assert lyon.population == population(METROPOLE_DE_LYON) >= 500_000
    together = await registry.coverage([DEPARTEMENT_DU_RHONE, METROPOLE_DE_LYON, LYON])
    all_69 = sum(
        r.population or 0 for r in ROWS.values() if r.kind == "commune" and r.departement_code == "69"
    )
    assert together.population == rhone.population + lyon.population == all_69
    assert together.departements == ("69",)
    assert together.departement_level == (METROPOLE_DE_LYON, DEPARTEMENT_DU_RHONE)
    assert lyon.departement_level == (METROPOLE_DE_LYON,)


async def test_departements_regions_and_paris(registry: RegistryService) -> None:
    assert await registry.departements_covered([DEPARTEMENT_DE_L_AIN]) == ["01"]
    assert await registry.population_of([DEPARTEMENT_DE_L_AIN]) == population(DEPARTEMENT_DE_L_AIN)
    assert await registry.departements_covered([PARIS]) == ["75"]
    assert (await registry.coverage([PARIS, BOURG_EN_BRESSE])).departement_level == (PARIS,)
    region = await registry.coverage([REGION_AURA])
    # The test fixture holds only part of the région: the Ain and the Rhône are whole in it.
    assert {"01", "69"} <= set(region.departements)
    assert await registry.population_of([REGION_AURA, DEPARTEMENT_DE_L_AIN, LYON]) == region.population
    assert region.population_years == (2023,)


async def test_bad_and_unknown_sirens_are_refused(registry: RegistryService) -> None:
    with pytest.raises(InvalidInput) as invalid:
        await registry.population_of([BOURG_EN_BRESSE, "21010053"])
    assert invalid.value.errors[0].field == "sirens[1]"
    with pytest.raises(NotFound, match="123456782"):
        await registry.population_of(["123456782"])
    empty = await registry.coverage([])
    assert (empty.population, empty.commune_count, empty.departements) == (0, 0, ())


SUBSET_SIRENS = sorted(r.siren for r in reference_subset().collectivites if r.kind != "region")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(SUBSET_SIRENS), min_size=1, max_size=6))
async def test_coverage_is_a_set_union(registry: RegistryService, sirens: list[str]) -> None:
    total = await registry.population_of(sirens)
    assert total == await registry.population_of(list(reversed(sirens)) + sirens[:1])
    singles = [await registry.population_of([s]) for s in set(sirens)]
    assert max(singles) <= total <= sum(singles)
