"""What the billing pages share: labels of statuses and ledger accounts, form idempotency keys,
French amount and period parsing. Amounts are shown with the ``eur`` filter (store.kit.money)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from store.billing.ledger.codes import AccountCode
from store.kit.errors import InvalidInput
from store.kit.money import parse_eur

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
KEY = re.compile(r"^[A-Za-z0-9_-]{8,200}$")

STATUS_LABELS = {
    "issued": ("À payer", "info"),
    "overdue": ("En retard", "error"),
    "paid": ("Payée", "success"),
    "credited": ("Annulée par avoir", "warning"),
    "written_off": ("Admise en non-valeur", "warning"),
    "credit_note": ("Avoir", "new"),
}

BUDGET_LABELS = {
    AccountCode.BUDGET_SOURCE: "Programme (source des crédits)",
    AccountCode.ENVELOPE_AVAILABLE: "Enveloppe",
    AccountCode.GUICHET_AVAILABLE: "Guichet départemental",
    AccountCode.COMMITMENT: "Engagement (subvention)",
    AccountCode.CONSUMED: "Consommé",
}


def status_of(item: Any) -> tuple[str, str]:
    """``(label, badge level)`` of an invoice or credit note as a collectivité reads it."""
    if item.kind == "credit_note":
        return STATUS_LABELS["credit_note"]
    if item.overdue:
        return STATUS_LABELS["overdue"]
    return STATUS_LABELS.get(item.status, (item.status, "info"))


def billing_labels() -> dict[str, Any]:
    return {"status_of": status_of, "budget_labels": BUDGET_LABELS}


def new_key() -> str:
    """An idempotency key for one rendering of a form: submitting it twice replays."""
    return "page-" + secrets.token_urlsafe(18)


def form_key(raw: Any) -> str:
    key = str(raw.get("idempotency_key") or "")
    if not KEY.match(key):
        raise InvalidInput(
            "Formulaire incomplet (clé d'idempotence absente) : rechargez la page.",
            code="missing_idempotency_key",
        )
    return key


def parse_period(text: str, today: dt.date) -> str:
    period = text.strip()
    if not PERIOD.match(period):
        raise InvalidInput(
            "Période invalide : indiquez un mois au format AAAA-MM (par exemple 2026-10).", code="bad_period"
        )
    if period > today.strftime("%Y-%m"):
        raise InvalidInput(
            f"La période {period} n'a pas commencé : impossible de la facturer.", code="bad_period"
        )
    return period


def parse_amount(text: str, *, label: str = "Le montant") -> int:
    """A French amount in euros (``1 234,56``) → positive integer cents, or a French error."""
    try:
        cents = parse_eur(text)
    except ValueError:
        raise InvalidInput(
            f"{label} est invalide : saisissez un montant en euros, par exemple 1 234,56.", code="bad_amount"
        ) from None
    if cents <= 0:
        raise InvalidInput(f"{label} doit être supérieur à zéro.", code="bad_amount")
    if cents > 10**13:
        raise InvalidInput(f"{label} est trop élevé.", code="bad_amount")
    return cents


def parse_day(text: str) -> str:
    value = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise InvalidInput("Date invalide : indiquez une date au format JJ/MM/AAAA.", code="bad_date")
