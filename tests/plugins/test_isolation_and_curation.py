"""Tenant isolation (documents and files) and the curators' review API with its audit trail."""

from __future__ import annotations

from store.kit.tables import AuditEntry
from tests.support.people import csrf_headers, make_account, make_agent, sign_in, sign_out
from tests.support.plugins import AMBERIEU, BOURG, demo_zip, plugin_zip, publish, publisher_dev, upload

NOTES = """\
from litestar import get, post

from plugins.sdk import Ctx, FromPath, JSONBody, NotFound, hookimpl


@post("/notes")
async def add(ctx: Ctx, data: JSONBody[dict[str, str]]) -> dict[str, str]:
    doc_id = await ctx.documents.insert("notes", {"text": data["text"]})
    await ctx.files.put(doc_id + ".txt", data["text"].encode(), content_type="text/plain")
    return {"id": doc_id}


@get("/notes")
async def notes(ctx: Ctx) -> dict[str, object]:
    docs = await ctx.documents.list("notes")
    files = await ctx.files.list()
    return {"notes": [d.data["text"] for d in docs], "files": [f.name for f in files]}


@get("/notes/{doc_id:str}")
async def one(ctx: Ctx, doc_id: FromPath[str]) -> dict[str, str]:
    doc = await ctx.documents.get("notes", doc_id)
    if doc is None:
        raise NotFound("Note introuvable.", code="note_not_found")
    return {"text": doc["text"], "file": (await ctx.files.get(doc_id + ".txt")).decode()}


@hookimpl
def register_routes():
    return [add, notes, one]
"""


async def test_a_tenant_never_sees_another_tenants_documents_or_files(client, state, tmp_path) -> None:
    await publish(state, plugin_zip("notes", "1.0.0", NOTES, ("tenant:documents", "tenant:files")), tmp_path)
    for tenant in (BOURG, AMBERIEU):
        await state.plugin_deployments.deploy(None, tenant, "notes")
    bourg = await make_agent(state, "agent@bourg.fr", BOURG)
    await sign_in(client, bourg)
    created = await client.post(
        f"/services/{BOURG}/notes/notes",
        json={"text": "Conseil du 3 mars"},
        headers=await csrf_headers(client),
    )
    assert created.status_code == 201, created.text
    note_id = created.json()["id"]
    mine = (await client.get(f"/services/{BOURG}/notes/notes")).json()
    assert mine == {"notes": ["Conseil du 3 mars"], "files": [f"{note_id}.txt"]}
    assert (await client.get(f"/services/{AMBERIEU}/notes/notes")).status_code == 403
    sign_out(client)
    amberieu = await make_agent(state, "agent@amberieu.fr", AMBERIEU)
    await sign_in(client, amberieu)
    assert (await client.get(f"/services/{AMBERIEU}/notes/notes")).json() == {"notes": [], "files": []}
    stolen = await client.get(f"/services/{AMBERIEU}/notes/notes/{note_id}")
    assert stolen.status_code == 404
    assert (await client.get(f"/services/{BOURG}/notes/notes")).status_code == 403
    assert (await client.get(f"/services/{BOURG}/notes/notes/{note_id}")).status_code == 403
    assert (await client.get(f"/api/v1/deployments/{BOURG}/notes/export")).status_code == 403
    sign_out(client)
    assert (await client.get(f"/services/{BOURG}/notes/notes")).status_code == 401


async def test_curators_review_the_queue_with_report_files_and_manifest_diff(client, state) -> None:
    await publisher_dev(state, client)
    first = (await upload(client, demo_zip("1.0.0"))).json()
    second = (await upload(client, demo_zip("1.1.0", permissions=("tenant:documents", "events:emit")))).json()
    sign_out(client)
    reviewer = await make_account(state, "curatrice@anct.gouv.fr", curator=True)
    await sign_in(client, reviewer)
    queue = (await client.get("/api/v1/admin/plugins/releases")).json()
    assert [r["version"] for r in queue] == ["1.0.0", "1.1.0"]
    review = (await client.get(f"/api/v1/admin/plugins/releases/{second['id']}")).json()
    assert review["diff"]["previous_version"] == "1.0.0"
    changes = {c["path"]: (c["before"], c["after"]) for c in review["diff"]["changes"]}
    assert changes["version"] == ("1.0.0", "1.1.0")
    assert changes["permissions"] == (["tenant:documents"], ["tenant:documents", "events:emit"])
    assert "+permissions" in review["diff"]["text"]
    assert {p["id"]: p["new"] for p in review["permissions"]} == {
        "tenant:documents": False,
        "events:emit": True,
    }
    assert review["release"]["report"]["checks"]
    assert len(review["release"]["files"]) == 3

    headers = await csrf_headers(client)
    short = await client.post(
        f"/api/v1/admin/plugins/releases/{first['id']}/reject", json={"reason": "non"}, headers=headers
    )
    assert short.status_code == 400
    rejected = await client.post(
        f"/api/v1/admin/plugins/releases/{first['id']}/reject",
        json={"reason": "Aucune mention RGPD dans la description."},
        headers=headers,
    )
    assert rejected.json()["state"] == "rejected"
    approved = await client.post(
        f"/api/v1/admin/plugins/releases/{second['id']}/approve", json={}, headers=headers
    )
    assert (approved.json()["state"], approved.json()["loadable"]) == ("approved", True)
    again = await client.post(
        f"/api/v1/admin/plugins/releases/{second['id']}/approve", json={}, headers=headers
    )
    assert (again.status_code, again.json()["code"]) == (409, "release_not_pending")
    yanked = await client.post(
        f"/api/v1/admin/plugins/releases/{second['id']}/yank",
        json={"reason": "Fuite de données entre sessions."},
        headers=headers,
    )
    assert (yanked.json()["yanked"], yanked.json()["loadable"]) == (True, False)
    suspended = await client.post(
        "/api/v1/admin/plugins/demo-service/suspend",
        json={"reason": "Enquête de sécurité en cours."},
        headers=headers,
    )
    assert suspended.status_code == 204
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions[-4:] == [
        "plugins:release:reject",
        "plugins:release:approve",
        "plugins:release:yank",
        "plugins:plugin:suspend",
    ]
    sign_out(client)
    await publisher_dev(state, client, email="dev2@editeur.fr")
    detail = (await client.get("/api/v1/plugins/demo-service")).json()
    assert detail["plugin"]["status"] == "suspended"
    by_version = {r["version"]: r for r in detail["releases"]}
    assert by_version["1.0.0"]["review_reason"] == "Aucune mention RGPD dans la description."
    assert by_version["1.1.0"]["yanked_reason"] == "Fuite de données entre sessions."
    refused = await upload(client, demo_zip("1.2.0"))
    assert (refused.status_code, refused.json()["code"]) == (403, "plugin_suspended")


async def test_review_powers_are_for_curators_only_and_never_on_ones_own_upload(
    client, state, tmp_path
) -> None:
    await publisher_dev(state, client)
    release = (await upload(client, demo_zip())).json()
    assert (await client.get("/api/v1/admin/plugins/releases")).status_code == 403
    approve = await client.post(
        f"/api/v1/admin/plugins/releases/{release['id']}/approve", json={}, headers=await csrf_headers(client)
    )
    assert approve.status_code == 403
    sign_out(client)
    agent = await make_agent(state, "agent@bourg.fr", BOURG)
    await sign_in(client, agent)
    assert (await client.get("/api/v1/admin/plugins/releases")).status_code == 403
    # A curator who also works for the publisher cannot approve their own upload.
    import pytest

    from store.kit.errors import Forbidden
    from tests.support.plugins import PUBLISHER

    double = await make_account(state, "double@anct.gouv.fr", curator=True)
    await state.accounts.grant_mandate(
        None, account_email="double@anct.gouv.fr", kind="publisher", siren=PUBLISHER, role="developer"
    )
    actor = await state.accounts.load_actor(double.account_id)
    path = tmp_path / "own.zip"
    path.write_bytes(demo_zip("2.0.0"))
    own = await state.plugin_publishing.publish(actor, path)
    with pytest.raises(Forbidden) as caught:
        await state.plugin_curation.approve(actor, own.id)
    assert caught.value.code == "self_review"
