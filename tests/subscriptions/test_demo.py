"""The demo shows subscriptions: active and deployed, one waiting for the mayor, a groupement's; the
signed ones started months ago, so that the billing demo has closed months to invoice."""

from __future__ import annotations

from typing import Any

from store.demo.data import BOURG_EN_BRESSE, GRAND_BOURG, PEOPLE
from store.demo.seed import seed_demo
from store.subscriptions.demo import CO_FUNDED_LISTING, HISTORY_MONTHS, history_start
from tests.support.people import Persona, sign_in


async def test_the_demo_has_subscriptions_and_deployed_services(client: Any, state: Any) -> None:
    report = await seed_demo(state)
    assert report.created["abonnements"] == 4
    curator = await state.accounts.authenticate(PEOPLE[0].email, PEOPLE[0].password)
    subs = {(s.listing_slug, s.collectivite_siren): s for s in await state.subscriptions.list(curator)}
    assert subs[("orientation-des-usagers", BOURG_EN_BRESSE)].state == "active"
    assert subs[("budget-participatif", BOURG_EN_BRESSE)].state == "pending_signature"
    co_funded = subs[(CO_FUNDED_LISTING, BOURG_EN_BRESSE)]
    assert co_funded.state == "active"
    today = state.subscriptions.today()
    assert co_funded.activated_on == history_start(today)
    assert (today - co_funded.activated_on).days > 28 * HISTORY_MONTHS
    group = subs[("conseil-municipal-en-ligne", GRAND_BOURG)]
    assert group.state == "active"
    assert group.activated_on == co_funded.activated_on
    assert group.on_behalf
    assert len(group.covered) == 4
    for covered in group.covered:
        assert (await state.plugin_deployments.view(covered.siren, "conseil-municipal")).state == "active"
    assert (await state.plugin_deployments.view(BOURG_EN_BRESSE, "orientation-usagers")).state == "active"

    mayor = next(p for p in PEOPLE if p.can_sign)
    record = await state.accounts.repo.get_by_email(mayor.email)
    await sign_in(client, Persona(email=mayor.email, account_id=record.id))
    page = await client.get("/abonnements", headers={"accept": "text/html"})
    assert "Actif" in page.text
    assert "Signer" in page.text
    again = await seed_demo(state)
    assert again.existing["abonnements"] == 4
