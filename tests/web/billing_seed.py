"""Invoices for the billing pages, made the real way: an envelope, a grant and its commitment in the
budget ledger, charges (one co-funded and shared by two communes), then a billing run."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from store.billing import accounts
from store.billing.schemas import ChargeIn, GrantIn
from store.billing.split import CoPayer
from store.registry.tables import Publisher
from tests.billing.support import AGGLO, AMBERIEU, BOURG, STATE

PERIOD = "2026-10"
PUBLISHER = "123456782"
OTHER_PUBLISHER = "987654324"
HTML = {"accept": "text/html"}


async def seed_charges(state: Any, *, period: str = PERIOD, tag: str = "") -> None:
    billing = state.billing
    await billing.budget.fund_envelope(
        f"fund{tag}", programme="P", envelope_ref="AAP", amount=10**9, day="2026-10-01"
    )
    await billing.register_grant(
        None,
        GrantIn(
            id="AAP-2026",
            label="AAP France Relance",
            funder_siren=STATE,
            funder_name="État — ANCT",
            envelope_ref="AAP",
            cap_bp=5000,
            base="ht",
        ),
    )
    await billing.budget.commit(
        f"commit{tag}",
        source=accounts.envelope("AAP"),
        grant_id="AAP-2026",
        amount=1_000_000,
        day="2026-10-01",
    )
    await billing.add_charges(
        [
            ChargeIn(
                source_ref=f"sub:1:{period}",
                payer_siren=AGGLO,
                amount_ht=120_001,
                vat_rate_bp=2000,
                description="Conseil municipal en ligne",
                period=period,
                grant_id="AAP-2026",
                co_payers=(CoPayer(BOURG, 42_159), CoPayer(AMBERIEU, 14_644)),
                publisher_siren=PUBLISHER,
            ),
            ChargeIn(
                source_ref=f"sub:2:{period}",
                payer_siren=BOURG,
                amount_ht=10_001,
                vat_rate_bp=2000,
                description="Serveur vocal interactif",
                period=period,
                publisher_siren=OTHER_PUBLISHER,
            ),
            ChargeIn(
                source_ref=f"sub:3:{period}",
                payer_siren=AMBERIEU,
                amount_ht=5_000,
                vat_rate_bp=550,
                description="Orientation des usagers",
                period=period,
            ),
        ]
    )


async def publishers(state: Any) -> None:
    now = dt.datetime.now(dt.UTC)
    await Publisher.insert(
        Publisher(siren=PUBLISHER, name="Coopérative des communs", created_at=now),
        Publisher(siren=OTHER_PUBLISHER, name="Voix publiques", created_at=now),
    )


async def invoiced(state: Any, *, issue_date: str = "2026-11-02") -> dict[str, Any]:
    """Seed and run the period; the issued invoices by payer SIREN."""
    await seed_charges(state)
    await state.billing.run_billing(None, PERIOD, issue_date=issue_date)
    curator_view = await state.billing.overdue("2099-01-01")
    return {i.payer_siren: i for i in curator_view}


def text(response: Any) -> str:
    return html.unescape(response.text)


def form_keys(page: str) -> list[str]:
    return re.findall(r'name="idempotency_key" value="([^"]+)"', page)
