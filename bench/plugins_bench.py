"""Plugins benchmark, in one run on one SeaweedFS started here:

1. publishing a release (HTTP upload + validation + storage + database row) of 1, 10 and 50 MB,
   next to a raw boto3 ``put_object`` of the same bytes to the same server; ratio of throughputs
   (goal: at least 0.7 of the raw one);
2. loading and provisioning a service for 100 collectivités.

Writes ``bench/results/plugins_bench.json``. Run: ``.venv/bin/python bench/plugins_bench.py``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from plugins.builtin.seed import publish_builtin  # noqa: E402
from plugins.registry.repository import PluginRepository  # noqa: E402
from store.app import create_app  # noqa: E402
from store.kit.migrate import migrate_database  # noqa: E402
from store.kit.settings import Settings  # noqa: E402
from store.registry.siren import fold, luhn_valid  # noqa: E402
from store.registry.tables import Collectivite  # noqa: E402
from tests.support.seaweed import running_seaweed  # noqa: E402

SIZES_MB = (1, 10, 50)
RUNS = {1: 15, 10: 7, 50: 5}
TENANTS = 100
PUBLISHER = "443061841"
MB = 1024 * 1024


def release_zip(version: str, size: int) -> bytes:
    manifest = (
        'id = "bench-service"\nname = "Service de mesure"\n'
        f'version = "{version}"\nsummary = "Mesure."\nstore_api = ">=1.0, <2.0"\n'
        'entry_point = "bench_service.plugin"\npermissions = []\n'
        f'[[changelog]]\nversion = "{version}"\nnotes = "Mesure."\n'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("territoires-plugin.toml", manifest)
        archive.writestr("bench_service/__init__.py", "")
        archive.writestr("bench_service/plugin.py", "VALUE = 1\n")
        archive.writestr("bench_service/data/payload.bin", os.urandom(max(0, size - 2048)))
    return buffer.getvalue()


def sirens(count: int) -> list[str]:
    found, base = [], 21090000
    while len(found) < count:
        for digit in range(10):
            candidate = f"{base}{digit}"
            if luhn_valid(candidate):
                found.append(candidate)
                break
        base += 1
    return found


async def main() -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="ts-bench-"))
    with running_seaweed() as server:
        settings = Settings(
            env="test",
            database_url=f"sqlite:///{workdir / 'bench.sqlite3'}",
            data_dir=str(workdir / "data"),
            secret_key="bench-secret",  # noqa: S106 - a throw-away benchmark instance
            argon2_time_cost=1,
            argon2_memory_kib=8,
            log_level="error",
            storage_backend="s3",
            s3_endpoint_url=server.endpoint,
            s3_bucket=server.bucket,
            s3_access_key=server.access_key,
            s3_secret_key=server.secret_key,
            plugin_max_archive_bytes=64 * MB,
            plugin_cache_seconds=0,
        )
        await migrate_database(settings)
        app = create_app(settings)
        for hook in app.on_startup:
            await hook()
        try:
            return await _measure(app, settings)
        finally:
            for hook in app.on_shutdown:
                await hook()


async def _measure(app: Any, settings: Settings) -> dict[str, Any]:
    state = app.state
    await PluginRepository().ensure_publisher(PUBLISHER, "Éditeur de mesure", dt.datetime.now(dt.UTC))
    account = await state.accounts.create_account(
        email="bench@editeur.fr",
        password="Mot-de-passe-2026!",  # noqa: S106 - a throw-away benchmark account
        display_name="bench",
    )
    await state.accounts.grant_mandate(
        None, account_email="bench@editeur.fr", kind="publisher", siren=PUBLISHER, role="developer"
    )
    actor = await state.accounts.load_actor(account)
    token = (
        await state.accounts.create_token(
            actor, name="bench", scopes=["plugins:releases:write"], expires_in_days=1
        )
    ).token
    raw_client = state.storage.client
    bucket = settings.s3_bucket
    raw_client.put_object(Bucket=bucket, Key="bench/warmup", Body=b"x" * MB)  # first write allocates a volume

    publishing: dict[str, Any] = {}
    version = 0
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.local", timeout=600) as client:
        for size_mb in SIZES_MB:
            raw_times, pipe_times = [], []
            for run in range(RUNS[size_mb]):
                version += 1
                data = release_zip(f"1.{version}.0", size_mb * MB)
                started = time.perf_counter()
                await asyncio.to_thread(
                    raw_client.put_object, Bucket=bucket, Key=f"bench/raw/{size_mb}/{run}.zip", Body=data
                )
                raw_times.append(time.perf_counter() - started)
                started = time.perf_counter()
                response = await client.post(
                    "/api/v1/plugins/bench-service/releases",
                    files={"archive": ("release.zip", data, "application/zip")},
                    data={"publisher": PUBLISHER},
                    headers={"authorization": f"Bearer {token}"},
                )
                pipe_times.append(time.perf_counter() - started)
                client.cookies.clear()
                if response.status_code != 201:
                    raise RuntimeError(f"upload refusé : {response.status_code} {response.text[:300]}")
            size = len(data)
            raw_median, pipe_median = statistics.median(raw_times), statistics.median(pipe_times)
            publishing[f"{size_mb}MB"] = {
                "archive_bytes": size,
                "runs": RUNS[size_mb],
                "raw_put_object_median_s": round(raw_median, 4),
                "publish_pipeline_median_s": round(pipe_median, 4),
                "raw_mb_per_s": round(size / MB / raw_median, 1),
                "pipeline_mb_per_s": round(size / MB / pipe_median, 1),
                "throughput_ratio": round(raw_median / pipe_median, 3),
                "raw_samples_s": [round(t, 4) for t in raw_times],
                "pipeline_samples_s": [round(t, 4) for t in pipe_times],
                "goal_met": raw_median / pipe_median >= 0.7,
            }
            print(f"{size_mb:>3} MB  raw {raw_median:.3f} s  publish {pipe_median:.3f} s  "
                  f"ratio {raw_median / pipe_median:.2f}", file=sys.stderr)  # fmt: skip

    tenants = sirens(TENANTS)
    await Collectivite.insert(
        *[
            Collectivite(
                siren=s,
                kind="commune",
                subkind="",
                name=f"Commune de mesure {i}",
                name_search=fold(f"commune {i}"),
                population=500 + 97 * i,
                population_year=2023,
                cog_year=2026,
                departement_code="01",
                region_code="84",
            )
            for i, s in enumerate(tenants)
        ]
    )
    await publish_builtin(state)
    runtime = state.plugin_runtime
    for release_id in list(runtime.loaded):
        runtime.unload(release_id)
    releases = await PluginRepository().releases_of("conseil-municipal")
    started = time.perf_counter()
    await runtime.load(releases[0])
    cold_load = time.perf_counter() - started
    runtime.unload(releases[0].id)
    per_tenant = []
    started = time.perf_counter()
    for siren in tenants:
        t0 = time.perf_counter()
        await state.plugin_deployments.deploy(None, siren, "conseil-municipal")
        per_tenant.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    provisioning = {
        "tenants": TENANTS,
        "service": "conseil-municipal",
        "cold_load_s": round(cold_load, 4),
        "total_s": round(total, 3),
        "first_tenant_s": round(per_tenant[0], 4),
        "median_per_tenant_s": round(statistics.median(per_tenant), 4),
        "p95_per_tenant_s": round(sorted(per_tenant)[int(0.95 * len(per_tenant)) - 1], 4),
    }
    print(f"100 tenants provisioned in {total:.2f} s (cold load {cold_load:.3f} s)", file=sys.stderr)
    return {
        "benchmark": "plugins",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "storage": "SeaweedFS weed mini (S3, loopback, credentials on)",
        "database": "SQLite (embedded)",
        "upload_path": "HTTP multipart through the ASGI app (in process), bearer token",
        "publishing": publishing,
        "provisioning": provisioning,
    }


if __name__ == "__main__":
    results = asyncio.run(main())
    out = ROOT / "bench" / "results" / "plugins_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(results, indent=2, ensure_ascii=False))
