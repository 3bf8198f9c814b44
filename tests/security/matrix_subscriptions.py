"""Matrix rows of subscriptions (see tests/security/test_route_matrix.py for how rows are read).

Each setup publishes a fresh listing of publisher A (no plugin: nothing to deploy here) and puts a
subscription of collectivité A in the state the route needs. The personas' mandates carry no
signing power, so signature-only moves are refused to all of them; a signatory of A, built as an
``Actor`` in the setup, signs where a row needs an active subscription.
"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from catalogue.listings.schemas import ListingCreate
from catalogue.listings.states import Action
from store.kit.auth import Actor, MandateInfo, scopes_for
from store.subscriptions.schemas import SubscriptionRequest
from tests.security.matrix import DENY, Rows, only
from tests.support.catalogue import listing_payload
from tests.support.routes import World

BASE = "/api/v1/subscriptions"
ONE = BASE + "/{subscription_id:str}"


async def _listing(world: World) -> str:
    slug = world.unique("abonnement-matrice")
    payload = listing_payload(
        slug, name=f"Service {slug}", commune_max_population=None, epci_max_population=None,
        procurement_routes=["gratuit", "dispense"],
    )  # fmt: skip
    publisher, curator = await world.actor("publisher"), await world.actor("curator")
    await world.state.listings.create(publisher, msgspec.convert(payload, ListingCreate))
    await world.state.listings.transition(publisher, slug, Action.submit)
    await world.state.listings.transition(curator, slug, Action.approve)
    return slug


def _signer(world: World) -> Actor:
    mandate = MandateInfo("collectivite", world.collectivite_a, "Collectivité A", "elu_executif", True)
    return Actor(
        account_id="signataire-matrice", display_name="Signataire A", mandates=(mandate,),
        scopes=scopes_for(False, [mandate]),
    )  # fmt: skip


def _request(slug: str, siren: str) -> SubscriptionRequest:
    return msgspec.convert(
        {"listing": slug, "collectivite_siren": siren, "plan_index": 1, "procurement_route": "dispense"},
        SubscriptionRequest,
    )


def subscription(state: str) -> Any:
    """Setup: a subscription of collectivité A in ``state`` (pending_signature, active, suspended)."""

    async def setup(world: World) -> dict[str, Any]:
        service, signer = world.state.subscriptions, _signer(world)
        slug = await _listing(world)
        made = await service.request(
            signer, _request(slug, world.collectivite_a), key=world.unique("cle-demande")
        )
        if state in ("active", "suspended"):
            await service.sign(signer, made.id, key=world.unique("cle-signature"))
        if state == "suspended":
            curator = await world.actor("curator")
            await service.suspend(curator, made.id, "Vérification", key=world.unique("cle-suspension"))
        return {"subscription_id": made.id}

    return setup


async def listing_only(world: World) -> dict[str, Any]:
    return {"slug": await _listing(world)}


def idempotency(world: World, params: dict[str, Any]) -> dict[str, str]:
    return {"Idempotency-Key": world.unique("cle-matrice")}


def own_only(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code >= 400 or role == "curator":
        return
    siren = world.collectivite_a if role == "agent" else world.collectivite_b
    holders = {s["collectivite_siren"] for s in response.json()}
    assert holders <= {siren}, f"{role} lists subscriptions of {holders}"


def revenue_of_a(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert response.json()["publisher_siren"] == world.publisher_a


MOVE: dict[str, Any] = {"others": DENY, "headers": idempotency}

ROWS: dict[str, Rows] = {
    "GET " + BASE: only(
        "agent", "other_agent", "curator", setup=subscription("pending_signature"), check=own_only
    ),
    "POST " + BASE: only(
        "agent",
        setup=listing_only,
        headers=idempotency,
        json=lambda w, p: {
            "listing": p["slug"],
            "collectivite_siren": w.collectivite_a,
            "plan_index": 0,
            "procurement_route": "gratuit",
        },
    ),
    "GET " + ONE: only("agent", "publisher", "curator", others=DENY, setup=subscription("pending_signature")),
    # Nobody in the cast can sign for A: the agent and the curator see the subscription (403), the
    # others do not (404), the publisher lacks the scope (403).
    "GET " + ONE + "/history": only(
        "agent", "publisher", "curator", others=DENY, setup=subscription("active")
    ),
    "POST " + ONE + "/sign": only(setup=subscription("pending_signature"), **MOVE),
    "POST " + ONE + "/change-plan": only(setup=subscription("active"), json={"plan_index": 0}, **MOVE),
    "POST " + ONE + "/reject": only(
        "agent", "curator", setup=subscription("pending_signature"), json={"reason": "Doublon"}, **MOVE
    ),
    "POST " + ONE + "/suspend": only(
        "curator", setup=subscription("active"), json={"reason": "Contrôle"}, **MOVE
    ),
    "POST " + ONE + "/resume": only("curator", setup=subscription("suspended"), **MOVE),
    "POST " + ONE + "/terminate": only(
        "curator", setup=subscription("active"), json={"reason": "Fin de convention"}, **MOVE
    ),
    "GET " + BASE + "/publishers/{publisher_siren:str}": only(
        "publisher", "curator", params={"publisher_siren": lambda w: w.publisher_a}, check=revenue_of_a
    ),
    # Pages ------------------------------------------------------------------------------------------
    "GET /catalogue/{slug:str}/abonnement": only("agent", "other_agent", "curator", setup=listing_only),
    "POST /catalogue/{slug:str}/abonnement": only(
        "agent",
        setup=listing_only,
        form=lambda w: {
            "collectivite_siren": w.collectivite_a,
            "plan_index": "0",
            "procurement_route": "gratuit",
            "idempotency_key": w.unique("cle-page"),
        },
    ),
    "GET /abonnements": only("agent", "other_agent", "curator"),
    "GET /abonnements/{subscription_id:str}": only(
        "agent", "publisher", "curator", others=DENY, setup=subscription("active")
    ),
    "POST /abonnements/{subscription_id:str}/{action:str}": only(
        "curator",
        others=DENY,
        params={"action": "terminate"},
        setup=subscription("active"),
        form=lambda w: {"reason": "Fin de convention", "idempotency_key": w.unique("cle-page")},
    ),
    "GET /editeur/abonnes": only("publisher", "other_publisher"),
}
