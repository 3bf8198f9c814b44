"""Registry tables. A collectivité is identified by its SIREN, never by its INSEE code."""

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
    """For EPCI: CC, CA, CU, METRO, MET69; for départements: collectivité à statut particulier."""
    name = Varchar(length=200)
    name_search = Varchar(length=200, index=True)
    """Lower-case, accents folded, punctuation as spaces: what name-prefix filters compare."""
    insee_code = Varchar(length=5, null=True, default=None, index=True)
    population = Integer(null=True, default=None)
    population_year = Integer(null=True, default=None)
    cog_year = Integer()
    departement_code = Varchar(length=3, null=True, default=None, index=True)
    region_code = Varchar(length=3, null=True, default=None)
    epci_siren = Varchar(length=9, null=True, default=None, index=True)
    """For a commune: the SIREN of its EPCI à fiscalité propre."""


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
