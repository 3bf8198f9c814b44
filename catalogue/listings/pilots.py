"""Every query on what the consultations bring to a listing: the proposals that feed it and its
pilots (territoires référents)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import msgspec

from catalogue.listings.tables import Listing, ListingPilot, ListingProposal


class PilotView(msgspec.Struct, frozen=True, kw_only=True):
    siren: str
    name: str
    departement_code: str | None
    role: str


class UpstreamRepository:
    async def listing_id(self, slug: str) -> uuid.UUID | None:
        row = await Listing.select(Listing.id).where(Listing.slug == slug).first()
        return row["id"] if row else None

    async def slug_for_proposal(self, proposal_id: int) -> str | None:
        row = (
            await ListingProposal.select(ListingProposal.listing.slug.as_alias("slug"))
            .where(ListingProposal.proposal_id == proposal_id)
            .first()
        )
        return row["slug"] if row else None

    async def proposals_of(self, listing_ids: Sequence[Any]) -> defaultdict[Any, list[int]]:
        found: defaultdict[Any, list[int]] = defaultdict(list)
        if listing_ids:
            rows = (
                await ListingProposal.select(ListingProposal.listing, ListingProposal.proposal_id)
                .where(ListingProposal.listing.is_in(list(listing_ids)))
                .order_by(ListingProposal.proposal_id)
            )
            for row in rows:
                found[row["listing"]].append(int(row["proposal_id"]))
        return found

    async def link(self, listing_id: uuid.UUID, proposal_id: int, now: dt.datetime) -> bool:
        """Link once: False when the proposal already feeds a listing."""
        if await ListingProposal.exists().where(ListingProposal.proposal_id == proposal_id):
            return False
        await ListingProposal.insert(
            ListingProposal(listing=listing_id, proposal_id=proposal_id, created_at=now)
        )
        return True

    async def pilots_of(self, listing_ids: Sequence[Any]) -> defaultdict[Any, list[PilotView]]:
        found: defaultdict[Any, list[PilotView]] = defaultdict(list)
        if listing_ids:
            rows = (
                await ListingPilot.select()
                .where(ListingPilot.listing.is_in(list(listing_ids)))
                .order_by(ListingPilot.departement_code, ListingPilot.name)
            )
            for row in rows:
                found[row["listing"]].append(
                    PilotView(
                        siren=row["collectivite_siren"],
                        name=row["name"],
                        departement_code=row["departement_code"],
                        role=row["role"],
                    )
                )
        return found

    async def add_pilot(
        self,
        listing_id: uuid.UUID,
        *,
        siren: str,
        name: str,
        departement_code: str | None,
        role: str,
        now: dt.datetime,
    ) -> bool:
        """Add once: False when the collectivité is already a pilot in this role."""
        mine = (
            (ListingPilot.listing == listing_id)
            & (ListingPilot.collectivite_siren == siren)
            & (ListingPilot.role == role)
        )
        if await ListingPilot.exists().where(mine):
            return False
        await ListingPilot.insert(
            ListingPilot(
                listing=listing_id,
                collectivite_siren=siren,
                name=name,
                departement_code=departement_code,
                role=role,
                created_at=now,
            )
        )
        return True

    async def remove_pilot(self, listing_id: uuid.UUID, *, siren: str, role: str) -> bool:
        rows = (
            await ListingPilot.delete()
            .where(
                (ListingPilot.listing == listing_id)
                & (ListingPilot.collectivite_siren == siren)
                & (ListingPilot.role == role)
            )
            .returning(ListingPilot.id)
        )
        return bool(rows)
