"""Calls for projects as users live them: a collectivité applies (requested ≤ rate × budget), sees
its eligibility reasons; a curator checks, reviews, awards (a ledger commitment, idempotent), pays
(consumes it) or declines with a reason; nobody sees another collectivité's applications."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import msgspec

from catalogue.funding.schemas import AmountIn, CallIn, EnvelopeIn
from tests.funding.support import M, application, build_plan, key, national_call
from tests.support.people import csrf_headers, make_account, make_agent, sign_in, sign_out
from tests.support.registry import (
    AMBERIEU_EN_BUGEY,
    BOURG_EN_BRESSE,
    CA_BASSIN_DE_BOURG,
    METROPOLE_DE_LYON,
)

BASE = "/api/v1/funding"


def body(lead: str, *co: str, budget: int = 2 * M, requested: int = M) -> dict[str, Any]:
    return msgspec.to_builtins(application(lead, *co, budget=budget, requested=requested))


async def setup(state: Any, client: httpx.AsyncClient) -> dict[str, Any]:
    await build_plan(state.funding)
    call_id = await national_call(state.funding)
    return {
        "call_id": call_id,
        "lyon": await make_agent(state, "agent@grandlyon.example", METROPOLE_DE_LYON),
        "amberieu": await make_agent(state, "agent@amberieu.example", AMBERIEU_EN_BUGEY),
        "curator": await make_account(state, "curatrice@anct.example", curator=True),
    }


async def test_apply_check_review_award_pay(state: Any, client: httpx.AsyncClient) -> None:
    world = await setup(state, client)
    call_id = world["call_id"]
    calls = (await client.get(f"{BASE}/calls")).json()
    assert [c["slug"] for c in calls] == ["aap-national"]
    assert calls[0]["rules"]["type"] == "any_of"

    await sign_in(client, world["lyon"])
    headers = await csrf_headers(client)
    too_much = await client.post(
        f"{BASE}/calls/{call_id}/applications",
        json=body(METROPOLE_DE_LYON, budget=2 * M, requested=M + 1),
        headers=headers,
    )
    assert too_much.status_code == 422
    assert too_much.json()["code"] == "rate_exceeded"
    created = await client.post(
        f"{BASE}/calls/{call_id}/applications", json=body(METROPOLE_DE_LYON), headers=headers
    )
    assert created.status_code == 201, created.text
    app = created.json()
    assert app["state"] == "submitted"
    assert app["eligibility"]["ok"] is True  # the reasons are there before any curator looks
    mine = (await client.get(f"{BASE}/applications")).json()
    assert [a["id"] for a in mine] == [app["id"]]
    refused = await client.post(
        f"{BASE}/applications/{app['id']}/award",
        json={"amount_cents": M},
        headers={**headers, "Idempotency-Key": key()},
    )
    assert refused.status_code == 403

    # Another collectivité neither sees nor lists it.
    sign_out(client)
    await sign_in(client, world["amberieu"])
    assert (await client.get(f"{BASE}/applications/{app['id']}")).status_code == 404
    assert (await client.get(f"{BASE}/applications")).json() == []

    sign_out(client)
    await sign_in(client, world["curator"])
    headers = await csrf_headers(client)
    premature = await client.post(
        f"{BASE}/applications/{app['id']}/award",
        json={"amount_cents": M},
        headers={**headers, "Idempotency-Key": key()},
    )
    assert premature.status_code == 409
    assert premature.json()["code"] == "not_awardable"
    checked = await client.post(f"{BASE}/applications/{app['id']}/eligibility", headers=headers)
    assert checked.json()["state"] == "eligible"
    reviewed = await client.post(
        f"{BASE}/applications/{app['id']}/review", json={"note": "Projet solide."}, headers=headers
    )
    assert reviewed.json()["state"] == "in_review"
    missing_key = await client.post(
        f"{BASE}/applications/{app['id']}/award", json={"amount_cents": M}, headers=headers
    )
    assert missing_key.status_code == 400
    award_key = key("award")
    for _ in range(2):
        awarded = await client.post(
            f"{BASE}/applications/{app['id']}/award",
            json={"amount_cents": 800_000_00},
            headers={**headers, "Idempotency-Key": award_key},
        )
        assert awarded.status_code == 200, awarded.text
    assert awarded.json()["state"] == "awarded"
    assert awarded.json()["awarded_cents"] == 800_000_00
    again = await client.post(
        f"{BASE}/applications/{app['id']}/award",
        json={"amount_cents": 800_000_00},
        headers={**headers, "Idempotency-Key": key()},
    )
    assert again.status_code == 409
    axis = {r["code"]: r for r in (await client.get(f"{BASE}/envelopes")).json()}["relance-axe-2"]
    assert axis["figures"]["committed"] == 800_000_00
    assert axis["figures"]["available"] == 24 * M - 800_000_00

    pay = {"amount_cents": 300_000_00, "paid_on": "2026-12-01", "reference": "mandat 1"}
    pay_key = key("pay")
    paid = await client.post(
        f"{BASE}/applications/{app['id']}/payments", json=pay, headers={**headers, "Idempotency-Key": pay_key}
    )
    assert paid.status_code == 201
    replay = await client.post(
        f"{BASE}/applications/{app['id']}/payments", json=pay, headers={**headers, "Idempotency-Key": pay_key}
    )
    assert replay.json()["replayed"] is True
    over = await client.post(
        f"{BASE}/applications/{app['id']}/payments",
        json={**pay, "amount_cents": 500_000_01},
        headers={**headers, "Idempotency-Key": key()},
    )
    assert over.status_code == 409
    assert over.json()["code"] == "exceeds_award"
    axis = {r["code"]: r for r in (await client.get(f"{BASE}/envelopes")).json()}["relance-axe-2"]
    assert axis["figures"]["consumed"] == 300_000_00
    listed = (await client.get(f"{BASE}/calls/{call_id}/applications")).json()
    assert listed[0]["consumed_cents"] == 300_000_00
    csv = await client.get(f"{BASE}/calls/{call_id}/applications.csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "Métropole de Lyon" in csv.content.decode("utf-8-sig")
    tree_csv = (await client.get(f"{BASE}/envelopes.csv")).content.decode("utf-8-sig")
    assert tree_csv.splitlines()[0].startswith("code;libelle;niveau")
    deps = {d["departement"]: d for d in (await client.get(f"{BASE}/departements")).json()}
    assert deps["69"]["awarded_to_applicants"] == 800_000_00
    assert deps["01"]["figures"]["allocated"] == M


async def test_small_communes_are_told_why_and_declined(state: Any, client: httpx.AsyncClient) -> None:
    world = await setup(state, client)
    await sign_in(client, world["amberieu"])
    headers = await csrf_headers(client)
    created = await client.post(
        f"{BASE}/calls/{world['call_id']}/applications",
        json=body(AMBERIEU_EN_BUGEY, BOURG_EN_BRESSE),
        headers=headers,
    )
    app = created.json()
    assert app["eligibility"]["ok"] is False
    reasons = [c["message"] for c in app["eligibility"]["children"][1]["children"]]
    assert "aucun département" in reasons[0]
    assert "500\u202f000 requis" in reasons[1]
    # A co-applicant must be named once; an unknown SIREN is refused, not a 500.
    dup = await client.post(
        f"{BASE}/calls/{world['call_id']}/applications",
        json=body(AMBERIEU_EN_BUGEY, AMBERIEU_EN_BUGEY),
        headers=headers,
    )
    assert dup.status_code == 422
    unknown = await client.post(
        f"{BASE}/calls/{world['call_id']}/applications",
        json=body(AMBERIEU_EN_BUGEY, "732829320"),
        headers=headers,
    )
    assert unknown.status_code == 422
    not_mine = await client.post(
        f"{BASE}/calls/{world['call_id']}/applications", json=body(CA_BASSIN_DE_BOURG), headers=headers
    )
    assert not_mine.status_code == 403

    sign_out(client)
    await sign_in(client, world["curator"])
    headers = await csrf_headers(client)
    checked = await client.post(f"{BASE}/applications/{app['id']}/eligibility", headers=headers)
    assert checked.json()["state"] == "ineligible"
    declined = await client.post(
        f"{BASE}/applications/{app['id']}/decline",
        json={"reason": "Groupement trop petit pour l'appel national."},
        headers=headers,
    )
    assert declined.json()["state"] == "declined"
    sign_out(client)
    await sign_in(client, world["amberieu"])
    mine = (await client.get(f"{BASE}/applications")).json()
    assert mine[0]["decline_reason"] == "Groupement trop petit pour l'appel national."


async def test_a_closed_call_refuses_applications(state: Any, client: httpx.AsyncClient) -> None:
    world = await setup(state, client)
    today = state.funding.today()
    closed = await state.funding.create_call(
        None,
        CallIn(
            slug="aap-2021",
            title="Appel clos",
            envelope_code="relance-axe-2",
            opens_on=today - dt.timedelta(days=60),
            closes_on=today - dt.timedelta(days=1),
            max_rate_bp=5000,
        ),
    )
    await sign_in(client, world["lyon"])
    response = await client.post(
        f"{BASE}/calls/{closed.id}/applications",
        json=body(METROPOLE_DE_LYON),
        headers=await csrf_headers(client),
    )
    assert response.status_code == 409
    assert response.json()["code"] == "call_closed"


async def test_an_award_beyond_the_envelope_is_refused(state: Any, client: httpx.AsyncClient) -> None:
    world = await setup(state, client)
    await state.funding.create_envelope(
        None, EnvelopeIn(code="petit", label="Petite enveloppe", kind="part", parent_code="relance-axe-2")
    )
    await state.funding.allocate(None, "petit", AmountIn(amount_cents=M), key=key())
    call_id = await national_call(state.funding, envelope="petit", slug="aap-petit")
    await sign_in(client, world["lyon"])
    headers = await csrf_headers(client)
    app = (
        await client.post(
            f"{BASE}/calls/{call_id}/applications",
            json=body(METROPOLE_DE_LYON, budget=4 * M, requested=2 * M),
            headers=headers,
        )
    ).json()
    sign_out(client)
    await sign_in(client, world["curator"])
    headers = await csrf_headers(client)
    await client.post(f"{BASE}/applications/{app['id']}/eligibility", headers=headers)
    response = await client.post(
        f"{BASE}/applications/{app['id']}/award",
        json={"amount_cents": 2 * M},
        headers={**headers, "Idempotency-Key": key()},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "envelope_exhausted"
    assert (await client.get(f"{BASE}/applications/{app['id']}")).json()["state"] == "eligible"


async def test_a_rule_nested_too_deep_is_refused(state: Any, client: httpx.AsyncClient) -> None:
    world = await setup(state, client)
    await sign_in(client, world["curator"])
    for depth in (6, 3000):
        nested = '{"type": "min_population_covered", "population": 5}'
        for _ in range(depth):
            nested = '{"type": "any_of", "rules": [' + nested + "]}"
        payload = (
            f'{{"slug": "profond-{depth}", "title": "Appel", "envelope_code": "relance-axe-2", '
            '"opens_on": "2026-01-01", "closes_on": "2026-12-31", "max_rate_bp": 5000, "rules": '
            + nested
            + "}"
        )
        headers = {**(await csrf_headers(client)), "content-type": "application/json"}
        response = await client.post(f"{BASE}/calls", content=payload, headers=headers)
        assert response.status_code in {400, 422}, response.text[:200]
        assert response.json()["code"]


async def test_amounts_are_integer_cents(state: Any, client: httpx.AsyncClient) -> None:
    world = await setup(state, client)
    await sign_in(client, world["lyon"])
    headers = await csrf_headers(client)
    for budget, requested in [(2 * M + 0.5, M), ("2000000", M), (2 * M, -1), (2 * M, 0)]:
        response = await client.post(
            f"{BASE}/calls/{world['call_id']}/applications",
            json={**body(METROPOLE_DE_LYON), "budget_cents": budget, "requested_cents": requested},
            headers=headers,
        )
        assert response.status_code in {400, 422}, (budget, requested)
        assert response.headers["content-type"].startswith("application/problem+json")
