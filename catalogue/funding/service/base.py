"""What every funding operation shares: the clock, the ledger seams, audit records, money words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from catalogue.funding.repository import FundingRepository
from store.billing.budget import BudgetService
from store.billing.ledger.schemas import JournalResult
from store.billing.ledger.service import LedgerService
from store.billing.service import BillingService
from store.kit.auth import Actor, require_curator
from store.kit.errors import Conflict, NotFound
from store.kit.events import AuditRecord
from store.kit.money import format_eur
from store.kit.uow import UnitOfWorkFactory
from store.registry.service import RegistryService

PARIS = ZoneInfo("Europe/Paris")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def euros(cents: int) -> str:
    """12345678 → « 123 456,78 € » (narrow no-break spaces, as French typography wants)."""
    return format_eur(cents)


def audit(actor: Actor | None, action: str, subject_type: str, subject_id: object, **kw: Any) -> AuditRecord:
    return AuditRecord(
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor_id=actor.account_id if actor else None,
        actor_label=actor.display_name if actor else "système",
        **kw,
    )


def actor_label(actor: Actor | None) -> str:
    if actor is None or actor.account_id is None:
        return "system"
    return f"account:{actor.account_id}"


def curator(actor: Actor | None) -> Actor | None:
    """None is the system (CLI, event handlers); a person must be a curator."""
    if actor is not None:
        require_curator(actor)
    return actor


def refused(result: JournalResult, what: str) -> Conflict:
    """A journal the ledger rejected, in words a curator understands."""
    if result.code in {"exceeds_credits", "exceeds_debits"}:
        return Conflict(f"{what} : montant supérieur au disponible.", code="envelope_exhausted")
    return Conflict(f"{what} : écriture refusée par le grand livre ({result.code}).", code="ledger_rejected")


class FundingBase:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ledger: LedgerService,
        billing: BillingService,
        registry: RegistryService,
        *,
        funder_siren: str,
        funder_name: str = "État — ANCT",
        repo: FundingRepository | None = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.uow = uow
        self.ledger = ledger
        self.budget = BudgetService(ledger)
        self.billing = billing
        self.registry = registry
        self.funder_siren = funder_siren
        self.funder_name = funder_name
        self.repo = repo or FundingRepository()
        self.clock = clock

    def today(self) -> dt.date:
        """The date in France: a call's window opens and closes at midnight, Paris time."""
        return self.clock().astimezone(PARIS).date()

    async def envelope_row(self, code: str) -> dict[str, Any]:
        row = await self.repo.envelope(code)
        if row is None:
            raise NotFound(f"Enveloppe « {code} » introuvable.", code="envelope_not_found")
        return row
