"""Listing tables: thématiques (reference), listings, their thématiques and their pricing plans.

Lists of closed values (target kinds, procurement routes, required services) are stored as JSON
text: they are read with the listing and filtered with ``LIKE '%"value"%'``, which works the same
on SQLite and PostgreSQL since the values come from closed lists.
"""

from __future__ import annotations

from piccolo.columns import (
    UUID,
    BigInt,
    BigSerial,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from store.registry.tables import Publisher


class Thematique(Table, tablename="thematique"):
    """Reference data, seeded by a migration from ``catalogue.listings.reference.THEMATIQUES``."""

    slug = Varchar(length=60, primary_key=True)
    label = Varchar(length=120)
    position = Integer(default=0)


class Listing(Table, tablename="listing"):
    id = UUID(primary_key=True)
    slug = Varchar(length=80, unique=True)
    publisher = ForeignKey(Publisher, on_delete=OnDelete.restrict, index=True)
    state = Varchar(length=24, index=True)
    name = Varchar(length=120)
    action = Varchar(length=160, default="")
    pitch = Text(default="")
    description_md = Text(default="")
    target_kinds = Text(default="[]")
    commune_max_population = Integer(null=True, default=None)
    epci_max_population = Integer(null=True, default=None)
    maturity = Varchar(length=16, default="beta")
    contact_email = Varchar(length=254, default="")
    website_url = Varchar(length=300, default="")
    repository_url = Varchar(length=300, default="")
    licence = Varchar(length=64, default="")
    deployment_mode = Varchar(length=24, default="saas_mutualise")
    procurement_routes = Text(default="[]")
    accessibility = Varchar(length=32, default="non_evalue")
    funding_origin = Varchar(length=200, default="")
    required_services = Text(default="[]")
    logo_url = Varchar(length=300, default="")
    plugin_id = Varchar(length=64, null=True, default=None)
    """The plugin the store deploys for each subscribing collectivité; None for a service it does not host."""
    review_note = Text(default="")
    """The last reason a curator gave (changes requested, rejection, suspension, retirement)."""
    created_by = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    state_changed_at = Timestamptz()
    submitted_at = Timestamptz(null=True, default=None, index=True)
    published_at = Timestamptz(null=True, default=None)
    """First publication."""


class ListingThematique(Table, tablename="listing_thematique"):
    id = BigSerial(primary_key=True)
    listing = ForeignKey(Listing, on_delete=OnDelete.cascade, index=True)
    thematique = ForeignKey(Thematique, on_delete=OnDelete.restrict, index=True)


class ListingPlan(Table, tablename="listing_plan"):
    """One pricing plan; amounts in integer cents HT per year, VAT rate in basis points."""

    id = BigSerial(primary_key=True)
    listing = ForeignKey(Listing, on_delete=OnDelete.cascade, index=True)
    position = Integer(default=0)
    kind = Varchar(length=16)
    """free | flat | per_inhabitant | tiered"""
    name = Varchar(length=80)
    description = Text(default="")
    yearly_cents = BigInt(null=True, default=None)
    per_inhabitant_cents = BigInt(null=True, default=None)
    floor_cents = BigInt(null=True, default=None)
    cap_cents = BigInt(null=True, default=None)
    tiers = Text(default="[]")
    """JSON list of {up_to_population, amount_cents}, increasing."""
    vat_rate_bp = Integer(default=2000)


class ListingProposal(Table, tablename="listing_proposal"):
    """A consultation proposal selected by the committee that feeds this listing (a new co-built
    service, or the acceleration of an existing one). A proposal feeds one listing at most."""

    id = BigSerial(primary_key=True)
    listing = ForeignKey(Listing, on_delete=OnDelete.cascade, index=True)
    proposal_id = BigInt(unique=True)
    created_at = Timestamptz()


class ListingPilot(Table, tablename="listing_pilot"):
    """A collectivité whose positioning was accepted as territoire référent: shown on the listing
    and indexed for search (its département is a facet)."""

    id = BigSerial(primary_key=True)
    listing = ForeignKey(Listing, on_delete=OnDelete.cascade, index=True)
    collectivite_siren = Varchar(length=9)
    name = Varchar(length=200)
    departement_code = Varchar(length=3, null=True, default=None)
    role = Varchar(length=32)
    created_at = Timestamptz()
