"""Money is integer cents (HT unless a name says otherwise). Never float."""

from __future__ import annotations

import re

Cents = int

_AMOUNT = re.compile(r"^\s*(-?)(\d{1,3}(?:[ \u202f\u00a0]?\d{3})*|\d+)(?:[,.](\d{1,2}))?\s*(?:€|EUR)?\s*$")


def format_eur(cents: Cents) -> str:
    """French formatting: ``123456`` → ``1 234,56 €`` (narrow no-break space for thousands)."""
    sign = "-" if cents < 0 else ""
    euros, rest = divmod(abs(cents), 100)
    grouped = f"{euros:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}\u00a0€"


def parse_eur(text: str) -> Cents:
    """``"1 234,5"`` → ``123450``; raises ValueError on anything else (no float on the way)."""
    match = _AMOUNT.match(text)
    if not match:
        raise ValueError(f"montant invalide : {text!r}")
    sign, whole, frac = match.groups()
    digits = re.sub(r"\D", "", whole)
    cents = int(digits) * 100 + int((frac or "0").ljust(2, "0"))
    return -cents if sign else cents


# Rounding and allocation ---------------------------------------------------------------------------
#
# Policy (documented in store/billing/README.md, "Arrondis"):
# * Rates are integer basis points (2000 = 20 %), never float.
# * VAT is computed once per (invoice, rate) on the sum of the HT line amounts of that rate, rounded
#   half-up to the cent (EN 16931 rules BR-CO-17 / BR-S-09: "VAT category tax amount = taxable amount ×
#   rate", and the French "récapitulatif par taux" of CGI ann. II art. 242 nonies A). Lines carry HT
#   amounts only; no per-line VAT is summed, so an invoice never shows a VAT that differs from the
#   rate applied to its base.
# * Splits conserve the total exactly: largest remainder on integer cents, ties broken by stable keys.

BASIS_POINTS = 10_000


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half away from zero, in exact integer arithmetic."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    sign = -1 if numerator < 0 else 1
    quotient, remainder = divmod(abs(numerator), denominator)
    if 2 * remainder >= denominator:
        quotient += 1
    return sign * quotient


def vat_cents(base_cents: Cents, rate_bp: int) -> Cents:
    """VAT on an HT base at ``rate_bp`` basis points, rounded half-up to the cent."""
    if not 0 <= rate_bp <= BASIS_POINTS:
        raise ValueError("VAT rate must be within 0..10000 basis points")
    return round_half_up(base_cents * rate_bp, BASIS_POINTS)


def ttc_cents(base_cents: Cents, rate_bp: int) -> Cents:
    return base_cents + vat_cents(base_cents, rate_bp)


def allocate(total: Cents, weights: list[int], keys: list[str]) -> list[Cents]:
    """Largest-remainder (Hamilton) split of ``total`` cents by non-negative integer weights.

    Sums exactly to ``total``; each share is the floor or the ceiling of its exact share; leftover
    cents go to the largest remainders, ties broken by ``keys`` (stable ids), never by list position,
    so the mapping key → share does not depend on the order of the inputs. Not monotone in the total
    (Alabama paradox): never assume a larger total gives everyone at least as much.
    """
    if isinstance(total, bool) or not isinstance(total, int) or total < 0:
        raise ValueError("total must be a non-negative int (cents)")
    if len(weights) != len(keys) or len(set(keys)) != len(keys):
        raise ValueError("one unique key per weight")
    if not weights or any(isinstance(w, bool) or not isinstance(w, int) or w < 0 for w in weights):
        raise ValueError("weights must be non-negative ints")
    weight_sum = sum(weights)
    if weight_sum == 0:
        raise ValueError("at least one positive weight")
    floors = [total * w // weight_sum for w in weights]
    remainders = [total * w % weight_sum for w in weights]
    leftover = total - sum(floors)
    assert 0 <= leftover < len(weights)
    order = sorted(range(len(weights)), key=lambda i: (-remainders[i], keys[i]))
    for i in order[:leftover]:
        floors[i] += 1
    assert sum(floors) == total
    return floors


def prorate(amount: Cents, used_days: int, period_days: int) -> tuple[Cents, Cents]:
    """Split a period price into (used, unused) so that ``used + unused == amount`` exactly."""
    if not (period_days > 0 and 0 <= used_days <= period_days):
        raise ValueError("bad period")
    if used_days in (0, period_days):
        return (amount, 0) if used_days else (0, amount)
    used, unused = allocate(amount, [used_days, period_days - used_days], ["0_used", "1_unused"])
    return used, unused
