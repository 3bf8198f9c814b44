"""HTTP throughput of the search endpoints next to bare Litestar endpoints, side by side in one run
(not a timed test).

Three servers are started with granian (1 worker each, the same options): the store app over a
migrated SQLite database holding the full registry (the committed INSEE/Etalab dataset, indexed at
start-up) plus a synthetic catalogue of 5 000 listings loaded into the services index, and a bare
Litestar app with one JSON route. The same client load (keep-alive connections on raw sockets,
fixed concurrency)
is applied to each target in interleaved rounds; we report requests per second, median and p99
latency, and the ratios to the bare endpoint. Writes ``bench/results/search_http.json``.

    .venv/bin/python -m bench.search_http_bench [--seconds 8] [--rounds 3] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import io
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from litestar import Litestar, get

from bench.search_bench import typed_queries
from search.documents import ServiceDocument, to_dict
from search.indexes import SERVICES as SERVICES_INDEX
from store.app import create_app
from store.kit.db import Database
from store.kit.migrate import migrate_database
from store.kit.settings import load_settings
from store.registry.dataset import read_dataset
from store.registry.importer import RegistryImporter
from store.registry.piccolo_app import APP_CONFIG
from tests.search.data.catalogue import synthetic

RESULTS = Path(__file__).parent / "results"
SERVICES = 5_000


# -- the servers' applications (imported by granian in its own process) ---------------------------


@get("/bare", sync_to_thread=False)
def bare() -> dict[str, str]:
    return {"status": "ok"}


def bare_app() -> Litestar:
    """Litestar with one JSON route: no middleware, no database, no search."""
    return Litestar(route_handlers=[bare], debug=False, logging_config=None)


def store_app() -> Litestar:
    """The store as ``create_app`` builds it, from the TS_* environment, with the synthetic catalogue
    added to the services index once the start-up (registry indexing) is done."""

    app = create_app()

    async def load_catalogue() -> None:
        docs = synthetic(int(os.environ.get("BENCH_SERVICES", SERVICES)))
        backend = app.state.search.backend
        await backend.wait(await backend.upsert(SERVICES_INDEX, [to_dict(_as_document(d)) for d in docs]))

    app.on_startup.append(load_catalogue)
    return app


def _as_document(doc: dict[str, Any]) -> Any:

    values = dict(doc)
    values["pricing"] = [values["pricing"]]
    return ServiceDocument(**values)


# -- the load ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(target: str, port: int, env: dict[str, str]) -> Iterator[str]:
    command = [
        sys.executable, "-m", "granian", "--interface", "asgi", "--factory", "--workers", "1",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log", target,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


async def wait_ready(base: str, path: str, timeout_s: float = 240.0) -> None:
    deadline = time.monotonic() + timeout_s
    async with httpx.AsyncClient(base_url=base, timeout=5) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(path)).status_code == 200:
                    return
            await asyncio.sleep(0.5)
    raise RuntimeError(f"{base}{path} never answered 200")


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One keep-alive HTTP/1.1 GET on an open connection; returns the status code."""
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: application/json\r\n"
        "Accept-Encoding: identity\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length:
        await reader.readexactly(length)
    return status


async def load(base: str, paths: list[str], seconds: float, concurrency: int) -> dict[str, float]:
    """``concurrency`` keep-alive connections loop over ``paths`` for ``seconds``. A minimal HTTP/1.1
    client on raw sockets, so that the client costs far less than the server it measures."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        i = offset
        try:
            while time.perf_counter() < stop:
                started = time.perf_counter()
                status = await _get(reader, writer, paths[i % len(paths)])
                latencies.append(time.perf_counter() - started)
                if status != 200:
                    errors += 1
                i += concurrency
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def service_paths(n: int) -> list[str]:
    """What agents type, letter by letter, with and without facets."""

    rnd = random.Random(3)
    texts = [d["title"] for d in synthetic(400)]
    paths = []
    for i, q in enumerate(typed_queries(texts, n, seed=3)):
        params: list[tuple[str, str | int | float | bool | None]] = [("q", q)]
        if i % 3 == 0:
            params.append(("kind", rnd.choice(["commune", "epci", "departement"])))
        if i % 5 == 0:
            params.append(("sort", "prix"))
        paths.append("/api/v1/search/services?" + str(httpx.QueryParams(params)))
    return paths


def collectivite_paths(n: int) -> list[str]:

    names = [r.name for r in read_dataset().collectivites if r.kind == "commune"]
    return [
        "/api/v1/search/collectivites?" + str(httpx.QueryParams({"q": q}))
        for q in typed_queries(names, n, seed=9)
    ]


async def prepare_database(env: dict[str, str]) -> int:
    """Migrate a fresh SQLite database and import the full registry into it."""

    settings = load_settings({k: v for k, v in env.items() if k.startswith("TS_")})
    with contextlib.redirect_stdout(io.StringIO()):
        await migrate_database(settings)
    db = Database(settings)
    db.bind(APP_CONFIG.table_classes)
    await db.start()
    try:
        dataset = read_dataset()
        await RegistryImporter(db).run(dataset)
        return len(dataset.collectivites)
    finally:
        await db.stop()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("TS_")},
            "TS_ENV": "test",
            "TS_DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "TS_DATA_DIR": tmp,
            "TS_SECRET_KEY": "bench-only-not-a-secret",
            "TS_LOG_LEVEL": "warning",
            "BENCH_SERVICES": str(args.services),
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        }
        registry_size = await prepare_database(env)
        targets = {
            "bare_litestar": ("bare", ["/bare"]),
            "store_health": ("store", ["/health"]),
            "search_services": ("store", service_paths(args.queries)),
            "search_collectivites": ("store", collectivite_paths(args.queries)),
        }
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        bare_port, store_port = free_port(), free_port()
        with (
            server("bench.search_http_bench:bare_app", bare_port, env) as bare_url,
            server("bench.search_http_bench:store_app", store_port, env) as store_url,
        ):
            await wait_ready(bare_url, "/bare")
            await wait_ready(store_url, "/api/v1/search/services?q=gestion")
            bases = {"bare": bare_url, "store": store_url}
            for which, paths in targets.values():  # warm-up
                await load(bases[which], paths, 1.0, args.concurrency)
            for _ in range(args.rounds):
                for name, (which, paths) in targets.items():
                    runs[name].append(await load(bases[which], paths, args.seconds, args.concurrency))
    summary = {
        name: {
            key: statistics.median(r[key] for r in rounds)
            for key in ("rps", "p50_ms", "p99_ms", "requests", "errors")
        }
        for name, rounds in runs.items()
    }
    bare_rps = summary["bare_litestar"]["rps"]
    health_rps = summary["store_health"]["rps"]
    for name in summary:
        summary[name]["throughput_vs_bare_litestar"] = summary[name]["rps"] / bare_rps
        summary[name]["throughput_vs_store_health"] = summary[name]["rps"] / health_rps
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "setup": {
            "server": "granian, 1 worker, asgi",
            "client": f"raw asyncio HTTP/1.1, {args.concurrency} keep-alive connections, same machine",
            "seconds_per_round": args.seconds,
            "rounds": args.rounds,
            "registry_collectivites": registry_size,
            "catalogue_listings": args.services,
            "queries": args.queries,
        },
        "medians": summary,
        "rounds": runs,
    }


def report(result: dict[str, Any]) -> None:
    print(f"{'cible':24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'÷ nu':>6} {'÷ /health':>9}")
    for name, m in result["medians"].items():
        print(
            f"{name:24} {m['rps']:8.0f} {m['p50_ms']:8.2f} {m['p99_ms']:8.2f} "
            f"{m['throughput_vs_bare_litestar']:6.3f} {m['throughput_vs_store_health']:9.3f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--services", type=int, default=SERVICES)
    parser.add_argument("--output", type=Path, default=RESULTS / "search_http.json")
    arguments = parser.parse_args()
    outcome = asyncio.run(main(arguments))
    report(outcome)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(outcome, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
