"""From a contribution to a selected proposal with its events, through the HTTP API."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar import Litestar

from catalogue.funding.from_upstream import SelectionFundingRequested
from catalogue.funding.schemas import AmountIn, EnvelopeIn
from catalogue.needs.phases import PHASE_ORDER
from catalogue.votes.events import FundingReservationRequested
from store.app import all_tables, create_app
from store.kit.settings import Settings
from store.kit.tables import OutboxEvent
from tests.billing.support import purge_billing
from tests.support import db as test_db
from tests.support.consultations import BOURG, CA_BOURG, RENNES, THEME, VIRIAT, clock_of
from tests.support.people import csrf_headers, make_account, make_agent, sign_in, sign_out


class FakeListings:
    def __init__(self) -> None:
        self.listings: dict[str, dict[str, Any]] = {
            "rdv-solidarites": {"state": "published", "proposals": []}
        }
        self.pilots: dict[str, set[tuple[str, str | None]]] = {}

    async def slug_for_proposal(self, proposal_id: int) -> str | None:
        return next((s for s, v in self.listings.items() if proposal_id in v["proposals"]), None)

    async def exists(self, slug: str) -> bool:
        return slug in self.listings

    async def create_draft_from_proposal(self, *, slug: str, proposal_id: int, **kw: Any) -> str:
        self.listings[slug] = {"state": "draft", "proposals": [proposal_id], **kw}
        return slug

    async def link_proposal(self, slug: str, proposal_id: int) -> None:
        self.listings[slug]["proposals"].append(proposal_id)

    async def add_pilot(self, slug: str, *, siren: str, departement_code: str | None, **kw: Any) -> None:
        self.pilots.setdefault(slug, set()).add((siren, departement_code))

    async def remove_pilot(self, slug: str, *, siren: str, role: str) -> None:
        self.pilots[slug] = {p for p in self.pilots.get(slug, set()) if p[0] != siren}


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    """The selection reserves its funding in the real ledger: empty it (append-only) after the test."""
    application = create_app(settings)
    yield application
    db = application.state.db
    await db.start()
    await purge_billing(db)
    await test_db.empty_tables(db, all_tables())
    await db.stop()


async def fund_axis_1(state: Any) -> None:
    """The plan's first axis, which the consultation's selections reserve their funding on."""
    funding = state.funding
    await funding.create_envelope(
        None, EnvelopeIn(code="relance", label="Plan", kind="plan", programme="P363")
    )
    await funding.create_envelope(
        None, EnvelopeIn(code="relance-axe-1", label="Axe 1", kind="axe", parent_code="relance")
    )
    await funding.fund(None, "relance", AmountIn(amount_cents=88 * 10**8), key="e2e-fund")
    await funding.allocate(None, "relance-axe-1", AmountIn(amount_cents=30 * 10**8), key="e2e-axe-1")


async def as_(client, state, persona) -> dict[str, str]:
    sign_out(client)
    await sign_in(client, persona)
    return await csrf_headers(client)


async def test_from_a_contribution_to_a_selected_service_with_pilots_and_funding(client, state) -> None:
    listings = state.upstream_listings  # the app wires both consumers
    await fund_axis_1(state)
    clock = clock_of(state)
    curator = await make_account(state, "curatrice@anct.gouv.fr", curator=True)
    ca_agent = await make_agent(state, "dgs@ca-bourg.fr", CA_BOURG)
    rennes_mayor = await make_agent(state, "maire@rennes.fr", RENNES, role="elu_executif", can_sign=True)
    bourg_agent = await make_agent(state, "agent@bourg.fr", BOURG)

    # The curator opens a consultation with seven dated phases.
    headers = await as_(client, state, curator)
    start = clock() - dt.timedelta(days=1)
    body = {
        "slug": "transformation-numerique",
        "title": "Consultation nationale",
        "starts_at": start.isoformat(),
        "vote_limit": 3,
        "envelope_code": "relance-axe-1",
        "default_pilot_capacity": 1,
        "phases": [
            {"kind": k.value, "ends_at": (start + dt.timedelta(days=10 * (i + 1))).isoformat()}
            for i, k in enumerate(PHASE_ORDER)
        ],
    }
    response = await client.post("/api/v1/consultations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    cid = response.json()["id"]
    assert (await client.post(f"/api/v1/consultations/{cid}/publish", headers=headers)).status_code == 200

    async def advance(kind: str) -> None:
        clock.tick()
        headers = await as_(client, state, curator)
        response = await client.post(f"/api/v1/consultations/{cid}/phases/{kind}/activate", headers=headers)
        assert response.status_code == 200, response.text
        clock.tick()

    # A groupement contributes for two of its members.
    headers = await as_(client, state, ca_agent)
    response = await client.post(
        f"/api/v1/consultations/{cid}/contributions",
        json={
            "collectivite_siren": CA_BOURG,
            "kind": "besoin",
            "title": "Orienter les usagers vers le bon service",
            "body": "Les usagers ne savent pas à qui s'adresser.",
            "thematique": THEME,
            "on_behalf_of": [BOURG, VIRIAT],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    contribution_id = response.json()["id"]

    # Regroupement into a proposal.
    await advance("regroupement")
    headers = await as_(client, state, curator)
    response = await client.post(
        f"/api/v1/consultations/{cid}/proposals",
        json={
            "contribution_ids": [contribution_id],
            "proposal": {
                "title": "Orientation des usagers",
                "summary": "Un service d'orientation.",
                "thematique": THEME,
            },
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    proposal_id = response.json()["id"]

    # Vote: two collectivités support it.
    await advance("vote")
    for persona, siren in ((bourg_agent, BOURG), (rennes_mayor, RENNES)):
        headers = await as_(client, state, persona)
        response = await client.post(
            f"/api/v1/consultations/{cid}/proposals/{proposal_id}/supports",
            json={"voter_siren": siren},
            headers=headers,
        )
        assert response.status_code == 201, response.text
    results = (await client.get(f"/api/v1/consultations/{cid}/results")).json()
    assert results["proposals"][0]["supports"] == 2

    # Selection: the committee funds it; supports informed the decision and are recorded on it.
    await advance("selection")
    headers = await as_(client, state, curator)
    response = await client.post(
        f"/api/v1/consultations/{cid}/proposals/{proposal_id}/decision",
        json={
            "decision": "selected",
            "rationale": "Besoin partagé par de nombreux territoires.",
            "funding_amount_cents": 45_000_000,
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    decision = response.json()
    assert (decision["supports_at_decision"], decision["envelope_code"]) == (2, "relance-axe-1")
    response = await client.post(
        f"/api/v1/consultations/{cid}/proposals/{proposal_id}/decision",
        json={"decision": "not_selected", "rationale": "Revirement."},
        headers=headers,
    )
    assert response.status_code == 409
    assert response.json()["code"] == "decision_final"

    # The contributor sees where its contribution went.
    headers = await as_(client, state, ca_agent)
    mine = (await client.get(f"/api/v1/consultations/{cid}/contributions/mine")).json()
    assert mine[0]["state"] == "merged"
    assert mine[0]["proposals"] == [{"id": proposal_id, "title": "Orientation des usagers"}]

    # Positionnement: a pilot (capacity 1) and a co-funder who must be able to sign.
    await advance("positionnement")
    headers = await as_(client, state, rennes_mayor)
    url = f"/api/v1/consultations/{cid}/proposals/{proposal_id}/interests"
    pilot = await client.post(
        url, json={"collectivite_siren": RENNES, "role": "territoire_referent"}, headers=headers
    )
    assert pilot.status_code == 201, pilot.text
    cofunding = await client.post(
        url,
        json={"collectivite_siren": RENNES, "role": "cofinanceur", "cofunding_amount_cents": 5_000_000},
        headers=headers,
    )
    assert cofunding.status_code == 201
    headers = await as_(client, state, bourg_agent)
    refused = await client.post(
        url,
        json={"collectivite_siren": BOURG, "role": "cofinanceur", "cofunding_amount_cents": 100},
        headers=headers,
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "signatory_required")
    second_pilot = await client.post(
        url, json={"collectivite_siren": BOURG, "role": "territoire_referent"}, headers=headers
    )
    headers = await as_(client, state, curator)
    review = f"/api/v1/consultations/{cid}/interests/{{}}/review"
    accepted = await client.post(review.format(pilot.json()["id"]), json={"accept": True}, headers=headers)
    assert accepted.json()["state"] == "accepted"
    full = await client.post(review.format(second_pilot.json()["id"]), json={"accept": True}, headers=headers)
    assert (full.status_code, full.json()["code"]) == (409, "pilot_capacity_reached")
    pilots = (await client.get(f"/api/v1/consultations/{cid}/proposals/{proposal_id}/pilots")).json()
    assert [(p["collectivite_siren"], p["departement_code"]) for p in pilots] == [(RENNES, "35")]

    # Déploiement: weighted milestones roll up.
    await advance("deploiement")
    headers = await as_(client, state, curator)
    base = f"/api/v1/consultations/{cid}/proposals/{proposal_id}"
    await client.post(
        base + "/milestones", json={"title": "Conception", "weight": 1, "progress": 100}, headers=headers
    )
    progress = await client.post(
        base + "/milestones", json={"title": "Développement", "weight": 3, "progress": 20}, headers=headers
    )
    assert progress.json()["percent"] == (100 + 3 * 20) // 4
    assert (await client.get(base + "/progress")).json()["percent"] == 40

    # After commit, the outbox delivers: a draft listing, the funding reservation, the pilot.
    await state.dispatcher.drain()
    slug = await listings.slug_for_proposal(proposal_id)
    assert slug == f"orientation-des-usagers-{proposal_id}"
    assert (await state.listings.repo.get(slug)).state == "draft"
    reserved = await state.funding.reservations(None)
    assert [(r.envelope_code, r.amount_cents, r.state) for r in reserved] == [
        ("relance-axe-1", 45_000_000, "pending")
    ]
    assert {r.code: r for r in await state.funding.tree()}["relance-axe-1"].figures.reserved == 45_000_000
    assert {(p.siren, p.departement_code) for p in await listings.pilots(slug)} == {(RENNES, "35")}
    topics = [r["topic"] for r in await OutboxEvent.select(OutboxEvent.topic).order_by(OutboxEvent.id)]
    for topic in (
        "catalogue:contribution:published",
        "catalogue:proposal:published",
        "catalogue:contribution:outcome_decided",
        "catalogue:proposal:selected",
        "catalogue:funding:reservation_requested",
        "catalogue:interest:accepted",
        "catalogue:deployment:progressed",
    ):
        assert topic in topics
    assert topics.index("catalogue:proposal:selected") < topics.index("catalogue:interest:accepted")


def test_the_funding_mirror_reads_the_votes_event() -> None:
    event = FundingReservationRequested(
        idempotency_key="selection:1",
        envelope_code="relance-axe-1",
        amount_cents=1,
        consultation_id=1,
        proposal_id=2,
        decision_id=1,
        title="T",
        decided_at=dt.datetime(2021, 5, 3, tzinfo=dt.UTC),
    )
    mirrored = msgspec.json.decode(msgspec.json.encode(event), type=SelectionFundingRequested)
    assert msgspec.structs.asdict(mirrored) == msgspec.structs.asdict(event)
    assert SelectionFundingRequested.topic == FundingReservationRequested.topic


async def test_selecting_an_existing_listing_links_it(state) -> None:
    from catalogue.listings.from_upstream import UpstreamBridge
    from catalogue.votes.events import ProposalSelected

    listings = FakeListings()
    bridge = UpstreamBridge(listings)
    event = ProposalSelected(
        decision_id=1,
        consultation_id=1,
        consultation_slug="c",
        proposal_id=7,
        title="RDV Solidarités",
        summary="",
        thematique=THEME,
        kind="acceleration_service_existant",
        listing_slug="rdv-solidarites",
        funding_amount_cents=0,
        envelope_code="",
        pilot_capacity=3,
        decided_at=dt.datetime(2021, 5, 3, tzinfo=dt.UTC),
    )
    await bridge.on_proposal_selected(event)
    await bridge.on_proposal_selected(event)  # replayed: still one link, no new listing
    assert listings.listings["rdv-solidarites"]["proposals"] == [7]
    assert len(listings.listings) == 1
