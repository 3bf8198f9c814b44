"""What the indexes hold: one document shape per index, built from the source of truth."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import msgspec

KIND_LABELS = {
    "commune": "Commune",
    "epci": "Intercommunalité",
    "ept": "Établissement public territorial",
    "departement": "Département",
    "region": "Région",
}


class ServiceDocument(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=False):
    """A catalogue listing as the services index sees it (built in ``search.listings_source``).

    Closed values are the listings' identifiers (``catalogue.listings.reference``); thématiques are
    their French labels, so that they are searchable words too.
    """

    id: str
    slug: str
    title: str
    action: str = ""
    summary: str = ""
    description: str = ""
    keywords: list[str] = []
    thematiques: list[str] = []
    target_kinds: list[str] = []
    """commune | epci | ept | departement | region"""
    pricing: list[str] = []
    """The kinds of its plans: free | flat | per_inhabitant | tiered."""
    yearly_price_cents: int | None = None
    """The lowest yearly price HT among the plans (0 when one is free); None without plans."""
    maturity: str = ""
    """alpha | beta | stable | deprecated"""
    deployment_modes: list[str] = []
    """saas_mutualise | operator_hosted | on_premise"""
    publisher_siren: str = ""
    publisher_name: str = ""
    pilot_departements: list[str] = []
    """Départements of the territoires référents piloting it."""
    pilot_names: list[str] = []
    cofunding_available: bool = False
    status: str = "published"
    """The listing's curation state; the public only ever sees ``published``."""
    published_at: int | None = None
    """Unix seconds."""
    subscriber_count: int = 0


class CollectiviteDocument(msgspec.Struct, frozen=True, kw_only=True):
    siren: str
    name: str
    kind: str
    subkind: str = ""
    kind_label: str = ""
    insee_code: str | None = None
    departement_code: str | None = None
    departement_name: str | None = None
    region_code: str | None = None
    epci_siren: str | None = None
    population: int | None = None
    label: str = ""
    """``Saint-Étienne (42)``: the name, disambiguated by département."""


def collectivite_document(row: Mapping[str, Any], departements: Mapping[str, str]) -> CollectiviteDocument:
    """From a registry row; ``departements`` maps a département code to its name."""
    code = row.get("departement_code")
    kind = str(row["kind"])
    name = str(row["name"])
    label = name
    if code and kind in ("commune", "epci", "ept"):
        label = f"{name} ({code})"
    return CollectiviteDocument(
        siren=str(row["siren"]),
        name=name,
        kind=kind,
        subkind=str(row.get("subkind") or ""),
        kind_label=KIND_LABELS.get(kind, kind),
        insee_code=row.get("insee_code"),
        departement_code=code,
        departement_name=departements.get(code) if code else None,
        region_code=row.get("region_code"),
        epci_siren=row.get("epci_siren"),
        population=row.get("population"),
        label=label,
    )


def to_dict(document: msgspec.Struct) -> dict[str, Any]:
    return msgspec.to_builtins(document)
