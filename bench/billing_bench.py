"""Billing benchmark, side by side in one run per engine (not a timed test).

1. Co-funded charges posted through the ledger service (journals of 7 legs on both ledgers: budget
   consumption, the funder's and three co-payers' receivables, publisher payable, platform fee), in
   batches, next to a raw ``INSERT`` of the very same journal and transfer rows into the same tables
   (triggers and indexes included): the limit of the database. Rounds alternate; medians reported.
2. A billing run over N charges (default 100 000, a third co-funded, up to three co-payers each):
   wall time of the run, next to a raw ``INSERT`` of every row the run wrote (invoices, lines, journals,
   transfers, accounts) into a fresh copy of the schema. Before it, the N charges are recorded through
   ``BillingService.add_charges`` (calls of 5 000, then all of them again in one call, the replay a run
   makes with its sources' charges), next to a raw ``INSERT`` of the same charge rows.

    python bench/billing_bench.py --engines sqlite,postgres [--charges 100000] [--journals 20000] [--only-run]

Writes ``bench/results/billing-<engine>-<timestamp>.json``; the goal is a ratio ≥ 0.5 of the raw rate.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store.app import all_tables  # noqa: E402
from store.billing import accounts  # noqa: E402
from store.billing.budget import BudgetService  # noqa: E402
from store.billing.ledger.codes import TransferCode as T  # noqa: E402
from store.billing.ledger.repository import JOURNAL_INSERT, TRANSFER_INSERT  # noqa: E402
from store.billing.ledger.schemas import Leg, PostJournal  # noqa: E402
from store.billing.ledger.service import LedgerService, Posting  # noqa: E402
from store.billing.ledger.sql import Sql  # noqa: E402
from store.billing.schemas import ChargeIn, GrantIn  # noqa: E402
from store.billing.service import BillingService  # noqa: E402
from store.billing.split import CoPayer, split_charge  # noqa: E402
from store.kit.db import Database  # noqa: E402
from store.kit.migrate import migrate_database  # noqa: E402
from store.kit.settings import Settings  # noqa: E402
from store.kit.uow import UnitOfWorkFactory  # noqa: E402

PG_ADMIN_DSN = os.environ.get("TSTEST_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
BATCH = 500
PAYERS = [f"2{i:08d}" for i in range(1, 5001)]


# Databases ---------------------------------------------------------------------------------------


class Fresh:
    """A migrated, empty database on the chosen engine, dropped afterwards."""

    def __init__(self, engine: str, tmp: Path, batch: int) -> None:
        self.engine, self.tmp, self.batch = engine, tmp, batch
        self.name = f"ts_bench_{uuid.uuid4().hex[:10]}"

    async def __aenter__(self) -> Database:
        if self.engine == "sqlite":
            url = f"sqlite:///{self.tmp / (self.name + '.sqlite3')}"
        else:
            await _pg_admin(f'CREATE DATABASE "{self.name}"')
            url = f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{self.name}"
        self.settings = Settings(
            env="test",
            database_url=url,
            data_dir=str(self.tmp),
            secret_key="bench",  # noqa: S106 - throwaway database
            log_level="warning",
            billing_batch_size=self.batch,
            db_pool_max=4,
        )
        with contextlib.redirect_stdout(io.StringIO()):  # Piccolo's migration report
            await migrate_database(self.settings)
        self.db = Database(self.settings)
        self.db.bind(all_tables())
        await self.db.start()
        return self.db

    async def __aexit__(self, *exc: object) -> None:
        await self.db.stop()
        if self.engine == "postgres":
            await _pg_admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


async def _pg_admin(statement: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


# 1. Co-funded charges through the service vs raw INSERT ----------------------------------------------


def charge_postings(start: int, count: int, rnd: random.Random) -> list[Posting]:
    postings = []
    for i in range(start, start + count):
        total = rnd.randint(10_000, 5_000_000)
        members = rnd.sample(PAYERS[:1000], 3)
        split = split_charge(total, 0, [CoPayer(s, rnd.randint(1, 50_000)) for s in members], cap_bp=5000)
        fee = total // 50
        ref = f"charge:{i}"
        legs = [
            Leg(
                code=T.CONSUME,
                debit=accounts.commitment("BENCH").id,
                credit=accounts.consumed("PLAN", 2026).id,
                amount=split.funder_ht,
                business_ref=ref,
            ),
            Leg(
                code=T.CHARGE_FUNDER_SHARE,
                debit=accounts.receivable("state").id,
                credit=accounts.CLEARING.id,
                amount=split.funder_ht,
                business_ref=ref,
            ),
            *[
                Leg(
                    code=T.CHARGE_PAYER_SHARE,
                    debit=accounts.receivable(s).id,
                    credit=accounts.CLEARING.id,
                    amount=a,
                    business_ref=ref,
                )
                for s, a in split.payers.items()
                if a
            ],
            Leg(
                code=T.CHARGE_TO_PROVIDER,
                debit=accounts.CLEARING.id,
                credit=accounts.payable("123456782").id,
                amount=total - fee,
                business_ref=ref,
            ),
            Leg(
                code=T.CHARGE_PLATFORM_FEE,
                debit=accounts.CLEARING.id,
                credit=accounts.REVENUE.id,
                amount=fee,
                business_ref=ref,
            ),
        ]
        postings.append(
            Posting(
                command=PostJournal(
                    idempotency_key=ref, kind="charge.finalize", effective_date="2026-11-02", legs=tuple(legs)
                )
            )
        )
    return postings


async def setup_ledger(db: Database) -> LedgerService:
    ledger = LedgerService(db)
    budget = BudgetService(ledger)
    await budget.fund_envelope("fund", programme="P", envelope_ref="PLAN", amount=10**15, day="2026-10-01")
    await budget.commit(
        "commit", source=accounts.envelope("PLAN"), grant_id="BENCH", amount=10**14, day="2026-10-01"
    )
    refs = [
        accounts.consumed("PLAN", 2026),
        accounts.receivable("state"),
        accounts.CLEARING,
        accounts.REVENUE,
        accounts.payable("123456782"),
        *[accounts.receivable(s) for s in PAYERS[:1000]],
    ]
    async with db.write_transaction():
        await ledger.repo.open_accounts(
            [
                (
                    r.id,
                    int(r.ledger),
                    int(r.code),
                    r.owner_ref,
                    1 if r.code in (1300, 2200) else (2 if r.code == 2100 else 0),
                    0,
                )
                for r in refs
            ]
        )
    return ledger


def raw_rows(postings: list[Posting], seq0: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows the service writes for these journals, computed ahead (hashes are not the DB's work)."""
    journals, transfers = [], []
    for n, posting in enumerate(postings):
        seq, key = seq0 + n, posting.command.idempotency_key
        journals.append(
            (
                str(uuid.uuid4()),
                seq,
                f"raw:{key}",
                "0" * 64,
                posting.command.kind,
                "applied",
                "bench",
                "{}",
                "2026-11-02",
                "0" * 64,
                uuid.uuid4().hex * 2,
                seq,
            )
        )
        transfers.extend(
            (
                str(uuid.uuid4()),
                seq,
                i,
                2 if leg.code >= 200 else 1,
                leg.code,
                0,
                leg.debit,
                leg.credit,
                leg.amount,
                None,
                None,
                leg.business_ref,
                "2026-11-02",
                seq,
            )
            for i, leg in enumerate(posting.command.legs)
        )
    return journals, transfers


async def bench_postings(engine: str, tmp: Path, journals: int, rounds: int) -> dict[str, Any]:
    rnd = random.Random(42)
    per_round = journals // rounds
    service_rates, raw_rates = [], []
    async with Fresh(engine, tmp, BATCH) as service_db:
        ledger = await setup_ledger(service_db)
        async with Fresh(engine, tmp, BATCH) as raw_db:
            sql = Sql(raw_db)
            seq = 10
            for r in range(rounds):
                postings = charge_postings(r * per_round, per_round, rnd)
                started = time.perf_counter()
                for start in range(0, len(postings), BATCH):
                    results = await ledger.post_batch(postings[start : start + BATCH], actor="bench")
                    assert all(x.applied for x in results)
                service_rates.append(per_round / (time.perf_counter() - started))
                journal_rows, transfer_rows = raw_rows(postings, seq)
                seq += len(postings)
                legs_per_journal = len(transfer_rows) // len(journal_rows)
                started = time.perf_counter()
                for start in range(0, len(journal_rows), BATCH):
                    async with raw_db.write_transaction():
                        await sql.executemany(JOURNAL_INSERT, journal_rows[start : start + BATCH])
                        await sql.executemany(
                            TRANSFER_INSERT,
                            transfer_rows[start * legs_per_journal : (start + BATCH) * legs_per_journal],
                        )
                raw_rates.append(per_round / (time.perf_counter() - started))
        from store.billing.ledger.verify import verify_ledger

        checks = await verify_ledger(service_db)
        assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    service, raw = statistics.median(service_rates), statistics.median(raw_rates)
    return {
        "journals": per_round * rounds,
        "legs_per_journal": 7,
        "batch": BATCH,
        "service_charges_per_s": round(service, 1),
        "raw_insert_charges_per_s": round(raw, 1),
        "ratio": round(service / raw, 3),
        "rounds_service": [round(x, 1) for x in service_rates],
        "rounds_raw": [round(x, 1) for x in raw_rates],
    }


# 2. Billing run over N charges vs raw INSERT of what it wrote ----------------------------------------


def charges(count: int, rnd: random.Random) -> list[ChargeIn]:
    out = []
    for i in range(count):
        subscriber = rnd.choice(PAYERS)
        cofunded = i % 3 == 0
        members = rnd.sample(PAYERS, rnd.randint(1, 3)) if rnd.random() < 0.3 else []
        out.append(
            ChargeIn(
                source_ref=f"subscription:{i:07d}:2026-10",
                payer_siren=subscriber,
                amount_ht=rnd.randint(1_000, 2_000_000),
                vat_rate_bp=2000,
                description=f"Service {i % 40} — octobre 2026",
                period="2026-10",
                grant_id="AAP-2026" if cofunded else None,
                co_payers=tuple(CoPayer(s, rnd.randint(1, 100_000)) for s in members),
                publisher_siren=rnd.choice([None, "123456782", "987654324"]),
            )
        )
    return out


async def raw_insert(db: Database, dump: dict[str, list[dict[str, Any]]]) -> float:
    """Seconds to ``INSERT`` these rows, batches of 2 500 per transaction (``executemany``)."""
    sql = Sql(db)
    started = time.perf_counter()
    for table, data in dump.items():
        if not data:
            continue
        columns = list(data[0])
        statement = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'  # noqa: S608
        values = [tuple(r[c] for c in columns) for r in data]
        for start in range(0, len(values), BATCH * 5):
            async with db.write_transaction():
                await sql.executemany(statement, values[start : start + BATCH * 5])
    return time.perf_counter() - started


INGEST_CALL = 5000
CHARGES = "billing_charge"
TABLES = ["ledger_account", "ledger_journal", "ledger_transfer", "billing_invoice_line", "billing_invoice"]


async def bench_run(engine: str, tmp: Path, count: int) -> dict[str, Any]:
    rnd = random.Random(7)
    async with Fresh(engine, tmp, BATCH) as db:
        billing = BillingService(db.settings, UnitOfWorkFactory(db))
        await billing.budget.fund_envelope(
            "fund", programme="P", envelope_ref="PLAN", amount=10**15, day="2026-10-01"
        )
        await billing.register_grant(
            None,
            GrantIn(
                id="AAP-2026",
                label="AAP",
                funder_siren="130026032",
                funder_name="État",
                envelope_ref="PLAN",
                cap_bp=5000,
                base="ht",
            ),
        )
        await billing.budget.commit(
            "c", source=accounts.envelope("PLAN"), grant_id="AAP-2026", amount=10**14, day="2026-10-01"
        )
        items = charges(count, rnd)
        started = time.perf_counter()
        for start in range(0, len(items), INGEST_CALL):
            assert await billing.add_charges(items[start : start + INGEST_CALL]) == len(
                items[start : start + INGEST_CALL]
            )
        ingest = time.perf_counter() - started
        started = time.perf_counter()
        assert await billing.add_charges(items) == 0  # what each run does with its sources' charges
        replay = time.perf_counter() - started
        started = time.perf_counter()
        report = await billing.run_billing(None, "2026-10", issue_date="2026-11-02")
        run = time.perf_counter() - started
        sql = Sql(db)
        dump: dict[str, list[dict[str, Any]]] = {}
        async with db.engine.transaction():
            for table in [CHARGES, *TABLES]:
                dump[table] = await sql.fetch(f'SELECT * FROM "{table}"')  # noqa: S608 - constant names
        checks = await billing.verify()
        assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    rows = sum(len(v) for t, v in dump.items() if t != CHARGES)
    async with Fresh(engine, tmp, BATCH) as raw_db:
        raw_charges = await raw_insert(raw_db, {CHARGES: dump[CHARGES]})
        raw = await raw_insert(raw_db, {t: dump[t] for t in TABLES})
    return {
        "charges": count,
        "invoices": report.invoices,
        "rows_written": rows,
        "rows_by_table": {t: len(v) for t, v in dump.items() if t != CHARGES},
        "ingest_calls_of": INGEST_CALL,
        "ingest_s": round(ingest, 2),
        "raw_charge_insert_s": round(raw_charges, 2),
        "ratio_raw_over_ingest": round(raw_charges / ingest, 3),
        "replay_in_one_call_s": round(replay, 2),
        "run_s": round(run, 2),
        "raw_insert_s": round(raw, 2),
        "charges_per_s": round(count / run, 1),
        "ratio_raw_over_run": round(raw / run, 3),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--charges", type=int, default=100_000)
    parser.add_argument("--journals", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only-run", action="store_true", help="skip the postings comparison")
    args = parser.parse_args()
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    for engine in args.engines.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            result = {
                "engine": engine,
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "system": platform.system(),
                },
                "postings": None
                if args.only_run
                else await bench_postings(engine, Path(tmp), args.journals, args.rounds),
                "billing_run": await bench_run(engine, Path(tmp), args.charges),
            }
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
        path = out_dir / f"billing-{engine}-{stamp}.json"
        path.write_text(json.dumps(result, indent=2) + "\n")
        p, r = result["postings"], result["billing_run"]
        if p:
            print(
                f"[{engine}] co-funded charges: service {p['service_charges_per_s']}/s vs raw INSERT "
                f"{p['raw_insert_charges_per_s']}/s → ratio {p['ratio']}"
            )
        print(
            f"[{engine}] recording {r['charges']} charges (add_charges, calls of {r['ingest_calls_of']}): "
            f"{r['ingest_s']} s vs raw INSERT {r['raw_charge_insert_s']} s → ratio "
            f"{r['ratio_raw_over_ingest']}; replayed in one call: {r['replay_in_one_call_s']} s\n"
            f"[{engine}] billing run of {r['charges']} charges: {r['run_s']} s ({r['charges_per_s']}/s, "
            f"{r['invoices']} invoices, {r['rows_written']} rows) vs raw INSERT of those rows "
            f"{r['raw_insert_s']} s → ratio {r['ratio_raw_over_run']}\n→ {path.relative_to(ROOT)}"
        )


if __name__ == "__main__":
    asyncio.run(main())
