"""The pages, without JavaScript: subscribe from the listing page, sign, open the service; the
publisher's subscribers and recurring revenue."""

from __future__ import annotations

import re
from typing import Any

from tests.subscriptions.support import AGGLO, BOURG, PLUGIN, make_cast, publish_listing
from tests.support.people import csrf_headers, sign_in

HTML = {"accept": "text/html"}


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, name
    return match[1]


async def as_(client: Any, persona: Any) -> dict[str, str]:
    client.cookies.clear()
    await sign_in(client, persona)
    return {**HTML, **await csrf_headers(client)}


async def test_subscribe_sign_and_open_the_service(client: Any, state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    headers = await as_(client, cast.agent)

    listing = await client.get(f"/catalogue/{slug}", headers=HTML)
    assert 'data-testid="subscribe-box"' in listing.text
    form = await client.get(f"/catalogue/{slug}/abonnement?collectivite={BOURG}", headers=HTML)
    assert form.status_code == 200
    assert "1\u202f200,00\u00a0€ HT par an" in form.text
    key = hidden(form.text, "idempotency_key")
    body = {"collectivite_siren": BOURG, "idempotency_key": key, "plan_index": "1", "duration_months": "12"}

    refused = await client.post(
        f"/catalogue/{slug}/abonnement", data={**body, "procurement_route": "gratuit"}, headers=headers
    )
    assert refused.status_code == 422
    assert "la voie « gratuit » ne s'applique pas" in refused.text.replace("&#39;", "'")

    made = await client.post(
        f"/catalogue/{slug}/abonnement", data={**body, "procurement_route": "dispense"}, headers=headers
    )
    assert made.status_code == 303
    detail_url = made.headers["location"]
    again = await client.post(
        f"/catalogue/{slug}/abonnement", data={**body, "procurement_route": "dispense"}, headers=headers
    )
    assert again.headers["location"] == detail_url  # the same form twice: one subscription

    detail = await client.get(detail_url, headers=HTML)
    assert "En attente de la signature" in detail.text
    assert "Signer l'abonnement" not in detail.text

    headers = await as_(client, cast.signer)
    detail = await client.get(detail_url, headers=HTML)
    assert "Signer l&#39;abonnement" in detail.text or "Signer l'abonnement" in detail.text
    signed = await client.post(
        detail_url + "/sign",
        data={"idempotency_key": hidden(detail.text, "idempotency_key")},
        headers=headers,
    )
    assert signed.status_code == 303
    detail = await client.get(detail_url, headers=HTML)
    assert f'href="/services/{BOURG}/{PLUGIN}/"' in detail.text
    assert "Signature (Actif), par" in detail.text
    mine = await client.get("/abonnements", headers=HTML)
    assert "Actif" in mine.text

    headers = await as_(client, cast.publisher)
    book = await client.get("/editeur/abonnes", headers=HTML)
    assert book.status_code == 200
    assert "1 abonnement(s) actif(s)" in book.text
    assert "1\u202f200,00\u00a0€ HT par an" in book.text


async def test_a_groupement_sees_its_members_and_another_agent_is_refused(client: Any, state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    await as_(client, cast.agglo_signer)
    form = await client.get(f"/catalogue/{slug}/abonnement?collectivite={AGGLO}", headers=HTML)
    assert 'data-testid="members"' in form.text
    assert 'name="members"' in form.text
    await as_(client, cast.other_signer)
    other = await client.get(f"/catalogue/{slug}/abonnement?collectivite={BOURG}", headers=HTML)
    assert other.status_code == 403


async def test_a_groupement_subscribes_members_with_custom_shares_through_the_form(
    client: Any, state: Any
) -> None:
    from store.registry.repository import RegistryRepository

    cast = await make_cast(state)
    slug = await publish_listing(cast)
    headers = await as_(client, cast.agglo_signer)
    members = (await RegistryRepository().member_sirens(AGGLO))[:2]
    form = await client.get(f"/catalogue/{slug}/abonnement?collectivite={AGGLO}", headers=HTML)
    body: dict[str, Any] = {
        "collectivite_siren": AGGLO, "idempotency_key": hidden(form.text, "idempotency_key"),
        "plan_index": "1",
        "procurement_route": "mapa", "duration_months": "24", "on_behalf": "1", "cost_sharing": "custom",
        "members": members, f"share_{members[0]}": "60", f"share_{members[1]}": "30",
    }  # fmt: skip
    wrong = await client.post(f"/catalogue/{slug}/abonnement", data=body, headers=headers)
    assert wrong.status_code == 422
    assert "90,00 %" in wrong.text
    assert wrong.text.count("checked") >= 2  # the members stay ticked
    body[f"share_{members[1]}"] = "40"
    made = await client.post(f"/catalogue/{slug}/abonnement", data=body, headers=headers)
    assert made.status_code == 303, made.text
    detail = await client.get(made.headers["location"], headers=HTML)
    assert "part 60,00 %" in detail.text
    assert "part 40,00 %" in detail.text
