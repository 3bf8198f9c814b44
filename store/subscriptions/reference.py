"""The subscription vocabulary: states, who may move them, cost-sharing rules, procurement thresholds.

Thresholds are a dated table (research: domain.md §4.4), never constants in code: the applicable
row is the latest whose ``effective_from`` is on or before the day of the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal


class State(StrEnum):
    requested = "requested"
    pending_signature = "pending_signature"
    active = "active"
    suspended = "suspended"
    terminated = "terminated"
    rejected = "rejected"


LIVE_STATES: Final = frozenset({State.requested, State.pending_signature, State.active, State.suspended})
BILLED_STATES: Final = frozenset({State.active, State.suspended, State.terminated})

STATE_LABELS: Final[dict[str, str]] = {
    "requested": "Demandé",
    "pending_signature": "En attente de signature",
    "active": "Actif",
    "suspended": "Suspendu",
    "terminated": "Résilié",
    "rejected": "Refusé",
}

CostSharing = Literal["equal", "population", "custom"]
COST_SHARING: Final[dict[str, str]] = {
    "equal": "À parts égales entre les communes membres",
    "population": "Au prorata de la population des communes membres",
    "custom": "Selon des parts convenues (en pourcentage)",
}

GROUPEMENT_KINDS: Final = frozenset({"epci", "ept"})
"""Registry kinds that have member communes and may subscribe on their behalf."""

FREE_ROUTES: Final = frozenset({"gratuit", "cooperation_public_public", "in_house"})
"""Routes that need no onerous contract: the only ones a free plan can use."""
PAID_ONLY_ROUTES: Final = frozenset(
    {"centrale_achat", "groupement_commandes", "dispense", "mapa", "procedure_formalisee"}
)

DEFAULT_DURATION_MONTHS: Final = 48
"""Four years, the usual length of a framework agreement: the estimated value counts renewals."""


@dataclass(frozen=True)
class Threshold:
    effective_from: dt.date
    buyer_kind: str
    contract_kind: str
    name: Literal["dispense", "procedure_formalisee"]
    amount_cents: int
    """Exclusive upper bound of the route below it: ``dispense`` under it, MAPA under the formal one."""


THRESHOLDS: Final[tuple[Threshold, ...]] = (
    Threshold(dt.date(2020, 1, 1), "collectivite", "services", "dispense", 4_000_000),
    Threshold(dt.date(2026, 4, 1), "collectivite", "services", "dispense", 6_000_000),
    Threshold(dt.date(2024, 1, 1), "collectivite", "services", "procedure_formalisee", 22_100_000),
    Threshold(dt.date(2026, 1, 1), "collectivite", "services", "procedure_formalisee", 21_600_000),
)


def threshold(
    name: str, on: dt.date, *, buyer_kind: str = "collectivite", contract_kind: str = "services"
) -> int:
    rows = [
        t
        for t in THRESHOLDS
        if t.name == name
        and t.buyer_kind == buyer_kind
        and t.contract_kind == contract_kind
        and t.effective_from <= on
    ]
    if not rows:
        raise LookupError(f"no {name} threshold on {on}")
    return max(rows, key=lambda t: t.effective_from).amount_cents
