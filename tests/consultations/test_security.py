"""Who may do what: curators manage, collectivités act only for their own SIREN, the rest reads."""

from __future__ import annotations

import pytest

from store.kit.auth import Scope
from tests.support.consultations import (
    AMBERIEU,
    BOURG,
    CA_BOURG,
    THEME,
    agent_actor,
    contribute,
    curator_actor,
    open_consultation,
    ready_to_vote,
)
from tests.support.people import csrf_headers, make_account, make_agent, sign_in

CURATOR_ONLY = [
    (
        "POST",
        "/api/v1/consultations",
        {"slug": "x-y", "title": "Titre", "starts_at": "2026-01-01T00:00:00Z", "phases": []},
    ),
    ("PATCH", "/api/v1/consultations/{cid}", {"vote_limit": 99}),
    ("POST", "/api/v1/consultations/{cid}/phases/selection/activate", None),
    ("PATCH", "/api/v1/consultations/{cid}/phases/vote", {"settings": {}}),
    ("GET", "/api/v1/consultations/{cid}/contributions", None),
    (
        "POST",
        "/api/v1/consultations/{cid}/proposals",
        {"contribution_ids": [1], "proposal": {"title": "abc", "summary": "s", "thematique": THEME}},
    ),
    (
        "POST",
        "/api/v1/consultations/{cid}/proposals/{pid}/decision",
        {"decision": "selected", "rationale": "Parce que."},
    ),
    ("GET", "/api/v1/consultations/{cid}/interests", None),
    ("POST", "/api/v1/consultations/{cid}/interests/1/review", {"accept": True}),
    ("POST", "/api/v1/consultations/{cid}/proposals/{pid}/milestones", {"title": "Jalon"}),
    ("GET", "/api/v1/consultations/{cid}/exports/supports.csv", None),
    ("GET", "/api/v1/consultations/{cid}/exports/contributions.csv", None),
]


async def call(client, method: str, template: str, body, cid: int, pid: int):
    headers = await csrf_headers(client)
    return await client.request(method, template.format(cid=cid, pid=pid), json=body, headers=headers)


@pytest.mark.parametrize(("method", "template", "body"), CURATOR_ONLY)
async def test_collectivite_agents_cannot_manage(client, state, method, template, body) -> None:
    _, cid, proposals = await ready_to_vote(state)
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))
    response = await call(client, method, template, body, cid, proposals[0])
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "missing_scope"


async def test_anonymous_reads_public_data_and_writes_nothing(client, state) -> None:
    _, cid, proposals = await ready_to_vote(state)
    assert (await client.get(f"/api/v1/consultations/{cid}")).status_code == 200
    assert len((await client.get(f"/api/v1/consultations/{cid}/proposals")).json()) == 3
    assert (await client.get(f"/api/v1/consultations/{cid}/results")).status_code == 200
    response = await call(
        client,
        "POST",
        "/api/v1/consultations/{cid}/proposals/{pid}/supports",
        {"voter_siren": BOURG},
        cid,
        proposals[0],
    )
    assert response.status_code == 401
    assert (
        await call(client, "GET", "/api/v1/consultations/{cid}/contributions", None, cid, 0)
    ).status_code == 401


async def test_an_agent_votes_only_for_its_own_collectivite_over_http(client, state) -> None:
    _, cid, proposals = await ready_to_vote(state)
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))
    url = "/api/v1/consultations/{cid}/proposals/{pid}/supports"
    response = await call(client, "POST", url, {"voter_siren": AMBERIEU}, cid, proposals[0])
    assert (response.status_code, response.json()["code"]) == (403, "not_your_collectivite")
    response = await call(client, "GET", "/api/v1/consultations/{cid}/ballot?siren=" + AMBERIEU, None, cid, 0)
    assert response.status_code == 403


async def test_an_account_without_mandate_cannot_vote(client, state) -> None:
    _, cid, proposals = await ready_to_vote(state)
    await sign_in(client, await make_account(state, "citoyen@example.fr"))
    url = "/api/v1/consultations/{cid}/proposals/{pid}/supports"
    response = await call(client, "POST", url, {"voter_siren": BOURG}, cid, proposals[0])
    assert (response.status_code, response.json()["code"]) == (403, "missing_scope")


async def test_a_proposal_is_not_reachable_under_another_consultation(client, state) -> None:
    _, cid, proposals = await ready_to_vote(state)
    assert (
        await client.get(f"/api/v1/consultations/{cid + 1000}/proposals/{proposals[0]}")
    ).status_code == 404
    assert (
        await client.get(f"/api/v1/consultations/{cid + 1000}/proposals/{proposals[0]}/pilots")
    ).status_code == 404


def test_every_consultation_route_declares_its_guard(app) -> None:
    checked = 0
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            path = str(route.path)
            if not path.startswith(("/api/v1/consultations", "/consultations", "/curation/consultations")):
                continue
            if set(handler.http_methods) == {"OPTIONS"}:  # Litestar's automatic CORS handlers
                continue
            guarded = handler.resolve_guards() or handler.opt.get("public")
            assert guarded, f"{path} has neither guards nor opt=PUBLIC"
            if path.startswith("/curation/"):
                guards = [g for layer in handler.ownership_layers for g in (layer.guards or [])]
                scopes = {s for g in guards for s in getattr(g, "scopes", ())}
                assert Scope.AdminConsultationsWrite in scopes, (
                    f"{path}: a curator page without the curators' scope"
                )
                checked += 1
    assert checked >= 12


async def test_a_groupement_draft_stays_its_own_until_deposited(client, state) -> None:
    """A draft written by an EPCI on behalf of a member commune is neither the commune's to read nor
    the curators' to list: it appears once the EPCI deposits it."""
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    epci = await agent_actor(state, "dgs@ca-bourg.fr", CA_BOURG)
    draft = await contribute(
        state, epci, cid, CA_BOURG, "Brouillon commun", on_behalf_of=[BOURG], publish=False
    )
    commune = await agent_actor(state, "agent@bourg.fr", BOURG)
    assert await state.contributions.mine(commune, cid) == []
    assert await state.contributions.all(curator, cid, "draft") == []
    assert [c.id for c in await state.contributions.mine(epci, cid)] == [draft]
    await state.contributions.publish(epci, draft)
    assert [c.id for c in await state.contributions.mine(commune, cid)] == [draft]


async def test_a_contribution_under_another_consultation_is_not_written(client, state) -> None:
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    agent = await make_agent(state, "agent@bourg.fr", BOURG)
    draft = await contribute(
        state, await state.accounts.load_actor(agent.account_id), cid, BOURG, "Mon brouillon", publish=False
    )
    await sign_in(client, agent)
    headers = await csrf_headers(client)
    url = f"/api/v1/consultations/{cid + 1000}/contributions/{draft}"
    response = await client.patch(url, json={"title": "Autre titre"}, headers=headers)
    assert response.status_code == 404
    assert (await client.post(url + "/publish", headers=headers)).status_code == 404
    kept = await state.contributions.get(await state.accounts.load_actor(agent.account_id), draft)
    assert (kept.title, kept.state) == ("Mon brouillon", "draft")
