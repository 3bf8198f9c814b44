"""A listing's public page shows the deployment of the funded projects that name it: weighted
milestones rolled up into one percentage."""

from __future__ import annotations

from catalogue.listings.states import Action
from catalogue.votes.schemas import DecisionRequest, MilestoneRequest, MilestoneUpdate
from tests.support.catalogue import create_listing, make_cast
from tests.support.consultations import advance_to, ready_to_vote, shown

HTML = {"accept": "text/html"}
SLUG = "conseil-municipal-en-ligne"


async def test_listing_page_shows_the_rolled_up_deployment_of_its_funded_project(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, SLUG)
    await state.listings.transition(await cast.actor(state, "dev_a"), SLUG, Action.submit)
    await state.listings.transition(await cast.actor(state, "curator"), SLUG, Action.approve)
    before = await client.get(f"/catalogue/{SLUG}", headers=HTML)
    assert before.status_code == 200
    assert 'data-testid="funded-project"' not in before.text

    curator, cid, proposals = await ready_to_vote(state, proposals=2)
    await advance_to(state, curator, cid, "selection")
    await state.selection.decide(
        curator,
        proposals[0],
        DecisionRequest(
            decision="selected",
            rationale="Retenue par le comité.",
            funding_amount_cents=12_000_000,
            envelope_code="relance-axe-1",
            listing_slug=SLUG,
        ),
    )
    await state.selection.decide(
        curator, proposals[1], DecisionRequest(decision="not_selected", rationale="Hors champ.")
    )
    await advance_to(state, curator, cid, "deploiement")
    first = await state.deployment.add(curator, proposals[0], MilestoneRequest(title="Cadrage", weight=1))
    await state.deployment.add(curator, proposals[0], MilestoneRequest(title="Pilotes", weight=3))
    await state.deployment.update(curator, first.milestones[0].id, MilestoneUpdate(progress=100))

    page = await client.get(f"/catalogue/{SLUG}", headers=HTML)
    text = shown(page)
    assert text.count('data-testid="funded-project"') == 1
    # (1 × 100 + 3 × 0) / 4 = 25 %
    assert 'data-testid="deployment-percent">25 %<' in text
    assert "Proposition 0" in text
    assert "Cadrage" in text
    assert "Pilotes" in text
    assert "(120\u202f000,00\u00a0€)" in text
    assert 'href="/consultations/relance-2021"' in text
