"""Billing run in a separate process (killed with SIGKILL by test_billing_crash): seed, run, dump.

Usage: ``python -m tests.billing.billing_worker seed|run|dump`` with ``TS_*`` variables naming the
database. ``seed`` writes a deterministic set of co-funded charges; ``dump`` prints the invoices.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
from typing import Any

from store.billing.schemas import ChargeIn, GrantIn
from store.billing.split import CoPayer
from store.cli import running_app
from store.kit.settings import load_settings

PERIOD = "2026-10"
ISSUE_DATE = "2026-11-02"


def sirens(count: int) -> list[str]:
    return [f"2{i:08d}" for i in range(1, count + 1)]


def charges(count: int, payers: int, seed: int = 7) -> list[ChargeIn]:
    rnd = random.Random(seed)
    pool = sirens(payers)
    out = []
    for i in range(count):
        subscriber = rnd.choice(pool)
        members = rnd.sample(pool, rnd.randint(0, 3))
        out.append(
            ChargeIn(
                source_ref=f"subscription:{i:06d}:{PERIOD}",
                payer_siren=subscriber,
                amount_ht=rnd.randint(1, 5_000_000),
                vat_rate_bp=rnd.choice([2000, 2000, 1000, 550]),
                description=f"Service {i % 17} — abonnement {PERIOD}",
                period=PERIOD,
                grant_id=rnd.choice([None, "AAP-2026", "GUICHET-01"]),
                co_payers=tuple(CoPayer(s, rnd.randint(1, 50_000)) for s in members),
                publisher_siren=rnd.choice([None, "123456782", "987654324"]),
            )
        )
    return out


async def seed(state: Any, count: int, payers: int) -> None:
    billing = state.billing
    day = "2026-10-01"
    await billing.budget.fund_envelope("fund", programme="P", envelope_ref="PLAN", amount=10**12, day=day)
    for grant, cap, base in (("AAP-2026", 5000, "ht"), ("GUICHET-01", 8000, "ttc")):
        await billing.register_grant(
            None,
            GrantIn(
                id=grant,
                label=grant,
                funder_siren="130026032",
                funder_name="État",
                envelope_ref="PLAN",
                cap_bp=cap,
                base=base,
            ),
        )
    # The guichet's commitment is small: some charges must be blocked, deterministically.
    await billing.budget.commit("c-aap", source=_envelope(), grant_id="AAP-2026", amount=10**11, day=day)
    await billing.budget.commit(
        "c-guichet", source=_envelope(), grant_id="GUICHET-01", amount=50_000_000, day=day
    )
    items = charges(count, payers)
    for start in range(0, len(items), 1000):
        await billing.add_charges(items[start : start + 1000])


def _envelope() -> Any:
    from store.billing import accounts

    return accounts.envelope("PLAN")


async def dump(state: Any) -> list[dict[str, Any]]:
    billing = state.billing
    out = []
    async with state.db.engine.transaction():
        rows = await billing.repo.invoices(payer_sirens=None, limit=10**7, offset=0)
        lines = await billing.repo.lines_of(r["id"] for r in rows)
    for row in sorted(rows, key=lambda r: r["number"]):
        out.append(
            {
                **{
                    k: row[k]
                    for k in (
                        "id",
                        "number",
                        "payer_siren",
                        "status",
                        "total_ht",
                        "total_vat",
                        "total_ttc",
                        "issue_date",
                        "due_date",
                    )
                },
                "lines": [
                    (ln["charge_id"], ln["role"], ln["amount_ht"], ln["vat_rate_bp"])
                    for ln in lines.get(row["id"], [])
                ],
            }
        )
    return out


async def main(mode: str, count: int, payers: int) -> None:
    async with running_app(load_settings()) as state:
        if mode == "seed":
            await seed(state, count, payers)
        elif mode == "run":
            report = await state.billing.run_billing(None, PERIOD, issue_date=ISSUE_DATE)
            print(json.dumps({"invoices": report.invoices, "blocked": report.charges_blocked}))
        elif mode == "dump":
            print(json.dumps(await dump(state)))


if __name__ == "__main__":
    asyncio.run(
        main(
            sys.argv[1],
            int(sys.argv[2]) if len(sys.argv) > 2 else 0,
            int(sys.argv[3]) if len(sys.argv) > 3 else 0,
        )
    )
