"""The funding pages, without JavaScript: a collectivité finds a call, applies with the form, reads
its eligibility reasons; a curator reads the envelope tree and the table per département, checks,
awards (once, even if the form is sent twice) and declines from the review page."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.funding.support import M, application, build_plan, national_call
from tests.support.people import csrf_headers, make_account, make_agent, sign_in, sign_out
from tests.support.registry import AMBERIEU_EN_BUGEY, BOURG_EN_BRESSE, METROPOLE_DE_LYON


async def test_a_collectivite_applies_with_the_form(state: Any, client: httpx.AsyncClient) -> None:
    await build_plan(state.funding)
    call_id = await national_call(state.funding)
    listing = await client.get("/appels-a-projets")
    assert listing.status_code == 200
    assert "Appel à projets national" in listing.text
    assert "500\u202f000 habitants" in listing.text
    anonymous = await client.get(f"/appels-a-projets/{call_id}")
    assert "Se connecter pour candidater" in anonymous.text

    agent = await make_agent(state, "agent@amberieu.example", AMBERIEU_EN_BUGEY)
    await sign_in(client, agent)
    form = (await client.get(f"/appels-a-projets/{call_id}")).text
    assert 'name="co_applicants"' in form
    fields = {
        "siren": AMBERIEU_EN_BUGEY,
        "co_applicants": f"{BOURG_EN_BRESSE}\n",
        "title": "Serveur vocal interactif",
        "summary": "Orientation des appels des usagers.",
        "contact_name": "Camille Martin",
        "contact_email": "camille@amberieu.example",
        "contact_phone": "04 74 00 00 00",
        "budget": "100 000",
        "requested": "60 000",
    }
    headers = await csrf_headers(client)
    too_much = await client.post(f"/appels-a-projets/{call_id}/candidater", data=fields, headers=headers)
    assert too_much.status_code == 422
    assert "50 % du budget" in too_much.text
    assert "Serveur vocal interactif" in too_much.text  # what was typed is kept
    fields["requested"] = "50 000,00"
    sent = await client.post(f"/appels-a-projets/{call_id}/candidater", data=fields, headers=headers)
    assert sent.status_code == 303
    mine = await client.get("/appels-a-projets/mes-candidatures")
    assert "Serveur vocal interactif" in mine.text
    assert "non éligible" in mine.text.lower() or "Candidature non éligible" in mine.text
    assert "aucun département" in mine.text
    assert "50\u202f000,00\u00a0€" in mine.text


async def test_the_curator_desk(state: Any, client: httpx.AsyncClient) -> None:
    await build_plan(state.funding)
    call_id = await national_call(state.funding)
    agent = await make_agent(state, "agent@grandlyon.example", METROPOLE_DE_LYON)
    applied = await state.funding.apply(
        await state.accounts.load_actor(agent.account_id),
        call_id,
        application(METROPOLE_DE_LYON),
    )
    curator = await make_account(state, "curatrice@anct.example", curator=True)
    await sign_in(client, curator)
    desk = await client.get("/curation/financements")
    assert desk.status_code == 200
    assert "88\u202f000\u202f000,00\u00a0€" in desk.text
    assert "Guichet de l&#39;Ain" in desk.text or "Guichet de l'Ain" in desk.text
    assert "/api/v1/funding/envelopes.csv" in desk.text
    assert "01 — Ain" in desk.text
    assert "<svg" in desk.text  # the map of the départements and the axes' chart
    assert (
        'aria-describedby="table-financements-departements"' in desk.text or "table-financements" in desk.text
    )

    review = await client.get(f"/curation/financements/appels/{call_id}")
    assert "Métropole de Lyon" in review.text
    headers = await csrf_headers(client)
    base = f"/curation/financements/appels/{call_id}/candidatures/{applied.id}/"
    checked = await client.post(base + "eligibilite", headers=headers)
    assert checked.status_code == 303
    page = (await client.get(f"/curation/financements/appels/{call_id}")).text
    key = re.search(r'action="[^"]*/attribution"[^>]*>.*?name="key" value="([0-9a-f]+)"', page, re.S)
    assert key is not None
    for _ in range(2):  # the form sent twice: one commitment
        awarded = await client.post(
            base + "attribution", data={"key": key.group(1), "amount": "1 000 000"}, headers=headers
        )
        assert awarded.status_code == 303
    tree = {r.code: r for r in await state.funding.tree()}
    assert tree["relance-axe-2"].figures.committed == M
    refused = await client.post(base + "refus", data={"reason": "Trop tard"}, headers=headers)
    assert refused.status_code == 409
    assert "déjà financée" in refused.text

    sign_out(client)
    await sign_in(client, agent)
    assert (await client.get("/curation/financements")).status_code == 403


async def test_the_curator_commits_a_selection_from_the_desk(state: Any, client: httpx.AsyncClient) -> None:
    await build_plan(state.funding)
    await state.funding.reserve(
        envelope_code="relance-axe-1",
        amount_cents=3 * M,
        idempotency_key="selection:9",
        reference="proposal:9",
        label="Conseil municipal en ligne",
    )
    await sign_in(client, await make_account(state, "curatrice@anct.example", curator=True))
    desk = (await client.get("/curation/financements")).text
    assert "Conseil municipal en ligne" in desk
    [reservation] = await state.funding.reservations(None)
    key = re.search(r'reservations/\d+/engager"[^>]*>.*?name="key" value="([0-9a-f]+)"', desk, re.S)
    assert key is not None
    headers = await csrf_headers(client)
    too_much = await client.post(
        f"/curation/financements/reservations/{reservation.id}/engager",
        data={"key": key.group(1), "amount": "3 000 001"},
        headers=headers,
    )
    assert too_much.status_code == 422
    done = await client.post(
        f"/curation/financements/reservations/{reservation.id}/engager",
        data={"key": key.group(1), "amount": "2 500 000"},
        headers=headers,
    )
    assert done.status_code == 303
    axis = {r.code: r for r in await state.funding.tree()}["relance-axe-1"].figures
    assert (axis.reserved, axis.committed) == (0, 2_500_000_00)


async def test_an_application_can_name_a_service_to_co_fund(state: Any, client: httpx.AsyncClient) -> None:
    await build_plan(state.funding)
    call_id = await national_call(state.funding)
    await sign_in(client, await make_agent(state, "agent@grandlyon.example", METROPOLE_DE_LYON))
    assert 'name="listing_id"' in (await client.get(f"/appels-a-projets/{call_id}")).text
    fields = {
        "siren": METROPOLE_DE_LYON,
        "title": "Abonnement au conseil municipal en ligne",
        "contact_name": "Claire Dubois",
        "contact_email": "claire@grandlyon.example",
        "budget": "10 000",
        "requested": "5 000",
        "listing_id": "pas-un-service",
    }
    headers = await csrf_headers(client)
    bad = await client.post(f"/appels-a-projets/{call_id}/candidater", data=fields, headers=headers)
    assert bad.status_code == 422
    assert "le service à cofinancer" in bad.text
    fields["listing_id"] = "5a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
    sent = await client.post(f"/appels-a-projets/{call_id}/candidater", data=fields, headers=headers)
    assert sent.status_code == 303
    [mine] = (await client.get("/api/v1/funding/applications")).json()
    assert mine["listing_id"] == fields["listing_id"]


async def test_every_curator_table_has_its_csv(state: Any, client: httpx.AsyncClient) -> None:
    await build_plan(state.funding)
    await state.funding.reserve(
        envelope_code="relance-axe-1",
        amount_cents=M,
        idempotency_key="selection:csv",
        reference="proposal:3",
        label="Serveur vocal",
    )
    await sign_in(client, await make_account(state, "curatrice@anct.example", curator=True))
    desk = (await client.get("/curation/financements")).text
    links = re.findall(r'href="(/api/v1/funding/[^"]+\.csv)"', desk)
    assert {
        "/api/v1/funding/envelopes.csv",
        "/api/v1/funding/departements.csv",
        "/api/v1/funding/reservations.csv",
        "/api/v1/funding/listing-grants.csv",
    } <= set(links)
    for link in links:
        response = await client.get(link)
        assert response.status_code == 200, link
        assert response.headers["content-type"].startswith("text/csv")
    reservations = (await client.get("/api/v1/funding/reservations.csv")).content.decode("utf-8-sig")
    assert ";Serveur vocal;proposal:3;relance-axe-1;100000000;pending;0;" in reservations


async def test_the_curator_opens_a_call_and_endows_an_envelope(state: Any, client: httpx.AsyncClient) -> None:
    await build_plan(state.funding)
    await sign_in(client, await make_account(state, "curatrice@anct.example", curator=True))
    form = (await client.get("/curation/financements/appels/nouveau")).text
    assert 'name="preset"' in form
    fields = {
        "title": "Guichet du Rhône — petites communes",
        "slug": "guichet-rhone-2027",
        "envelope_code": "guichet-69",
        "opens_on": "2027-01-01",
        "closes_on": "2027-03-31",
        "rate": "80",
        "audiences": ["commune"],
        "preset": "json",
        "rules_json": '{"type": "run_code"}',
    }
    headers = await csrf_headers(client)
    bad = await client.post("/curation/financements/appels/nouveau", data=fields, headers=headers)
    assert bad.status_code == 422, bad.text[-3000:]
    assert "Règles illisibles" in bad.text
    fields.update(preset="petites_communes", threshold="2 000")
    made = await client.post("/curation/financements/appels/nouveau", data=fields, headers=headers)
    assert made.status_code == 303
    [call] = [c for c in await state.funding.list_calls() if c.slug == "guichet-rhone-2027"]
    assert (call.max_rate_bp, call.audiences) == (8000, ("commune",))
    assert call.rules is not None
    assert "2\u202f000 habitants au plus" in (await client.get("/appels-a-projets")).text

    desk = (await client.get("/curation/financements")).text
    key = re.search(r'enveloppes/dotation"[^>]*>.*?name="key" value="([0-9a-f]+)"', desk, re.S)
    assert key is not None
    for _ in range(2):  # sent twice: endowed once
        sent = await client.post(
            "/curation/financements/enveloppes/dotation",
            data={"key": key.group(1), "code": "labo-01", "amount": "10 000"},
            headers=headers,
        )
        assert sent.status_code == 303
    tree = {r.code: r for r in await state.funding.tree()}
    assert tree["labo-01"].figures.allocated == M // 4 + 10_000_00


async def test_the_menu_marks_the_funding_desk_alone(state: Any, client: httpx.AsyncClient) -> None:
    await sign_in(client, await make_account(state, "curatrice@anct.example", curator=True))
    desk = (await client.get("/curation/financements")).text
    current = re.findall(r'<a class="fr-nav__link" href="([^"]+)" aria-current="page"', desk)
    assert current == ["/curation/financements"]
