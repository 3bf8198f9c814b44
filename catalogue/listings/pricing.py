"""Plan arithmetic in integer cents: VAT, and the yearly HT price for a given population.

Every plan price is HT (hors taxes) and yearly; ``vat_rate_bp`` is the VAT rate in basis points
(2000 = 20 %, 550 = 5,5 %, 0 when the operation is outside the scope of VAT). Rounding is half up on
the cent, done with integers only. The billing team prices subscriptions with ``yearly_ht_cents``.
"""

from __future__ import annotations

from catalogue.listings.schemas import FlatPlan, FreePlan, PerInhabitantPlan, Plan, TieredPlan


def vat_cents(ht_cents: int, vat_rate_bp: int) -> int:
    """VAT on an HT amount, rounded half up to the cent: ``vat_cents(1999, 2000) == 400``."""
    if ht_cents < 0 or vat_rate_bp < 0:
        raise ValueError("amounts and rates are never negative")
    return (ht_cents * vat_rate_bp + 5_000) // 10_000


def ttc_cents(ht_cents: int, vat_rate_bp: int) -> int:
    return ht_cents + vat_cents(ht_cents, vat_rate_bp)


def yearly_ht_cents(plan: Plan, population: int | None) -> int | None:
    """The yearly HT price of ``plan`` for a collectivité of ``population`` inhabitants.

    None when the price depends on a population that is unknown. Per-inhabitant prices are clamped
    to ``[floor, cap]``; a tiered plan uses the first tier whose ``up_to_population`` covers it.
    """
    match plan:
        case FreePlan():
            return 0
        case FlatPlan():
            return plan.yearly_cents
        case PerInhabitantPlan():
            if population is None:
                return None
            price = max(population * plan.per_inhabitant_cents, plan.floor_cents)
            return min(price, plan.cap_cents) if plan.cap_cents is not None else price
        case TieredPlan():
            if population is None:
                return None
            for tier in plan.tiers:
                if tier.up_to_population is None or population <= tier.up_to_population:
                    return tier.amount_cents
            return None
    raise TypeError(f"unknown plan {plan!r}")


def starting_price_cents(plans: list[Plan]) -> int | None:
    """The lowest HT price a buyer may pay, for cards ("à partir de"); None without any plan."""
    lows: list[int] = []
    for plan in plans:
        match plan:
            case FreePlan():
                lows.append(0)
            case FlatPlan():
                lows.append(plan.yearly_cents)
            case PerInhabitantPlan():
                lows.append(max(plan.floor_cents, plan.per_inhabitant_cents))
            case TieredPlan():
                lows.extend(t.amount_cents for t in plan.tiers)
    return min(lows) if lows else None
