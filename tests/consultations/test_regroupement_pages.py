"""Curators regroup contributions in the browser (no JavaScript): merge, attach, split, reorient, reject."""

from __future__ import annotations

from tests.support.consultations import (
    AMBERIEU,
    BOURG,
    HTML,
    THEME,
    advance_to,
    agent_actor,
    contribute,
    curator_actor,
    form_post,
    open_consultation,
    shown,
)
from tests.support.people import make_account, make_agent, sign_in, sign_out

SLUG = "relance-2021"
BOARD = f"/curation/consultations/{SLUG}/regroupement"


async def collected(state, count: int = 3) -> tuple[object, int, list[int]]:
    """A consultation whose collecte gathered ``count`` contributions from Bourg-en-Bresse."""
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    agent = await agent_actor(state, "contributeur@bourg.fr", BOURG)
    ids = [await contribute(state, agent, cid, BOURG, f"Besoin numéro {i}") for i in range(count)]
    return curator, cid, ids


async def as_curator(client, state) -> None:
    sign_out(client)
    await sign_in(client, await make_account(state, "regroupe@anct.gouv.fr", curator=True))


def merge_form(ids: list[int] | int, title: str = "Orienter les usagers") -> dict[str, object]:
    return {
        "action": "nouvelle",
        "contribution_ids": [str(i) for i in ids] if isinstance(ids, list) else str(ids),
        "title": title,
        "summary": "Un guichet unique pour orienter les usagers.",
        "thematique": THEME,
        "kind": "nouveau_service",
    }


async def test_merge_into_a_new_proposal_then_attach_to_it(client, state) -> None:
    curator, cid, ids = await collected(state)
    await advance_to(state, curator, cid, "regroupement")
    await as_curator(client, state)
    board = await client.get(BOARD, headers=HTML)
    assert board.status_code == 200
    assert board.text.count('name="contribution_ids"') == 3

    merged = await form_post(client, BOARD, merge_form(ids[:2]))
    assert merged.status_code == 200
    assert "Proposition « Orienter les usagers » créée à partir de 2 contribution(s)" in shown(merged)
    assert merged.text.count('name="contribution_ids"') == 1  # one left waiting
    proposal = (await state.regroupement.proposals(cid))[0]
    assert (proposal.title, proposal.source_count) == ("Orienter les usagers", 2)

    attached = await form_post(
        client,
        BOARD,
        {"action": "existante", "contribution_ids": str(ids[2]), "proposal_id": str(proposal.id)},
    )
    assert "1 contribution(s) ajoutée(s) à « Orienter les usagers »" in shown(attached)
    assert 'name="contribution_ids"' not in attached.text
    assert (await state.regroupement.proposal(proposal.id)).source_count == 3

    # The contributor sees where its contributions went.
    sign_out(client)
    await sign_in(client, await make_agent(state, "autre@bourg.fr", BOURG))
    mine = shown(await client.get(f"/consultations/{SLUG}/contribuer", headers=HTML))
    assert mine.count("Regroupée dans une proposition") == 3
    assert "« Orienter les usagers »" in mine


async def test_regroupement_refusals_are_shown_next_to_the_form(client, state) -> None:
    curator, cid, ids = await collected(state, count=2)
    await as_curator(client, state)

    # Still in the collecte: the phase does not allow it.
    early = await form_post(client, BOARD, merge_form(ids))
    assert early.status_code == 409
    assert 'data-testid="error-regroupement"' in early.text
    assert "phase « Collecte des besoins »" in shown(early)
    assert 'data-testid="curation-closed"' in early.text

    await advance_to(state, curator, cid, "regroupement")
    nothing = await form_post(client, BOARD, {"action": "nouvelle", "title": "Titre", "summary": "Résumé"})
    assert nothing.status_code == 422
    assert "Cochez au moins une contribution" in shown(nothing)
    untitled = await form_post(client, BOARD, merge_form(ids, title=""))
    assert untitled.status_code == 422
    assert "titre (3 caractères au moins)" in shown(untitled)
    assert f'id="c-{ids[0]}" name="contribution_ids" value="{ids[0]}" checked' in untitled.text
    no_target = await form_post(client, BOARD, {"action": "existante", "contribution_ids": str(ids[0])})
    assert no_target.status_code == 422
    garbage = await form_post(client, BOARD, {**merge_form(ids), "contribution_ids": "abc"})
    assert garbage.status_code == 422
    assert await state.regroupement.proposals(cid) == []

    # Merging twice: the second finds the contributions already processed.
    assert (await form_post(client, BOARD, merge_form(ids))).status_code == 200
    again = await form_post(client, BOARD, merge_form(ids, title="Deuxième essai"))
    assert again.status_code == 409
    assert "Seules les contributions déposées et pas encore traitées" in shown(again)
    assert len(await state.regroupement.proposals(cid)) == 1


async def test_agents_cannot_regroup(client, state) -> None:
    curator, cid, ids = await collected(state, count=1)
    await advance_to(state, curator, cid, "regroupement")
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))
    assert (await client.get(BOARD, headers=HTML)).status_code == 403
    refused = await form_post(client, BOARD, merge_form(ids))
    assert refused.status_code == 403
    detail = f"/curation/consultations/{SLUG}/contributions/{ids[0]}"
    assert (await form_post(client, detail + "/ecarter", {"message": "Hors sujet."})).status_code == 403
    assert await state.regroupement.proposals(cid, curator) == []


async def test_split_reorient_and_reject_from_the_contribution_page(client, state) -> None:
    curator, cid, ids = await collected(state, count=4)
    await advance_to(state, curator, cid, "regroupement")
    await as_curator(client, state)
    await form_post(client, BOARD, merge_form(ids[0], title="Proposition existante"))
    existing = (await state.regroupement.proposals(cid))[0].id
    url = f"/curation/consultations/{SLUG}/contributions/{{}}"

    page = await client.get(url.format(ids[1]), headers=HTML)
    assert page.status_code == 200
    assert "Besoin numéro 1" in page.text
    too_small = await form_post(client, url.format(ids[1]) + "/scinder", {"proposal_ids": str(existing)})
    assert too_small.status_code == 422
    assert "au moins deux propositions" in shown(too_small)
    split = await form_post(
        client,
        url.format(ids[1]) + "/scinder",
        {
            "proposal_ids": str(existing),
            "title_1": "Signaler les incidents",
            "summary_1": "Une partie du besoin.",
            "thematique_1": THEME,
            "kind_1": "nouveau_service",
        },
    )
    assert split.status_code == 200
    assert "répartie entre 2 propositions" in shown(split)
    contribution = await state.contributions.get(curator, ids[1])
    assert {p.title for p in contribution.proposals} == {"Proposition existante", "Signaler les incidents"}

    silent = await form_post(client, url.format(ids[2]) + "/reorienter", {"message": ""})
    assert silent.status_code == 422
    assert 'data-testid="error-reorienter"' in silent.text
    message = "Relève du guichet départemental de l'axe 3."
    reoriented = await form_post(client, url.format(ids[2]) + "/reorienter", {"message": message})
    assert "réorientée" in shown(reoriented)
    rejected = await form_post(client, url.format(ids[3]) + "/ecarter", {"message": "Matériel hors champ."})
    assert "écartée" in shown(rejected)
    twice = await form_post(client, url.format(ids[3]) + "/ecarter", {"message": "Encore."})
    assert twice.status_code == 409
    assert 'data-testid="error-ecarter"' in twice.text

    sign_out(client)
    await sign_in(client, await make_agent(state, "suivi@bourg.fr", BOURG))
    mine = shown(await client.get(f"/consultations/{SLUG}/contribuer", headers=HTML))
    assert "Réorientée" in mine
    assert message in mine
    assert "Non retenue" in mine
    assert "Matériel hors champ." in mine
    assert "« Signaler les incidents »" in mine


async def test_a_contribution_is_only_reachable_under_its_consultation(client, state) -> None:
    curator, _cid, _ids = await collected(state, count=1)
    other = await open_consultation(state, curator, slug="autre-consultation")
    amberieu = await agent_actor(state, "agent@amberieu.fr", AMBERIEU)
    foreign = await contribute(state, amberieu, other, AMBERIEU, "Ailleurs")
    await as_curator(client, state)
    assert (
        await client.get(f"/curation/consultations/{SLUG}/contributions/{foreign}", headers=HTML)
    ).status_code == 404
    refused = await form_post(
        client, f"/curation/consultations/{SLUG}/contributions/{foreign}/ecarter", {"message": "Non."}
    )
    assert refused.status_code == 404
    assert (await state.contributions.get(curator, foreign)).state == "published"
