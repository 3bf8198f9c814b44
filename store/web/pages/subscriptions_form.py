"""The subscription form: what it shows for one collectivité, and how its fields become a request."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from catalogue.listings.pricing import yearly_ht_cents
from catalogue.listings.schemas import ListingView
from store.kit.errors import FieldError, InvalidInput
from store.kit.money import format_eur, parse_eur
from store.subscriptions.reference import DEFAULT_DURATION_MONTHS, GROUPEMENT_KINDS
from store.subscriptions.schemas import SubscriptionRequest


def new_key() -> str:
    """A fresh idempotency key for one form: submitting it twice makes one subscription."""
    return f"page-{uuid.uuid4()}"


def plan_prices(listing: ListingView, population: int | None, *, groupement: bool) -> list[str]:
    prices = []
    for plan in listing.plans:
        cents = yearly_ht_cents(plan, population)
        if groupement and plan.__struct_config__.tag in ("per_inhabitant", "tiered"):
            prices.append("selon la population des communes couvertes")
        elif cents is None:
            prices.append("population inconnue")
        else:
            prices.append("gratuit" if cents == 0 else f"{format_eur(cents)} HT par an")
    return prices


def percent_to_bp(text: str) -> int | None:
    """``"12,5"`` → 1250 basis points (integers only); None when empty."""
    text = text.strip().replace("%", "")
    if not text:
        return None
    try:
        return parse_eur(text)
    except ValueError:
        raise InvalidInput(
            f"Part invalide : « {text} » (un pourcentage, par exemple 12,5).",
            code="shares_invalid",
            errors=[FieldError("members", "pourcentage invalide")],
        ) from None


def read_request(slug: str, siren: str, raw: Any, collectivite: dict[str, Any]) -> SubscriptionRequest:
    """Form fields → a SubscriptionRequest; 422 naming the field when one cannot be read."""
    members: list[dict[str, Any]] = []
    cost_sharing = str(raw.get("cost_sharing", "") or "") or None
    if collectivite["kind"] in GROUPEMENT_KINDS and raw.get("on_behalf"):
        chosen = [str(v) for v in raw.getall("members")] if hasattr(raw, "getall") else []
        if not chosen:
            raise InvalidInput(
                "Cochez au moins une commune membre.",
                code="members_required",
                errors=[FieldError("members", "au moins une commune")],
            )
        for member in chosen:
            share = (
                percent_to_bp(str(raw.get(f"share_{member}", "") or "")) if cost_sharing == "custom" else None
            )
            members.append({"siren": member, "share_bp": share})
    values = {
        "listing": slug,
        "collectivite_siren": siren,
        "plan_index": raw.get("plan_index", ""),
        "procurement_route": str(raw.get("procurement_route", "") or ""),
        "procurement_reference": str(raw.get("procurement_reference", "") or ""),
        "duration_months": raw.get("duration_months", "") or DEFAULT_DURATION_MONTHS,
        "members": members,
        "cost_sharing": cost_sharing if members else None,
    }
    try:
        return msgspec.convert(values, SubscriptionRequest, strict=False)
    except msgspec.ValidationError as exc:
        field = str(exc).rsplit("`$.", 1)[-1].rstrip("`").split("[")[0] if "`$." in str(exc) else "formulaire"
        labels = {
            "plan_index": "choisissez une offre",
            "procurement_route": "choisissez une voie d'achat",
            "duration_months": "durée entre 1 et 120 mois",
        }
        message = labels.get(field, "valeur invalide")
        raise InvalidInput(f"Formulaire incomplet : {message}.", code="form_invalid",
                           errors=[FieldError(field, message)]) from None  # fmt: skip
