"""French units after a number: 0 and 1 take the singular ("1 soutien", "0 habitant")."""

from __future__ import annotations


def singular(unit: str) -> str:
    """The singular of a plural unit, word by word ("soutiens validés" → "soutien validé").

    Only a final "s" is dropped; units that do not follow that rule ("pays", "prix") should be
    given with their singular explicitly (``unit_one=`` of the renderers).
    """
    return " ".join(w[:-1] if len(w) > 2 and w.endswith("s") else w for w in unit.split(" "))


def unit_for(value: int, unit: str, unit_one: str | None = None) -> str:
    return (unit_one if unit_one is not None else singular(unit)) if value <= 1 else unit
