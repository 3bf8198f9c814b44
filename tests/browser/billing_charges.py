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
from store.billing.schemas import ChargeIn
from store.kit.settings import load_settings
from tests.support.routes import COLLECTIVITE_A, PUBLISHER_A


async def main(period: str) -> None:
    app = create_app(load_settings())
    state = app.state
    await state.db.start()
    try:
        await state.billing.add_charges(
            [
                ChargeIn(
                    source_ref=f"navigateur:{COLLECTIVITE_A}:{period}",
                    payer_siren=COLLECTIVITE_A,
                    amount_ht=123_456,
                    vat_rate_bp=2000,
                    description="Conseil municipal en ligne",
                    period=period,
                    publisher_siren=PUBLISHER_A,
                )
            ]
        )
    finally:
        await state.dispatcher.drain()
        await state.db.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
