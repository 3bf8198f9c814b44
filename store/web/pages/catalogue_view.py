"""Presentation helpers for catalogue pages: French labels and plan amounts (HT, TVA, TTC)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from catalogue.listings.pricing import ttc_cents, vat_cents
from catalogue.listings.reference import (
    ACCESSIBILITY,
    DEPLOYMENT_MODES,
    KINDS,
    LICENCES,
    MATURITIES,
    OPEN_SOURCE_LICENCES,
    PLAN_KINDS,
    PROCUREMENT_ROUTES,
)
from catalogue.listings.schemas import FlatPlan, FreePlan, PerInhabitantPlan, Plan, TieredPlan
from catalogue.listings.states import ACTION_LABELS, STATE_BADGES, STATE_LABELS
from store.kit.money import format_eur

MATURITY_BADGES = {
    "alpha": "fr-badge--purple-glycine",
    "beta": "fr-badge--info",
    "stable": "fr-badge--success",
}
MATURITY_BADGES["deprecated"] = "fr-badge--warning"
ACCESSIBILITY_BADGES = {
    "totalement_conforme": "fr-badge--success",
    "partiellement_conforme": "fr-badge--info",
    "non_conforme": "fr-badge--warning",
    "non_evalue": "",
}


def labels() -> dict[str, Any]:
    """Every vocabulary a catalogue template needs, passed as context."""
    return {
        "kinds": KINDS,
        "maturities": MATURITIES,
        "maturity_badges": MATURITY_BADGES,
        "deployment_modes": DEPLOYMENT_MODES,
        "procurement_routes": PROCUREMENT_ROUTES,
        "accessibility_labels": ACCESSIBILITY,
        "accessibility_badges": ACCESSIBILITY_BADGES,
        "plan_kinds": PLAN_KINDS,
        "licences": LICENCES,
        "open_source_licences": OPEN_SOURCE_LICENCES,
        "state_labels": STATE_LABELS,
        "state_badges": STATE_BADGES,
        "action_labels": ACTION_LABELS,
    }


def percent(basis_points: int) -> str:
    """``550`` → ``5,5 %``."""
    whole, rest = divmod(basis_points, 100)
    text = str(whole) if rest == 0 else f"{whole},{rest:02d}".rstrip("0")
    return f"{text}\u00a0%"


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


@dataclass
class PriceLine:
    label: str
    ht: str
    vat: str
    ttc: str


@dataclass
class PlanDisplay:
    name: str
    kind: str
    kind_label: str
    description: str
    vat_rate: str
    lines: list[PriceLine] = field(default_factory=list)
    note: str = ""


def _line(label: str, cents: int, rate_bp: int) -> PriceLine:
    return PriceLine(
        label, format_eur(cents), format_eur(vat_cents(cents, rate_bp)), format_eur(ttc_cents(cents, rate_bp))
    )


def plan_display(plan: Plan) -> PlanDisplay:
    kind = str(type(plan).__struct_config__.tag)
    shown = PlanDisplay(plan.name, kind, PLAN_KINDS[kind], plan.description, "")
    match plan:
        case FreePlan():
            shown.note = "Aucun coût pour la collectivité."
        case FlatPlan():
            shown.vat_rate = percent(plan.vat_rate_bp)
            shown.lines.append(_line("Forfait annuel", plan.yearly_cents, plan.vat_rate_bp))
        case PerInhabitantPlan():
            shown.vat_rate = percent(plan.vat_rate_bp)
            shown.lines.append(_line("Par habitant et par an", plan.per_inhabitant_cents, plan.vat_rate_bp))
            if plan.floor_cents:
                shown.lines.append(_line("Minimum annuel", plan.floor_cents, plan.vat_rate_bp))
            if plan.cap_cents is not None:
                shown.lines.append(_line("Maximum annuel", plan.cap_cents, plan.vat_rate_bp))
            shown.note = "Population municipale de la collectivité souscriptrice (dernier millésime INSEE)."
        case TieredPlan():
            shown.vat_rate = percent(plan.vat_rate_bp)
            previous: int | None = None
            for tier in plan.tiers:
                if tier.up_to_population is None:
                    label = (
                        f"Au-delà de {thousands(previous)} habitants" if previous else "Toutes populations"
                    )
                else:
                    label = f"Jusqu'à {thousands(tier.up_to_population)} habitants"
                shown.lines.append(_line(label + " (par an)", tier.amount_cents, plan.vat_rate_bp))
                previous = tier.up_to_population
    return shown


def population_limits(commune_max: int | None, epci_max: int | None, target_kinds: list[str]) -> str:
    """The eligibility rule in one French sentence."""
    parts = []
    if commune_max is not None and (not target_kinds or "commune" in target_kinds):
        text = f"communes jusqu'à {thousands(commune_max)} habitants"
        if epci_max is not None:
            text += f", ou dont l'intercommunalité compte au plus {thousands(epci_max)} habitants"
        parts.append(text)
    if epci_max is not None and (not target_kinds or "epci" in target_kinds):
        parts.append(f"intercommunalités jusqu'à {thousands(epci_max)} habitants")
    if not parts:
        return "Aucune limite de population."
    sentence = " ; ".join(parts)
    return sentence[0].upper() + sentence[1:] + "."


def price_hint(starting_price_cents: int | None, plan_kinds: list[str]) -> str:
    if starting_price_cents is None:
        return "Tarif non renseigné"
    if starting_price_cents == 0 and plan_kinds == ["free"]:
        return "Gratuit"
    if starting_price_cents == 0:
        return "Offre gratuite disponible"
    return f"À partir de {format_eur(starting_price_cents)} HT par an"
