"""Registry tables. A collectivité is identified by its SIREN, never by its INSEE code.

Rows are loaded from the committed dataset by ``store.registry.importer``; nothing else writes
them (except publishers, which have their own owner). A collectivité that left the official
geography (a commune merged into a commune nouvelle, a dissolved EPCI) is never deleted, since
mandates and history point at it: it is marked ``active = False`` with the millésime it left in
and, when known, its successor.
"""

from __future__ import annotations

from piccolo.columns import (
    BigSerial,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class Collectivite(Table, tablename="collectivite"):
    siren = Varchar(length=9, primary_key=True)
    kind = Varchar(length=16, index=True)
    """commune | epci | ept | departement | region"""
    subkind = Varchar(length=16, default="")
    """EPCI: CC, CA, CU, METRO, MET69 (Métropole de Lyon). Départements: CEA (Alsace), DEPREG (Mayotte).
    Régions: CTU (Corse, Martinique, Guyane). Commune: CSP (Ville de Paris). Empty otherwise."""
    name = Varchar(length=200)
    name_search = Varchar(length=200, index=True)
    """Lower-case, accents folded, punctuation as spaces: what name-prefix filters compare. For
    départements and régions, without the legal form ("Département du Rhône" → "rhone")."""
    insee_code = Varchar(length=5, null=True, default=None, index=True)
    """COG code: commune code, or the département/région code of a collectivité with exactly one."""
    population = Integer(null=True, default=None)
    """Population municipale; for groups and territorial collectivités, the sum of their communes."""
    population_year = Integer(null=True, default=None)
    cog_year = Integer()
    departement_code = Varchar(length=3, null=True, default=None, index=True)
    """Where it lies; for a collectivité spanning several, the one holding most of its population.
    Empty for plain régions."""
    region_code = Varchar(length=3, null=True, default=None)
    epci_siren = Varchar(length=9, null=True, default=None, index=True)
    """For a commune: the SIREN of its EPCI à fiscalité propre."""
    tax_regime = Varchar(length=3, default="")
    """EPCI: FPU (fiscalité professionnelle unique) or FA (fiscalité additionnelle)."""
    departement_siren = Varchar(length=9, null=True, default=None, index=True)
    """For a commune: who exercises the départemental competences on it (the département, the
    Collectivité européenne d'Alsace, the Métropole de Lyon, the Ville de Paris, a CTU…)."""
    region_siren = Varchar(length=9, null=True, default=None, index=True)
    """For a commune: who exercises the régional competences on it (a région, a CTU, Mayotte)."""
    active = Boolean(default=True, index=True)
    """False once the collectivité has left the official geography (merged, dissolved)."""
    retired_cog_year = Integer(null=True, default=None)
    """The first millésime in which it no longer appears."""
    successor_siren = Varchar(length=9, null=True, default=None)
    """For a merged commune: the commune nouvelle that took it over, when the COG says so."""


class AdminArea(Table, tablename="admin_area"):
    """An INSEE département or région (a territory, not a legal person) and who administers it.

    ``collectivite_siren`` is the collectivité exercising the competences of that level on the
    area: usually its conseil départemental or régional, but also the Collectivité européenne
    d'Alsace (67, 68), the Collectivité de Corse (2A, 2B, 94), the Ville de Paris (75), the CTU of
    Martinique and Guyane, or the Département de Mayotte (976 and région 06). For 69 it is the
    Département du Rhône; the communes of the Métropole de Lyon say so on their own row.
    """

    id = BigSerial(primary_key=True)
    kind = Varchar(length=16)
    """departement | region"""
    code = Varchar(length=3)
    name = Varchar(length=100)
    region_code = Varchar(length=3, null=True, default=None)
    """For a département: its région."""
    zone = Varchar(length=8, default="metro")
    """metro | drom"""
    collectivite_siren = Varchar(length=9, index=True)
    cog_year = Integer()


class CollectiviteMember(Table, tablename="collectivite_member"):
    """Membership of a commune in a group (EPCI, EPT)."""

    id = BigSerial(primary_key=True)
    group = ForeignKey(Collectivite, on_delete=OnDelete.cascade, index=True)
    member = ForeignKey(Collectivite, on_delete=OnDelete.cascade, index=True)


class RegistryImport(Table, tablename="registry_import"):
    """One row per import: which millésime, from which source, with which counts."""

    id = BigSerial(primary_key=True)
    cog_year = Integer()
    source = Text()
    checksum = Varchar(length=64)
    counts = Text()
    imported_at = Timestamptz()


class Publisher(Table, tablename="publisher"):
    siren = Varchar(length=9, primary_key=True)
    name = Varchar(length=200)
    website = Varchar(length=300, default="")
    contact_email = Varchar(length=254, default="")
    description = Text(default="")
    verified = Boolean(default=False)
    verified_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
