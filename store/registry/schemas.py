"""Registry shapes at the edge (API, pages, other domains)."""

from __future__ import annotations

from typing import Literal

import msgspec

CollectiviteKind = Literal["commune", "epci", "ept", "departement", "region"]


class CollectiviteSummary(msgspec.Struct):
    siren: str
    name: str
    kind: CollectiviteKind
    subkind: str
    insee_code: str | None
    population: int | None
    population_year: int | None
    departement_code: str | None
    region_code: str | None


class CollectiviteView(msgspec.Struct, kw_only=True):
    siren: str
    name: str
    kind: CollectiviteKind
    subkind: str
    """EPCI: CC, CA, CU, METRO, MET69. Département: CEA, DEPREG (Mayotte). Région: CTU.
    Commune: CSP (Ville de Paris). Empty otherwise."""
    insee_code: str | None
    population: int | None
    """Population municipale; for groups and territorial collectivités, the sum of their communes."""
    population_year: int | None
    cog_year: int
    departement_code: str | None
    departement_name: str | None
    region_code: str | None
    region_name: str | None
    epci_siren: str | None
    """For a commune: its EPCI à fiscalité propre."""
    epci_name: str | None
    member_sirens: list[str] | None = None
    """For an EPCI or an EPT: its member communes."""
    commune_count: int | None = None
    """For anything but a commune: how many current communes it covers."""
    departement_codes: list[str] = []
    """Every département its territory touches."""
    departement_siren: str | None = None
    """For a commune: who exercises the départemental competences on it."""
    region_siren: str | None = None
    """For a commune: who exercises the régional competences on it."""
    tax_regime: str = ""
    active: bool = True
    retired_cog_year: int | None = None
    successor_siren: str | None = None


class CollectivitePage(msgspec.Struct):
    items: list[CollectiviteSummary]
    page: int
    page_size: int
    total: int
    total_pages: int


class Coverage(msgspec.Struct, frozen=True, kw_only=True):
    """What a group of collectivités covers, each commune counted once."""

    sirens: tuple[str, ...]
    """The collectivités asked about, normalised, without duplicates, sorted."""
    population: int
    """Deduplicated population municipale of the covered communes."""
    population_years: tuple[int, ...]
    """The millésimes summed (``(2023,)``; Mayotte adds 2017). Store them with any decision."""
    commune_count: int
    departements: tuple[str, ...]
    """INSEE départements all of whose current communes are covered."""
    departement_level: tuple[str, ...] = ()
    """Members of the group that exercise départemental competences: départements (including the
    CEA and Mayotte), the CTU of Corse, Martinique and Guyane, the Métropole de Lyon and the Ville de
    Paris. For rules that count such a collectivité as "a département" whatever its territory."""
    retired_sirens: tuple[str, ...] = ()
    """Collectivités that no longer exist in the current millésime: they cover nothing."""


class ActingFor(msgspec.Struct, kw_only=True):
    """One collectivité an account acts for, with the mandate and real figures (page "Mes collectivités")."""

    collectivite: CollectiviteView
    role: str
    can_sign: bool
    coverage: Coverage | None = None
    """For a group (EPCI, EPT, département, région): its communes, deduplicated."""
