"""Checks a Struct cannot express: references to other rows, plan coherence, completeness."""

from __future__ import annotations

import re
from typing import Any

import msgspec

from catalogue.listings.reference import LICENCES
from catalogue.listings.repository import ListingRepository
from catalogue.listings.schemas import SLUG_PATTERN, ListingView, PerInhabitantPlan, Plan, TieredPlan
from plugins.registry.repository import PluginRepository
from store.kit.errors import FieldError, InvalidInput

RESERVED_SLUGS = frozenset({"nouveau", "new", "mine", "admin"})
"""Words that page routes use where a slug could go."""

_SLUG = re.compile(SLUG_PATTERN)
_STRIPPED = ("name", "action", "pitch", "funding_origin")
_DEDUPED = ("thematiques", "target_kinds", "procurement_routes", "required_services")


def is_slug(value: str) -> bool:
    return 3 <= len(value) <= 80 and bool(_SLUG.match(value))


def check_new_slug(slug: str) -> None:
    if slug in RESERVED_SLUGS:
        raise InvalidInput(
            f"L'adresse « {slug} » est réservée : choisissez-en une autre.",
            code="reserved_slug",
            errors=[FieldError("slug", "adresse réservée")],
        )


def normalise(values: dict[str, Any]) -> dict[str, Any]:
    """Trim texts, lower-case the e-mail, drop duplicates from lists (keeping the order)."""
    out = dict(values)
    for name in _STRIPPED:
        if isinstance(out.get(name), str):
            out[name] = out[name].strip()
    if isinstance(out.get("contact_email"), str):
        out["contact_email"] = out["contact_email"].strip().lower()
    for name in _DEDUPED:
        if isinstance(out.get(name), list):
            out[name] = list(dict.fromkeys(out[name]))
    return out


def plan_problems(index: int, plan: Plan) -> list[FieldError]:
    field = f"plans[{index}]"
    problems: list[FieldError] = []
    if (
        isinstance(plan, PerInhabitantPlan)
        and plan.cap_cents is not None
        and plan.cap_cents < plan.floor_cents
    ):
        problems.append(FieldError(field, "le plafond doit être supérieur ou égal au plancher"))
    if isinstance(plan, TieredPlan):
        bounds = [t.up_to_population for t in plan.tiers]
        if any(b is None for b in bounds[:-1]):
            problems.append(
                FieldError(field, "seule la dernière tranche peut être sans limite de population")
            )
        closed = [b for b in bounds if b is not None]
        if closed != sorted(set(closed)):
            problems.append(
                FieldError(field, "les tranches doivent être de population strictement croissante")
            )
    return problems


async def check_fields(
    repo: ListingRepository,
    values: dict[str, Any],
    *,
    slug: str,
    publisher_siren: str,
    curator: bool = False,
) -> None:
    """Raise InvalidInput (422) naming every field that refers to something unknown or is incoherent."""
    problems: list[FieldError] = []
    if values.get("thematiques"):
        known = {t.slug for t in await repo.thematiques()}
        unknown = [s for s in values["thematiques"] if s not in known]
        if unknown:
            problems.append(FieldError("thematiques", "thématique inconnue : " + ", ".join(unknown)))
    licence = values.get("licence")
    if licence and licence not in LICENCES:
        problems.append(FieldError("licence", f"identifiant SPDX non reconnu : {licence}"))
    required = values.get("required_services") or []
    if slug in required:
        problems.append(FieldError("required_services", "un service ne peut pas se requérir lui-même"))
    others = [s for s in required if s != slug]
    if others:
        found = await repo.existing_slugs(others, visible_to_publisher=publisher_siren)
        missing = [s for s in others if s not in found]
        if missing:
            problems.append(FieldError("required_services", "service inconnu : " + ", ".join(missing)))
    for index, plan in enumerate(values.get("plans") or []):
        problems.extend(plan_problems(index, plan))
    if values.get("plugin_id"):
        problems.extend(await plugin_problems(values["plugin_id"], publisher_siren, curator=curator))
    if problems:
        raise InvalidInput(
            "Données invalides : " + "; ".join(f"{p.field} : {p.message}" for p in problems) + ".",
            code="invalid_listing",
            errors=problems,
        )


async def plugin_problems(plugin_id: str, publisher_siren: str, *, curator: bool) -> list[FieldError]:
    """The plugin to deploy must exist; a publisher names only its own plugins (a curator any)."""
    plugin = await PluginRepository().get_plugin(plugin_id)
    if plugin is None:
        return [FieldError("plugin_id", f"aucun plugin « {plugin_id} » dans le registre")]
    if not curator and plugin.publisher_siren != publisher_siren:
        return [FieldError("plugin_id", "ce plugin est publié par un autre éditeur")]
    return []


def changed_fields(listing: ListingView, given: dict[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    for name, value in given.items():
        if name == "thematiques":
            current: Any = [t.slug for t in listing.thematiques]
        elif name == "plans":
            current, value = msgspec.to_builtins(listing.plans), msgspec.to_builtins(value)
        else:
            current = getattr(listing, name)
        if current != value:
            changed[name] = given[name]
    return changed


COMPLETENESS: tuple[tuple[str, str], ...] = (
    ("action", "la phrase d'action (« Organiser ses conseils municipaux en ligne »)"),
    ("pitch", "le résumé"),
    ("description_md", "la description"),
    ("thematiques", "au moins une thématique"),
    ("target_kinds", "au moins un type de collectivité visée"),
    ("contact_email", "l'adresse de contact"),
    ("licence", "la licence (identifiant SPDX, ou « LicenseRef-Proprietary »)"),
    ("plans", "au moins une offre tarifaire"),
    ("procurement_routes", "au moins une voie d'achat"),
)


def check_complete(listing: ListingView) -> None:
    """A listing goes to review only when a buyer could decide from it."""
    missing = [
        FieldError(name, f"à renseigner : {label}")
        for name, label in COMPLETENESS
        if not getattr(listing, name)
    ]
    if missing:
        raise InvalidInput(
            "Le service est incomplet ; il manque : "
            + ", ".join(e.message.split(" : ", 1)[1] for e in missing)
            + ".",
            code="listing_incomplete",
            errors=missing,
        )
