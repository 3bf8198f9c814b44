"""Reading subscriptions as a caller may see them, and keeping deployments in line with them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from store.kit.auth import Actor, Scope, require_actor
from store.kit.errors import Forbidden, NotFound
from store.registry.repository import RegistryRepository
from store.subscriptions.provisioning import Provisioner
from store.subscriptions.reference import STATE_LABELS, State
from store.subscriptions.repository import SubscriptionRepository
from store.subscriptions.schemas import (
    HistoryEntry,
    ListingRevenue,
    PublisherSubscribers,
    SubscriberRow,
    SubscriptionView,
)
from store.subscriptions.views import can_read, to_view

PARIS = ZoneInfo("Europe/Paris")


def paris_today() -> dt.date:
    return dt.datetime.now(PARIS).date()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def not_found() -> NotFound:
    return NotFound("Aucun abonnement à cette adresse.", code="subscription_not_found")


def to_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def can_read_revenue(actor: Actor) -> bool:
    return actor.has(Scope.BillingRevenueRead)


class SubscriptionReads:
    repo: SubscriptionRepository
    registry: RegistryRepository
    provisioner: Provisioner

    # Reads ----------------------------------------------------------------------------------------

    async def _views(self, rows: list[dict[str, Any]], actor: Actor | None) -> list[SubscriptionView]:
        coverage = await self.repo.coverage([r["id"] for r in rows])
        names = await self.registry.names(c["collectivite"] for cs in coverage.values() for c in cs)
        return [
            to_view(r, coverage[str(r["id"])], await self.repo.segments(r["id"]), names, actor) for r in rows
        ]

    async def _visible(self, actor: Actor, subscription_id: str) -> dict[str, Any]:
        require_actor(actor)
        row = await self.repo.get(subscription_id)
        if row is None:
            raise not_found()
        covered = [c["collectivite"] for c in (await self.repo.coverage([row["id"]]))[str(row["id"])]]
        if not can_read(actor, row, covered):
            raise not_found()
        return row

    async def get(self, actor: Actor, subscription_id: str) -> SubscriptionView:
        row = await self._visible(actor, subscription_id)
        return (await self._views([row], actor))[0]

    async def history(self, actor: Actor, subscription_id: str) -> Sequence[HistoryEntry]:
        """Every move of the subscription, who made it and why (from the audit log)."""
        row = await self._visible(actor, subscription_id)
        return [
            HistoryEntry(
                at=r["at"],
                action=r["action"].removeprefix("store:subscription:"),
                actor_label=r["actor_label"],
                from_state=r["from_state"],
                to_state=r["to_state"],
                reason=r["reason"],
            )
            for r in await self.repo.history(row["id"])
        ]

    async def list(self, actor: Actor, *, collectivite: str | None = None) -> list[SubscriptionView]:
        """A collectivité's subscriptions (held or covering it); every subscription for a curator."""
        require_actor(actor)
        if actor.is_curator:
            rows = await self.repo.find(sirens=[collectivite] if collectivite else None)
        else:
            mine = actor.collectivite_sirens()
            if collectivite is not None and collectivite not in mine:
                raise Forbidden("Vous n'agissez pas pour cette collectivité.", code="not_collectivite_agent")
            rows = await self.repo.find(sirens=[collectivite] if collectivite else mine)
        return await self._views(rows, actor)

    async def subscribers(self, actor: Actor, publisher_siren: str) -> PublisherSubscribers:
        """A publisher's subscribers and recurring revenue (its members with the revenue scope, curators)."""
        require_actor(actor)
        if not (
            actor.is_curator or (actor.speaks_for_publisher(publisher_siren) and can_read_revenue(actor))
        ):
            raise Forbidden("Vous ne représentez pas cet éditeur.", code="not_publisher_member")
        rows = await self.repo.find(publisher_sirens=[publisher_siren], limit=5000)
        coverage = await self.repo.coverage([r["id"] for r in rows])
        subscribers = [
            SubscriberRow(
                subscription_id=str(r["id"]),
                listing_slug=r["listing_slug"],
                listing_name=r["listing_name"],
                collectivite_siren=r["collectivite"],
                collectivite_name=r["collectivite_name"],
                state=r["state"],
                state_label=to_label(r["state"]),
                plan_name=r["plan_name"],
                yearly_ht_cents=r["yearly_ht_cents"],
                covered_count=len(coverage[str(r["id"])]),
                activated_on=r["activated_on"],
            )
            for r in rows
            if r["state"] != State.rejected
        ]
        active = [s for s in subscribers if s.state == State.active]
        per_listing: dict[str, list[SubscriberRow]] = {}
        for row in active:
            per_listing.setdefault(row.listing_slug, []).append(row)
        by_listing = [
            ListingRevenue(
                listing_slug=slug,
                listing_name=rows[0].listing_name,
                active_count=len(rows),
                recurring_yearly_ht_cents=sum(r.yearly_ht_cents for r in rows),
            )
            for slug, rows in per_listing.items()
        ]
        by_listing.sort(key=lambda r: (-r.recurring_yearly_ht_cents, r.listing_slug))
        return PublisherSubscribers(
            publisher_siren=publisher_siren,
            subscribers=subscribers,
            active_count=len(active),
            recurring_yearly_ht_cents=sum(s.yearly_ht_cents for s in active),
            by_listing=by_listing,
        )

    async def reconcile(self) -> Sequence[str]:
        """Bring deployments in line with subscriptions: deploy for active ones where nothing runs (a
        process stopped between a signature's commit and its deployment), deprovision for suspended
        or terminated ones where the service still runs. Returns what it did, one line each."""
        done: list[str] = []
        for row in await self.repo.find(limit=1_000_000):
            plugin_id = row["plugin_id"]
            if plugin_id is None or row["state"] not in (State.active, State.suspended, State.terminated):
                continue
            covered = [c["collectivite"] for c in (await self.repo.coverage([row["id"]]))[str(row["id"])]]
            for siren in covered:
                running = await self.provisioner.deployed(plugin_id, siren)
                if row["state"] == State.active and not running:
                    problem = await self.provisioner.provision(plugin_id, [siren])
                    done.append(f"{siren}/{plugin_id} : " + (problem or "déployé"))
                elif row["state"] != State.active and running:
                    problem = await self.provisioner.deprovision(plugin_id, [siren])
                    done.append(f"{siren}/{plugin_id} : " + (problem or "retiré"))
        return done
