"""Embedded engine vs Meilisearch 1.21 over HTTP, side by side in one run (not a timed test).

Same corpora in both engines — ~36 000 collectivité documents (synthetic until the real registry is
committed) and a synthetic catalogue of 5 000 listings — and the same queries: p50/p99 latency, index
build time, memory, top-10 agreement. Writes JSON under bench/results/.

    .venv/bin/python -m bench.search_bench [--queries 300] [--services 5000] [--communes 35000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import os
import pickle
import platform
import random
import statistics
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

from search.documents import collectivite_document, to_dict
from search.embedded.backend import EmbeddedBackend
from search.indexes import COLLECTIVITES_INDEX, SERVICES_INDEX
from search.meili import MeiliBackend
from search.query import And, Eq, In, Range, SearchQuery
from tests.search.data.catalogue import THEMES, synthetic
from tests.search.data.collectivites import departement_names, registry
from tests.support import meilisearch as meili_server

RESULTS = Path(__file__).parent / "results"


def rss_kib(pid: int | str = "self") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(word: str, rnd: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rnd.randrange(1, len(word) - 1)
    op = rnd.choice("sdt")
    if op == "s":
        return word[:i] + rnd.choice("aeiorstnl") + word[i + 1 :]
    if op == "d":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def typed_queries(texts: list[str], n: int, seed: int) -> list[str]:
    """What people type: 1–3 words of a real name/title, sometimes a typo, a cut last word, no accents."""
    rnd = random.Random(seed)
    out = []
    while len(out) < n:
        words = [w for w in texts[rnd.randrange(len(texts))].replace("-", " ").replace("'", " ").split() if w]
        if not words:
            continue
        k = rnd.randint(1, min(3, len(words)))
        start = rnd.randrange(0, len(words) - k + 1)
        q = [w.lower() for w in words[start : start + k]]
        if rnd.random() < 0.35:
            j = rnd.randrange(len(q))
            q[j] = typo(q[j], rnd)
        if rnd.random() < 0.3 and len(q[-1]) > 4:
            q[-1] = q[-1][: rnd.randint(3, len(q[-1]) - 1)]
        text = " ".join(q)
        out.append(strip_accents(text) if rnd.random() < 0.5 else text)
    return out


def service_queries(docs: list[dict[str, Any]], n: int) -> list[SearchQuery]:
    rnd = random.Random(5)
    texts = [d["title"] for d in docs] + [k for d in docs[:200] for k in d["keywords"]]
    out = []
    for i, q in enumerate(typed_queries(texts, n, seed=3)):
        if i % 2:
            flt = And(
                (
                    Eq("status", "published"),
                    In("target_kinds", ("commune", rnd.choice(["epci", "departement"]))),
                    Range("yearly_price_cents", lte=360_000),
                )
            )
            facets = ("thematiques", "pricing", "maturity", "yearly_price_cents")
            out.append(SearchQuery(q=q, filter=flt, facets=facets, hits_per_page=10))
        elif i % 7 == 0:
            out.append(SearchQuery(q=q, filter=Eq("thematiques", rnd.choice(THEMES)), hits_per_page=10))
        else:
            out.append(SearchQuery(q=q, hits_per_page=10))
    return out


def collectivite_queries(rows: list[dict[str, Any]], n: int) -> list[SearchQuery]:
    texts = [r["name"] for r in rows if r["kind"] == "commune"]
    out = []
    for i, q in enumerate(typed_queries(texts, n, seed=9)):
        flt = Eq("kind", "commune") if i % 3 == 0 else None
        out.append(SearchQuery(q=q, filter=flt, hits_per_page=10, attributes_to_retrieve=("siren",)))
    return out


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(pct(values, 0.50), 3),
        "p90_ms": round(pct(values, 0.90), 3),
        "p99_ms": round(pct(values, 0.99), 3),
        "mean_ms": round(statistics.fmean(values), 3),
    }


async def run_queries(backend: Any, index: str, queries: list[SearchQuery], key: str) -> tuple[list, list]:
    for q in queries[:20]:  # warm-up: connections, caches of the first pages
        await backend.search(index, q)
    latencies, ids = [], []
    for q in queries:
        started = time.perf_counter()
        result = await backend.search(index, q)
        latencies.append((time.perf_counter() - started) * 1000)
        ids.append([str(h[key]) for h in result.hits])
    return latencies, ids


def overlap(a: list[list[str]], b: list[list[str]]) -> float:
    scores = []
    for left, right in zip(a, b, strict=True):
        if not right and not left:
            scores.append(1.0)
        else:
            scores.append(len(set(left) & set(right)) / max(len(right), len(left)))
    return statistics.fmean(scores)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    rows = registry(communes=args.communes)
    departements = departement_names()
    collectivites = [to_dict(collectivite_document(r, departements)) for r in rows]
    services = synthetic(args.services)
    corpora = {
        "collectivites": (
            COLLECTIVITES_INDEX,
            collectivites,
            collectivite_queries(rows, args.queries),
            "siren",
        ),
        "services": (SERVICES_INDEX, services, service_queries(services, args.queries), "id"),
    }
    report: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "queries_per_index": args.queries,
        "indexes": {},
    }
    embedded = EmbeddedBackend()
    with tempfile.TemporaryDirectory() as tmp:
        server = meili_server.start(Path(tmp))
        admin, search_key = server.keys()
        meili = MeiliBackend(
            server.url, admin_key=admin, search_key=search_key, prefix="bench_", timeout_s=120
        )
        try:
            report["meilisearch_version"] = await meili.version()
            for name, (settings, docs, queries, key) in corpora.items():
                gc.collect()
                before = rss_kib()
                started = time.perf_counter()
                await embedded.ensure_index(settings)
                await embedded.upsert(settings.uid, docs)
                embedded_build = time.perf_counter() - started
                gc.collect()
                embedded_mem = (rss_kib() - before) / 1024

                started = time.perf_counter()
                await meili.drop(settings.uid)
                await meili.ensure_index(settings)
                task = await meili.upsert(settings.uid, docs)
                await meili.wait(task, timeout_s=600)
                meili_build = time.perf_counter() - started

                # Persisting instead of rebuilding: what a snapshot would cost and save.
                started = time.perf_counter()
                blob = pickle.dumps(embedded.indexes[settings.uid], protocol=pickle.HIGHEST_PROTOCOL)
                snapshot_write = time.perf_counter() - started
                started = time.perf_counter()
                pickle.loads(blob)  # noqa: S301 (bytes produced just above)
                snapshot_load = time.perf_counter() - started

                emb_lat, emb_ids = await run_queries(embedded, settings.uid, queries, key)
                mei_lat, mei_ids = await run_queries(meili, settings.uid, queries, key)
                emb, mei = summary(emb_lat), summary(mei_lat)
                report["indexes"][name] = {
                    "documents": len(docs),
                    "build_s": {"embedded": round(embedded_build, 2), "meilisearch": round(meili_build, 2)},
                    "embedded_memory_mib": round(embedded_mem, 1),
                    "embedded_snapshot": {
                        "bytes": len(blob),
                        "write_s": round(snapshot_write, 2),
                        "load_s": round(snapshot_load, 2),
                    },
                    "latency": {"embedded": emb, "meilisearch_http": mei},
                    "ratio_embedded_over_meilisearch": {
                        "p50": round(emb["p50_ms"] / mei["p50_ms"], 2),
                        "p99": round(emb["p99_ms"] / mei["p99_ms"], 2),
                    },
                    "top10_overlap": round(overlap(emb_ids, mei_ids), 3),
                    "same_top1": round(
                        statistics.fmean(
                            1.0 if (a[:1] == b[:1]) else 0.0 for a, b in zip(emb_ids, mei_ids, strict=True)
                        ),
                        3,
                    ),
                }
                print(name, json.dumps(report["indexes"][name], ensure_ascii=False), flush=True)
            report["meilisearch_rss_mib"] = round(rss_kib(server.process.pid) / 1024, 1)
        finally:
            await meili.close()
            server.stop()
    return report


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--services", type=int, default=5_000)
    parser.add_argument("--communes", type=int, default=35_000)
    parser.add_argument("--output", type=Path, default=None)
    args = parser.parse_args()
    report = asyncio.run(main(args))
    RESULTS.mkdir(parents=True, exist_ok=True)
    output = args.output or RESULTS / "search.json"
    output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"→ {output}")


if __name__ == "__main__":
    cli()
