"""An object addressed under another consultation's URL does not exist there: the services refuse
(404) before writing anything, whoever calls them (API, pages)."""

from __future__ import annotations

from typing import Any

import pytest

from catalogue.needs.schemas import ProposalDraft, SplitRequest, SplitTarget
from catalogue.votes.schemas import InterestRequest, MilestoneRequest, MilestoneUpdate, ReviewRequest
from store.kit.errors import NotFound
from tests.support.consultations import (
    BOURG,
    THEME,
    advance_to,
    agent_actor,
    contribute,
    curator_actor,
    decided,
    open_consultation,
    proposal_from,
    ready_to_vote,
)


async def test_a_support_under_another_consultation_is_not_recorded(state: Any) -> None:
    curator, cid, proposals = await ready_to_vote(state)
    other = await open_consultation(state, curator, slug="autre-consultation")
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    with pytest.raises(NotFound):
        await state.supports.support(agent, proposals[0], BOURG, consultation_id=other)
    assert (await state.supports.ballot(agent, cid, BOURG)).used == 0
    await state.supports.support(agent, proposals[0], BOURG, consultation_id=cid)
    with pytest.raises(NotFound):
        await state.supports.withdraw(agent, proposals[0], BOURG, consultation_id=other)
    assert (await state.supports.ballot(agent, cid, BOURG)).supported_proposal_ids == [proposals[0]]


async def test_positionings_and_milestones_only_under_their_consultation(state: Any) -> None:
    curator, cid, proposals = await decided(state, proposals=2)
    other = await open_consultation(state, curator, slug="autre-consultation")
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    await advance_to(state, curator, cid, "positionnement")
    interest = await state.interests.declare(
        agent, proposals[0], InterestRequest(collectivite_siren=BOURG, role="observateur")
    )
    with pytest.raises(NotFound):
        await state.interests.review(curator, interest.id, ReviewRequest(accept=True), consultation_id=other)
    with pytest.raises(NotFound):
        await state.interests.withdraw(agent, interest.id, consultation_id=other)
    assert (await state.interests.repo.interest(interest.id))["state"] == "submitted"
    reviewed = await state.interests.review(
        curator, interest.id, ReviewRequest(accept=True), consultation_id=cid
    )
    assert reviewed.state == "accepted"

    await advance_to(state, curator, cid, "deploiement")
    progress = await state.deployment.add(curator, proposals[0], MilestoneRequest(title="Premier jalon"))
    milestone = progress.milestones[0].id
    update = MilestoneUpdate(progress=50, weight=3)
    with pytest.raises(NotFound):
        await state.deployment.update(curator, milestone, update, consultation_id=other)
    with pytest.raises(NotFound):  # right consultation, another project
        await state.deployment.update(
            curator, milestone, update, consultation_id=cid, proposal_id=proposals[1]
        )
    row = await state.deployment.repo.milestone(milestone)
    assert (row["progress"], row["weight"]) == (0, 1)
    moved = await state.deployment.update(
        curator, milestone, update, consultation_id=cid, proposal_id=proposals[0]
    )
    assert moved.percent == 50


async def test_a_contribution_is_regrouped_only_under_its_consultation(state: Any) -> None:
    curator = await curator_actor(state)
    cid = await open_consultation(state, curator)
    other = await open_consultation(state, curator, slug="autre-consultation")
    agent = await agent_actor(state, "agent@bourg.fr", BOURG)
    first, second, third = [
        await contribute(state, agent, cid, BOURG, f"Besoin numéro {i}") for i in range(3)
    ]
    await advance_to(state, curator, cid, "regroupement")
    await advance_to(state, curator, other, "regroupement")
    target = await proposal_from(state, curator, cid, [first], "Proposition existante")
    split = SplitRequest(
        targets=[
            SplitTarget(proposal_id=target),
            SplitTarget(new_proposal=ProposalDraft(title="Nouvelle", summary="Résumé.", thematique=THEME)),
        ]
    )
    message = "Voyez plutôt le programme national."
    with pytest.raises(NotFound):
        await state.regroupement.split(curator, second, split, consultation_id=other)
    with pytest.raises(NotFound):
        await state.regroupement.reorient(curator, second, message, consultation_id=other)
    with pytest.raises(NotFound):
        await state.regroupement.reject(curator, third, message, consultation_id=other)
    for contribution in (second, third):
        assert (await state.regroupement.repo.contribution(contribution))["state"] == "published"
    assert len(await state.regroupement.proposals(other, curator)) == 0
    await state.regroupement.split(curator, second, split, consultation_id=cid)
    await state.regroupement.reject(curator, third, message, consultation_id=cid)
    assert (await state.regroupement.repo.contribution(third))["state"] == "rejected"
