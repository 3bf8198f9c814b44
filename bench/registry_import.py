"""Full registry import, SQLite vs PostgreSQL side by side: first load, skip, forced diff, new millésime.

    .venv/bin/python -m bench.registry_import [--runs 3] [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Each run uses a fresh, migrated database. Prints medians and PostgreSQL/SQLite ratios and writes
``bench/results/registry_import.json``. Not a test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import io
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg

from store.kit.db import Database
from store.kit.migrate import migrate_database
from store.kit.settings import Settings
from store.registry.dataset import DATA_DIR, read_dataset
from store.registry.importer import RegistryImporter
from store.registry.piccolo_app import APP_CONFIG

STEPS = ("read_dataset", "first_import", "second_run_skipped", "forced_diff", "new_millesime")


async def one_run(url: str, data_dir: str) -> dict[str, float]:
    settings = Settings(env="test", database_url=url, data_dir=data_dir, secret_key="bench-only-not-a-secret")  # noqa: S106
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate_database(settings)
    db = Database(settings)
    db.bind(APP_CONFIG.table_classes)
    await db.start()
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        dataset = read_dataset()
        timings["read_dataset"] = time.perf_counter() - started
        importer = RegistryImporter(db)
        for step, kwargs, data in (
            ("first_import", {}, dataset),
            ("second_run_skipped", {}, dataset),
            ("forced_diff", {"force": True}, dataset),
            (
                "new_millesime",
                {},
                dataclasses.replace(dataset, cog_year=dataset.cog_year + 1, checksum="1" * 64),
            ),
        ):
            started = time.perf_counter()
            await importer.run(data, **kwargs)  # type: ignore[arg-type]
            timings[step] = time.perf_counter() - started
    finally:
        await db.stop()
    return timings


async def pg_database(admin_dsn: str, name: str, create: bool) -> None:
    connection = await asyncpg.connect(admin_dsn)
    try:
        await connection.execute(
            f'CREATE DATABASE "{name}"' if create else f'DROP DATABASE "{name}" WITH (FORCE)'
        )
    finally:
        await connection.close()


async def main(runs: int, admin_dsn: str) -> dict[str, object]:
    results: dict[str, list[dict[str, float]]] = {"sqlite": [], "postgres": []}
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            results["sqlite"].append(await one_run(f"sqlite:///{tmp}/bench.sqlite3", tmp))
            name = f"ts_bench_{uuid.uuid4().hex[:8]}"
            await pg_database(admin_dsn, name, create=True)
            try:
                results["postgres"].append(await one_run(f"{admin_dsn.rsplit('/', 1)[0]}/{name}", tmp))
            finally:
                await pg_database(admin_dsn, name, create=False)
    medians = {
        engine: {step: statistics.median(r[step] for r in runs_) for step in STEPS}
        for engine, runs_ in results.items()
    }
    size = sum(p.stat().st_size for p in DATA_DIR.iterdir() if p.is_file())
    return {
        "runs": runs,
        "dataset_bytes": size,
        "median_seconds": medians,
        "postgres_over_sqlite": {step: medians["postgres"][step] / medians["sqlite"][step] for step in STEPS},
        "raw": results,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    report = asyncio.run(main(args.runs, args.pg))
    print(f"dataset on disk: {report['dataset_bytes']:,} bytes")
    print(f"{'step':<20}{'sqlite s':>10}{'postgres s':>12}{'pg/sqlite':>11}")
    medians = report["median_seconds"]
    ratios = report["postgres_over_sqlite"]
    for step in STEPS:
        print(
            f"{step:<20}{medians['sqlite'][step]:>10.3f}{medians['postgres'][step]:>12.3f}{ratios[step]:>11.2f}"  # type: ignore[index]
        )
    out = Path(__file__).parent / "results" / "registry_import.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"written {out}")
