"""Amounts typed in French on the billing forms read back to the cent, whatever the cents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.kit.errors import InvalidInput
from store.kit.money import format_eur
from store.web.pages.billing_forms import parse_amount, parse_period


@given(st.integers(min_value=1, max_value=10**13))
def test_a_shown_amount_reads_back_to_the_same_cents(cents: int) -> None:
    assert parse_amount(format_eur(cents)) == cents
    assert parse_amount(format_eur(cents).replace("\u202f", " ").replace("\u00a0€", "")) == cents


@pytest.mark.parametrize("typed", ["", "abc", "0", "0,00", "-1,00", "1,234", "1.2.3", "10^3"])
def test_what_is_not_a_positive_amount_is_refused_in_french(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_amount(typed)
    assert refused.value.code == "bad_amount"
    assert "montant" in refused.value.detail.lower()


def test_periods() -> None:
    import datetime as dt

    today = dt.date(2026, 11, 28)
    assert parse_period(" 2026-11 ", today) == "2026-11"
    for bad in ("2026-12", "2026-00", "2026-1", "26-10", "2026/10"):
        with pytest.raises(InvalidInput):
            parse_period(bad, today)
