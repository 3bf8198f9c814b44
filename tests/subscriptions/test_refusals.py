"""Why a request is refused, said clearly: eligibility decisions recorded with their reason, and
procurement routes the price and the thresholds rule out (422 naming the field)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from store.kit.errors import InvalidInput
from store.subscriptions.rules import check_procurement, estimated_value_cents
from tests.subscriptions.support import BOURG, key, make_cast, publish_listing, request


async def test_population_over_the_limits_is_a_recorded_rejection(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast, commune_max_population=3500, epci_max_population=15000)
    agent = await cast.actor("agent")
    refused = await state.subscriptions.request(agent, request(slug), key=key())
    assert refused.state == "rejected"
    assert refused.rejection_code == "not_eligible_population"
    assert refused.rejection_reason.startswith(
        "Bourg-en-Bresse : La commune et son intercommunalité dépassent"
    )
    # A rejection holds nothing: the collectivité may ask again (and is refused again).
    again = await state.subscriptions.request(agent, request(slug), key=key())
    assert again.id != refused.id


async def test_kind_not_targeted(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast, target_kinds=["departement", "region"])
    refused = await state.subscriptions.request(await cast.actor("agent"), request(slug), key=key())
    assert refused.rejection_code == "not_eligible_kind"
    assert "ne s'adresse pas à ce type de collectivité" in refused.rejection_reason


async def test_required_service_must_be_active(state: Any) -> None:
    cast = await make_cast(state)
    base = await publish_listing(cast, slug="socle-commun")
    slug = await publish_listing(cast, slug="module-avance", required_services=[base], plugin_id=None)
    signer = await cast.actor("signer")
    refused = await state.subscriptions.request(signer, request(slug), key=key())
    assert refused.rejection_code == "required_service_missing"
    assert "« socle-commun »" in refused.rejection_reason
    first = await state.subscriptions.request(signer, request(base), key=key())
    await state.subscriptions.sign(signer, first.id, key=key())
    accepted = await state.subscriptions.request(signer, request(slug), key=key())
    assert accepted.state == "pending_signature"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"plan_index": 0, "procurement_route": "mapa"}, "procurement_route_invalid"),  # free is no market
        ({"plan_index": 1, "procurement_route": "gratuit"}, "procurement_route_invalid"),  # paid plan
        (
            {"plan_index": 3, "procurement_route": "dispense", "duration_months": 48},
            "procurement_route_invalid",
        ),
        ({"plan_index": 1, "procurement_route": "in_house"}, "procurement_route_invalid"),  # not offered
        ({"plan_index": 7}, "plan_unknown"),
        ({"members": [{"siren": "210100046"}], "cost_sharing": "equal"}, "not_a_groupement"),
    ],
)
async def test_malformed_requests_are_422_and_write_nothing(
    state: Any, overrides: dict[str, Any], code: str
) -> None:
    cast = await make_cast(state)
    slug = await publish_listing(cast)
    with pytest.raises(InvalidInput) as refused:
        await state.subscriptions.request(await cast.actor("agent"), request(slug, **overrides), key=key())
    assert refused.value.code == code
    assert await state.subscriptions.list(await cast.actor("agent"), collectivite=BOURG) == []


def test_thresholds_are_dated_and_count_the_whole_duration() -> None:
    value = estimated_value_cents(1_250_000, 48)  # 12 500 € a year for four years: 50 000 € HT
    assert value == 5_000_000
    # Under the 60 000 € dispense threshold from 1 April 2026, over the 40 000 € one before.
    check_procurement(
        "dispense", offered=[], yearly_ht_cents=1_250_000, estimated_cents=value, on=dt.date(2026, 4, 1)
    )
    with pytest.raises(InvalidInput, match="seuil de dispense"):
        check_procurement(
            "dispense", offered=[], yearly_ht_cents=1_250_000, estimated_cents=value, on=dt.date(2026, 3, 31)
        )
    # A MAPA stops at the formal-procedure threshold (216 000 € HT for collectivités in 2026).
    big = estimated_value_cents(6_000_000, 48)
    with pytest.raises(InvalidInput, match="procédure formalisée"):
        check_procurement(
            "mapa", offered=[], yearly_ht_cents=6_000_000, estimated_cents=big, on=dt.date(2026, 6, 1)
        )
    for route in ("procedure_formalisee", "centrale_achat"):
        check_procurement(
            route, offered=[], yearly_ht_cents=6_000_000, estimated_cents=big, on=dt.date(2026, 6, 1)
        )
    # Rounding never helps to pass a threshold: 1 cent a year over one month is still 1 cent.
    assert estimated_value_cents(1, 1) == 1


async def test_signing_needs_the_listing_still_offered(state: Any) -> None:
    from catalogue.listings.states import Action
    from store.kit.errors import Conflict

    cast = await make_cast(state)
    slug = await publish_listing(cast)
    signer, curator = await cast.actor("signer"), await cast.actor("curator")
    sub = await state.subscriptions.request(signer, request(slug), key=key())
    await state.listings.transition(curator, slug, Action.suspend, "Faille de sécurité")
    with pytest.raises(Conflict) as closed:
        await state.subscriptions.sign(signer, sub.id, key=key())
    assert closed.value.code == "listing_not_open"
    assert (await state.subscriptions.get(signer, sub.id)).state == "pending_signature"
