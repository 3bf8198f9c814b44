"""From subscriptions to charges and invoices: prorated by day, shared within a groupement, with the
publisher and the grant named, and included in the curator's billing run."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import msgspec
import pytest
from litestar import Litestar

from store.app import all_tables, create_app
from store.kit.errors import InvalidInput
from store.kit.money import ttc_cents
from store.kit.settings import Settings
from store.registry.repository import RegistryRepository
from store.subscriptions.ports import NoGrants
from store.subscriptions.proration import prorated_cents
from store.subscriptions.schemas import ChangePlanIn, MemberShare
from tests.billing.support import purge_billing
from tests.subscriptions.support import AGGLO, BOURG, key, make_cast, publish_listing, request
from tests.support import db as test_db


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    application = create_app(settings)
    yield application
    db = application.state.db
    await db.start()
    await purge_billing(db)
    await test_db.empty_tables(db, all_tables())
    await db.stop()


def on(state: Any, day: dt.date) -> None:
    """Move the clock of the subscriptions and of the charge producer."""
    state.subscriptions.today = lambda: day
    state.subscription_charges.today = lambda: dt.date(2026, 6, 1)


class OneGrant:
    async def active_grant_for(self, siren: str, listing_id: str, period: str) -> str | None:
        return f"subvention-{siren}" if period == "2026-03" else None


async def test_a_month_with_a_plan_change_and_a_termination(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    signer = await cast.actor("signer")
    on(state, dt.date(2026, 3, 10))
    sub = await state.subscriptions.request(signer, request(slug), key=key())
    sub = await state.subscriptions.sign(signer, sub.id, key=key())
    on(state, dt.date(2026, 3, 20))
    sub = await state.subscriptions.change_plan(signer, sub.id, ChangePlanIn(plan_index=3), key=key())
    on(state, dt.date(2026, 4, 15))
    await state.subscriptions.terminate(signer, sub.id, "", key=key())

    march = await state.subscription_charges.charges_for("2026-03")
    assert [c.amount_ht for c in march] == [
        prorated_cents(120_000, "2026-03", dt.date(2026, 3, 10), dt.date(2026, 3, 20))[0],
        prorated_cents(2_000_000, "2026-03", dt.date(2026, 3, 20), None)[0],
    ]
    assert march[0].description.endswith("offre « Forfait », du 10/03/2026 au 19/03/2026 (10 j)")
    assert {c.payer_siren for c in march} == {BOURG}
    assert {c.publisher_siren for c in march} == {"130026032"}
    assert all(c.co_payers == () and c.grant_id is None for c in march)
    april = await state.subscription_charges.charges_for("2026-04")
    assert [c.amount_ht for c in april] == [
        prorated_cents(2_000_000, "2026-04", dt.date(2026, 4, 1), dt.date(2026, 4, 15))[0]
    ]
    assert await state.subscription_charges.charges_for("2026-05") == []

    state.subscription_charges.grants = OneGrant()
    assert {c.grant_id for c in await state.subscription_charges.charges_for("2026-03")} == {
        f"subvention-{BOURG}"
    }
    state.subscription_charges.grants = NoGrants()

    state.subscription_charges.today = lambda: dt.date(2026, 4, 30)
    with pytest.raises(InvalidInput) as open_month:
        await state.subscription_charges.charges_for("2026-04")
    assert open_month.value.code == "period_not_over"
    state.subscription_charges.today = lambda: dt.date(2026, 6, 1)

    report = await state.billing.run_billing(None, "2026-03")
    assert report.charges_planned == 2
    assert report.invoices == 1
    again = await state.billing.run_billing(None, "2026-03")  # replayed: nothing billed twice
    assert again.invoices == 1
    curator = await cast.actor("curator")
    invoices = [i for i in await state.billing.list_invoices(curator) if i.period == "2026-03"]
    assert [i.payer_siren for i in invoices] == [BOURG]
    assert invoices[0].total_ttc == ttc_cents(sum(c.amount_ht for c in march), 2000)  # VAT half up


async def test_groupement_charges_are_shared_by_custom_shares(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    agglo = await cast.actor("agglo_signer")
    members = (await RegistryRepository().member_sirens(AGGLO))[:3]
    shares = [5000, 3000, 2000]
    on(state, dt.date(2026, 2, 1))
    data = msgspec.structs.replace(
        request(slug, AGGLO, procurement_route="mapa"),
        members=[MemberShare(siren=s, share_bp=b) for s, b in zip(members, shares, strict=True)],
        cost_sharing="custom",
    )
    sub = await state.subscriptions.request(agglo, data, key=key())
    await state.subscriptions.sign(agglo, sub.id, key=key())
    (charge,) = await state.subscription_charges.charges_for("2026-02")
    assert charge.payer_siren == AGGLO
    assert charge.amount_ht == 10_000  # a full month of 1 200 € a year
    assert {(p.siren, p.weight) for p in charge.co_payers} == set(zip(members, shares, strict=True))

    bad = msgspec.structs.replace(data, members=[MemberShare(siren=s, share_bp=3000) for s in members])
    other = await publish_listing(cast, slug="autre-service")
    with pytest.raises(InvalidInput) as refused:
        await state.subscriptions.request(agglo, msgspec.structs.replace(bad, listing=other), key=key())
    assert refused.value.code == "shares_invalid"
    assert "90,00 %" in refused.value.detail
