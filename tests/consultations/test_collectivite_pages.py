"""Collectivité agents in the browser: positioning on selected services, choosing which collectivité
they act for, voting; refusals shown next to the form."""

from __future__ import annotations

from catalogue.votes.schemas import InterestRequest
from tests.support.consultations import (
    AMBERIEU,
    BOURG,
    CA_BOURG,
    HTML,
    advance_to,
    decided,
    form_post,
    open_consultation,
    ready_to_vote,
    shown,
)
from tests.support.people import make_account, make_agent, sign_in, sign_out

SLUG = "relance-2021"
BOARD = f"/consultations/{SLUG}/positionnement"


async def two_hats(state) -> object:
    """An agent of the CA du Bassin de Bourg who also acts for Bourg-en-Bresse (shared services)."""
    persona = await make_agent(state, "mutualise@ca-bourg.fr", CA_BOURG)
    await state.accounts.grant_mandate(
        None, account_email=persona.email, kind="collectivite", siren=BOURG, role="agent"
    )
    return persona


async def test_an_agent_positions_its_collectivite_and_withdraws(client, state) -> None:
    curator, cid, proposals = await decided(state, proposals=2)
    await advance_to(state, curator, cid, "positionnement")
    mayor = await make_agent(state, "maire@bourg.fr", BOURG, role="elu_executif", can_sign=True)
    await sign_in(client, mayor)
    page = await client.get(BOARD, headers=HTML)
    assert page.status_code == 200
    assert f'data-testid="service-{proposals[0]}"' in page.text
    assert "Territoires référents : 0 sur 3" in shown(page)

    url = f"{BOARD}/{proposals[0]}"
    cofunding = await form_post(
        client,
        url,
        {"siren": BOURG, "role": "cofinanceur", "montant": "25 000", "commitment_text": "Budget 2022."},
    )
    assert cofunding.status_code == 200
    assert "est positionnée comme « Co-financeur » (25\u202f000,00\u00a0€)" in shown(cofunding)
    pilot = await form_post(client, url, {"siren": BOURG, "role": "territoire_referent"})
    assert "« Territoire référent (pilote) »" in shown(pilot)
    mine = await state.interests.mine(await state.accounts.load_actor(mayor.account_id), cid)
    assert {(i.role, i.cofunding_amount_cents, i.state) for i in mine} == {
        ("cofinanceur", 2_500_000, "submitted"),
        ("territoire_referent", 0, "submitted"),
    }
    assert pilot.text.count("En attente d'examen") + pilot.text.count("En attente d&#39;examen") == 2

    twice = await form_post(client, url, {"siren": BOURG, "role": "territoire_referent"})
    assert twice.status_code == 409
    assert f'data-testid="error-service-{proposals[0]}"' in twice.text
    assert "déjà positionnée comme « Territoire référent (pilote) »" in shown(twice)
    for bad, message in (
        ({"role": ""}, "Choisissez le rôle"),
        ({"role": "observateur", "montant": "100"}, "Seul un co-financeur indique un montant"),
        ({"role": "cofinanceur", "montant": ""}, "Indiquez le montant du co-financement"),
        ({"role": "cofinanceur", "montant": "beaucoup"}, "Montant invalide"),
    ):
        refused = await form_post(client, f"{BOARD}/{proposals[1]}", {"siren": BOURG, **bad})
        assert refused.status_code == 422, bad
        assert message in shown(refused), bad

    pilot_id = next(i.id for i in mine if i.role == "territoire_referent")
    withdrawn = await form_post(client, f"{BOARD}/retrait/{pilot_id}", {"siren": BOURG})
    assert "retiré" in shown(withdrawn)
    assert "Retiré" in withdrawn.text
    again = await form_post(client, f"{BOARD}/retrait/{pilot_id}", {"siren": BOURG})
    assert again.status_code == 409
    assert f'data-testid="error-retrait-{pilot_id}"' in again.text


async def test_positioning_refusals_phase_signatory_and_other_collectivites(client, state) -> None:
    curator, cid, proposals = await decided(state)
    url = f"{BOARD}/{proposals[0]}"
    agent = await make_agent(state, "agent@bourg.fr", BOURG)  # no signing delegation
    await sign_in(client, agent)
    early = await form_post(client, url, {"siren": BOURG, "role": "observateur"})
    assert early.status_code == 409
    assert "phase « Sélection »" in shown(early)
    assert 'data-testid="interest-closed"' in early.text

    await advance_to(state, curator, cid, "positionnement")
    unsigned = await form_post(client, url, {"siren": BOURG, "role": "cofinanceur", "montant": "1000"})
    assert unsigned.status_code == 403
    assert "signataire de la collectivité" in shown(unsigned)
    foreign = await form_post(client, url, {"siren": AMBERIEU, "role": "observateur"})
    assert foreign.status_code == 403
    assert "pas de mandat pour cette collectivité" in shown(foreign)
    assert (await client.get(f"{BOARD}?siren={AMBERIEU}", headers=HTML)).status_code == 403

    amberieu = await make_agent(state, "agent@amberieu.fr", AMBERIEU)
    sign_out(client)
    await sign_in(client, amberieu)
    observer = await state.interests.declare(
        await state.accounts.load_actor(agent.account_id),
        proposals[0],
        InterestRequest(collectivite_siren=BOURG, role="observateur"),
    )
    stolen = await form_post(client, f"{BOARD}/retrait/{observer.id}", {"siren": AMBERIEU})
    assert stolen.status_code == 404
    page = await client.get(BOARD, headers=HTML)
    assert f'data-testid="mine-{proposals[0]}"' not in page.text  # Bourg's positionings stay Bourg's

    sign_out(client)
    await sign_in(client, await make_account(state, "citoyen@example.fr"))
    assert (await client.get(BOARD, headers=HTML)).status_code == 403


async def test_an_agent_of_several_collectivites_chooses_which_one(client, state) -> None:
    curator, cid, proposals = await decided(state)
    await advance_to(state, curator, cid, "positionnement")
    await sign_in(client, await two_hats(state))
    page = await client.get(BOARD, headers=HTML)
    assert 'data-testid="acting-for"' in page.text
    assert f'<option value="{CA_BOURG}" selected>' in page.text
    chosen = await client.get(f"{BOARD}?siren={BOURG}", headers=HTML)
    assert f'<option value="{BOURG}" selected>' in chosen.text
    assert f'name="siren" value="{BOURG}"' in chosen.text
    done = await form_post(client, f"{BOARD}/{proposals[0]}", {"siren": BOURG, "role": "early_adopter"})
    assert "Bourg-en-Bresse est positionnée comme « Early adopter »" in shown(done)
    assert f'<option value="{BOURG}" selected>' in done.text  # back on the collectivité it acted for
    ca_page = await client.get(f"{BOARD}?siren={CA_BOURG}", headers=HTML)
    assert f'data-testid="mine-{proposals[0]}"' not in ca_page.text
    assert f'data-testid="mine-{proposals[0]}"' in done.text


async def test_the_vote_page_lets_an_agent_choose_and_shows_refusals_next_to_the_button(
    client, state
) -> None:
    _, _, proposals = await ready_to_vote(state, vote_limit=1)
    await sign_in(client, await two_hats(state))
    page = await client.get(f"/consultations/{SLUG}/voter?siren={BOURG}", headers=HTML)
    assert 'data-testid="acting-for"' in page.text
    assert "Bourg-en-Bresse (210100533) a utilisé" in shown(page)
    url = f"/consultations/{SLUG}/voter/{{}}/soutenir"
    await form_post(client, url.format(proposals[0]), {"siren": BOURG})
    over = await form_post(client, url.format(proposals[1]), {"siren": BOURG})
    assert over.status_code == 409
    assert f'data-testid="error-vote-{proposals[1]}"' in over.text
    ca = await form_post(client, url.format(proposals[1]), {"siren": CA_BOURG})
    assert "Soutien enregistré" in shown(ca)
    assert "CA du Bassin de Bourg-en-Bresse (200071751) a utilisé" in shown(ca)
    foreign = await form_post(client, url.format(proposals[2]), {"siren": AMBERIEU})
    assert foreign.status_code == 403
    assert (
        await client.get(f"/consultations/{SLUG}/voter?siren={AMBERIEU}", headers=HTML)
    ).status_code == 403

    sign_out(client)
    await sign_in(client, await make_account(state, "curatrice2@anct.gouv.fr", curator=True))
    for page_name in ("voter", "contribuer", "positionnement"):
        curator_page = await client.get(f"/consultations/{SLUG}/{page_name}", headers=HTML)
        assert curator_page.status_code == 200, page_name
        assert 'data-testid="no-mandate"' in curator_page.text, page_name


async def test_refused_votes_are_explained_in_french_and_never_recorded(client, state) -> None:
    curator, cid, proposals = await ready_to_vote(state)
    other = await open_consultation(state, curator, slug="autre-consultation")
    url = f"/consultations/{SLUG}/voter/{proposals[0]}/soutenir"

    await sign_in(client, await make_account(state, "curatrice2@anct.gouv.fr", curator=True))
    for form in ({}, {"siren": ""}, {"siren": BOURG}):
        refused = await form_post(client, url, form)
        assert refused.status_code == 403, (form, refused.status_code)
        assert 'data-testid="vote-refused"' in refused.text
        assert "SIREN invalide" not in shown(refused)
    assert "n'agit pour aucune collectivité" in shown(await form_post(client, url, {}))

    sign_out(client)
    await sign_in(client, await make_agent(state, "agent@amberieu.fr", AMBERIEU))
    foreign = await form_post(client, url, {"siren": BOURG})
    assert foreign.status_code == 403
    assert "Vous n'avez pas de mandat pour cette collectivité" in shown(foreign)

    sign_out(client)
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))
    other_slug = (await state.consultations.get(other, curator)).slug
    misplaced = await form_post(client, f"/consultations/{other_slug}/voter/{proposals[0]}/soutenir", {})
    assert misplaced.status_code == 404
    agent = await state.accounts.load_actor((await state.accounts.repo.get_by_email("agent@bourg.fr")).id)
    assert (await state.supports.ballot(agent, cid, BOURG)).used == 0
    own = await form_post(client, url, {})  # no SIREN: the agent's only collectivité
    assert "Soutien enregistré" in shown(own)
    assert (await state.supports.ballot(agent, cid, BOURG)).supported_proposal_ids == [proposals[0]]
