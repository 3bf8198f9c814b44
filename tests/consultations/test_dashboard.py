"""The curator's dashboard: every table has its CSV (same rows), the map and charts tell the same
figures, and only curators see any of it."""

from __future__ import annotations

import re

from admin.consultations.dashboard import TABLE_NAMES
from catalogue.needs.phases import PhaseSettings
from catalogue.needs.repository import NeedsRepository
from catalogue.needs.schemas import PhaseUpdate
from store.upstream_demo import CURATOR_EMAIL, SLUG, seed_consultation_demo
from store.upstream_demo.accounts import CURATOR
from tests.support.consultations import BOURG, agent_actor, ready_to_vote
from tests.support.people import csrf_headers, make_account, make_agent, sign_in, sign_out

HTML = {"accept": "text/html"}


async def login_curator(client) -> None:
    headers = {**HTML, **(await csrf_headers(client))}
    response = await client.post(
        "/connexion",
        data={"email": CURATOR_EMAIL, "password": CURATOR.password, "next": "/"},
        headers=headers,
    )
    assert response.status_code == 303, response.text


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return [line.split(";") for line in content.decode("utf-8-sig").splitlines()]


async def test_every_dashboard_table_has_its_csv_with_the_same_rows(client, state) -> None:
    await seed_consultation_demo(state)
    consultation = await state.consultations.get_by_slug(SLUG)
    await login_curator(client)
    page = await client.get(f"/curation/consultations/{SLUG}", headers=HTML)
    assert page.status_code == 200
    curator = await state.accounts.repo.get_by_email(CURATOR_EMAIL)
    board = await state.consultation_dashboard.build(
        await state.accounts.load_actor(curator.id), consultation.id
    )
    base = f"/api/v1/consultations/{consultation.id}/exports/tableau-de-bord/"
    for name in TABLE_NAMES:
        assert f'data-testid="{name}"' in page.text or name == "phases", name
        assert f'href="{base}{name}.csv"' in page.text, name
        export = await client.get(f"{base}{name}.csv")
        assert export.status_code == 200, name
        assert export.headers["content-type"].startswith("text/csv")
        assert f"{name}-{consultation.id}.csv" in export.headers["content-disposition"]
        rows = csv_rows(export.content)
        table = board.tables[name]
        assert rows[0] == [c.key for c in table.columns]
        assert len(rows) - 1 == len(table.rows), name
        assert export.content == table.csv()

    # The figures agree with the domain's own counts.
    states = await NeedsRepository().count_contributions(consultation.id)
    themes = board.tables["contributions-par-thematique"]
    assert themes.total("merged") == states["merged"] == 82
    assert themes.total("total") == sum(states.values())
    by_departement = board.tables["soutiens-par-departement"]
    assert by_departement.total("soutiens") == board.results.supports
    assert by_departement.total("collectivites") >= len(board.supports_by_departement)
    selection = board.tables["selection"]
    assert selection.total("financement_centimes") == sum(d.funding_amount_cents for d in board.decisions)
    positioning = board.tables["positionnements-par-service"]
    live_cofunding = sum(
        i.cofunding_amount_cents
        for i in board.interests
        if i.role == "cofinanceur" and i.state in {"submitted", "accepted"}
    )
    assert positioning.total("cofinancement_propose_centimes") == live_cofunding
    places = board.tables["positionnements-par-departement"]
    assert places.total("cofinancement_propose_centimes") == live_cofunding
    live = [i for i in board.interests if i.state in {"submitted", "accepted"}]
    assert places.total("positionnements") == len(live)
    assert places.total("pilotes") == sum(i.role == "territoire_referent" for i in live)
    deployment = board.tables["deploiement"]
    selected = [d.proposal_id for d in board.decisions if d.decision == "selected"]
    assert [row[0] for row in deployment.rows] == selected
    assert {row[0]: row[-1] for row in deployment.rows} == await state.deployment.progress_of(selected)

    # The map colours the départements that supported, names each one, and credits the base map.
    supports_map = page.text.split("<h3>Par département</h3>")[1]
    coloured = set(
        re.findall(r'data-code="([0-9AB]{2,3})" data-class="[1-5]"', supports_map.split("</figure>")[0])
    )
    assert coloured == {code for code, n in board.supports_by_departement.items() if n > 0}
    positioning_map = page.text.split("<h3>Par département</h3>")[2].split("</figure>")[0]
    coloured = set(re.findall(r'data-code="([0-9AB]{2,3})" data-class="[1-5]"', positioning_map))
    assert coloured == set(board.positionings_by_departement)
    assert 'aria-describedby="table-positionnements-par-departement"' in page.text
    assert 'aria-describedby="table-soutiens-par-departement"' in page.text
    assert "Victor Cazanave" in page.text
    assert "CC BY 4.0" in page.text
    assert page.text.count('data-testid="map-credit"') == 1
    assert page.text.count('class="ts-chart"') == 3


async def test_dashboard_exports_are_for_curators_only_and_unknown_tables_are_404(client, state) -> None:
    _, cid, proposals = await ready_to_vote(state)
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    await state.supports.support(agent, proposals[0], BOURG)
    url = f"/api/v1/consultations/{cid}/exports/tableau-de-bord/soutiens-par-departement.csv"
    assert (await client.get(url)).status_code == 401
    await sign_in(client, await make_agent(state, "autre@bourg.fr", BOURG))
    assert (await client.get(url)).status_code == 403
    assert (await client.get("/curation/consultations/relance-2021", headers=HTML)).status_code == 403
    sign_out(client)
    await sign_in(client, await make_account(state, "tableau@anct.gouv.fr", curator=True))
    rows = csv_rows((await client.get(url)).content)
    assert rows[0] == ["departement", "nom", "soutiens", "collectivites", "population_couverte"]
    assert [r[0] for r in rows[1:]] == ["01"]
    assert rows[1][2] == "1"
    unknown = await client.get(f"/api/v1/consultations/{cid}/exports/tableau-de-bord/inconnu.csv")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert unknown.json()["code"] == "dashboard_table_not_found"
    missing = await client.get("/api/v1/consultations/999999/exports/tableau-de-bord/phases.csv")
    assert missing.status_code == 404
    page = await client.get("/curation/consultations/relance-2021", headers=HTML)
    assert 'data-code="01" data-class="1" fill="#000091"' in page.text
    assert "Ain (01) : 1 soutien<" in page.text


async def test_public_results_page_shows_the_map_once_votes_are_public(client, state) -> None:
    await seed_consultation_demo(state)
    consultation = await state.consultations.get_by_slug(SLUG)
    results = await state.results.results(None, consultation.id)
    page = await client.get(f"/consultations/{SLUG}", headers=HTML)
    assert "<h2>Soutiens par département</h2>" in page.text
    table = page.text.split('data-testid="map-table"')[1].split("</table>")[0]
    shown = re.findall(
        r"<tr><td>([0-9AB]{2,3})</td><td>[^<]+</td><td class=\"ts-num\">([0-9\u202f]+)</td>", table
    )
    expected = {b.key: b.supports for b in results.by_departement if b.key != "—"}
    assert {code: int(n.replace("\u202f", "")) for code, n in shown} == expected
    assert "Victor Cazanave" in page.text
    assert 'data-testid="map-credit"' in page.text


async def test_public_page_has_no_map_while_votes_are_hidden(client, state) -> None:
    curator, cid, proposals = await ready_to_vote(state)
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    await state.supports.support(agent, proposals[0], BOURG)
    shown = await client.get("/consultations/relance-2021", headers=HTML)
    assert 'data-code="01" data-class="1"' in shown.text
    await state.consultations.update_phase(
        curator, cid, "vote", PhaseUpdate(settings=PhaseSettings(votes_enabled=True, votes_hidden=True))
    )
    page = await client.get("/consultations/relance-2021", headers=HTML)
    assert page.status_code == 200
    assert "Les résultats du vote seront publiés" in page.text
    assert "ts-map" not in page.text
    assert "map-credit" not in page.text
