"""An API token carries a subset of its account's scopes, and stays within it: what a publisher's or a
collectivité's token reads beyond public data needs the scope of that role, not just the mandate.

Decision: reading a draft listing (and the curators' note), a plugin with its releases, reports and
archives, or a collectivité's deployments and their export, needs the scope that role writes with
(``catalogue:listings:write``, ``plugins:releases:write``, ``plugins:services:use``). Signed-in
accounts hold them through their mandates, so the browser sees no difference; a token made for one
job (``account:self:read``, say) reads nothing more than the public does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import httpx
import msgspec

from catalogue.listings.schemas import ListingCreate
from catalogue.needs.phases import PHASE_ORDER
from catalogue.needs.schemas import ConsultationCreate, PhaseInput
from tests.support.catalogue import listing_payload
from tests.support.consultations import curator_actor
from tests.support.people import Persona, make_agent, make_publisher_member
from tests.support.plugins import BOURG, PUBLISHER, demo_zip, make_publisher, publish, token_for


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


async def test_a_limited_publisher_token_reads_no_draft_listing(
    client: httpx.AsyncClient, state: Any
) -> None:
    await make_publisher(PUBLISHER)
    persona = await make_publisher_member(state, "ci@editeur.fr", PUBLISHER)
    actor = await state.accounts.load_actor(persona.account_id)
    payload = listing_payload("brouillon-prive", name="Brouillon privé")
    await state.listings.create(actor, msgspec.convert(payload, ListingCreate))

    weak = await token_for(state, persona, ["account:self:read"])
    assert (await client.get("/api/v1/listings/brouillon-prive", headers=bearer(weak))).status_code == 404
    assert (await client.get("/catalogue/brouillon-prive", headers=bearer(weak))).status_code == 404
    writer = await token_for(state, persona, ["catalogue:listings:write"])
    response = await client.get("/api/v1/listings/brouillon-prive", headers=bearer(writer))
    assert response.status_code == 200
    assert response.json()["state"] == "draft"


async def test_a_limited_publisher_token_reads_no_release(
    client: httpx.AsyncClient, state: Any, tmp_path: Path
) -> None:
    await publish(state, demo_zip(), tmp_path, approve=False)
    persona = await make_publisher_member(state, "ci@editeur.fr", PUBLISHER)
    weak = bearer(await token_for(state, persona, ["account:self:read"]))
    assert (await client.get("/api/v1/plugins", headers=weak)).json() == []
    for path in ("", "/releases/1.0.0", "/releases/1.0.0/download"):
        response = await client.get(f"/api/v1/plugins/demo-service{path}", headers=weak)
        assert response.status_code == 404, path
    writer = bearer(await token_for(state, persona, ["plugins:releases:write"]))
    assert [p["id"] for p in (await client.get("/api/v1/plugins", headers=writer)).json()] == ["demo-service"]
    assert (
        await client.get("/api/v1/plugins/demo-service/releases/1.0.0", headers=writer)
    ).status_code == 200


async def test_a_limited_collectivite_token_reads_no_deployment(
    client: httpx.AsyncClient, state: Any, tmp_path: Path
) -> None:
    await publish(state, demo_zip(), tmp_path)
    await state.plugin_deployments.deploy(None, BOURG, "demo-service")
    persona = await make_agent(state, "agent@bourg.fr", BOURG)
    weak = bearer(await token_for(state, persona, ["account:self:read"]))
    for path in ("", "/demo-service/export"):
        response = await client.get(f"/api/v1/deployments/{BOURG}{path}", headers=weak)
        assert (response.status_code, response.json()["code"]) == (403, "not_tenant_agent"), path
    user = bearer(await token_for(state, persona, ["plugins:services:use"]))
    assert (
        await client.get(f"/api/v1/deployments/{BOURG}/demo-service/export", headers=user)
    ).status_code == 200


async def test_a_curator_token_without_curator_scope_sees_no_unpublished_consultation(
    client: httpx.AsyncClient, state: Any
) -> None:
    curator = await curator_actor(state, "jeton@anct.example")
    now = dt.datetime.now(dt.UTC)
    phases = [
        PhaseInput(kind=kind.value, ends_at=now + dt.timedelta(days=10 * (i + 1)))
        for i, kind in enumerate(PHASE_ORDER)
    ]
    draft = await state.consultations.create(
        curator, ConsultationCreate(slug="jeton-brouillon", title="Brouillon", starts_at=now, phases=phases)
    )
    persona = Persona(account_id=str(curator.account_id), email="jeton@anct.example")
    path = f"/api/v1/consultations/{draft.id}"

    weak = bearer(await token_for(state, persona, ["account:self:read"]))
    assert (await client.get(path, headers=weak)).status_code == 404
    strong = bearer(await token_for(state, persona, ["admin:consultations:write"]))
    assert (await client.get(path, headers=strong)).status_code == 200
