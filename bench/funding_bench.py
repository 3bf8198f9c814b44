"""Funding benchmark, side by side in one run per engine (not a timed test).

1. Awards through ``FundingService.award`` (lock the ledger head and the application, commit on the
   ledger, update the application, audit and outbox rows, one transaction each), next to the bare
   ledger commitment of the same amount (``BudgetService.commit``): what the funding layer costs.
2. The dashboard read: ``tree()`` over a plan of 3 axes, 100 guichets under one and their innovation-lab
   share (204 envelopes) once every award is made.

    python bench/funding_bench.py --engines sqlite,postgres [--awards 1000]

Writes ``bench/results/funding-<engine>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.billing_bench import Fresh  # noqa: E402
from catalogue.funding.schemas import AmountIn, AwardIn, CallIn, EnvelopeIn  # noqa: E402
from catalogue.funding.service import FundingService  # noqa: E402
from store.billing import accounts  # noqa: E402
from store.billing.ledger.service import LedgerService  # noqa: E402
from store.billing.service import BillingService  # noqa: E402
from store.kit.uow import UnitOfWorkFactory  # noqa: E402
from store.registry.service import RegistryService  # noqa: E402

M = 100_000_000


async def run(engine: str, awards: int, tmp: Path) -> dict[str, Any]:
    async with Fresh(engine, tmp, 500) as db:
        uow = UnitOfWorkFactory(db)
        ledger = LedgerService(db)
        billing = BillingService(db_settings(db), uow, ledger)
        funding = FundingService(uow, ledger, billing, RegistryService(), funder_siren="130026032")
        await funding.create_envelope(None, EnvelopeIn(code="plan", label="Plan", kind="plan", programme="P"))
        await funding.fund(None, "plan", AmountIn(amount_cents=10_000 * M), key="fund")
        for axis in (1, 2, 3):
            await funding.create_envelope(
                None, EnvelopeIn(code=f"axe-{axis}", label=f"Axe {axis}", kind="axe", parent_code="plan")
            )
            await funding.allocate(None, f"axe-{axis}", AmountIn(amount_cents=3_000 * M), key=f"axe-{axis}")
        for g in range(100):
            code = f"guichet-{g}"
            await funding.create_envelope(
                None, EnvelopeIn(code=code, label=code, kind="guichet", parent_code="axe-3", departement="01")
            )
            await funding.allocate(None, code, AmountIn(amount_cents=M), key=code)
            await funding.create_envelope(
                None, EnvelopeIn(code=code + "-labo", label="Labo", kind="part", parent_code=code)
            )
            await funding.allocate(None, code + "-labo", AmountIn(amount_cents=M // 10), key=code + "-labo")
        today = funding.today()
        call = await funding.create_call(
            None,
            CallIn(
                slug="bench",
                title="Appel",
                envelope_code="axe-2",
                opens_on=today,
                closes_on=today,
                max_rate_bp=5000,
            ),
        )
        now = dt.datetime.now(dt.UTC)
        ids = []
        async with uow():
            for i in range(awards):
                ids.append(
                    await funding.repo.insert_application(
                        {
                            "call_id": call.id,
                            "lead_siren": "200046977",
                            "co_applicants": "[]",
                            "title": f"P{i}",
                            "contact_name": "C",
                            "contact_email": "c@example.fr",
                            "budget_cents": 2_000_00,
                            "requested_cents": 1_000_00,
                            "state": "eligible",
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                )
        started = time.perf_counter()
        for application_id in ids:
            await funding.award(
                None, application_id, AwardIn(amount_cents=1_000_00), key=f"award-{application_id}"
            )
        service_s = time.perf_counter() - started
        started = time.perf_counter()
        for i in range(awards):
            await funding.budget.commit(
                f"raw-{i}",
                source=accounts.envelope("axe-1"),
                grant_id=f"raw-{i}",
                amount=1_000_00,
                day=today.isoformat(),
            )
        raw_s = time.perf_counter() - started
        reads = []
        for _ in range(5):
            started = time.perf_counter()
            rows = await funding.tree()
            reads.append(time.perf_counter() - started)
        assert {r.code: r for r in rows}["axe-2"].figures.committed == awards * 1_000_00
        return {
            "engine": engine,
            "awards": awards,
            "award_per_s_service": round(awards / service_s, 1),
            "commit_per_s_ledger": round(awards / raw_s, 1),
            "ratio_service_to_ledger": round(raw_s / service_s, 2),
            "tree_envelopes": len(rows),
            "tree_read_ms_median": round(statistics.median(reads) * 1000, 1),
        }


def db_settings(db: Any) -> Any:
    return db.settings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", default="sqlite")
    parser.add_argument("--awards", type=int, default=1000)
    args = parser.parse_args()
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            result = asyncio.run(run(engine, args.awards, Path(tmp)))
        result["machine"] = platform.platform()
        print(json.dumps(result))
        (ROOT / "bench" / "results" / f"funding-{engine}.json").write_text(
            json.dumps(result, indent=2) + "\n"
        )


if __name__ == "__main__":
    main()
