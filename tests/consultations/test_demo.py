"""The demo replays every phase through real accounts holding real mandates, once."""

from __future__ import annotations

from types import SimpleNamespace

import click
import pytest

from catalogue.needs.repository import NeedsRepository
from catalogue.needs.tables import Contribution
from catalogue.votes.tables import InterestDeclaration, Support
from store.accounts.tables import Account, Mandate
from store.upstream_demo import (
    CURATOR_EMAIL,
    DEMO_PASSWORD,
    GROUPEMENT_EMAIL,
    LIVE_SLUG,
    SLUG,
    seed_consultation_demo,
)
from store.upstream_demo.accounts import CURATOR
from tests.support.consultations import THEME, form_post, shown
from tests.support.people import csrf_headers

HTML = {"accept": "text/html"}


async def mandated_pairs() -> set[tuple[str, str]]:
    rows = await Mandate.select(Mandate.account, Mandate.collectivite).where(
        Mandate.collectivite.is_not_null()
    )
    return {(str(r["account"]), r["collectivite"]) for r in rows}


async def test_demo_replays_every_phase_through_mandated_accounts_once(client, state) -> None:
    report = await seed_consultation_demo(state)
    created = report.created
    assert created["contributions"] == 100
    assert created["proposals"] == 20
    assert 120 <= created["supports"] <= 220
    assert created["selected"] == 6
    accounts = await Account.count()
    assert 12 <= created["live_contributions"] <= 24
    again = await seed_consultation_demo(state)
    assert again.created == {}
    assert again.accounts == report.accounts
    assert await Account.count() == accounts == len(report.accounts)

    # Every act was made by an account holding a mandate for the collectivité it acted for.
    mandated = await mandated_pairs()
    supports = await Support.select(Support.cast_by, Support.voter)
    assert {(str(s["cast_by"]), s["voter"]) for s in supports} <= mandated
    contributions = await Contribution.select(Contribution.author, Contribution.collectivite)
    assert {(str(c["author"]), c["collectivite"]) for c in contributions} <= mandated
    interests = await InterestDeclaration.select(
        InterestDeclaration.cast_by, InterestDeclaration.collectivite
    )
    assert {(str(i["cast_by"]), i["collectivite"]) for i in interests} <= mandated
    assert len({s["voter"] for s in supports}) >= 55

    consultation = await state.consultations.get_by_slug(SLUG)
    assert consultation.active_phase == "deploiement"
    assert "report_progress" in consultation.allowed_actions
    states = await NeedsRepository().count_contributions(consultation.id)
    assert states == {"merged": 82, "reoriented": 17, "rejected": 1}
    results = await state.results.results(None, consultation.id)
    assert results.supports == created["supports"]
    assert results.population > 0
    assert len(results.by_departement) >= 5
    decisions = await state.selection.decisions(None, consultation.id)
    assert sum(d.decision == "selected" for d in decisions) == 6
    pilots = await state.interests.pilots(next(d.proposal_id for d in decisions if d.decision == "selected"))
    assert 1 <= sum(p.role == "territoire_referent" for p in pilots) <= 3
    page = await client.get(f"/consultations/{SLUG}", headers=HTML)
    assert page.status_code == 200
    assert "Améliorer la gestion de la relation usagers" in page.text


async def login(client, email: str) -> None:
    password = CURATOR.password if email == CURATOR_EMAIL else DEMO_PASSWORD
    headers = {**HTML, **(await csrf_headers(client))}
    response = await client.post(
        "/connexion", data={"email": email, "password": password, "next": "/"}, headers=headers
    )
    assert response.status_code == 303, response.text


async def test_the_printed_demo_accounts_sign_in_with_the_printed_password(client, state) -> None:
    report = await seed_consultation_demo(state)
    emails = [a.email for a in report.accounts]
    assert emails[0] == CURATOR_EMAIL
    assert GROUPEMENT_EMAIL in emails
    await login(client, CURATOR_EMAIL)
    index = await client.get("/consultations", headers=HTML)
    assert f'href="/curation/consultations/{LIVE_SLUG}"' in index.text
    dashboard = await client.get(f"/curation/consultations/{SLUG}", headers=HTML)
    assert dashboard.status_code == 200
    client.cookies.clear()
    contributor = await Contribution.select(Contribution.author.email.as_alias("email")).first()
    await login(client, contributor["email"])
    mine = await client.get(f"/consultations/{SLUG}/contribuer", headers=HTML)
    assert 'data-testid="my-contributions"' in mine.text
    client.cookies.clear()
    await login(client, GROUPEMENT_EMAIL)
    me = (await client.get("/api/v1/me")).json()
    assert len([m for m in me["mandates"] if m["kind"] == "collectivite"]) == 3


async def test_the_live_consultation_carries_on_in_the_browser(client, state) -> None:
    report = await seed_consultation_demo(state)
    live = await state.consultations.get_by_slug(LIVE_SLUG)
    assert live.active_phase == "regroupement"
    assert "curate" in live.allowed_actions
    await login(client, CURATOR_EMAIL)
    admin = f"/curation/consultations/{LIVE_SLUG}"
    board = await client.get(f"{admin}/regroupement", headers=HTML)
    assert board.text.count('name="contribution_ids"') == report.created["live_contributions"]
    curator = await state.accounts.repo.get_by_email(CURATOR_EMAIL)
    waiting = await state.contributions.all(await state.accounts.load_actor(curator.id), live.id, "published")
    merged = await form_post(
        client,
        f"{admin}/regroupement",
        {
            "action": "nouvelle",
            "contribution_ids": [str(c.id) for c in waiting[:2]],
            "title": "Publier les actes en ligne",
            "summary": "Délibérations, arrêtés et comptes rendus en ligne.",
            "thematique": THEME,
        },
    )
    assert "créée à partir de 2 contribution(s)" in shown(merged)
    opened = await form_post(client, f"{admin}/phase-suivante", {})
    assert "Phase « Vote » ouverte" in shown(opened)

    client.cookies.clear()
    contributor = waiting[0].collectivite.siren
    await login(client, f"agent.{contributor}@demo.territoires-store.fr")
    proposal = (await state.regroupement.proposals(live.id))[0]
    voted = await form_post(
        client, f"/consultations/{LIVE_SLUG}/voter/{proposal.id}/soutenir", {"siren": contributor}
    )
    assert "Soutien enregistré" in shown(voted)


async def test_the_demo_refuses_production() -> None:
    with pytest.raises(click.ClickException, match="production"):
        await seed_consultation_demo(SimpleNamespace(settings=SimpleNamespace(env="prod")))
