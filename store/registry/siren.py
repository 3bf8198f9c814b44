"""SIREN: nine digits whose Luhn checksum is valid. Never derived from an INSEE code."""

from __future__ import annotations

import re
import unicodedata

_NINE_DIGITS = re.compile(r"^\d{9}$")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def is_valid_siren(value: str) -> bool:
    return bool(_NINE_DIGITS.match(value)) and luhn_valid(value)


def normalise_siren(value: str) -> str:
    """Accepts spaces ("213 100 555"); returns nine digits or raises ValueError."""
    compact = re.sub(r"[\s\u00a0\u202f.]", "", value)
    if not _NINE_DIGITS.match(compact):
        raise ValueError("Un SIREN comporte exactement 9 chiffres.")
    if not luhn_valid(compact):
        raise ValueError("Ce SIREN n'est pas valide (clé de contrôle incorrecte).")
    return compact


def fold(text: str) -> str:
    """Lower-case, strip accents and ligatures, punctuation to spaces: 'Saint-Étienne' → 'saint etienne'."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^0-9a-zA-Z]+", " ", stripped).lower().split())
