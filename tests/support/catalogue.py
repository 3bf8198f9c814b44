"""Catalogue fixtures: publishers, their members, complete listings, and the cast of a review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from catalogue.listings.schemas import ListingCreate
from store.kit.auth import Actor
from store.registry.publishers import PublisherCreate
from tests.support.people import Persona, make_account, make_agent, make_publisher_member, sign_in

PUBLISHER_A = "900000001"
PUBLISHER_B = "900000019"
BOURG = "210100533"
AMBERIEU = "210100046"


def listing_payload(slug: str = "conseil-municipal-en-ligne", **overrides: Any) -> dict[str, Any]:
    """A listing complete enough to be submitted."""
    payload: dict[str, Any] = {
        "slug": slug,
        "name": "Conseil municipal en ligne",
        "action": "Organiser ses conseils municipaux en ligne",
        "pitch": "Convocations, ordre du jour, votes et procès-verbal au même endroit.",
        "description_md": "## Fonctionnalités\n\n- convocations électroniques\n- **votes** en séance",
        "thematiques": ["citoyennete-democratie-participative"],
        "target_kinds": ["commune", "epci"],
        "commune_max_population": 3500,
        "epci_max_population": 15000,
        "maturity": "beta",
        "contact_email": "contact@editeur.example",
        "repository_url": "https://git.example/conseil",
        "licence": "AGPL-3.0-or-later",
        "deployment_mode": "saas_mutualise",
        "plans": [
            {"kind": "free", "name": "Découverte"},
            {"kind": "flat", "name": "Forfait", "yearly_cents": 120000, "vat_rate_bp": 2000},
        ],
        "procurement_routes": ["gratuit", "cooperation_public_public"],
        "accessibility": "partiellement_conforme",
        "funding_origin": "France Relance, axe 1",
    }
    payload.update(overrides)
    return payload


async def make_publisher(state: Any, siren: str = PUBLISHER_A, name: str = "Éditeur A") -> None:
    await state.publishers.create(
        None, PublisherCreate(siren=siren, name=name, contact_email=f"contact-{siren}@editeur.example")
    )


async def actor_of(state: Any, persona: Persona) -> Actor:
    actor: Actor = await state.accounts.load_actor(persona.account_id)
    return actor


@dataclass
class Cast:
    """Everyone a listing meets: two publishers' developers, a curator, two agents."""

    dev_a: Persona
    dev_b: Persona
    curator: Persona
    agent: Persona
    other_agent: Persona

    async def actor(self, state: Any, who: str) -> Actor:
        return await actor_of(state, getattr(self, who))


async def make_cast(state: Any) -> Cast:
    await make_publisher(state, PUBLISHER_A, "Éditeur A")
    await make_publisher(state, PUBLISHER_B, "Éditeur B")
    return Cast(
        dev_a=await make_publisher_member(state, "dev@a.example", PUBLISHER_A),
        dev_b=await make_publisher_member(state, "dev@b.example", PUBLISHER_B),
        curator=await make_account(state, "curateur@anct.example", curator=True, name="Curatrice"),
        agent=await make_agent(state, "agent@bourg.example", BOURG),
        other_agent=await make_agent(state, "agent@amberieu.example", AMBERIEU),
    )


async def create_listing(
    state: Any, cast: Cast, slug: str = "conseil-municipal-en-ligne", **overrides: Any
) -> str:
    actor = await cast.actor(state, "dev_a")
    await state.listings.create(actor, msgspec.convert(listing_payload(slug, **overrides), ListingCreate))
    return slug


async def as_(client: httpx.AsyncClient, persona: Persona | None) -> None:
    """Switch the client to ``persona`` (None: anonymous)."""
    client.cookies.clear()
    if persona is not None:
        await sign_in(client, persona)
