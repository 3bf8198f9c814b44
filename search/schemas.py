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


# Services ---------------------------------------------------------------------------------------

ServiceSort = Literal["pertinence", "titre", "prix", "recent"]
SERVICE_SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "pertinence": ("Pertinence", ()),
    "titre": ("Nom (A → Z)", ("title:asc",)),
    "prix": ("Prix de départ croissant", ("yearly_price_cents:asc",)),
    "recent": ("Publication la plus récente", ("published_at:desc",)),
}


class ServiceSearchParams(msgspec.Struct, frozen=True, kw_only=True):
    """A services search as the API and the page take it: structured values only."""

    q: str = ""
    thematiques: tuple[str, ...] = ()
    """Thématique slugs (any of them)."""
    kinds: tuple[str, ...] = ()
    pricing: tuple[str, ...] = ()
    maturities: tuple[str, ...] = ()
    deployment_modes: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    """Publisher SIRENs."""
    departements: tuple[str, ...] = ()
    """Départements of pilot territories."""
    cofunding: bool | None = None
    states: tuple[str, ...] = ()
    """Curators only; the public always sees published listings."""
    sort: ServiceSort = "pertinence"
    page: int = 1
    per_page: int = 20


class FacetValue(msgspec.Struct, kw_only=True):
    value: str
    """What to send back in the facet's query parameter."""
    label: str
    count: int
    selected: bool = False


class Facet(msgspec.Struct, kw_only=True):
    param: str
    """The query parameter that filters on this facet."""
    label: str
    values: list[FacetValue]


class ServiceHit(msgspec.Struct, kw_only=True):
    id: str
    slug: str
    url: str
    title: str
    action: str
    summary: str
    highlighted_title: str
    """HTML: the title escaped, the matched words in ``<mark>``."""
    highlighted_summary: str
    thematiques: list[str]
    target_kinds: list[str]
    pricing: list[str]
    yearly_price_cents: int | None
    maturity: str
    deployment_modes: list[str]
    publisher_siren: str
    publisher_name: str
    pilot_departements: list[str]
    cofunding_available: bool
    status: str


class ServiceSearchPage(msgspec.Struct, kw_only=True):
    query: str
    sort: str
    hits: list[ServiceHit]
    total_hits: int
    total_pages: int
    page: int
    per_page: int
    facets: list[Facet]
    processing_time_ms: int
