"""Co-funding of subscriptions: an award for a listing, or a national "free State service", becomes a
billing grant; ``active_grant_for`` finds it for the right collectivité and month, and the invoice
splits the charge with the State; billing consumption shows on the envelope."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
import pytest

from catalogue.funding.schemas import AwardIn, ListingGrantIn, PaymentIn
from store.billing.schemas import ChargeIn
from store.kit.auth import Actor
from store.kit.errors import Conflict
from tests.funding.support import M, application, build_plan, key, national_call
from tests.funding.test_concurrency import LYON_AGENT
from tests.support.registry import AMBERIEU_EN_BUGEY, LYON, METROPOLE_DE_LYON

LISTING = "5a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"
OTHER_LISTING = "00000000-0000-4000-8000-000000000000"


async def test_an_award_for_a_listing_co_funds_its_subscriptions(state: Any) -> None:
    await build_plan(state.funding)
    call_id = await national_call(state.funding)
    made = await state.funding.apply(
        LYON_AGENT,
        call_id,
        application(METROPOLE_DE_LYON, LYON, budget=M, requested=M // 2, listing_id=LISTING),
    )
    await state.funding.check_eligibility(None, made.id)
    awarded = await state.funding.award(
        None, made.id, AwardIn(amount_cents=M // 2, day="2026-03-15"), key=key()
    )
    assert (awarded.grant_from, awarded.grant_until) == ("2026-03", "2028-02")
    grant = awarded.grant_id
    assert await state.funding.active_grant_for(METROPOLE_DE_LYON, LISTING, "2026-03") == grant
    assert await state.funding.active_grant_for(LYON, LISTING, "2028-02") == grant  # a co-applicant
    assert await state.funding.active_grant_for(METROPOLE_DE_LYON, LISTING, "2028-03") is None
    assert await state.funding.active_grant_for(METROPOLE_DE_LYON, OTHER_LISTING, "2026-06") is None
    assert await state.funding.active_grant_for(AMBERIEU_EN_BUGEY, LISTING, "2026-06") is None
    # Payments are for project grants: a subscription grant is consumed by billing.
    with pytest.raises(Conflict):
        await state.funding.pay(
            None, made.id, PaymentIn(amount_cents=100, paid_on=dt.date(2026, 4, 1)), key=key()
        )

    await state.billing.add_charges(
        [
            ChargeIn(
                source_ref="subscription:1:2026-04",
                payer_siren=METROPOLE_DE_LYON,
                amount_ht=100_000,
                vat_rate_bp=2000,
                description="Conseil municipal en ligne",
                period="2026-04",
                grant_id=grant,
            )
        ]
    )
    await state.billing.run_billing(None, "2026-04")
    invoices = await state.billing.list_invoices(Actor(account_id="c", is_curator=True), limit=50)
    [to_lyon] = [i for i in invoices if i.payer_siren == METROPOLE_DE_LYON]
    curator = Actor(account_id="c", is_curator=True)
    invoice = await state.billing.get_invoice(curator, to_lyon.id)
    [line] = invoice.lines
    split = {(part.role, part.grant_id): part.amount_ht for part in line.split}
    assert split == {("funder", grant): 50_000, ("payer", None): 50_000}  # the call's 50 %, in cents
    axis = {r.code: r for r in await state.funding.tree()}["relance-axe-2"]
    assert axis.figures.consumed > 0  # the State's share of the invoice consumed the award
    assert axis.figures.consumed <= M // 2


async def test_a_free_state_service_for_every_collectivite(state: Any) -> None:
    await build_plan(state.funding)
    data = ListingGrantIn(
        envelope_code="relance-axe-1",
        listing_id=LISTING,
        label="Service offert par l'État",
        cap_bp=10_000,
        amount_cents=M,
        from_period="2026-01",
        until_period="2026-12",
    )
    once = key()
    made = await state.funding.create_listing_grant(None, data, key=once)
    assert (await state.funding.create_listing_grant(None, data, key=once)).grant_id == made.grant_id
    assert await state.funding.active_grant_for(AMBERIEU_EN_BUGEY, LISTING, "2026-07") == made.grant_id
    assert await state.funding.active_grant_for(AMBERIEU_EN_BUGEY, LISTING, "2027-01") is None
    axis = {r.code: r for r in await state.funding.tree()}
    assert axis["relance-axe-1"].own.available == 30 * M - M
    assert axis["relance-axe-1"].figures.committed == M
    with pytest.raises(Conflict):
        await state.funding.create_listing_grant(
            None, msgspec.structs.replace(data, amount_cents=40 * M), key=key()
        )


async def test_subscription_charges_ask_the_funding_service(state: Any) -> None:
    assert state.subscription_charges.grants is state.funding


async def test_a_project_grant_paid_to_its_laureate_keeps_the_ledger_verifiable(state: Any) -> None:
    """A payment consumes a project grant without any invoice: the cross-ledger check (consumption
    = funder shares invoiced) is for billing journals, so ``ledger verify`` still passes."""
    await build_plan(state.funding)
    call_id = await national_call(state.funding)
    made = await state.funding.apply(
        LYON_AGENT, call_id, application(METROPOLE_DE_LYON, budget=M, requested=M // 2)
    )
    await state.funding.check_eligibility(None, made.id)
    await state.funding.award(None, made.id, AwardIn(amount_cents=M // 2), key=key())
    await state.funding.pay(
        None,
        made.id,
        PaymentIn(amount_cents=M // 4, paid_on=dt.date(2026, 4, 1), reference="Avance"),
        key=key(),
    )
    assert [(c.invariant, c.detail) for c in await state.billing.verify() if not c.ok] == []
