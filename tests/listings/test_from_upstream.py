"""Upstream → listings: a selected proposal becomes a draft listing (publisher to be assigned by a
curator), an accepted territoire référent shows on the listing and feeds the search facet of
départements, a withdrawn one disappears; every delivery is idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from catalogue.listings.states import Action
from catalogue.votes.events import InterestAccepted, InterestWithdrawn, ProposalSelected
from catalogue.votes.schemas import MilestoneRequest
from search.schemas import ServiceSearchParams
from store.kit.events import DomainEvent
from tests.support.catalogue import as_, create_listing, make_cast
from tests.support.consultations import advance_to, decided
from tests.support.people import Persona

RENNES = "213502388"


async def deliver(state: Any, *events: DomainEvent) -> None:
    """Emit as the votes module does (in a transaction, through the outbox), then deliver."""
    async with state.uow() as work:
        for event in events:
            work.emit(event)
    # A consumer's own events (a pilot added → the listing re-indexed) go out on the next pass.
    while await state.dispatcher.drain():
        pass


def selected(
    proposal_id: int, title: str = "Orientation des usagers", listing_slug: str = ""
) -> ProposalSelected:
    return ProposalSelected(
        decision_id=proposal_id,
        consultation_id=1,
        consultation_slug="transformation-numerique",
        proposal_id=proposal_id,
        title=title,
        summary="Orienter chaque habitant vers le service compétent.",
        thematique="demarches-administratives-aides",
        kind="acceleration_service_existant" if listing_slug else "nouveau_service",
        listing_slug=listing_slug,
        funding_amount_cents=45_000_000,
        envelope_code="relance-axe-1",
        pilot_capacity=3,
        decided_at=dt.datetime(2021, 5, 3, tzinfo=dt.UTC),
    )


def accepted(proposal_id: int, siren: str = RENNES, role: str = "territoire_referent") -> InterestAccepted:
    return InterestAccepted(
        interest_id=1,
        consultation_id=1,
        proposal_id=proposal_id,
        listing_slug="",
        collectivite_siren=siren,
        collectivite_name="Rennes",
        collectivite_kind="commune",
        departement_code="35",
        role=role,
        cofunding_amount_cents=0,
    )


def withdrawn(proposal_id: int, siren: str = RENNES) -> InterestWithdrawn:
    return InterestWithdrawn(
        interest_id=1,
        consultation_id=1,
        proposal_id=proposal_id,
        listing_slug="",
        collectivite_siren=siren,
        departement_code="35",
        role="territoire_referent",
    )


async def test_a_selected_proposal_becomes_one_draft_listing_for_curators(state: Any) -> None:
    await deliver(state, selected(41))
    await deliver(state, selected(41))  # replayed: still one listing
    slug = await state.upstream_listings.slug_for_proposal(41)
    assert slug == "orientation-des-usagers-41"
    listing = await state.listings.repo.get(slug)
    assert (listing.state, listing.name, listing.publisher.siren) == (
        "draft",
        "Orientation des usagers",
        None,
    )
    assert [t.slug for t in listing.thematiques] == ["demarches-administratives-aides"]
    assert "transformation-numerique" in listing.funding_origin
    public = await state.search.search_services(ServiceSearchParams(q="orientation usagers"))
    assert public.total_hits == 0
    curators = await state.search.search_services(ServiceSearchParams(q="orientation usagers"), curator=True)
    assert [(h.slug, h.status, h.cofunding_available) for h in curators.hits] == [(slug, "draft", True)]


async def test_an_accepted_pilot_is_shown_and_searchable_by_departement_until_withdrawn(
    client: httpx.AsyncClient, state: Any
) -> None:
    cast = await make_cast(state)
    slug = await create_listing(state, cast)
    await state.listings.transition(await cast.actor(state, "dev_a"), slug, Action.submit)
    await state.listings.transition(await cast.actor(state, "curator"), slug, Action.approve)
    await deliver(state, selected(7, "Conseil municipal", listing_slug=slug))
    assert await state.upstream_listings.slug_for_proposal(7) == slug, "an existing listing is linked"
    await deliver(state, accepted(7), accepted(7, siren="200000172", role="observateur"))
    await deliver(state, accepted(7))  # re-delivered: still one pilot

    page = await client.get(f"/catalogue/{slug}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Territoires référents" in page.text
    assert "Rennes (35)" in page.text
    in_35 = await state.search.search_services(ServiceSearchParams(departements=("35",)))
    assert [h.slug for h in in_35.hits] == [slug]
    facet = next(f for f in in_35.facets if f.param == "departement")
    assert [(v.value, v.count) for v in facet.values] == [("35", 1)]
    assert (await state.search.search_services(ServiceSearchParams(q="rennes"))).hits[0].slug == slug
    api = await client.get("/api/v1/search/services", params={"departement": "35"})
    assert [h["slug"] for h in api.json()["hits"]] == [slug]

    await deliver(state, withdrawn(7))
    page = await client.get(f"/catalogue/{slug}", headers={"accept": "text/html"})
    assert "Territoires référents" not in page.text
    assert (await state.search.search_services(ServiceSearchParams(departements=("35",)))).total_hits == 0


async def test_a_real_selection_feeds_a_draft_whose_page_shows_the_projects_progress(
    client: httpx.AsyncClient, state: Any
) -> None:
    curator, consultation_id, (proposal_id,) = await decided(state)
    await advance_to(state, curator, consultation_id, "deploiement")
    await state.deployment.add(
        curator, proposal_id, MilestoneRequest(title="Cadrage", weight=1, progress=100)
    )
    await state.deployment.add(
        curator, proposal_id, MilestoneRequest(title="Développement", weight=3, progress=20)
    )
    await state.dispatcher.drain()
    slug = await state.upstream_listings.slug_for_proposal(proposal_id)
    assert slug is not None
    curator_persona = Persona(account_id=curator.account_id, email="curatrice@anct.gouv.fr")
    await as_(client, curator_persona)
    page = await client.get(f"/catalogue/{slug}", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Déploiement financé" in page.text
    assert 'data-testid="deployment-percent">40 %<' in page.text
    assert '<td>Développement</td><td class="ts-num">3</td><td class="ts-num">20 %</td>' in page.text
    assert "À désigner par l" in page.text, "no publisher until a curator assigns one"
    await as_(client, None)
    assert (await client.get(f"/catalogue/{slug}", headers={"accept": "text/html"})).status_code == 404
