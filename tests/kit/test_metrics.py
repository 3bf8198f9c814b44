"""The request metrics middleware records exactly what Litestar's own records."""

from __future__ import annotations

import re

import httpx
from litestar import Litestar, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.plugins.prometheus import PrometheusConfig, PrometheusMiddleware
from prometheus_client import REGISTRY, generate_latest

from store.kit.metrics import CachedPrometheusMiddleware


@get("/ok/{n:int}", sync_to_thread=False)
def ok(n: FromPath[int]) -> dict[str, int]:
    return {"n": n}


@get("/missing", sync_to_thread=False)
def missing() -> None:
    raise NotFoundException("absent")


@get("/broken", sync_to_thread=False)
def broken() -> None:
    raise RuntimeError("boom")


def _app(prefix: str, middleware: type[PrometheusMiddleware]) -> Litestar:
    config = PrometheusConfig(
        app_name="app", prefix=prefix, group_path=True, exclude=["/excluded"], middleware_class=middleware
    )
    return Litestar([ok, missing, broken], middleware=[config.middleware], debug=False, logging_config=None)


def _samples(prefix: str) -> list[str]:
    """This prefix's samples, durations left out (they differ between two runs)."""
    lines = generate_latest(REGISTRY).decode().splitlines()
    return sorted(
        re.sub(rf"^{prefix}_", "", line)
        for line in lines
        if line.startswith(f"{prefix}_") and "_sum{" not in line and "_created{" not in line
    )


async def _traffic(app: Litestar) -> None:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for path in ["/ok/1", "/ok/2", "/missing", "/broken", "/ok/3", "/nowhere"]:
            await client.get(path)
        await client.post("/ok/1")


async def test_cached_labels_record_the_same_metrics_as_litestar() -> None:
    await _traffic(_app("stock", PrometheusMiddleware))
    await _traffic(_app("cached", CachedPrometheusMiddleware))
    stock, cached = _samples("stock"), _samples("cached")
    assert cached == stock
    assert any('path="/ok/{n}"' in s and 'status_code="200"' in s for s in cached)
    assert any("requests_error_total" in s and 'status_code="500"' in s for s in cached)
    assert any("requests_in_progress" in s and s.endswith(" 0.0") for s in cached)
