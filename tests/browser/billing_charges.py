"""Charges for the browser tests' billing walkthrough, added to the server's database (run in a
subprocess with the server's TS_* environment, like prepare.py). Idempotent by ``source_ref``.

    python tests/browser/billing_charges.py 2026-06
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store.app import create_app
from store.billing import accounts
from store.billing.schemas import ChargeIn, GrantIn
from store.billing.split import CoPayer
from store.kit.settings import load_settings
from tests.support.routes import COLLECTIVITE_A, COLLECTIVITE_B, PUBLISHER_A


async def main(period: str) -> None:
    app = create_app(load_settings())
    state = app.state
    await state.db.start()
    try:
        billing = state.billing
        day = f"{period}-01"
        await billing.budget.fund_envelope(
            f"navigateur:fund:{period}", programme="P", envelope_ref="AAP", amount=10**8, day=day
        )
        await billing.register_grant(
            None,
            GrantIn(
                id="AAP-NAV",
                label="AAP France Relance",
                funder_siren="130026032",
                funder_name="État — ANCT",
                envelope_ref="AAP",
                cap_bp=5000,
            ),
        )
        await billing.budget.commit(
            f"navigateur:commit:{period}",
            source=accounts.envelope("AAP"),
            grant_id="AAP-NAV",
            amount=10**7,
            day=day,
        )
        await billing.add_charges(
            [
                ChargeIn(
                    source_ref=f"navigateur:groupement:{period}",
                    payer_siren=COLLECTIVITE_A,
                    amount_ht=200_000,
                    vat_rate_bp=2000,
                    description="Serveur vocal interactif mutualisé",
                    period=period,
                    grant_id="AAP-NAV",
                    co_payers=(CoPayer(COLLECTIVITE_A, 3), CoPayer(COLLECTIVITE_B, 1)),
                    publisher_siren=PUBLISHER_A,
                ),
                ChargeIn(
                    source_ref=f"navigateur:{COLLECTIVITE_A}:{period}",
                    payer_siren=COLLECTIVITE_A,
                    amount_ht=123_456,
                    vat_rate_bp=2000,
                    description="Conseil municipal en ligne",
                    period=period,
                    publisher_siren=PUBLISHER_A,
                ),
            ]
        )
    finally:
        await state.dispatcher.drain()
        await state.db.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
