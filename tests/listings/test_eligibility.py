"""Population limits: a commune passes under the commune limit, or when its EPCI is under the EPCI one."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from catalogue.listings.eligibility import Candidate, check_eligibility

LIMITS = {"target_kinds": ["commune", "epci"], "commune_max_population": 3_500, "epci_max_population": 15_000}


def eligible(kind: str, population: int | None, epci: int | None = None, **limits) -> bool:
    return check_eligibility(Candidate(kind, population, epci), **{**LIMITS, **limits}).eligible


def test_the_suite_territoriale_rule() -> None:
    assert eligible("commune", 3_500, 200_000)  # limits are inclusive
    assert not eligible("commune", 3_501, 15_001)
    assert eligible("commune", 42_159, 14_000)  # a big commune in a small EPCI
    assert not eligible("commune", 42_159, 135_282)  # Bourg-en-Bresse and its agglomération
    assert not eligible("commune", 42_159, None)  # no EPCI: only the commune limit counts
    assert eligible("epci", 15_000)
    assert not eligible("epci", 135_282)
    assert not eligible("departement", 650_000)  # not a target kind
    assert eligible("departement", 650_000, target_kinds=["departement"])
    assert eligible("commune", 2_000_000, commune_max_population=None)
    assert eligible("commune", 10, target_kinds=[])  # no target kinds means every kind


@given(
    population=st.integers(1, 3_000_000),
    lower=st.integers(0, 3_000_000),
    epci=st.none() | st.integers(1, 8_000_000),
)
def test_a_smaller_commune_is_never_less_eligible(population, lower, epci) -> None:
    if eligible("commune", population, epci):
        assert eligible("commune", max(1, population - lower), epci)
