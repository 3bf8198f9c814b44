"""Rounding and splitting in cents: exact, within a cent of the exact share, order-independent."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from store.billing.split import CoPayer, funder_share, split_charge
from store.kit.money import allocate, prorate, round_half_up, ttc_cents, vat_cents

keys_st = st.lists(
    st.text(alphabet="0123456789", min_size=9, max_size=9), min_size=1, max_size=12, unique=True
)


@st.composite
def allocation(draw: st.DrawFn) -> tuple[int, list[int], list[str]]:
    keys = draw(keys_st)
    weights = draw(st.lists(st.integers(0, 10**6), min_size=len(keys), max_size=len(keys)))
    assume(sum(weights) > 0)
    return draw(st.integers(0, 10**13)), weights, keys


@settings(max_examples=1500)
@given(allocation())
def test_allocation_sums_exactly_and_respects_quota(case: tuple[int, list[int], list[str]]) -> None:
    total, weights, keys = case
    parts = allocate(total, weights, keys)
    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, sum(weights))
        assert math.floor(exact) <= part <= math.ceil(exact)
        assert abs(part - exact) < 1
        if weight == 0:
            assert part == 0


@settings(max_examples=800)
@given(allocation(), st.randoms())
def test_allocation_does_not_depend_on_input_order(case: tuple[int, list[int], list[str]], rnd) -> None:  # type: ignore[no-untyped-def]
    total, weights, keys = case
    order = list(range(len(keys)))
    rnd.shuffle(order)
    first = dict(zip(keys, allocate(total, weights, keys), strict=True))
    shuffled_keys = [keys[i] for i in order]
    second = dict(
        zip(shuffled_keys, allocate(total, [weights[i] for i in order], shuffled_keys), strict=True)
    )
    assert first == second


def test_allocation_examples_and_bad_inputs() -> None:
    assert allocate(10_000, [1, 1, 1], ["a", "b", "c"]) == [3334, 3333, 3333]
    # Foemmel's conundrum: 1.5 / 3.5 tie on remainders; the smaller key gets the cent, whatever the order.
    assert allocate(5, [30, 70], ["x", "y"]) == [2, 3]
    assert allocate(5, [70, 30], ["y", "x"]) == [3, 2]
    for bad in ((-1, [1], ["a"]), (1, [0], ["a"]), (1, [1, 1], ["a", "a"]), (1, [-1, 2], ["a", "b"])):
        with pytest.raises(ValueError, match=r"must|unique|positive"):
            allocate(*bad)


def test_vat_rounds_half_up_per_base() -> None:
    # 0.125 € of VAT rounds to 0.13 € (half-up), never to 0.12 € (banker's rounding).
    assert vat_cents(125, 1000) == 13
    assert vat_cents(1, 2000) == 0
    assert vat_cents(3, 2000) == 1  # 0.6 ¢ → 1 ¢
    assert vat_cents(999_999, 2000) == 200_000
    assert vat_cents(1234, 550) == 68  # 67.87 ¢
    assert round_half_up(-5, 2) == -3
    assert ttc_cents(10_000, 2000) == 12_000
    with pytest.raises(ValueError, match="basis points"):
        vat_cents(100, 10_001)


@settings(max_examples=1500)
@given(st.integers(0, 10**12), st.integers(0, 10_000), st.sampled_from([0, 210, 550, 1000, 2000]))
def test_funder_never_pays_above_its_rate(amount: int, cap_bp: int, rate: int) -> None:
    on_ht = funder_share(amount, rate, cap_bp, "ht")
    assert on_ht * 10_000 <= amount * cap_bp < (on_ht + 1) * 10_000
    on_ttc = funder_share(amount, rate, cap_bp, "ttc")
    limit = ttc_cents(amount, rate) * cap_bp // 10_000
    assert 0 <= on_ttc <= amount
    assert ttc_cents(on_ttc, rate) <= limit
    assert on_ttc == amount or ttc_cents(on_ttc + 1, rate) > limit  # the largest such share


@settings(max_examples=1000)
@given(
    st.integers(0, 10**11),
    st.integers(0, 10_000),
    st.sampled_from(["ht", "ttc"]),
    st.dictionaries(
        st.text("0123456789", min_size=9, max_size=9), st.integers(1, 10**6), min_size=1, max_size=8
    ),
    st.randoms(),
)
def test_cofunded_split_is_exact_capped_and_order_independent(amount, cap_bp, base, members, rnd) -> None:  # type: ignore[no-untyped-def]
    payers = [CoPayer(s, w) for s, w in members.items()]
    split = split_charge(amount, 2000, payers, cap_bp=cap_bp, base=base)
    assert split.total == amount
    assert split.funder_ht == funder_share(amount, 2000, cap_bp, base)
    rest = amount - split.funder_ht
    weight = sum(members.values())
    for siren, share in split.payers.items():
        assert abs(share - Fraction(rest * members[siren], weight)) < 1
    rnd.shuffle(payers)
    assert split_charge(amount, 2000, payers, cap_bp=cap_bp, base=base) == split


def test_worked_example_of_the_research_note() -> None:
    split = split_charge(
        1_000_000, 0, [CoPayer("A", 1234), CoPayer("B", 5678), CoPayer("C", 910)], cap_bp=5000, base="ht"
    )
    assert split.funder_ht == 500_000
    assert split.payers == {"A": 78_880, "B": 362_951, "C": 58_169}


@given(st.integers(0, 10**9), st.integers(1, 366), st.data())
def test_prorating_keeps_the_whole_price(amount: int, period: int, data: st.DataObject) -> None:
    used = data.draw(st.integers(0, period))
    first, rest = prorate(amount, used, period)
    assert first + rest == amount
    assert min(first, rest) >= 0


def test_largest_remainder_is_not_monotone_so_no_test_assumes_it() -> None:
    # Alabama paradox: one more cent to share can take a cent away from someone.
    keys = ["0", "1", "2"]
    assert allocate(3, [1, 3, 3], keys) == [1, 1, 1]
    assert allocate(4, [1, 3, 3], keys) == [0, 2, 2]
