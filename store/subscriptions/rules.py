"""Rules a request must meet: procurement route against price and thresholds, eligibility, shares.

Input that cannot make sense (a route the price rules out, shares not summing to 100 %) is a 422
naming the field; eligibility is a *decision* on a well-formed request, recorded as a rejection.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from catalogue.listings.eligibility import Candidate, check_eligibility
from catalogue.listings.reference import PROCUREMENT_ROUTES
from store.kit.errors import FieldError, InvalidInput
from store.kit.money import format_eur
from store.subscriptions.reference import FREE_ROUTES, threshold


@dataclass(frozen=True)
class Refusal:
    code: str
    reason: str
    """French, shown to the collectivité as is."""


def _route_error(detail: str) -> InvalidInput:
    return InvalidInput(
        detail, code="procurement_route_invalid", errors=[FieldError("procurement_route", detail)]
    )


def estimated_value_cents(yearly_ht_cents: int, duration_months: int) -> int:
    """Yearly price over the whole duration, renewals included, rounded up to the cent (a threshold
    is never met by rounding down)."""
    return -(-yearly_ht_cents * duration_months // 12)


def check_procurement(
    route: str, *, offered: list[str], yearly_ht_cents: int, estimated_cents: int, on: dt.date
) -> None:
    """Raise 422 when the route cannot frame this purchase (research: domain.md §4.4)."""
    label = PROCUREMENT_ROUTES.get(route, route)
    if offered and route not in offered:
        raise _route_error(f"Ce service ne propose pas la voie d'achat « {label} ».")
    if yearly_ht_cents == 0 and route not in FREE_ROUTES:
        raise _route_error(
            "Une offre gratuite n'est pas un marché public : choisissez « gratuit », une "
            "coopération public-public ou une quasi-régie."
        )
    if yearly_ht_cents > 0 and route == "gratuit":
        raise _route_error("Cette offre est payante : la voie « gratuit » ne s'applique pas.")
    dispense = threshold("dispense", on)
    formal = threshold("procedure_formalisee", on)
    value = format_eur(estimated_cents)
    if route == "dispense" and estimated_cents >= dispense:
        raise _route_error(
            f"Montant estimé sur toute la durée ({value} HT) au-delà du seuil de dispense "
            f"({format_eur(dispense)} HT) : une procédure adaptée ou formalisée est requise."
        )
    if route == "mapa" and estimated_cents >= formal:
        raise _route_error(
            f"Montant estimé sur toute la durée ({value} HT) au-delà du seuil de procédure formalisée "
            f"({format_eur(formal)} HT) : la procédure adaptée ne suffit pas."
        )


def eligibility_refusal(
    candidate: Candidate,
    name: str,
    *,
    target_kinds: list[str],
    commune_max_population: int | None,
    epci_max_population: int | None,
) -> Refusal | None:
    verdict = check_eligibility(
        candidate,
        target_kinds=target_kinds,
        commune_max_population=commune_max_population,
        epci_max_population=epci_max_population,
    )
    if verdict.eligible:
        return None
    kind_refused = bool(target_kinds) and candidate.kind not in target_kinds
    code = "not_eligible_kind" if kind_refused else "not_eligible_population"
    return Refusal(code, f"{name} : {verdict.reason}")


def check_custom_shares(shares: dict[str, int | None]) -> dict[str, int]:
    missing = [siren for siren, share in shares.items() if share is None]
    if missing:
        raise InvalidInput(
            "Partage personnalisé : indiquez la part de chaque commune membre.",
            code="shares_invalid",
            errors=[FieldError("members", "part manquante pour " + ", ".join(missing))],
        )
    total = sum(s for s in shares.values() if s is not None)
    if total != 10_000:
        raise InvalidInput(
            f"Partage personnalisé : les parts totalisent {total // 100},{total % 100:02d} % "
            "au lieu de 100 %.",
            code="shares_invalid",
            errors=[FieldError("members", "la somme des parts doit faire 100 %")],
        )
    return {siren: int(share) for siren, share in shares.items() if share is not None}
