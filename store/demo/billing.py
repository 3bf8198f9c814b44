"""Billing history of the demo (``tstore seed-billing``), made through the services as real use would.

The demo's signed subscriptions started a few months ago (``store.subscriptions.demo``). This step:

1. has the State co-fund one demo service: a national "free State service" grant on axis 1 of the
   France Relance plan pays half of every subscription to « Consultations citoyennes »
   (``FundingService.create_listing_grant``, the curators' path), so Bourg-en-Bresse's invoice lines
   show the State's share and its own;
2. runs the billing of every closed month since the first activation, as the curators' desk does
   (``BillingService.run_billing`` with the subscriptions' charge source), each issued on the first
   day of the following month;
3. settles part of it: every invoice of the first month is paid, the State pays all but the last
   month, the groupement's communes pay the second month, Bourg-en-Bresse leaves its second month
   unpaid (overdue) and receives a credit note on its last invoice; the first month is then closed.

Idempotent: an existing grant, run, payment, credit note or closed period is left as it is, so a
second run the same day writes nothing. Refused in production.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from catalogue.funding.schemas import ListingGrantIn
from catalogue.listings.repository import ListingRepository
from store.billing.schemas import CreditNoteIn, PaymentIn
from store.billing.statements import StatementLine
from store.demo.data import BOURG_EN_BRESSE
from store.kit.auth import Actor
from store.kit.errors import Forbidden, NotFound
from store.subscriptions.demo import CO_FUNDED_LISTING
from store.subscriptions.proration import month_bounds

ENVELOPE = "relance-axe-1"
GRANT_KEY = f"demo:listing-grant:{CO_FUNDED_LISTING}"
GRANT_RATE_BP = 5000
GRANT_AMOUNT_CENTS = 50_000_00
PAYMENT_DELAY_DAYS = 20
"""A paid invoice is paid this many days after its issue (public accounts take their time)."""
CREDIT_HT_CENTS = 20_00
CREDIT_REASON = "Service indisponible deux jours pendant le mois : remise commerciale de l'éditeur."
MAX_MONTHS = 12
"""At most this many closed months are billed (the oldest first)."""
READER = Actor(account_id="demo-billing", display_name="Démonstration de la facturation", is_curator=True)
"""Reads every invoice as a curator would (writes go through the services as the operator)."""


def _period(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _shift(period: str, months: int) -> str:
    year, month = (int(part) for part in period.split("-"))
    index = year * 12 + month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass
class BillingDemoReport:
    created: Counter[str] = field(default_factory=Counter)
    """``financements``, ``campagnes``, ``factures``, ``paiements``, ``avoirs``, ``clôtures``."""
    billed: list[str] = field(default_factory=list)
    """Every month billed, this time or before, oldest first."""


async def seed_billing_demo(state: Any) -> BillingDemoReport:
    if state.settings.env == "prod":
        raise Forbidden("La démonstration ne s'installe pas en production.", code="demo_in_production")
    report = BillingDemoReport()
    today: dt.date = state.subscription_charges.today()
    await _co_funding(state, today, report.created)
    report.billed = await _bill_closed_months(state, today, report.created)
    if report.billed:
        await _settle(state, report.billed, today, report.created)
    return report


async def _co_funding(state: Any, today: dt.date, created: Counter[str]) -> None:
    listing = await ListingRepository().get(CO_FUNDED_LISTING)
    if listing is None:
        raise NotFound(
            f"Le service « {CO_FUNDED_LISTING} » est absent : lancez d'abord seed-demo.", code="demo_missing"
        )
    funding = state.funding
    if any(g.listing_id == str(listing.id) for g in await funding.listing_grants(None)):
        return
    if await funding.repo.envelope(ENVELOPE) is None:
        raise NotFound(
            "Le plan France Relance est absent : lancez d'abord seed-funding.", code="funding_demo_missing"
        )
    this_month = _period(today)
    await funding.create_listing_grant(
        None,
        ListingGrantIn(
            envelope_code=ENVELOPE,
            listing_id=str(listing.id),
            label=f"{listing.name} — service cofinancé par l'État (France Relance)",
            cap_bp=GRANT_RATE_BP,
            amount_cents=GRANT_AMOUNT_CENTS,
            from_period=_shift(this_month, -MAX_MONTHS),
            until_period=_shift(this_month, 24),
        ),
        key=GRANT_KEY,
    )
    created["financements"] += 1


async def _bill_closed_months(state: Any, today: dt.date, created: Counter[str]) -> list[str]:
    """Bill each closed month since the first activation; returns every billed month, oldest first."""
    first_of_month = today.replace(day=1)
    segments = await state.subscription_charges.repo.billable_segments(dt.date(2000, 1, 1), first_of_month)
    if not segments:
        return []
    start = max(_period(min(s["starts_on"] for s in segments)), _shift(_period(today), -MAX_MONTHS))
    billing = state.billing
    periods: list[str] = []
    period = start
    while period < _period(today):
        async with billing.db.engine.transaction():
            run = await billing.repo.run_for(period)
        if run is not None and run["status"] == "done":
            periods.append(period)
        elif run is not None or await state.subscription_charges.charges_for(period):
            report = await billing.run_billing(None, period, issue_date=month_bounds(period)[1].isoformat())
            created["campagnes"] += 1
            created["factures"] += report.issued
            periods.append(period)
        period = _shift(period, 1)
    return periods


def _to_pay(line: StatementLine, index: int, last: int, funder: str) -> bool:
    if line.payer_siren == funder:
        return index < last
    if index == 0:
        return True
    return index == 1 and line.payer_siren != BOURG_EN_BRESSE


async def _settle(state: Any, periods: list[str], today: dt.date, created: Counter[str]) -> None:
    billing = state.billing
    lines = await billing.statements.invoices(READER, limit=10_000)
    invoices = [line for line in lines if line.kind == "invoice" and line.period in periods]
    funder = state.funding.funder_siren
    for line in invoices:
        index = periods.index(line.period)
        if line.status != "issued" or not line.amount_due or not line.issue_date:
            continue
        if not _to_pay(line, index, len(periods) - 1, funder):
            continue
        paid_on = dt.date.fromisoformat(line.issue_date) + dt.timedelta(days=PAYMENT_DELAY_DAYS)
        if paid_on > today:
            continue
        await billing.record_payment(
            None,
            line.id,
            PaymentIn(amount=line.amount_due, paid_on=paid_on.isoformat(), reference=f"Mandat {line.number}"),
            key=f"demo-paiement-{line.id}",
        )
        created["paiements"] += 1

    bourg = [line for line in lines if line.payer_siren == BOURG_EN_BRESSE]
    latest = [line for line in bourg if line.kind == "invoice" and line.period == periods[-1]]
    if latest and not any(line.kind == "credit_note" for line in bourg):
        invoice = latest[0]
        await billing.issue_credit_note(
            None,
            invoice.id,
            CreditNoteIn(amount_ht=min(CREDIT_HT_CENTS, invoice.total_ht), reason=CREDIT_REASON),
            key=f"demo-avoir-{invoice.id}",
        )
        created["avoirs"] += 1

    if len(periods) > 1 and await billing.statements.closed_through() is None:
        await billing.close_period(None, periods[0])
        created["clôtures"] += 1
