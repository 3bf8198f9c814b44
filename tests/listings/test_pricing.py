"""Plan arithmetic: integer cents, VAT rounded half up, prices clamped between floor and cap."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from catalogue.listings.pricing import starting_price_cents, ttc_cents, vat_cents, yearly_ht_cents
from catalogue.listings.schemas import FlatPlan, FreePlan, PerInhabitantPlan, PriceTier, TieredPlan


def test_vat_is_rounded_half_up_to_the_cent() -> None:
    assert vat_cents(120_000, 2000) == 24_000
    assert vat_cents(1_999, 2000) == 400  # 399,8 → 400
    assert vat_cents(1_001, 550) == 55  # 55,055 → 55
    assert vat_cents(1_010, 550) == 56  # 55,55 → 56
    assert vat_cents(12_345, 0) == 0
    assert ttc_cents(120_000, 2000) == 144_000


def test_per_inhabitant_price_is_clamped() -> None:
    plan = PerInhabitantPlan(name="P", per_inhabitant_cents=15, floor_cents=50_000, cap_cents=1_000_000)
    assert yearly_ht_cents(plan, 1_000) == 50_000  # 150 € < floor
    assert yearly_ht_cents(plan, 42_159) == 632_385
    assert yearly_ht_cents(plan, 135_282) == 1_000_000  # cap
    assert yearly_ht_cents(plan, None) is None


def test_tiers_pick_the_first_band_that_covers_the_population() -> None:
    plan = TieredPlan(
        name="T",
        tiers=[
            PriceTier(up_to_population=3_500, amount_cents=30_000),
            PriceTier(up_to_population=15_000, amount_cents=90_000),
            PriceTier(up_to_population=None, amount_cents=250_000),
        ],
    )
    assert [yearly_ht_cents(plan, p) for p in (1, 3_500, 3_501, 15_000, 2_000_000)] == [
        30_000, 30_000, 90_000, 90_000, 250_000,
    ]  # fmt: skip
    closed = TieredPlan(name="T", tiers=[PriceTier(up_to_population=1_000, amount_cents=1)])
    assert yearly_ht_cents(closed, 1_001) is None


def test_starting_price() -> None:
    assert starting_price_cents([]) is None
    assert starting_price_cents([FlatPlan(name="F", yearly_cents=90_000), FreePlan(name="G")]) == 0
    assert starting_price_cents([FlatPlan(name="F", yearly_cents=90_000)]) == 90_000


@given(
    rate=st.integers(0, 10_000),
    floor=st.integers(0, 10**7),
    extra=st.integers(0, 10**7),
    population=st.integers(1, 10**8),
    vat=st.integers(0, 10_000),
)
def test_per_inhabitant_price_always_between_floor_and_cap(rate, floor, extra, population, vat) -> None:
    plan = PerInhabitantPlan(name="P", per_inhabitant_cents=rate, floor_cents=floor, cap_cents=floor + extra)
    price = yearly_ht_cents(plan, population)
    assert price is not None
    assert floor <= price <= floor + extra
    assert isinstance(price, int)
    assert 0 <= vat_cents(price, vat) <= price
