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
