"""What the consultation pages share: reading HTML form values, and which collectivité one acts for.

Form fields arrive as text (a checkbox list as one string when only one box is ticked), so form
Structs declare text only and the pages convert here, with French errors that the templates show
next to the form concerned (``errors[form_key]``), never a 400 from the framework.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from typing import Any, TypeVar

import msgspec
from litestar.datastructures import State
from litestar.di import Provide

from admin.consultations.dashboard import ConsultationDashboard
from catalogue.needs.service import ConsultationService, ContributionService, RegroupementService
from catalogue.votes.service import (
    DeploymentService,
    InterestService,
    ResultsService,
    SelectionService,
    SupportService,
)
from store.kit.auth import Actor, MandateInfo
from store.kit.errors import DomainError, FieldError, InvalidInput
from store.kit.money import parse_eur

T = TypeVar("T")
Many = list[str] | str
"""A form field that may repeat (checkboxes)."""

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@dataclasses.dataclass(frozen=True)
class Desk:
    """The consultation services, as one dependency of the consultation pages."""

    consultations: ConsultationService
    contributions: ContributionService
    regroupement: RegroupementService
    supports: SupportService
    results: ResultsService
    selection: SelectionService
    interests: InterestService
    deployment: DeploymentService
    consultation_dashboard: ConsultationDashboard


def _desk(state: State) -> Desk:
    return Desk(**{f.name: getattr(state, f.name) for f in dataclasses.fields(Desk)})


DESK = {"desk": Provide(_desk, sync_to_thread=False)}
"""Controller ``dependencies`` giving handlers ``desk: NamedDependency[Desk]``."""


def many(value: Many) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def ids(value: Many, field: str, label: str) -> list[int]:
    """Ticked ids, or a French error naming ``label``."""
    try:
        return sorted({int(v) for v in many(value) if v.strip()})
    except ValueError as exc:
        raise InvalidInput(
            f"{label} : identifiant invalide.", code="invalid_form", errors=[FieldError(field, "invalide")]
        ) from exc


def optional_int(value: str, field: str, label: str) -> int | None:
    if not value.strip():
        return None
    try:
        return int(value.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{label} : nombre entier attendu.",
            code="invalid_form",
            errors=[FieldError(field, "entier attendu")],
        ) from exc


def cents(value: str, field: str = "montant") -> int:
    """An amount typed in euros (« 12 500 », « 1 200,50 € ») as integer cents; empty is zero."""
    if not value.strip():
        return 0
    try:
        amount = parse_eur(value)
    except ValueError as exc:
        raise InvalidInput(
            f"Montant invalide : « {value} » (en euros, par exemple 12 500 ou 1 200,50).",
            code="invalid_amount",
            errors=[FieldError(field, "montant en euros attendu")],
        ) from exc
    if amount < 0:
        raise InvalidInput(
            "Le montant ne peut pas être négatif.",
            code="invalid_amount",
            errors=[FieldError(field, "montant positif attendu")],
        )
    return amount


def moment(value: str, field: str, label: str) -> dt.datetime:
    """A ``datetime-local`` field (``2026-05-03T18:00``), read as Paris time when it has no offset."""
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{label} : date et heure attendues (jj/mm/aaaa hh:mm).",
            code="invalid_date",
            errors=[FieldError(field, "date invalide")],
        ) from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)


def local_input(value: dt.datetime) -> str:
    """A moment as a ``datetime-local`` field value, in Paris time."""
    return value.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def build(struct: type[T], /, **values: Any) -> T:
    """A service request from form values, with its constraints checked (lengths, ranges)."""
    try:
        return msgspec.convert(values, struct)
    except msgspec.ValidationError as exc:
        path = str(exc).rsplit("`$.", 1)[-1].rstrip("`") if "`$." in str(exc) else ""
        raise InvalidInput(
            "Formulaire incomplet ou invalide" + (f" (champ « {path} »)." if path else "."),
            code="invalid_form",
            errors=[FieldError(path or "formulaire", "valeur invalide")],
        ) from exc


def collectivite_mandates(actor: Actor) -> list[MandateInfo]:
    return [m for m in actor.mandates if m.kind == "collectivite"]


def acting_siren(actor: Actor, requested: str | None) -> str | None:
    """The collectivité a page acts for: the one asked for (the service checks the mandate), else the
    first the actor holds a mandate for, else None."""
    if requested:
        return requested.replace(" ", "")
    mandates = collectivite_mandates(actor)
    return mandates[0].org_id if mandates else None


def refusal(exc: DomainError) -> tuple[int, str]:
    """The status and the French message a page shows next to the form that failed."""
    return (exc.status if exc.status != 400 else 422), exc.detail
