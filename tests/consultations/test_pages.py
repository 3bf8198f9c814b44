"""The French pages work without JavaScript: read, contribute, vote, and the curator's dashboard."""

from __future__ import annotations

from tests.support.consultations import (
    BOURG,
    THEME,
    agent_actor,
    curator_actor,
    open_consultation,
    ready_to_vote,
)
from tests.support.people import csrf_headers, make_account, make_agent, sign_in, sign_out

HTML = {"accept": "text/html"}


async def test_public_page_shows_phases_and_proposals(client, state) -> None:
    await ready_to_vote(state)
    response = await client.get("/consultations/relance-2021", headers=HTML)
    assert response.status_code == 200
    assert "Collecte des besoins" in response.text
    assert 'aria-current="step"' in response.text
    assert "Proposition 2" in response.text
    assert "Soutenir des propositions" in response.text
    assert (await client.get("/consultations", headers=HTML)).status_code == 200


async def test_contribution_form_submits_and_shows_the_outcome(client, state) -> None:
    curator = await curator_actor(state)
    await open_consultation(state, curator)
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))
    form = await client.get("/consultations/relance-2021/contribuer", headers=HTML)
    assert form.status_code == 200
    assert "Bourg-en-Bresse" in form.text
    headers = {**HTML, **(await csrf_headers(client))}
    data = {
        "collectivite_siren": BOURG,
        "kind": "besoin",
        "title": "Un besoin",
        "body": "Détails",
        "thematique": "?",
    }
    refused = await client.post("/consultations/relance-2021/contribuer", data=data, headers=headers)
    assert refused.status_code == 422
    assert "thématique inconnue" in refused.text
    data["thematique"] = THEME
    done = await client.post(
        "/consultations/relance-2021/contribuer", data=data, headers=headers, follow_redirects=True
    )
    assert done.status_code == 200
    assert "Votre contribution est déposée" in done.text
    assert "Déposée, en attente d&#39;analyse" in done.text or "Déposée, en attente d'analyse" in done.text


async def test_vote_page_supports_withdraws_and_counts_remaining_votes(client, state) -> None:
    _, _, proposals = await ready_to_vote(state, vote_limit=2)
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))
    page = await client.get("/consultations/relance-2021/voter", headers=HTML)
    assert 'data-testid="remaining">2<' in page.text
    headers = {**HTML, **(await csrf_headers(client))}
    after = await client.post(
        f"/consultations/relance-2021/voter/{proposals[0]}/soutenir",
        data={"siren": BOURG},
        headers=headers,
        follow_redirects=True,
    )
    assert "Soutien enregistré" in after.text
    assert 'data-testid="remaining">1<' in after.text
    again = await client.post(
        f"/consultations/relance-2021/voter/{proposals[0]}/soutenir",
        data={"siren": BOURG},
        headers=headers,
        follow_redirects=True,
    )
    assert "soutient déjà cette proposition" in again.text
    back = await client.post(
        f"/consultations/relance-2021/voter/{proposals[0]}/retirer",
        data={"siren": BOURG},
        headers=headers,
        follow_redirects=True,
    )
    assert 'data-testid="remaining">2<' in back.text


async def test_dashboard_is_for_curators_with_chart_and_exports(client, state) -> None:
    _, cid, proposals = await ready_to_vote(state)
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    await state.supports.support(agent, proposals[1], BOURG)
    await sign_in(client, await make_agent(state, "autre@bourg.fr", BOURG))
    assert (await client.get("/curation/consultations/relance-2021", headers=HTML)).status_code == 403
    sign_out(client)
    await sign_in(client, await make_account(state, "curateur2@anct.gouv.fr", curator=True))
    dashboard = await client.get("/curation/consultations/relance-2021", headers=HTML)
    assert dashboard.status_code == 200
    assert "<svg" in dashboard.text
    assert "Proposition 1" in dashboard.text
    for name in ("contributions", "supports", "results", "decisions", "interests", "milestones", "proposals"):
        assert f"/exports/{name}.csv" in dashboard.text
        export = await client.get(f"/api/v1/consultations/{cid}/exports/{name}.csv")
        assert export.status_code == 200, name
        assert export.headers["content-type"].startswith("text/csv")
    supports_csv = (await client.get(f"/api/v1/consultations/{cid}/exports/supports.csv")).content.decode(
        "utf-8-sig"
    )
    assert "Bourg-en-Bresse" in supports_csv
    headers = {**HTML, **(await csrf_headers(client))}
    moved = await client.post(
        "/curation/consultations/relance-2021/phase-suivante", headers=headers, follow_redirects=True
    )
    assert "Phase « Sélection » ouverte" in moved.text
