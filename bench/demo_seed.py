"""The consultation demo on the full registry, with the production argon2 cost, SQLite vs PostgreSQL.

    .venv/bin/python -m bench.demo_seed [--runs 3] [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Side by side in one run, on fresh migrated databases holding the whole registry:

- ``seed_hash_each``: the demo hashing its shared password for each of its ~60 accounts;
- ``seed_hash_once``: the demo as shipped (one hash of the shared password, stored for each account);
- ``results_cold`` / ``results_warm``: the consultation's tallies right after a restart (every
  population asked of the registry) and once remembered.

Prints medians and ratios and writes ``bench/results/demo_seed.json``. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench.registry_import import pg_database
from store.app import create_app
from store.kit.migrate import migrate_database
from store.kit.settings import Settings
from store.registry.dataset import read_dataset
from store.registry.importer import RegistryImporter
from store.upstream_demo import SLUG, seed_consultation_demo

STEPS = ("seed_hash_each", "seed_hash_once", "results_cold", "results_warm")


async def _fresh(url: str, data_dir: str) -> Any:
    settings = Settings(env="dev", database_url=url, data_dir=data_dir, secret_key="bench-only-not-a-secret")  # noqa: S106
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate_database(settings)
    app = create_app(settings)
    await app.state.db.start()
    await RegistryImporter(app.state.db).run(read_dataset())
    return app


async def one_run(url: str, data_dir: str, hash_once: bool) -> dict[str, float]:
    app = await _fresh(url, data_dir)
    state = app.state
    timings: dict[str, float] = {}
    try:
        started = time.perf_counter()
        await seed_consultation_demo(state, hash_once=hash_once)
        timings["seed_hash_once" if hash_once else "seed_hash_each"] = time.perf_counter() - started
        if hash_once:
            consultation = await state.consultations.get_by_slug(SLUG)
            state.results.population.forget()
            for step in ("results_cold", "results_warm"):
                started = time.perf_counter()
                await state.results.results(None, consultation.id)
                timings[step] = time.perf_counter() - started
    finally:
        await state.dispatcher.drain()
        await state.db.stop()
    return timings


async def engine_runs(admin_dsn: str, engine: str, hash_once: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        if engine == "sqlite":
            return await one_run(f"sqlite:///{tmp}/bench.sqlite3", tmp, hash_once)
        name = f"ts_bench_{uuid.uuid4().hex[:8]}"
        await pg_database(admin_dsn, name, create=True)
        try:
            return await one_run(f"{admin_dsn.rsplit('/', 1)[0]}/{name}", tmp, hash_once)
        finally:
            await pg_database(admin_dsn, name, create=False)


async def main(runs: int, admin_dsn: str) -> dict[str, object]:
    results: dict[str, list[dict[str, float]]] = {"sqlite": [], "postgres": []}
    for _ in range(runs):
        for engine in results:
            timings = await engine_runs(admin_dsn, engine, hash_once=False)
            timings |= await engine_runs(admin_dsn, engine, hash_once=True)
            results[engine].append(timings)
    medians = {
        engine: {step: statistics.median(r[step] for r in runs_) for step in STEPS}
        for engine, runs_ in results.items()
    }
    return {
        "runs": runs,
        "median_seconds": medians,
        "hash_each_over_hash_once": {
            engine: m["seed_hash_each"] / m["seed_hash_once"] for engine, m in medians.items()
        },
        "cold_over_warm": {engine: m["results_cold"] / m["results_warm"] for engine, m in medians.items()},
        "postgres_over_sqlite": {step: medians["postgres"][step] / medians["sqlite"][step] for step in STEPS},
        "raw": results,
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    report = asyncio.run(main(args.runs, args.pg))
    medians: Any = report["median_seconds"]
    print(f"{'step':<16}{'sqlite s':>10}{'postgres s':>12}{'pg/sqlite':>11}")
    for step in STEPS:
        ratio = medians["postgres"][step] / medians["sqlite"][step]
        print(f"{step:<16}{medians['sqlite'][step]:>10.3f}{medians['postgres'][step]:>12.3f}{ratio:>11.2f}")
    print("hash each / hash once:", {k: round(v, 2) for k, v in report["hash_each_over_hash_once"].items()})  # type: ignore[attr-defined]
    print("results cold / warm:", {k: round(v, 1) for k, v in report["cold_over_warm"].items()})  # type: ignore[attr-defined]
    out = Path(__file__).parent / "results" / "demo_seed.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1) + "\n")
    print(f"written {out}")
