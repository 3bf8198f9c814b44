"""Short amounts for legends and bar labels: ``compact_eur(240_000_000)`` → ``2,4 M€``.

Integer arithmetic only (amounts are cents), rounded half up. Exact amounts belong in tables and
CSV (``format_eur``); a chart or a legend only needs the order of magnitude.
"""

from __future__ import annotations

from store.kit.money import format_eur

_SCALES = ((100_000_000_000, "Md€"), (100_000_000, "M€"), (100_000, "k€"))
"""Cents per unit, largest first: a milliard, a million and a thousand euros."""


def compact_eur(cents: int) -> str:
    """The exact amount below 950 € (what rounds under 1,0 k€); above, k€, M€ or Md€, with one
    decimal under 100 units."""
    if cents < 0:
        return "-" + compact_eur(-cents)
    for per_unit, unit in _SCALES:
        tenths = (cents * 10 + per_unit // 2) // per_unit
        if tenths < 10:
            continue
        if tenths >= 1000:
            shown = f"{(cents + per_unit // 2) // per_unit:,}".replace(",", "\u202f")
        else:
            whole, tenth = divmod(tenths, 10)
            shown = f"{whole},{tenth}" if tenth else str(whole)
        return f"{shown}\u00a0{unit}"
    return format_eur(cents)
