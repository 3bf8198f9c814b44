"""Every query on subscriptions, their coverage, segments and command keys."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from catalogue.listings.tables import Listing
from store.kit.tables import AuditEntry
from store.subscriptions.reference import BILLED_STATES, LIVE_STATES
from store.subscriptions.tables import (
    Subscription,
    SubscriptionCommand,
    SubscriptionCoverage,
    SubscriptionSegment,
)

_COLUMNS = (
    *Subscription.all_columns(),
    Subscription.listing.slug.as_alias("listing_slug"),
    Subscription.listing._.name.as_alias("listing_name"),
    Subscription.listing.plugin_id.as_alias("plugin_id"),
    Subscription.collectivite._.name.as_alias("collectivite_name"),
)

COVERAGE_CHUNK = 5_000
"""Subscriptions per coverage query (asyncpg refuses more than 32 767 parameters, SQLite 32 766)."""


class SubscriptionRepository:
    # Reads ----------------------------------------------------------------------------------------

    async def get(self, subscription_id: str) -> dict[str, Any] | None:
        try:
            key = uuid.UUID(subscription_id)
        except ValueError:
            return None
        return await Subscription.select(*_COLUMNS).where(Subscription.id == key).first()

    async def find(
        self,
        *,
        sirens: Iterable[str] | None = None,
        listing_ids: Iterable[str] | None = None,
        publisher_sirens: Iterable[str] | None = None,
        limit: int = 200,
    ) -> list[dict[str, Any]]:
        """Subscriptions held by ``sirens`` or covering one of them; or of given listings/publishers."""
        query = Subscription.select(*_COLUMNS)
        if sirens is not None:
            wanted = sorted(set(sirens))
            if not wanted:
                return []
            covering = SubscriptionCoverage.select(SubscriptionCoverage.subscription).where(
                SubscriptionCoverage.collectivite.is_in(wanted)
            )
            query = query.where(Subscription.collectivite.is_in(wanted) | Subscription.id.is_in(covering))
        if listing_ids is not None:
            query = query.where(Subscription.listing.is_in([uuid.UUID(i) for i in listing_ids]))
        if publisher_sirens is not None:
            wanted = sorted(set(publisher_sirens))
            if not wanted:
                return []
            query = query.where(Subscription.listing.publisher.is_in(wanted))
        return list(await query.order_by(Subscription.created_at, ascending=False).limit(limit))

    async def coverage(self, subscription_ids: Sequence[Any]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {str(i): [] for i in subscription_ids}
        if not subscription_ids:
            return out
        ids = list(subscription_ids)
        for start in range(0, len(ids), COVERAGE_CHUNK):  # one bind parameter per id: drivers cap them
            rows = (
                await SubscriptionCoverage.select()
                .where(SubscriptionCoverage.subscription.is_in(ids[start : start + COVERAGE_CHUNK]))
                .order_by(SubscriptionCoverage.collectivite)
            )
            for row in rows:
                out[str(row["subscription"])].append(row)
        return out

    async def segments(self, subscription_id: Any) -> list[dict[str, Any]]:
        return list(
            await SubscriptionSegment.select()
            .where(SubscriptionSegment.subscription == subscription_id)
            .order_by(SubscriptionSegment.starts_on, SubscriptionSegment.id)
        )

    async def covered_by_active(
        self, sirens: Sequence[str], listing_slugs: Sequence[str]
    ) -> set[tuple[str, str]]:
        """(siren, listing slug) pairs where the collectivité is covered by an *active* subscription."""
        if not sirens or not listing_slugs:
            return set()
        rows = await SubscriptionCoverage.select(
            SubscriptionCoverage.collectivite,
            SubscriptionCoverage.listing.slug.as_alias("slug"),
        ).where(
            SubscriptionCoverage.live.eq(True)
            & SubscriptionCoverage.collectivite.is_in(list(sirens))
            & SubscriptionCoverage.listing.slug.is_in(list(listing_slugs))
            & (SubscriptionCoverage.subscription.state == "active")
        )
        return {(r["collectivite"], r["slug"]) for r in rows}

    async def live_for(self, listing_id: str, sirens: Sequence[str]) -> list[dict[str, Any]]:
        """Live subscriptions of this listing held by, or covering, one of ``sirens``."""
        key = uuid.UUID(listing_id)
        covering = SubscriptionCoverage.select(SubscriptionCoverage.subscription).where(
            SubscriptionCoverage.live.eq(True)
            & (SubscriptionCoverage.listing == key)
            & SubscriptionCoverage.collectivite.is_in(list(sirens))
        )
        return list(
            await Subscription.select(Subscription.id, Subscription.collectivite, Subscription.state).where(
                (Subscription.listing == key)
                & Subscription.state.is_in(sorted(LIVE_STATES))
                & (Subscription.collectivite.is_in(list(sirens)) | Subscription.id.is_in(covering))
            )
        )

    async def billable_segments(self, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
        """Segments overlapping ``[start, end)`` of subscriptions that were active at some point."""
        return list(
            await SubscriptionSegment.select(
                *SubscriptionSegment.all_columns(),
                SubscriptionSegment.subscription.collectivite.as_alias("payer_siren"),
                SubscriptionSegment.subscription.publisher_siren.as_alias("publisher_siren"),
                SubscriptionSegment.subscription.listing.as_alias("listing_id"),
                SubscriptionSegment.subscription._.listing._.name.as_alias("listing_name"),
                SubscriptionSegment.subscription.on_behalf.as_alias("on_behalf"),
                SubscriptionSegment.subscription.cost_sharing.as_alias("cost_sharing"),
                SubscriptionSegment.subscription.state.as_alias("state"),
            )
            .where(
                (SubscriptionSegment.starts_on < end)
                & (SubscriptionSegment.ends_on.is_null() | (SubscriptionSegment.ends_on > start))
                & SubscriptionSegment.subscription.state.is_in(sorted(BILLED_STATES))
            )
            .order_by(SubscriptionSegment.subscription, SubscriptionSegment.id)
        )

    async def history(self, subscription_id: Any) -> list[dict[str, Any]]:
        return list(
            await AuditEntry.select(
                AuditEntry.at, AuditEntry.action, AuditEntry.actor_label, AuditEntry.from_state,
                AuditEntry.to_state, AuditEntry.reason,
            )
            .where(
                (AuditEntry.subject_type == "subscription") & (AuditEntry.subject_id == str(subscription_id))
            )
            .order_by(AuditEntry.id)
        )  # fmt: skip

    async def command(self, account_id: str, key: str) -> dict[str, Any] | None:
        return (
            await SubscriptionCommand.select()
            .where((SubscriptionCommand.account_id == account_id) & (SubscriptionCommand.key == key))
            .first()
        )

    # Writes ---------------------------------------------------------------------------------------

    async def insert(self, row: Subscription, coverage: list[SubscriptionCoverage]) -> None:
        await Subscription.insert(row)
        if coverage:
            await SubscriptionCoverage.insert(*coverage)

    async def move(
        self, subscription_id: Any, *, sources: Iterable[str], target: str, now: dt.datetime, **columns: Any
    ) -> bool:
        """Compare-and-set the state: False when another request moved it first."""
        values: dict[Any, Any] = {Subscription.state: target, Subscription.updated_at: now}
        for name, value in columns.items():
            values[getattr(Subscription, name)] = value
        updated = (
            await Subscription.update(values)
            .where((Subscription.id == subscription_id) & Subscription.state.is_in(sorted(sources)))
            .returning(Subscription.id)
        )
        return bool(updated)

    async def update(self, subscription_id: Any, now: dt.datetime, **columns: Any) -> None:
        values: dict[Any, Any] = {Subscription.updated_at: now}
        for name, value in columns.items():
            values[getattr(Subscription, name)] = value
        await Subscription.update(values).where(Subscription.id == subscription_id)

    async def end_coverage(self, subscription_id: Any) -> None:
        await SubscriptionCoverage.update({SubscriptionCoverage.live: False}).where(
            SubscriptionCoverage.subscription == subscription_id
        )

    async def open_segment(
        self, subscription_id: Any, *, on: dt.date, plan_name: str, yearly_ht_cents: int, vat_rate_bp: int
    ) -> None:
        await SubscriptionSegment.insert(
            SubscriptionSegment(
                subscription=subscription_id,
                starts_on=on,
                ends_on=None,
                plan_name=plan_name,
                yearly_ht_cents=yearly_ht_cents,
                vat_rate_bp=vat_rate_bp,
            )
        )

    async def close_segment(self, subscription_id: Any, on: dt.date) -> None:
        await SubscriptionSegment.update({SubscriptionSegment.ends_on: on}).where(
            (SubscriptionSegment.subscription == subscription_id) & SubscriptionSegment.ends_on.is_null()
        )

    async def record_command(
        self,
        *,
        account_id: str,
        key: str,
        action: str,
        request_hash: str,
        subscription_id: str,
        now: dt.datetime,
    ) -> None:
        await SubscriptionCommand.insert(
            SubscriptionCommand(
                account_id=account_id,
                key=key,
                action=action,
                request_hash=request_hash,
                subscription_id=subscription_id,
                created_at=now,
            )
        )

    async def listing_row(self, slug: str) -> dict[str, Any] | None:
        return (
            await Listing.select(Listing.id, Listing.slug, Listing.state).where(Listing.slug == slug).first()
        )
