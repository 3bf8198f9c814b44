"""Probes and telemetry: /health, /ready (503 problem when the database is gone), /metrics, JSON logs."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import msgspec
import pytest
from piccolo.engine.postgres import PostgresEngine

from store.app import create_app
from store.kit.logging import configure_logging


async def test_health_answers_without_touching_the_database(client) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response.headers["x-request-id"]


async def test_ready_checks_the_database(client) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def break_database(engine: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Point the running engine at a database that cannot be reached, as when the server dies."""
    if isinstance(engine, PostgresEngine):
        monkeypatch.setattr(engine, "pool", None)
        monkeypatch.setitem(engine.config, "port", 1)
    else:
        monkeypatch.setattr(engine, "_idle", [])
        monkeypatch.setitem(engine.connection_kwargs, "database", str(tmp_path / "missing-dir" / "x.db"))


async def test_ready_is_a_503_problem_when_the_database_is_down(client, state, monkeypatch, tmp_path) -> None:
    pool = getattr(state.db.engine, "pool", None)
    break_database(state.db.engine, monkeypatch, tmp_path)
    response = await client.get("/ready")
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == "database_unavailable"
    assert problem["detail"] == "La base de données ne répond pas."
    assert int(response.headers["retry-after"]) > 0
    # Liveness does not depend on the database.
    assert (await client.get("/health")).status_code == 200
    monkeypatch.undo()
    if pool is not None:
        state.db.engine.pool = pool


async def test_metrics_are_exposed_for_prometheus(client) -> None:
    await client.get("/health")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "litestar_requests_total" in response.text
    assert 'path="/health"' in response.text


async def test_openapi_schema_is_served(client) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Territoires Store"
    assert "/api/v1/auth/login" in schema["paths"]


async def test_json_logs_have_one_object_per_line_with_the_request(settings, capsys) -> None:
    app = create_app(msgspec.structs.replace(settings, log_format="json", log_level="info"))
    for hook in app.on_startup:
        await hook()
    try:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as http:
            response = await http.get("/health")
        logging.getLogger("store.test").warning("a message with %s", "args", extra={"siren": "210100533"})
    finally:
        for hook in app.on_shutdown:
            await hook()
        configure_logging(settings.log_level, settings.log_format)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    access = [line for line in lines if line["logger"] == "store.access"]
    assert access, lines
    assert access[0]["event"] == "GET /health 200"
    assert access[0]["status"] == 200
    assert access[0]["request_id"] == response.headers["x-request-id"]
    assert isinstance(access[0]["duration_ms"], float)
    assert {"ts", "level"} <= access[0].keys()
    custom = [line for line in lines if line["logger"] == "store.test"]
    assert custom == [{**custom[0], "level": "warning", "event": "a message with args", "siren": "210100533"}]
