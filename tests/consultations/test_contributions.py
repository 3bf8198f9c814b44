from __future__ import annotations

import pytest

from catalogue.needs.schemas import ContributionCreate, ProposalDraft, SplitRequest, SplitTarget
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.consultations import (
    AMBERIEU,
    BOURG,
    CA_BOURG,
    PERONNAS,
    RENNES,
    THEME,
    VIRIAT,
    advance_to,
    agent_actor,
    contribute,
    curator_actor,
    open_consultation,
    proposal_from,
)


async def test_a_groupement_contributes_for_its_members_only(state) -> None:
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    ca = await agent_actor(state, "dgs@ca-bourg.fr", CA_BOURG)
    contribution_id = await contribute(
        state, ca, cid, CA_BOURG, "Conseil en ligne", on_behalf_of=[BOURG, VIRIAT]
    )
    view = await state.contributions.get(ca, contribution_id)
    assert [b.name for b in view.on_behalf_of] == ["Bourg-en-Bresse", "Viriat"]
    # Rennes is not a member of the CA du Bassin de Bourg-en-Bresse: refused, nothing written.
    with pytest.raises(InvalidInput, match="pas membres") as refused:
        await contribute(state, ca, cid, CA_BOURG, "Autre besoin", on_behalf_of=[PERONNAS, RENNES])
    assert refused.value.code == "not_a_member"
    with pytest.raises(InvalidInput, match="inconnu"):
        await contribute(state, ca, cid, CA_BOURG, "Autre besoin", on_behalf_of=["732829320"])
    assert len(await state.contributions.all(curator, cid)) == 1
    # A commune cannot speak for others.
    bourg = await agent_actor(state, "agent@bourg.fr", BOURG)
    with pytest.raises(InvalidInput, match="Seul un groupement"):
        await contribute(state, bourg, cid, BOURG, "Besoin", on_behalf_of=[AMBERIEU])
    # The members named see it among theirs.
    viriat = await agent_actor(state, "agent@viriat.fr", VIRIAT)
    assert [c.id for c in await state.contributions.mine(viriat, cid)] == [contribution_id]


async def test_an_agent_contributes_only_for_its_own_collectivite(state) -> None:
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    with pytest.raises(Forbidden):
        await contribute(state, agent, cid, AMBERIEU, "Pas chez moi")
    other = await agent_actor(state, "agent@amberieu.fr", AMBERIEU)
    mine = await contribute(state, agent, cid, BOURG, "Chez moi")
    with pytest.raises(NotFound):
        await state.contributions.get(other, mine)
    assert await state.contributions.mine(other, cid) == []


async def test_existing_services_need_url_repository_and_open_licence(state) -> None:
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    with pytest.raises(InvalidInput) as refused:
        await contribute(
            state, agent, cid, BOURG, "Mon service", kind="service_existant", licence="Proprietary"
        )
    assert {e.field for e in refused.value.errors} == {"service_url", "repository_url", "licence"}
    assert await contribute(
        state,
        agent,
        cid,
        BOURG,
        "Mon service",
        kind="service_existant",
        service_url="https://rdv.example.fr",
        repository_url="https://git.example.fr/rdv",
        licence="AGPL-3.0-or-later",
    )


async def test_contributors_see_what_happened_to_theirs(state) -> None:
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    merged = [await contribute(state, agent, cid, BOURG, f"Besoin {i}") for i in range(2)]
    split = await contribute(state, agent, cid, BOURG, "Deux besoins en un")
    reoriented = await contribute(state, agent, cid, BOURG, "Fibre optique")
    rejected = await contribute(state, agent, cid, BOURG, "Des tablettes")
    draft = await contribute(state, agent, cid, BOURG, "Brouillon", publish=False)
    with pytest.raises(Conflict, match="ne le permet pas"):  # curation waits for its phase
        await state.regroupement.reject(curator, rejected, "Matériel hors champ.")
    await advance_to(state, curator, cid, "regroupement")
    proposal_id = await proposal_from(state, curator, cid, merged, "Relation usagers")
    await state.regroupement.split(
        curator,
        split,
        SplitRequest(
            targets=[
                SplitTarget(proposal_id=proposal_id),
                SplitTarget(new_proposal=ProposalDraft(title="Signalements", summary="…", thematique=THEME)),
            ]
        ),
    )
    await state.regroupement.reorient(curator, reoriented, "Relève du plan France Très Haut Débit.")
    await state.regroupement.reject(curator, rejected, "Le matériel est hors du champ du fonds.")
    with pytest.raises(Conflict):  # a decided contribution is not decided twice
        await state.regroupement.reject(curator, merged[0], "Deux fois ?")
    with pytest.raises(Conflict):  # drafts are not regrouped
        await proposal_from(state, curator, cid, [draft], "Du brouillon")
    outcome = {c.id: c for c in await state.contributions.mine(agent, cid)}
    assert outcome[merged[0]].state == "merged"
    assert [p.title for p in outcome[merged[0]].proposals] == ["Relation usagers"]
    assert sorted(p.title for p in outcome[split].proposals) == ["Relation usagers", "Signalements"]
    assert outcome[reoriented].state_label == "Réorientée"
    assert "Très Haut Débit" in outcome[reoriented].outcome_message
    assert outcome[rejected].outcome_message == "Le matériel est hors du champ du fonds."
    assert outcome[draft].state == "draft"
    proposal = await state.regroupement.proposal(proposal_id)
    assert proposal.source_count == 3
    assert proposal.source_collectivites == ["Bourg-en-Bresse"]
    from store.kit.tables import AuditEntry

    actions = {r["action"] for r in await AuditEntry.select(AuditEntry.action)}
    assert {"needs:contribution:merge", "needs:contribution:reorient", "needs:contribution:reject"} <= actions


async def test_bad_contribution_input_is_a_french_4xx(client, state) -> None:
    from tests.support.people import csrf_headers, sign_in

    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    from tests.support.people import make_agent

    persona = await make_agent(state, "http@bourg.fr", BOURG)
    await sign_in(client, persona)
    headers = await csrf_headers(client)
    body = ContributionCreate(
        collectivite_siren=BOURG, kind="besoin", title="Un besoin", body="Texte", thematique="Inconnue"
    )
    import msgspec

    response = await client.post(
        f"/api/v1/consultations/{cid}/contributions", json=msgspec.to_builtins(body), headers=headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "thematique"
    response = await client.post(
        f"/api/v1/consultations/{cid}/contributions",
        json={**msgspec.to_builtins(body), "thematique": THEME, "admin": True},
        headers=headers,
    )
    assert response.status_code == 400
    assert (await client.get(f"/api/v1/consultations/{cid}/contributions/mine")).json() == []
