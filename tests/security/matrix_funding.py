"""Matrix rows of funding (see tests/security/test_route_matrix.py for how rows are read): curators
manage envelopes, calls and awards (money-moving calls carry an ``Idempotency-Key``); collectivités
apply for themselves and read only their own applications; calls are public.

The plan, its axis and an open call without rules are built once per world; every row that changes
an application gets a fresh one of collectivité A (``setup`` runs again after a call succeeded).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from catalogue.funding.schemas import AmountIn, ApplicationIn, AwardIn, CallIn, EnvelopeIn
from tests.security.matrix import DENY, Rows, everyone, only
from tests.support.routes import World

M = 100_000_000
BASE = "/api/v1/funding"
APPLICATION = BASE + "/applications/{application_id:int}"


async def _plan(world: World) -> dict[str, Any]:
    funding = world.state.funding
    await funding.create_envelope(
        None, EnvelopeIn(code="matrice-plan", label="Plan", kind="plan", programme="P1")
    )
    await funding.create_envelope(
        None, EnvelopeIn(code="matrice-axe", label="Axe", kind="axe", parent_code="matrice-plan")
    )
    await funding.fund(None, "matrice-plan", AmountIn(amount_cents=100 * M), key="matrice-fund")
    await funding.allocate(None, "matrice-axe", AmountIn(amount_cents=50 * M), key="matrice-allocate")
    today = funding.today()
    call = await funding.create_call(
        None,
        CallIn(
            slug="matrice-appel",
            title="Appel de la matrice",
            envelope_code="matrice-axe",
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=30),
            max_rate_bp=5000,
        ),
    )
    return {"call_id": call.id}


async def plan(world: World) -> dict[str, Any]:
    """Setup: the plan, its axis and an open call (shared)."""
    made: dict[str, Any] = await world.once("funding", lambda: _plan(world))
    return dict(made)


def application_body(world: World, lead: str | None = None) -> dict[str, Any]:
    return {
        "lead_siren": lead or world.collectivite_a,
        "title": world.unique("Projet de la matrice"),
        "contact_name": "Camille Martin",
        "contact_email": "camille@example.fr",
        "budget_cents": 2 * M,
        "requested_cents": M,
    }


async def submitted(world: World) -> dict[str, Any]:
    """Setup: a fresh application of collectivité A."""
    params = await plan(world)
    body = ApplicationIn(**application_body(world))
    made = await world.state.funding.apply(await world.actor("agent"), params["call_id"], body)
    return {**params, "application_id": made.id}


async def eligible(world: World) -> dict[str, Any]:
    params = await submitted(world)
    await world.state.funding.check_eligibility(None, params["application_id"])
    return params


async def awarded(world: World) -> dict[str, Any]:
    params = await eligible(world)
    await world.state.funding.award(
        None, params["application_id"], AwardIn(amount_cents=M), key=world.unique("matrice-award")
    )
    return params


def idempotency(world: World, params: dict[str, Any]) -> dict[str, str]:
    return {"Idempotency-Key": world.unique("cle-matrice-financement")}


def own_applications_only(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        leads = {a["lead_siren"] for a in response.json()}
        mine = {"agent": {world.collectivite_a}, "other_agent": {world.collectivite_b}}.get(role, set())
        assert leads <= mine, f"{role} lists applications of {leads}"


def envelope_body(world: World) -> dict[str, Any]:
    return {
        "code": world.unique("matrice-part"),
        "label": "Part",
        "kind": "part",
        "parent_code": "matrice-axe",
    }


def call_body(world: World) -> dict[str, Any]:
    return {
        "slug": world.unique("matrice-appel"),
        "title": "Autre appel",
        "envelope_code": "matrice-axe",
        "opens_on": "2026-01-01",
        "closes_on": "2026-12-31",
        "max_rate_bp": 5000,
        "rules": {"type": "min_population_covered", "population": 500000},
    }


CURATOR_ONLY: dict[str, Any] = {"setup": plan}
MONEY: dict[str, Any] = {"headers": idempotency}

ROWS: dict[str, Rows] = {
    "GET /api/v1/funding/envelopes": only("curator", **CURATOR_ONLY),
    "GET /api/v1/funding/envelopes.csv": only("curator", **CURATOR_ONLY),
    "POST /api/v1/funding/envelopes": only("curator", setup=plan, json=envelope_body),
    "POST /api/v1/funding/envelopes/{code:str}/fund": only(
        "curator", setup=plan, params={"code": "matrice-plan"}, json={"amount_cents": 100}, **MONEY
    ),
    "POST /api/v1/funding/envelopes/{code:str}/allocations": only(
        "curator", setup=plan, params={"code": "matrice-axe"}, json={"amount_cents": 100}, **MONEY
    ),
    "GET /api/v1/funding/departements": only("curator", **CURATOR_ONLY),
    "GET /api/v1/funding/departements.csv": only("curator", **CURATOR_ONLY),
    "POST /api/v1/funding/calls": only("curator", setup=plan, json=call_body),
    "GET /api/v1/funding/calls": everyone(setup=plan),
    "GET /api/v1/funding/calls/{call_id:int}": everyone(setup=plan),
    "GET /api/v1/funding/calls/{call_id:int}/applications": only("curator", setup=submitted),
    "GET /api/v1/funding/calls/{call_id:int}/applications.csv": only("curator", setup=submitted),
    # The lead must be one's own collectivité: B's agent and the curator (no mandate) are refused.
    "POST /api/v1/funding/calls/{call_id:int}/applications": only(
        "agent", setup=plan, json=lambda w: application_body(w)
    ),
    "GET /api/v1/funding/applications": only(
        "agent", "other_agent", "curator", setup=submitted, check=own_applications_only
    ),
    "GET " + APPLICATION: only("agent", "curator", others=DENY, setup=submitted),
    "POST " + APPLICATION + "/eligibility": only("curator", setup=submitted),
    "POST " + APPLICATION + "/review": only("curator", setup=eligible, json={"note": "Dossier complet."}),
    "POST " + APPLICATION + "/award": only("curator", setup=eligible, json={"amount_cents": M}, **MONEY),
    "POST " + APPLICATION + "/decline": only("curator", setup=submitted, json={"reason": "Hors périmètre."}),
    "POST " + APPLICATION + "/payments": only(
        "curator",
        setup=awarded,
        json={"amount_cents": 100, "paid_on": "2026-12-01", "reference": "mandat"},
        **MONEY,
    ),
}


def listing_grant_body(world: World) -> dict[str, Any]:
    return {
        "envelope_code": "matrice-axe",
        "listing_id": "5a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
        "label": "Service offert par l'État",
        "cap_bp": 10000,
        "amount_cents": 100,
        "from_period": "2026-01",
        "until_period": "2026-12",
    }


ROWS.update(
    {
        "GET /api/v1/funding/listing-grants": only("curator", **CURATOR_ONLY),
        "POST /api/v1/funding/listing-grants": only("curator", setup=plan, json=listing_grant_body, **MONEY),
    }
)


ACTION = "/curation/financements/appels/{call_id:int}/candidatures/{application_id:int}/{action:str}"


def application_form(world: World) -> dict[str, str]:
    return {
        "siren": world.collectivite_a,
        "title": world.unique("Projet par formulaire"),
        "contact_name": "Camille Martin",
        "contact_email": "camille@example.fr",
        "budget": "20 000",
        "requested": "10 000",
    }


ROWS.update(
    {
        "GET /appels-a-projets": everyone(setup=plan),
        "GET /appels-a-projets/{call_id:int}": everyone(setup=plan),
        # A's agent applies for A; B's agent and the curator have no mandate for A.
        "POST /appels-a-projets/{call_id:int}/candidater": only("agent", setup=plan, form=application_form),
        "GET /appels-a-projets/mes-candidatures": only("agent", "other_agent", "curator", setup=submitted),
        "GET /curation/financements": only("curator", setup=plan),
        "GET /curation/financements/appels/{call_id:int}": only("curator", setup=submitted),
        "POST " + ACTION: only("curator", setup=submitted, params={"action": "eligibilite"}),
    }
)


async def reservation(world: World) -> dict[str, Any]:
    """Setup: a fresh pending reservation on the matrix axis (a committee selection)."""
    await plan(world)
    key = world.unique("matrice-selection")
    await world.state.funding.reserve(
        envelope_code="matrice-axe",
        amount_cents=100,
        idempotency_key=key,
        reference="proposal:1",
        label="Sélection",
    )
    made = [r for r in await world.state.funding.reservations(None) if r.state == "pending"]
    return {"reservation_id": made[-1].id}


RESERVATION = BASE + "/reservations/{reservation_id:int}"
ROWS.update(
    {
        "GET /api/v1/funding/reservations": only("curator", setup=reservation),
        "POST " + RESERVATION + "/commit": only(
            "curator", setup=reservation, json={"amount_cents": 50}, **MONEY
        ),
        "POST " + RESERVATION + "/release": only("curator", setup=reservation, **MONEY),
    }
)


ROWS.update(
    {
        "POST /curation/financements/reservations/{reservation_id:int}/{action:str}": only(
            "curator", setup=reservation, params={"action": "liberer"}, form={"key": "cle-formulaire-1"}
        ),
    }
)


ROWS.update(
    {
        "GET /api/v1/funding/reservations.csv": only("curator", setup=reservation),
        "GET /api/v1/funding/listing-grants.csv": only("curator", **CURATOR_ONLY),
    }
)


def new_call_form(world: World) -> dict[str, Any]:
    return {
        "title": "Appel par formulaire",
        "slug": world.unique("matrice-formulaire"),
        "envelope_code": "matrice-axe",
        "opens_on": "2027-01-01",
        "closes_on": "2027-02-01",
        "rate": "50",
        "preset": "national",
    }


ROWS.update(
    {
        "GET /curation/financements/appels/nouveau": only("curator", setup=plan),
        "POST /curation/financements/appels/nouveau": only("curator", setup=plan, form=new_call_form),
        "POST /curation/financements/enveloppes/dotation": only(
            "curator",
            setup=plan,
            form=lambda w: {"key": w.unique("cle-dotation"), "code": "matrice-axe", "amount": "1"},
        ),
    }
)
