"""The cast of subscription tests: a published listing deploying a first-party plugin, agents and
signatories of two communes and of their agglomération, a publisher member and a curator."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import msgspec

from catalogue.listings.schemas import ListingCreate, ListingUpdate
from catalogue.listings.states import Action
from plugins.builtin.seed import ANCT_SIREN, publish_builtin
from store.kit.auth import Actor
from store.subscriptions.schemas import SubscriptionRequest
from tests.support.catalogue import listing_payload
from tests.support.people import Persona, make_account, make_agent, make_publisher_member

BOURG = "210100533"  # Bourg-en-Bresse, ~41 000 inhabitants, in the CA du Bassin de Bourg
AMBERIEU = "210100046"
AGGLO = "200071751"  # CA du Bassin de Bourg-en-Bresse
PLUGIN = "conseil-municipal"
ROUTES = [
    "gratuit",
    "cooperation_public_public",
    "centrale_achat",
    "dispense",
    "mapa",
    "procedure_formalisee",
]
PLANS = [
    {"kind": "free", "name": "Découverte"},
    {"kind": "flat", "name": "Forfait", "yearly_cents": 120_000, "vat_rate_bp": 2000},
    {"kind": "per_inhabitant", "name": "Par habitant", "per_inhabitant_cents": 10, "floor_cents": 50_000},
    {"kind": "flat", "name": "Premium", "yearly_cents": 2_000_000, "vat_rate_bp": 2000},
]
_keys = itertools.count(1)


def key() -> str:
    return f"cle-test-{next(_keys):06d}"


@dataclass
class Cast:
    state: Any
    publisher: Persona
    curator: Persona
    agent: Persona
    signer: Persona
    other_signer: Persona
    agglo_signer: Persona

    async def actor(self, who: str) -> Actor:
        actor: Actor = await self.state.accounts.load_actor(getattr(self, who).account_id)
        return actor


async def make_cast(state: Any) -> Cast:
    await publish_builtin(state)
    return Cast(
        state=state,
        publisher=await make_publisher_member(state, "dev@anct.example", ANCT_SIREN),
        curator=await make_account(state, "curateur@anct.example", curator=True, name="Curatrice"),
        agent=await make_agent(state, "agent@bourg.example", BOURG),
        signer=await make_agent(state, "maire@bourg.example", BOURG, role="elu_executif", can_sign=True),
        other_signer=await make_agent(
            state, "maire@amberieu.example", AMBERIEU, role="elu_executif", can_sign=True
        ),
        agglo_signer=await make_agent(
            state, "president@agglo.example", AGGLO, role="elu_executif", can_sign=True
        ),
    )


async def publish_listing(cast: Cast, slug: str = "conseil-en-ligne", **overrides: Any) -> str:
    """A published listing of the ANCT deploying the first-party plugin."""
    state = cast.state
    values = {
        "commune_max_population": None,
        "epci_max_population": None,
        "plans": PLANS,
        "procurement_routes": ROUTES,
        "plugin_id": PLUGIN,
        "publisher_siren": ANCT_SIREN,
        **overrides,
    }
    dev, curator = await cast.actor("publisher"), await cast.actor("curator")
    await state.listings.create(dev, msgspec.convert(listing_payload(slug, **values), ListingCreate))
    await state.listings.transition(dev, slug, Action.submit)
    await state.listings.transition(curator, slug, Action.approve)
    return slug


async def set_listing(cast: Cast, slug: str, **fields: Any) -> None:
    curator = await cast.actor("curator")
    await cast.state.listings.update(curator, slug, msgspec.convert(fields, ListingUpdate))


def request(slug: str, siren: str = BOURG, **overrides: Any) -> SubscriptionRequest:
    values: dict[str, Any] = {
        "listing": slug,
        "collectivite_siren": siren,
        "plan_index": 1,
        "procurement_route": "dispense",
        "duration_months": 12,
        **overrides,
    }
    return msgspec.convert(values, SubscriptionRequest)
