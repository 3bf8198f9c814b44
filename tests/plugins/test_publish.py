"""Publishing releases: the happy path, immutability, version order, ownership, CI tokens."""

from __future__ import annotations

import hashlib

from plugins.registry.tables import Plugin, PluginRelease
from store.kit.tables import AuditEntry
from tests.plugins.conftest import leftover_uploads, stored_objects
from tests.support.people import csrf_headers, make_agent, sign_in, sign_out
from tests.support.plugins import (
    OTHER_PUBLISHER,
    PUBLISHER,
    demo_zip,
    make_publisher,
    publisher_dev,
    token_for,
    upload,
)


async def test_a_publisher_uploads_a_release_and_sees_its_report(client, state, settings) -> None:
    await publisher_dev(state, client)
    data = demo_zip()
    response = await upload(client, data)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["plugin_id"], body["version"], body["state"]) == ("demo-service", "1.0.0", "pending")
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["size"] == len(data)
    assert body["report"]["verdict"] == "accepted"
    rules = {c["rule"]: c["status"] for c in body["report"]["checks"]}
    assert rules["archive_structure"] == rules["manifest"] == rules["python_compile"] == "ok"
    assert {f["path"] for f in body["files"]} == {
        "territoires-plugin.toml",
        "demo_service/__init__.py",
        "demo_service/plugin.py",
    }
    assert body["changelog"] == "Version 1.0.0."
    assert not body["loadable"]
    assert stored_objects(settings) == [f"plugins/demo-service/{body['sha256']}.zip"]
    assert leftover_uploads(settings) == []
    detail = (await client.get("/api/v1/plugins/demo-service")).json()
    assert detail["plugin"]["publisher_siren"] == PUBLISHER
    assert [r["version"] for r in detail["releases"]] == ["1.0.0"]
    audit = await AuditEntry.select(AuditEntry.action).where(AuditEntry.action == "plugins:release:upload")
    assert len(audit) == 1


async def test_ci_publishes_with_a_bearer_token_and_a_raw_zip_body(client, state) -> None:
    persona = await publisher_dev(state, client)
    token = await token_for(state, persona, ["plugins:releases:write"])
    sign_out(client)
    response = await client.post(
        "/api/v1/plugins/demo-service/releases",
        content=demo_zip(),
        headers={"authorization": f"Bearer {token}", "content-type": "application/zip"},
    )
    assert response.status_code == 201, response.text
    weak = await token_for(state, persona, ["account:self:read"])
    sign_out(client)  # a CI job keeps no cookies
    response = await client.post(
        "/api/v1/plugins/demo-service/releases",
        content=demo_zip("1.0.1"),
        headers={"authorization": f"Bearer {weak}", "content-type": "application/zip"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "missing_scope"


async def test_a_version_is_immutable_unique_and_increasing(client, state) -> None:
    await publisher_dev(state, client)
    assert (await upload(client, demo_zip("1.1.0"))).status_code == 201
    again = await upload(client, demo_zip("1.1.0", code="# autre contenu\n" + "x = 1\n"))
    assert again.status_code == 409
    assert again.json()["code"] == "version_exists"
    older = await upload(client, demo_zip("1.0.5"))
    assert older.status_code == 422
    assert older.json()["code"] == "version_not_greater"
    assert "1.1.0" in older.json()["detail"]
    assert (await upload(client, demo_zip("1.2.0-rc.1"))).status_code == 201
    assert (await upload(client, demo_zip("1.2.0"))).status_code == 201
    assert await PluginRelease.count() == 3


async def test_a_deleted_version_is_never_reused(client, state, settings) -> None:
    await publisher_dev(state, client)
    body = (await upload(client, demo_zip("1.0.0"))).json()
    response = await client.delete(
        "/api/v1/plugins/demo-service/releases/1.0.0", headers=await csrf_headers(client)
    )
    assert response.status_code == 204
    assert stored_objects(settings) == []
    again = await upload(client, demo_zip("1.0.0"))
    assert again.status_code == 409
    assert again.json()["code"] == "version_deleted"
    detail = await client.get("/api/v1/plugins/demo-service/releases/1.0.0")
    assert detail.json()["state"] == "deleted"
    assert detail.json()["id"] == body["id"]
    assert (await upload(client, demo_zip("1.0.1"))).status_code == 201


async def test_another_publisher_cannot_publish_or_read_a_plugin_it_does_not_own(client, state) -> None:
    await publisher_dev(state, client)
    assert (await upload(client, demo_zip())).status_code == 201
    sign_out(client)
    await publisher_dev(state, client, siren=OTHER_PUBLISHER, email="intrus@autre.fr")
    response = await upload(client, demo_zip("2.0.0"))
    assert response.status_code == 403
    assert response.json()["code"] == "plugin_owned_by_another_publisher"
    assert (await client.get("/api/v1/plugins/demo-service")).status_code == 404
    assert (await client.get("/api/v1/plugins")).json() == []
    assert await PluginRelease.count() == 1


async def test_collectivite_agents_cannot_publish(client, state) -> None:
    await make_publisher()
    agent = await make_agent(state, "agent@bourg.fr", "210100533")
    await sign_in(client, agent)
    response = await upload(client, demo_zip(), publisher=PUBLISHER)
    assert response.status_code == 403
    assert await Plugin.count() == 0


async def test_a_publisher_can_reserve_an_id_first(client, state) -> None:
    await publisher_dev(state, client)
    response = await client.post(
        "/api/v1/plugins",
        json={"id": "demo-service", "publisher_siren": PUBLISHER, "name": "Démo"},
        headers=await csrf_headers(client),
    )
    assert response.status_code == 201, response.text
    taken = await client.post(
        "/api/v1/plugins",
        json={"id": "demo-service", "publisher_siren": PUBLISHER, "name": "Démo"},
        headers=await csrf_headers(client),
    )
    assert taken.status_code == 409
    assert (await upload(client, demo_zip())).status_code == 201


async def test_download_link_serves_the_exact_archive(client, state) -> None:
    await publisher_dev(state, client)
    data = demo_zip()
    await upload(client, data)
    link = (await client.get("/api/v1/plugins/demo-service/releases/1.0.0/download")).json()
    assert link["sha256"] == hashlib.sha256(data).hexdigest()
    path = link["url"].split("://", 1)[1].split("/", 1)[1]
    response = await client.get("/" + path)
    assert response.status_code == 200
    assert response.content == data
