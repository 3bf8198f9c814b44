"""Eligibility rules as data: JSON round trip, all/any semantics, monotone thresholds, French reasons."""

from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalogue.funding.rules import (
    AllOf,
    AnyOf,
    ApplicantFacts,
    GroupFacts,
    InDepartements,
    KindsAllowed,
    MaxApplicants,
    MaxPopulationPerApplicant,
    MinDepartementsCovered,
    MinPopulationCovered,
    Rule,
    decode_rule,
    encode_rule,
    evaluate,
)

KINDS = ["commune", "epci", "ept", "departement", "region"]
DEPS = ["01", "2A", "69", "75", "974"]

applicants = st.builds(
    ApplicantFacts,
    siren=st.from_regex(r"^\d{9}$", fullmatch=True),
    name=st.sampled_from(["Bourg-en-Bresse", "Lyon", "Ambérieu"]),
    kind=st.sampled_from(KINDS),
    population=st.integers(0, 3_000_000),
    departement_code=st.sampled_from(DEPS),
    departement_codes=st.lists(st.sampled_from(DEPS), max_size=3, unique=True).map(tuple),
)
groups = st.builds(
    GroupFacts,
    applicants=st.lists(applicants, min_size=1, max_size=5).map(tuple),
    population=st.integers(0, 10_000_000),
    departements=st.lists(st.sampled_from(DEPS), max_size=4, unique=True).map(lambda d: tuple(sorted(d))),
)
leaves: st.SearchStrategy[Rule] = st.one_of(
    st.builds(MinDepartementsCovered, count=st.integers(1, 4)),
    st.builds(MinPopulationCovered, population=st.integers(1, 5_000_000)),
    st.builds(
        KindsAllowed, kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5, unique=True).map(tuple)
    ),
    st.builds(MaxPopulationPerApplicant, population=st.integers(1, 5_000_000)),
    st.builds(
        InDepartements, codes=st.lists(st.sampled_from(DEPS), min_size=1, max_size=3, unique=True).map(tuple)
    ),
    st.builds(MaxApplicants, count=st.integers(1, 6)),
)
rules: st.SearchStrategy[Rule] = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(AllOf, rules=st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(AnyOf, rules=st.lists(inner, min_size=1, max_size=3).map(tuple)),
    ),
    max_leaves=8,
)


@given(rules, groups)
def test_a_stored_rule_gives_the_same_verdict(rule: Rule, facts: GroupFacts) -> None:
    assert decode_rule(encode_rule(rule)) == rule
    assert evaluate(decode_rule(encode_rule(rule)), facts) == evaluate(rule, facts)


@given(st.lists(rules, min_size=1, max_size=4), groups)
def test_all_of_needs_every_condition_and_any_of_one(children: list[Rule], facts: GroupFacts) -> None:
    verdicts = [evaluate(r, facts).ok for r in children]
    all_of = evaluate(AllOf(rules=tuple(children)), facts)
    any_of = evaluate(AnyOf(rules=tuple(children)), facts)
    assert all_of.ok == all(verdicts)
    assert any_of.ok == any(verdicts)
    assert len(all_of.children) == len(children)  # every reason is shown, passed or not


@given(groups, st.integers(1, 5_000_000), st.integers(0, 5_000_000))
def test_a_higher_population_threshold_never_admits_more(facts: GroupFacts, low: int, extra: int) -> None:
    if evaluate(MinPopulationCovered(population=low + extra), facts).ok:
        assert evaluate(MinPopulationCovered(population=low), facts).ok


@given(groups)
def test_every_verdict_has_a_french_reason(facts: GroupFacts) -> None:
    checks: list[Rule] = [
        MinDepartementsCovered(count=1),
        MinPopulationCovered(population=500_000),
        MaxApplicants(count=2),
    ]
    for rule in checks:
        assert evaluate(rule, facts).message.endswith(".")


def test_unknown_or_malformed_rules_are_refused() -> None:
    for raw in [
        b'{"type": "run_code", "code": "1"}',
        b'{"type": "min_population_covered", "population": -5}',
        b'{"type": "min_population_covered", "population": 1.5}',
        b'{"type": "any_of", "rules": []}',
        b'{"type": "kinds_allowed", "kinds": ["mairie"]}',
        b'{"type": "in_departements", "codes": ["1"]}',
    ]:
        with pytest.raises(msgspec.ValidationError):
            decode_rule(raw)


def test_the_plan_rule_explains_itself() -> None:
    small = GroupFacts(
        applicants=(
            ApplicantFacts(
                siren="210100046",
                name="Ambérieu-en-Bugey",
                kind="commune",
                population=14_644,
                departement_code="01",
                departement_codes=("01",),
            ),
        ),
        population=14_644,
        departements=(),
    )
    verdict = evaluate(
        AnyOf(rules=(MinDepartementsCovered(count=1), MinPopulationCovered(population=500_000))), small
    )
    assert not verdict.ok
    assert [c.message for c in verdict.children] == [
        "Le groupement ne couvre entièrement aucun département : au moins 1 département requis.",
        "Le groupement couvre 14\u202f644 habitants (chaque commune comptée une fois) : "
        "au moins 500\u202f000 requis.",
    ]
