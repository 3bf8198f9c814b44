"""What the search API takes and returns (structured parameters, never a raw filter string)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

CollectiviteKind = Literal["commune", "epci", "ept", "departement", "region"]
DEPARTEMENT_PATTERN = r"^(\d{2}|2[AB]|97\d)$"
DepartementCode = Annotated[str, msgspec.Meta(pattern=DEPARTEMENT_PATTERN)]


class CollectiviteHit(msgspec.Struct, kw_only=True):
    siren: str
    name: str
    label: str
    """``Saint-Étienne (42)``: homonyms are told apart by their département."""
    kind: str
    kind_label: str
    departement_code: str | None = None
    departement_name: str | None = None
    population: int | None = None
    highlighted_name: str = ""
    """The name with the matched parts in ``<mark>`` (HTML-escaped otherwise)."""


class CollectiviteSearchPage(msgspec.Struct, kw_only=True):
    query: str
    hits: list[CollectiviteHit]
    total_hits: int
    total_pages: int
    page: int
    per_page: int
    processing_time_ms: int
