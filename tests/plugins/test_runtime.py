"""The runtime: approval gate, integrity at load, versions side by side, upgrade and rollback,
deprovision with export, and a failing service contained."""

from __future__ import annotations

import pytest

from plugins.runtime.runtime import LoadFailure
from tests.support.people import csrf_headers, make_account, make_agent, sign_in, sign_out
from tests.support.plugins import (
    AMBERIEU,
    BOURG,
    curator,
    demo_zip,
    plugin_zip,
    publish,
)


async def _curator_client(state, client) -> None:
    persona = await make_account(state, "ops@anct.gouv.fr", curator=True)
    await sign_in(client, persona)


async def _deploy(client, tenant: str, plugin: str = "demo-service", **extra: object):
    return await client.post(
        "/api/v1/admin/plugins/deployments",
        json={"tenant_siren": tenant, "plugin_id": plugin, **extra},
        headers=await csrf_headers(client),
    )


async def test_only_approved_releases_are_deployed_or_loaded(client, state, tmp_path) -> None:
    pending = await publish(state, demo_zip("1.0.0"), tmp_path, approve=False)
    await _curator_client(state, client)
    response = await _deploy(client, BOURG)
    assert (response.status_code, response.json()["code"]) == (409, "no_approved_release")
    response = await _deploy(client, BOURG, version="1.0.0")
    assert (response.status_code, response.json()["code"]) == (409, "release_not_loadable")
    reviewer = await curator(state, "relecteur@anct.gouv.fr")
    await state.plugin_curation.reject(reviewer, pending, "Le manifeste ne décrit pas les données traitées.")
    record = await state.plugin_publishing.repo.get_release(pending)
    with pytest.raises(LoadFailure):
        await state.plugin_runtime.load(record)
    response = await _deploy(client, BOURG, version="1.0.0")
    assert response.status_code == 409

    approved = await publish(state, demo_zip("1.1.0"), tmp_path)
    response = await _deploy(client, BOURG)
    assert response.status_code == 201, response.text
    assert response.json()["version"] == "1.1.0"
    agent = await make_agent(state, "agent@bourg.fr", BOURG)
    sign_out(client)
    await sign_in(client, agent)
    served = await client.get(f"/services/{BOURG}/demo-service/")
    assert served.status_code == 200, served.text
    assert served.json()["version"] == "1.1.0"

    await state.plugin_curation.yank(reviewer, approved, "Faille de sécurité corrigée en 1.1.1.")
    blocked = await client.get(f"/services/{BOURG}/demo-service/")
    assert blocked.status_code == 503
    assert blocked.json()["code"] == "release_yanked"
    assert "Faille de sécurité" in blocked.json()["detail"]
    listing = (await client.get(f"/api/v1/deployments/{BOURG}/")).json()
    assert listing[0]["release_yanked_reason"] == "Faille de sécurité corrigée en 1.1.1."
    assert listing[0]["health"]["status"] == "blocked"


async def test_a_suspended_plugin_stops_serving(client, state, tmp_path) -> None:
    await publish(state, demo_zip(), tmp_path)
    await state.plugin_deployments.deploy(None, BOURG, "demo-service")
    reviewer = await curator(state)
    await state.plugin_curation.suspend(reviewer, "demo-service", "Retrait demandé par la CNIL.")
    agent = await make_agent(state, "agent@bourg.fr", BOURG)
    await sign_in(client, agent)
    response = await client.get(f"/services/{BOURG}/demo-service/")
    assert (response.status_code, response.json()["code"]) == (503, "plugin_suspended")


async def test_a_tampered_artefact_is_detected_at_load(client, state, settings, tmp_path) -> None:
    release_id = await publish(state, demo_zip(), tmp_path)
    record = await state.plugin_publishing.repo.get_release(release_id)
    path = settings.storage_path / record.artifact_key
    data = bytearray(path.read_bytes())
    data[-30] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(UpstreamFailureType) as caught:
        await state.plugin_deployments.deploy(None, BOURG, "demo-service")
    assert caught.value.code == "artifact_integrity_failed"
    assert state.plugin_runtime.loaded == {}


from store.kit.errors import UpstreamFailure as UpstreamFailureType  # noqa: E402


async def test_two_tenants_run_two_versions_side_by_side(client, state, tmp_path) -> None:
    await publish(state, demo_zip("1.0.0"), tmp_path)
    await publish(state, demo_zip("1.1.0"), tmp_path)
    await state.plugin_deployments.deploy(None, BOURG, "demo-service", version="1.0.0")
    await state.plugin_deployments.deploy(None, AMBERIEU, "demo-service")
    bourg = await make_agent(state, "agent@bourg.fr", BOURG)
    await sign_in(client, bourg)
    first = (await client.get(f"/services/{BOURG}/demo-service/")).json()
    sign_out(client)
    amberieu = await make_agent(state, "agent@amberieu.fr", AMBERIEU)
    await sign_in(client, amberieu)
    second = (await client.get(f"/services/{AMBERIEU}/demo-service/")).json()
    assert (first["version"], second["version"]) == ("1.0.0", "1.1.0")
    assert first["module"] != second["module"]
    assert first["module"].endswith("demo_service.plugin")


async def test_upgrade_rollback_and_deprovision_keep_the_data(client, state, tmp_path) -> None:
    await publish(state, demo_zip("1.0.0"), tmp_path)
    await publish(state, demo_zip("1.1.0"), tmp_path)
    service = state.plugin_deployments
    view = await service.deploy(None, BOURG, "demo-service", version="1.0.0")
    assert (view.version, view.pinned) == ("1.0.0", True)
    signatory = await make_agent(state, "maire@bourg.fr", BOURG, role="elu_executif", can_sign=True)
    await sign_in(client, signatory)
    moved = await client.post(
        f"/api/v1/deployments/{BOURG}/demo-service/version",
        json={"version": None},
        headers=await csrf_headers(client),
    )
    assert moved.status_code == 201, moved.text
    assert (moved.json()["version"], moved.json()["pinned"]) == ("1.1.0", False)
    back = await client.post(
        f"/api/v1/deployments/{BOURG}/demo-service/version",
        json={"version": "1.0.0"},
        headers=await csrf_headers(client),
    )
    assert (back.json()["version"], back.json()["pinned"]) == ("1.0.0", True)
    gone = await service.undeploy(None, BOURG, "demo-service")
    assert gone.state == "deprovisioned"
    assert (await client.get(f"/services/{BOURG}/demo-service/")).status_code == 404
    export = (await client.get(f"/api/v1/deployments/{BOURG}/demo-service/export")).json()
    journal = {d["id"]: d["data"] for d in export["documents"]["journal"]}
    assert journal["provision"] == {"version": "1.0.0"}
    assert journal["upgrade-1.1.0"] == {"from": "1.0.0"}
    assert journal["upgrade-1.0.0"] == {"from": "1.1.0"}
    plain_agent = await make_agent(state, "agent@bourg.fr", BOURG)
    sign_out(client)
    await sign_in(client, plain_agent)
    refused = await client.post(
        f"/api/v1/deployments/{BOURG}/demo-service/version",
        json={"version": "1.1.0"},
        headers=await csrf_headers(client),
    )
    assert refused.status_code in {403, 404}


CRASHING = """\
from litestar import get

from plugins.sdk import Ctx, hookimpl


@get("/ok")
async def ok(ctx: Ctx) -> dict[str, str]:
    return {"ok": "oui"}


@get("/boom")
async def boom(ctx: Ctx) -> dict[str, str]:
    raise RuntimeError("le service a planté")


@get("/sneaky")
async def sneaky(ctx: Ctx) -> dict[str, int]:
    store = getattr(ctx, "fi" + "les")
    return {"n": len(await store.list())}


@hookimpl
def register_routes():
    return [ok, boom, sneaky]
"""


async def test_a_failing_route_is_contained_and_health_shows_it(client, state, tmp_path) -> None:
    await publish(state, plugin_zip("crash-test", "1.0.0", CRASHING, ()), tmp_path)
    await publish(state, demo_zip(), tmp_path)
    await state.plugin_deployments.deploy(None, BOURG, "crash-test")
    await state.plugin_deployments.deploy(None, BOURG, "demo-service")
    agent = await make_agent(state, "agent@bourg.fr", BOURG)
    await sign_in(client, agent)
    assert (await client.get(f"/services/{BOURG}/crash-test/ok")).json() == {"ok": "oui"}
    boom = await client.get(f"/services/{BOURG}/crash-test/boom")
    assert boom.status_code == 502
    assert boom.headers["content-type"].startswith("application/problem+json")
    assert boom.json()["code"] == "plugin_failure"
    sneaky = await client.get(f"/services/{BOURG}/crash-test/sneaky")
    assert sneaky.status_code == 502
    assert "tenant:files" in sneaky.json()["detail"]
    assert (await client.get("/health")).status_code == 200
    assert (await client.get(f"/services/{BOURG}/demo-service/")).status_code == 200
    assert (await client.get(f"/services/{BOURG}/crash-test/ok")).status_code == 200
    health = {d["plugin_id"]: d["health"] for d in (await client.get(f"/api/v1/deployments/{BOURG}/")).json()}
    assert health["crash-test"]["status"] == "degraded"
    assert "2 erreur(s)" in health["crash-test"]["detail"]
    assert health["demo-service"]["status"] == "ok"


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("raise ImportError('dépendance absente')\n", "plugin_load_failed"),
        (
            "from plugins.sdk import hookimpl\n\n@hookimpl\n"
            "def provision(ctx):\n    raise ValueError('base pleine')\n",
            "plugin_hook_failed",
        ),
        (
            "from plugins.sdk import hookimpl\n\n@hookimpl\ndef unknown_hook():\n    pass\n",
            "plugin_load_failed",
        ),
    ],
)
async def test_a_service_failing_at_import_or_in_a_hook_is_recorded_not_fatal(
    client, state, tmp_path, code: str, expected: str
) -> None:
    await publish(state, plugin_zip("fragile", "1.0.0", code, ()), tmp_path)
    await _curator_client(state, client)
    response = await _deploy(client, BOURG, "fragile")
    assert response.status_code == 502
    assert response.json()["code"] == expected
    listing = (await client.get("/api/v1/admin/plugins/deployments/", params={"tenant": BOURG})).json()
    assert listing[0]["state"] == "failed"
    assert listing[0]["health"]["status"] == "down"
    agent = await make_agent(state, "agent@bourg.fr", BOURG)
    sign_out(client)
    await sign_in(client, agent)
    served = await client.get(f"/services/{BOURG}/fragile/")
    assert (served.status_code, served.json()["code"]) == (502, "deployment_failed")
    assert (await client.get("/health")).status_code == 200


async def test_config_is_validated_before_provisioning(client, state, tmp_path) -> None:
    extra = '[config.contact]\ntype = "email"\nlabel = "Contact"\nrequired = true\n'
    await publish(state, plugin_zip("configurable", "1.0.0", "x = 1\n", (), extra=extra), tmp_path)
    await _curator_client(state, client)
    response = await _deploy(client, BOURG, "configurable", config={"contact": "pas-une-adresse"})
    assert response.status_code == 422
    assert response.json()["code"] == "config_invalid"
    assert response.json()["errors"][0]["field"] == "contact"
    response = await _deploy(client, BOURG, "configurable", config={"contact": "mairie@bourg.fr"})
    assert response.status_code == 201
    assert response.json()["config"] == {"contact": "mairie@bourg.fr"}


async def test_only_curators_deploy(client, state, tmp_path) -> None:
    await publish(state, demo_zip(), tmp_path)
    maire = await make_agent(state, "maire@bourg.fr", BOURG, role="elu_executif", can_sign=True)
    await sign_in(client, maire)
    response = await _deploy(client, BOURG)
    assert response.status_code == 403
