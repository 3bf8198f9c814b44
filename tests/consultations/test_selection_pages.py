"""Curators after the vote, in the browser: phases, committee decisions in euros, positionings, milestones."""

from __future__ import annotations

import datetime as dt

from catalogue.votes.schemas import InterestRequest
from store.kit.tables import OutboxEvent
from tests.support.consultations import (
    AMBERIEU,
    BOURG,
    HTML,
    VIRIAT,
    advance_to,
    agent_actor,
    clock_of,
    decided,
    form_post,
    ready_to_vote,
    shown,
)
from tests.support.people import make_account, make_agent, sign_in, sign_out

SLUG = "relance-2021"
ADMIN = f"/curation/consultations/{SLUG}"


async def as_curator(client, state) -> None:
    sign_out(client)
    await sign_in(client, await make_account(state, "comite@anct.gouv.fr", curator=True))


async def test_phase_switch_and_end_dates_from_the_dashboard(client, state) -> None:
    curator, cid, _ = await ready_to_vote(state)
    await as_curator(client, state)
    clock = clock_of(state)
    clock.tick(days=30)  # the vote phase's end date has passed: votes are closed
    dashboard = await client.get(ADMIN, headers=HTML)
    assert "close" in dashboard.text
    bad = await form_post(client, f"{ADMIN}/phases/vote/fin", {"ends_at": "demain"})
    assert bad.status_code == 422
    assert 'data-testid="error-phase-vote"' in bad.text
    past = await form_post(client, f"{ADMIN}/phases/collecte/fin", {"ends_at": "2026-01-01T10:00"})
    assert past.status_code == 409
    assert "Une phase passée ne se modifie plus" in shown(past)
    later = (clock() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    moved = await form_post(
        client, f"{ADMIN}/phases/vote/fin", {"ends_at": later.isoformat(timespec="minutes")}
    )
    assert "Fin de la phase « Vote » déplacée" in shown(moved)
    view = await state.consultations.get(cid, curator)
    assert "vote" in view.allowed_actions
    assert next(p for p in view.phases if p.kind == "selection").starts_at == later

    switched = await form_post(client, f"{ADMIN}/phase-suivante", {})
    assert "Phase « Sélection » ouverte" in shown(switched)
    for _ in range(4):
        clock.tick()
        await form_post(client, f"{ADMIN}/phase-suivante", {})
    assert (await state.consultations.get(cid)).active_phase == "terminee"
    clock.tick()
    over = await form_post(client, f"{ADMIN}/phase-suivante", {})
    assert over.status_code == 409
    assert "La consultation est terminée" in shown(over)


async def test_committee_decisions_in_euros_with_their_refusals(client, state) -> None:
    curator, cid, proposals = await ready_to_vote(state, proposals=3, envelope_code="relance-axe-1")
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    await state.supports.support(agent, proposals[0], BOURG)
    await as_curator(client, state)
    url = f"{ADMIN}/selection/{{}}"
    form = {
        "decision": "selected",
        "rationale": "Besoin partagé, territoires référents prêts.",
        "montant": "1 200 000,50",
        "envelope_code": "relance-axe-1",
        "committee_session": "Comité du 3 mai 2021",
    }
    early = await form_post(client, url.format(proposals[0]), form)
    assert early.status_code == 409
    assert f'data-testid="error-decision-{proposals[0]}"' in early.text
    assert "phase « Vote »" in shown(early)

    await advance_to(state, curator, cid, "selection")
    page = await client.get(f"{ADMIN}/selection", headers=HTML)
    assert page.status_code == 200
    assert 'value="relance-axe-1"' in page.text  # the consultation's envelope, pre-filled
    for bad, message in (
        ({"montant": "douze"}, "Montant invalide"),
        ({"montant": "-5"}, "ne peut pas être négatif"),
        ({"rationale": ""}, "Motivez la décision"),
        ({"decision": ""}, "Choisissez la décision"),
        ({"pilot_capacity": "trois"}, "nombre entier attendu"),
        ({"envelope_code": "", "montant": "10"}, "Indiquez l'enveloppe"),
    ):
        refused = await form_post(client, url.format(proposals[0]), {**form, **bad})
        assert refused.status_code == 422, bad
        assert message in shown(refused), bad
    assert await state.selection.decisions(curator, cid) == []

    done = await form_post(client, url.format(proposals[0]), {**form, "listing_slug": "rdv-solidarites"})
    assert done.status_code == 200
    assert "Décision « Retenue » enregistrée" in shown(done)
    assert "1\u202f200\u202f000,50\u00a0€" in shown(done)
    decision = (await state.selection.decisions(curator, cid))[0]
    assert (decision.funding_amount_cents, decision.envelope_code, decision.listing_slug) == (
        120_000_050,
        "relance-axe-1",
        "rdv-solidarites",
    )
    assert decision.supports_at_decision == 1
    topics = [r["topic"] for r in await OutboxEvent.select(OutboxEvent.topic)]
    assert "catalogue:funding:reservation_requested" in topics
    final = await form_post(
        client, url.format(proposals[0]), {**form, "decision": "not_selected", "montant": ""}
    )
    assert final.status_code == 409
    assert "est définitive" in shown(final)

    funded_refusal = await form_post(client, url.format(proposals[1]), {**form, "decision": "not_selected"})
    assert funded_refusal.status_code == 422
    assert "Seule une proposition retenue reçoit un financement" in shown(funded_refusal)
    deferred = await form_post(
        client,
        url.format(proposals[1]),
        {**form, "decision": "deferred", "montant": "", "rationale": "À l'automne."},
    )
    assert "Décision « Reportée » enregistrée" in shown(deferred)
    assert f'action="{url.format(proposals[1])}"' in deferred.text  # a deferred proposal is decided again
    again = await form_post(client, url.format(proposals[1]), {**form, "montant": "300000"})
    assert "Décision « Retenue » enregistrée" in shown(again)

    sign_out(client)
    await sign_in(client, await make_agent(state, "curieux@bourg.fr", BOURG))
    assert (await client.get(f"{ADMIN}/selection", headers=HTML)).status_code == 403
    assert (await form_post(client, url.format(proposals[2]), form)).status_code == 403


async def test_curators_accept_and_decline_positionings(client, state) -> None:
    curator, cid, proposals = await decided(state, default_pilot_capacity=1)
    await advance_to(state, curator, cid, "positionnement")
    pilots = []
    for siren, email in ((BOURG, "a@bourg.fr"), (AMBERIEU, "a@amberieu.fr"), (VIRIAT, "a@viriat.fr")):
        agent = await agent_actor(state, email, siren)
        declared = await state.interests.declare(
            agent, proposals[0], InterestRequest(collectivite_siren=siren, role="territoire_referent")
        )
        pilots.append(declared.id)
    await as_curator(client, state)
    page = await client.get(f"{ADMIN}/positionnements", headers=HTML)
    assert page.status_code == 200
    assert page.text.count(">Accepter</button>") == 3

    url = f"{ADMIN}/positionnements/{{}}"
    accepted = await form_post(client, url.format(pilots[0]), {"action": "accepter"})
    assert "Positionnement de Bourg-en-Bresse (Territoire référent (pilote)) : accepté" in shown(accepted)
    assert f'data-testid="pilots-{proposals[0]}">1<' in accepted.text
    full = await form_post(client, url.format(pilots[1]), {"action": "accepter"})
    assert full.status_code == 409
    assert f'data-testid="error-interest-{pilots[1]}"' in full.text
    assert "a déjà ses 1 territoires référents" in shown(full)
    no_reason = await form_post(client, url.format(pilots[1]), {"action": "decliner", "reason": ""})
    assert no_reason.status_code == 422
    assert "Indiquez pourquoi" in shown(no_reason)
    declined = await form_post(
        client, url.format(pilots[1]), {"action": "decliner", "reason": "Capacité atteinte."}
    )
    assert ": décliné" in shown(declined)
    assert "Capacité atteinte." in declined.text
    assert (await client.get(f"{ADMIN}/positionnements/{pilots[0]}", headers=HTML)).status_code in {404, 405}
    unknown = await form_post(client, url.format(999_999), {"action": "accepter"})
    assert unknown.status_code == 404
    states = {i.id: i.state for i in await state.interests.all(curator, cid)}
    assert states == {pilots[0]: "accepted", pilots[1]: "declined", pilots[2]: "submitted"}

    await advance_to(state, curator, cid, "terminee")
    closed = await form_post(client, url.format(pilots[2]), {"action": "decliner", "reason": "Trop tard."})
    assert closed.status_code == 409
    assert "phase « Terminée »" in shown(closed)


async def test_deployment_milestones_with_weights_and_done(client, state) -> None:
    curator, cid, proposals = await decided(state, proposals=2)
    await as_curator(client, state)
    url = f"{ADMIN}/deploiement/{proposals[0]}/jalons"
    early = await form_post(client, url, {"title": "Investigation", "weight": "1"})
    assert early.status_code == 409
    assert f'data-testid="error-jalon-{proposals[0]}"' in early.text

    await advance_to(state, curator, cid, "deploiement")
    page = await client.get(f"{ADMIN}/deploiement", headers=HTML)
    assert page.status_code == 200
    assert f'id="projet-{proposals[0]}"' in page.text
    assert (await form_post(client, url, {"title": "", "weight": "1"})).status_code == 422
    assert (await form_post(client, url, {"title": "Conception", "weight": "zéro"})).status_code == 422
    assert (await form_post(client, url, {"title": "Conception", "progress": "150"})).status_code == 422
    first = await form_post(client, url, {"title": "Investigation", "weight": "1", "progress": "100"})
    assert "Jalon « Investigation » ajouté" in shown(first)
    second = await form_post(client, url, {"title": "Développement", "weight": "3", "due_on": "2027-06-30"})
    assert f'data-testid="percent-{proposals[0]}">25 %<' in second.text
    progress = await state.deployment.progress(proposals[0])
    milestone = next(m for m in progress.milestones if m.title == "Développement")
    assert milestone.due_on is not None
    assert milestone.due_on.date() == dt.date(2027, 6, 30)

    edit = f"{url}/{milestone.id}"
    reweighted = await form_post(client, edit, {"weight": "1", "progress": "50"})
    assert "le projet est avancé à 75 %" in shown(reweighted)
    done = await form_post(client, edit, {"progress": "100"})
    assert f'data-testid="percent-{proposals[0]}">100 %<' in done.text
    assert (await state.deployment.progress(proposals[0])).percent == 100
    elsewhere = await form_post(
        client, f"{ADMIN}/deploiement/{proposals[1]}/jalons/{milestone.id}", {"progress": "0"}
    )
    assert elsewhere.status_code == 404
    assert (await state.deployment.progress(proposals[0])).percent == 100

    # Public page shows the rolled-up progress.
    sign_out(client)
    public = await client.get(f"/consultations/{SLUG}", headers=HTML)
    assert "déploiement 100 %" in shown(public)


async def test_a_proposal_of_another_consultation_is_not_decided_here(client, state) -> None:
    _, _, proposals = await decided(state, slug="autre", decision="deferred")
    curator, cid, _ = await ready_to_vote(state)
    await advance_to(state, curator, cid, "selection")
    await as_curator(client, state)
    response = await form_post(
        client, f"{ADMIN}/selection/{proposals[0]}", {"decision": "selected", "rationale": "Parce que."}
    )
    assert response.status_code == 404
    assert (await state.selection.decision(proposals[0])).decision == "deferred"  # type: ignore[union-attr]
