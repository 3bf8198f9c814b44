"""Demo subscriptions, made through the services like real use: the first-party services published,
listings naming the plugin to deploy, and subscriptions of the demo collectivités in every
interesting state (active and deployed, waiting for a signature, a groupement sharing the cost).
The interactive voice server is left for the demo mayor to subscribe to (the browser test does).

The signed subscriptions were requested and signed ``HISTORY_MONTHS`` months ago (on the 10th): the
same service runs with its clock set back, so they have closed months for the billing demo
(``seed-billing``) to invoice. The budget request waits for the mayor's signature since today.

Idempotent: every request and signature carries a fixed idempotency key, so a second run replays
them and writes nothing.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
from collections import Counter
from typing import Any

import msgspec

from catalogue.listings.schemas import ListingUpdate
from plugins.builtin.seed import publish_builtin
from store.kit.auth import Actor, MandateInfo, scopes_for
from store.kit.errors import DomainError, NotFound
from store.registry.repository import RegistryRepository
from store.subscriptions.reference import GROUPEMENT_KINDS
from store.subscriptions.schemas import SubscriptionRequest

PLUGINS = {
    "orientation-des-usagers": "orientation-usagers",
    "conseil-municipal-en-ligne": "conseil-municipal",
    "serveur-vocal-interactif": "serveur-vocal",
}
"""Demo listings and the first-party plugin each one deploys."""

HISTORY_MONTHS = 4
"""How many months back the demo's signed subscriptions started."""
CO_FUNDED_LISTING = "consultations-citoyennes"
"""The listing Bourg-en-Bresse subscribes to that the State co-funds in the billing demo."""

log = logging.getLogger("store.demo")


def _request(slug: str, siren: str, plan: int, route: str, **more: Any) -> SubscriptionRequest:
    values = {"listing": slug, "collectivite_siren": siren, "plan_index": plan, "procurement_route": route}
    return msgspec.convert({**values, **more}, SubscriptionRequest)


def history_start(today: dt.date) -> dt.date:
    """The 10th of the month ``HISTORY_MONTHS`` months before ``today``'s: a first month billed
    prorated, then full months."""
    months = today.year * 12 + today.month - 1 - HISTORY_MONTHS
    return dt.date(months // 12, months % 12 + 1, 10)


def president(siren: str, name: str) -> Actor:
    """The groupement's executive, who signs in the demo (the demo has no account for them)."""
    mandate = MandateInfo("collectivite", siren, name, "elu_executif", True)
    return Actor(
        account_id=f"demo-president-{siren}",
        display_name=f"Président(e), {name} (démonstration)",
        mandates=(mandate,),
        scopes=scopes_for(False, [mandate]),
    )


async def seed_subscriptions(
    state: Any,
    *,
    curator: Actor,
    mayor: Actor,
    agent: Actor,
    other: Actor,
    created: Counter[str],
    existing: Counter[str],
) -> None:
    """``mayor`` signs for Bourg-en-Bresse, ``agent`` acts for it; ``other`` is the second demo
    collectivité's agent (its EPCI when the registry has it). Counts go to ``created``/``existing``."""
    await publish_builtin(state)
    for slug, plugin_id in PLUGINS.items():
        try:
            listing = await state.listings.get(curator, slug)
        except NotFound:
            continue
        if listing.plugin_id != plugin_id:
            await state.listings.update(curator, slug, ListingUpdate(plugin_id=plugin_id))
    service = state.subscriptions
    past = copy.copy(service)  # the same service, its clock set back: the subscriptions have a history
    started = history_start(service.today())
    past.today = lambda: started
    bourg = next(iter(mayor.collectivite_sirens()))

    async def subscribe(name: str, who: Actor, data: SubscriptionRequest, signer: Actor | None) -> None:
        key = f"demo-{name}-demande"
        if who.account_id and await service.repo.command(who.account_id, key) is not None:
            existing["abonnements"] += 1
            return
        try:
            sub = await (past if signer is not None else service).request(who, data, key=key)
            if signer is not None and sub.state == "pending_signature":
                await past.sign(signer, sub.id, key=f"demo-{name}-signature")
        except DomainError as exc:  # a registry without this collectivité: skip it, and say why
            log.warning("demo subscription %s not created: %s", name, exc.detail)
            return
        created["abonnements"] += 1

    await subscribe("orientation", mayor, _request("orientation-des-usagers", bourg, 0, "gratuit"), mayor)
    await subscribe(
        "consultations", mayor, _request(CO_FUNDED_LISTING, bourg, 1, "cooperation_public_public"), mayor
    )
    await subscribe(
        "budget", agent, _request("budget-participatif", bourg, 0, "dispense", duration_months=12), None
    )

    group = next(iter(other.collectivite_sirens()))
    registry = RegistryRepository()
    row = await registry.get_collectivite(group)
    if row is not None and row["kind"] in GROUPEMENT_KINDS:
        members = await registry.collectivites(await registry.member_sirens(group))
        small = sorted((m for m in members.values() if (m["population"] or 0) and m["population"] <= 10_000),
                       key=lambda m: m["name"])[:4]  # fmt: skip
        if small:
            data = _request(
                "conseil-municipal-en-ligne", group, 0, "cooperation_public_public",
                members=[{"siren": m["siren"]} for m in small], cost_sharing="population",
            )  # fmt: skip
            await subscribe("conseil", other, data, president(group, row["name"]))
