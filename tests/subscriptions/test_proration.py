"""Proration invariants: pieces of a month add up to the month, months add up to the year, and
every piece is within a cent of its exact value."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from store.subscriptions.proration import month_bounds, monthly_cents, prorated_cents

yearly = st.integers(min_value=0, max_value=10**11)
periods = st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(2020, 2035), st.integers(1, 12))


@given(yearly)
def test_twelve_months_make_the_year(price: int) -> None:
    assert sum(monthly_cents(price, m) for m in range(1, 13)) == price


@given(yearly, periods, st.lists(st.integers(min_value=1, max_value=30), max_size=6))
def test_a_month_cut_anywhere_sums_to_the_month(price: int, period: str, cuts: list[int]) -> None:
    start, end = month_bounds(period)
    days = (end - start).days
    offsets = sorted({0, days, *(c for c in cuts if c < days)})
    pieces = [
        prorated_cents(price, period, start + dt.timedelta(a), start + dt.timedelta(b))
        for a, b in itertools.pairwise(offsets)
    ]
    full = monthly_cents(price, start.month)
    assert sum(amount for amount, _ in pieces) == full
    assert sum(d for _, d in pieces) == days
    for (amount, used), (a, b) in zip(pieces, itertools.pairwise(offsets), strict=True):
        assert used == b - a
        # |amount − full·used/days| < 1 cent, in integers.
        assert abs(amount * days - full * used) < days


@given(yearly, periods, st.integers(-40, 40), st.integers(0, 80))
def test_only_the_days_inside_the_month_count(price: int, period: str, shift: int, length: int) -> None:
    start, end = month_bounds(period)
    begin = start + dt.timedelta(shift)
    amount, days = prorated_cents(price, period, begin, begin + dt.timedelta(length))
    inside = max(0, (min(end, begin + dt.timedelta(length)) - max(start, begin)).days)
    assert days == inside
    assert 0 <= amount <= monthly_cents(price, start.month)


def test_examples_rounding_is_explicit() -> None:
    # 1 000,00 € a year: months alternate 83,33 € and 83,34 € so that the year is exact.
    assert [monthly_cents(100_000, m) for m in (1, 2, 3)] == [8333, 8333, 8334]
    # March 2026 (31 days, 83,34 €), days 10 to 19: ⌊8334·19/31⌋ − ⌊8334·9/31⌋ = 5107 − 2419 = 2688.
    assert prorated_cents(100_000, "2026-03", dt.date(2026, 3, 10), dt.date(2026, 3, 20)) == (2688, 10)
    assert calendar.monthrange(2028, 2)[1] == 29
    assert prorated_cents(120_000, "2028-02", dt.date(2028, 2, 1), None) == (10_000, 29)
    assert prorated_cents(120_000, "2026-03", dt.date(2026, 4, 1), None) == (0, 0)


def test_cost_sharing_rules_become_co_payer_weights() -> None:
    from store.billing.split import CoPayer
    from store.subscriptions.charges import co_payers

    coverage = [
        {"collectivite": "210100012", "population": 1200, "share_bp": 2500},
        {"collectivite": "210100020", "population": 800, "share_bp": 7500},
    ]
    assert co_payers(None, coverage) == ()
    assert co_payers("equal", coverage) == (CoPayer("210100012", 1), CoPayer("210100020", 1))
    assert co_payers("population", coverage) == (CoPayer("210100012", 1200), CoPayer("210100020", 800))
    assert co_payers("custom", coverage) == (CoPayer("210100012", 2500), CoPayer("210100020", 7500))
