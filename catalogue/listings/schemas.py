"""Listing shapes at the edge: what the API accepts (strict) and what it returns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from catalogue.listings.reference import (
    Accessibility,
    CollectiviteKind,
    DeploymentMode,
    Maturity,
    ProcurementRoute,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN, min_length=3, max_length=80)]
Name = Annotated[str, msgspec.Meta(min_length=2, max_length=120)]
OptionalEmail = Annotated[str, msgspec.Meta(max_length=254, pattern=r"^$|^[^@\s]+@[^@\s]+\.[^@\s]+$")]
OptionalUrl = Annotated[str, msgspec.Meta(max_length=300, pattern=r"^$|^https?://[^\s/$.?#][^\s]*$")]
Cents = Annotated[int, msgspec.Meta(ge=0, le=10_000_000_000)]
VatRate = Annotated[int, msgspec.Meta(ge=0, le=10_000)]
Population = Annotated[int, msgspec.Meta(ge=1, le=100_000_000)]
ThematiqueSlug = Annotated[str, msgspec.Meta(max_length=60)]
PlanName = Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
PlanText = Annotated[str, msgspec.Meta(max_length=500)]
PluginId = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,62}[a-z0-9]$")]
DEFAULT_VAT_BP = 2000


# Plans: a tagged union on ``kind``. Amounts are integer cents HT, per year. ---------------------


class FreePlan(msgspec.Struct, tag_field="kind", tag="free", forbid_unknown_fields=True, kw_only=True):
    name: PlanName
    description: PlanText = ""


class FlatPlan(msgspec.Struct, tag_field="kind", tag="flat", forbid_unknown_fields=True, kw_only=True):
    name: PlanName
    description: PlanText = ""
    yearly_cents: Cents
    vat_rate_bp: VatRate = DEFAULT_VAT_BP


class PerInhabitantPlan(
    msgspec.Struct, tag_field="kind", tag="per_inhabitant", forbid_unknown_fields=True, kw_only=True
):
    """Yearly price = population × ``per_inhabitant_cents``, never under the floor nor over the cap."""

    name: PlanName
    description: PlanText = ""
    per_inhabitant_cents: Cents
    floor_cents: Cents = 0
    cap_cents: Cents | None = None
    vat_rate_bp: VatRate = DEFAULT_VAT_BP


class PriceTier(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    up_to_population: Population | None
    """Upper bound (inclusive) of the tier; None for the last, open-ended tier."""
    amount_cents: Cents


class TieredPlan(msgspec.Struct, tag_field="kind", tag="tiered", forbid_unknown_fields=True, kw_only=True):
    """A yearly price per population band, bands in increasing order."""

    name: PlanName
    description: PlanText = ""
    tiers: Annotated[list[PriceTier], msgspec.Meta(min_length=1, max_length=20)]
    vat_rate_bp: VatRate = DEFAULT_VAT_BP


Plan = FreePlan | FlatPlan | PerInhabitantPlan | TieredPlan
Plans = Annotated[list[Plan], msgspec.Meta(max_length=10)]


# Inputs ---------------------------------------------------------------------------------------


class ListingCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A new draft. Only ``slug`` and ``name`` are needed now; submitting requires the rest."""

    slug: Slug
    name: Name
    publisher_siren: Annotated[str, msgspec.Meta(min_length=9, max_length=11)] | None = None
    """Needed only when the account speaks for several publishers."""
    action: Annotated[str, msgspec.Meta(max_length=160)] = ""
    pitch: Annotated[str, msgspec.Meta(max_length=500)] = ""
    description_md: Annotated[str, msgspec.Meta(max_length=20_000)] = ""
    thematiques: Annotated[list[ThematiqueSlug], msgspec.Meta(max_length=5)] = []
    target_kinds: list[CollectiviteKind] = []
    commune_max_population: Population | None = None
    epci_max_population: Population | None = None
    maturity: Maturity = "beta"
    contact_email: OptionalEmail = ""
    website_url: OptionalUrl = ""
    repository_url: OptionalUrl = ""
    licence: Annotated[str, msgspec.Meta(max_length=64)] = ""
    deployment_mode: DeploymentMode = "saas_mutualise"
    plans: Plans = []
    procurement_routes: list[ProcurementRoute] = []
    accessibility: Accessibility = "non_evalue"
    funding_origin: Annotated[str, msgspec.Meta(max_length=200)] = ""
    required_services: Annotated[list[Slug], msgspec.Meta(max_length=10)] = []
    logo_url: OptionalUrl = ""
    plugin_id: PluginId | None = None
    """The plugin the store deploys for each subscriber (one of the publisher's plugins)."""


class ListingUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A partial update (PATCH): absent fields keep their value. The slug never changes."""

    name: Name | UnsetType = UNSET
    action: Annotated[str, msgspec.Meta(max_length=160)] | UnsetType = UNSET
    pitch: Annotated[str, msgspec.Meta(max_length=500)] | UnsetType = UNSET
    description_md: Annotated[str, msgspec.Meta(max_length=20_000)] | UnsetType = UNSET
    thematiques: Annotated[list[ThematiqueSlug], msgspec.Meta(max_length=5)] | UnsetType = UNSET
    target_kinds: list[CollectiviteKind] | UnsetType = UNSET
    commune_max_population: Population | UnsetType | None = UNSET
    epci_max_population: Population | UnsetType | None = UNSET
    maturity: Maturity | UnsetType = UNSET
    contact_email: OptionalEmail | UnsetType = UNSET
    website_url: OptionalUrl | UnsetType = UNSET
    repository_url: OptionalUrl | UnsetType = UNSET
    licence: Annotated[str, msgspec.Meta(max_length=64)] | UnsetType = UNSET
    deployment_mode: DeploymentMode | UnsetType = UNSET
    plans: Plans | UnsetType = UNSET
    procurement_routes: list[ProcurementRoute] | UnsetType = UNSET
    accessibility: Accessibility | UnsetType = UNSET
    funding_origin: Annotated[str, msgspec.Meta(max_length=200)] | UnsetType = UNSET
    required_services: Annotated[list[Slug], msgspec.Meta(max_length=10)] | UnsetType = UNSET
    logo_url: OptionalUrl | UnsetType = UNSET
    plugin_id: PluginId | UnsetType | None = UNSET

    def given(self) -> dict[str, object]:
        """The fields the client sent."""
        return {
            name: getattr(self, name) for name in self.__struct_fields__ if getattr(self, name) is not UNSET
        }


class TransitionRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Annotated[str, msgspec.Meta(max_length=2000)] = ""
    """Mandatory (non-blank) to request changes, reject, suspend, and for a curator to retire."""


class ListingFilters(msgspec.Struct, frozen=True, kw_only=True):
    thematiques: tuple[str, ...] = ()
    """Listings having any of these thématiques."""
    kind: str | None = None
    pricing: str | None = None
    """A plan kind (free, flat, per_inhabitant, tiered): listings offering such a plan."""
    publisher_siren: str | None = None


# Outputs --------------------------------------------------------------------------------------


class ThematiqueView(msgspec.Struct, frozen=True):
    slug: str
    label: str


class PublisherBrief(msgspec.Struct, frozen=True):
    siren: str
    name: str
    verified: bool
    website: str = ""


class ListingSummary(msgspec.Struct, kw_only=True):
    id: str
    slug: str
    name: str
    action: str
    pitch: str
    state: str
    thematiques: list[ThematiqueView]
    target_kinds: list[str]
    maturity: str
    deployment_mode: str
    publisher: PublisherBrief
    plan_kinds: list[str]
    starting_price_cents: int | None
    """Lowest yearly HT price among the plans (0 when a plan is free); None without plans."""
    review_note: str | None = None
    """The curator's last reason; only for the owning publisher and curators."""
    updated_at: dt.datetime
    published_at: dt.datetime | None = None


class ListingView(ListingSummary, kw_only=True):
    description_md: str
    description_html: str
    """Rendered from ``description_md`` and sanitised: safe to embed as is."""
    commune_max_population: int | None
    epci_max_population: int | None
    contact_email: str
    website_url: str
    repository_url: str
    licence: str
    procurement_routes: list[str]
    accessibility: str
    funding_origin: str
    required_services: list[str]
    logo_url: str
    plans: list[Plan]
    plugin_id: str | None = None
    """The plugin deployed for each subscribing collectivité; None when the store hosts nothing."""
    created_at: dt.datetime
    submitted_at: dt.datetime | None = None
    state_changed_at: dt.datetime


class Page(msgspec.Struct, kw_only=True):
    items: list[ListingSummary]
    page: int
    per_page: int
    total: int
    total_pages: int


class AllowedActions(msgspec.Struct, kw_only=True):
    """What the caller may do next: drives the buttons of the pages."""

    can_edit: bool
    actions: list[str]
