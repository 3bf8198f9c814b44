"""The listings side of ``from_upstream.ListingPort``: what a selected proposal and its accepted
pilots do to the catalogue. Each call is one transaction with its audit entry and a listing event
(so the search index follows); every call is idempotent.

A draft created from a proposal has no publisher yet: a curator assigns one later (until then only
curators see it, like any draft they may read).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from catalogue.listings.events import ListingDraftChanged, ListingEvent, ListingUpdated
from catalogue.listings.pilots import PilotView, UpstreamRepository
from catalogue.listings.reference import THEMATIQUES
from catalogue.listings.repository import ListingRepository
from catalogue.listings.states import State
from catalogue.listings.tables import Listing
from catalogue.listings.validation import is_slug
from store.kit.events import AuditRecord
from store.kit.uow import UnitOfWork, UnitOfWorkFactory

SYSTEM = "Consultation nationale"
KNOWN_THEMATIQUES = {slug for slug, _ in THEMATIQUES}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UpstreamListings:
    """Implements ``catalogue.listings.from_upstream.ListingPort``."""

    def __init__(self, uow: UnitOfWorkFactory, repo: UpstreamRepository | None = None) -> None:
        self.uow = uow
        self.repo = repo or UpstreamRepository()

    async def slug_for_proposal(self, proposal_id: int) -> str | None:
        return await self.repo.slug_for_proposal(proposal_id)

    async def exists(self, slug: str) -> bool:
        return is_slug(slug) and await self.repo.listing_id(slug) is not None

    async def pilots(self, slug: str) -> list[PilotView]:
        listing_id = await self.repo.listing_id(slug)
        return (await self.repo.pilots_of([listing_id]))[listing_id] if listing_id else []

    async def proposals(self, slug: str) -> list[int]:
        listing_id = await self.repo.listing_id(slug)
        return (await self.repo.proposals_of([listing_id]))[listing_id] if listing_id else []

    async def create_draft_from_proposal(
        self,
        *,
        slug: str,
        name: str,
        summary: str,
        thematique: str,
        proposal_id: int,
        funding_origin: str,
    ) -> str:
        async with self.uow() as work:
            existing = await self.repo.slug_for_proposal(proposal_id)
            if existing:
                return existing
            slug = await self._free_slug(slug, proposal_id)
            now = utcnow()
            listing_id = uuid.uuid4()
            await Listing.insert(
                Listing(
                    id=listing_id,
                    slug=slug,
                    publisher=None,
                    state=State.draft.value,
                    name=name.strip()[:120],
                    pitch=summary.strip()[:500],
                    funding_origin=funding_origin.strip()[:200],
                    created_at=now,
                    updated_at=now,
                    state_changed_at=now,
                )
            )
            if thematique in KNOWN_THEMATIQUES:
                await ListingRepository().replace_thematiques(listing_id, [thematique])
            await self.repo.link(listing_id, proposal_id, now)
            self._record(
                work, "create_from_proposal", listing_id, slug, State.draft, {"proposal_id": proposal_id}
            )
        return slug

    async def link_proposal(self, slug: str, proposal_id: int) -> None:
        async with self.uow() as work:
            row = await self._row(slug)
            if await self.repo.link(row["id"], proposal_id, utcnow()):
                self._record(
                    work, "link_proposal", row["id"], slug, row["state"], {"proposal_id": proposal_id}
                )

    async def add_pilot(
        self, slug: str, *, siren: str, name: str, departement_code: str | None, role: str
    ) -> None:
        async with self.uow() as work:
            row = await self._row(slug)
            added = await self.repo.add_pilot(
                row["id"], siren=siren, name=name, departement_code=departement_code, role=role, now=utcnow()
            )
            if added:
                self._record(work, "add_pilot", row["id"], slug, row["state"], {"siren": siren, "role": role})

    async def remove_pilot(self, slug: str, *, siren: str, role: str) -> None:
        async with self.uow() as work:
            row = await Listing.select(Listing.id, Listing.state).where(Listing.slug == slug).first()
            if row is None:
                return
            if await self.repo.remove_pilot(row["id"], siren=siren, role=role):
                self._record(
                    work, "remove_pilot", row["id"], slug, row["state"], {"siren": siren, "role": role}
                )

    # Helpers --------------------------------------------------------------------------------------

    async def _row(self, slug: str) -> dict[str, Any]:
        row = await Listing.select(Listing.id, Listing.state).where(Listing.slug == slug).first()
        if row is None:
            raise LookupError(f"no listing {slug!r}")
        return row

    async def _free_slug(self, wanted: str, proposal_id: int) -> str:
        base = wanted if is_slug(wanted) and len(wanted) <= 70 else f"service-{proposal_id}"
        slug, n = base, 1
        while await self.repo.listing_id(slug) is not None:
            n += 1
            slug = f"{base}-{n}"
        return slug

    @staticmethod
    def _record(
        work: UnitOfWork, action: str, listing_id: Any, slug: str, state: str, data: dict[str, object]
    ) -> None:
        """Audit, and tell the index: ``ListingUpdated`` for a live listing, a draft change otherwise."""
        work.audit(
            AuditRecord(
                action=f"catalogue:listing:{action}",
                subject_type="listing",
                subject_id=str(listing_id),
                actor_label=SYSTEM,
                from_state=state,
                to_state=state,
                data={"slug": slug, **data},
            )
        )
        live = state in (State.published, State.suspended)
        event: type[ListingEvent] = ListingUpdated if live else ListingDraftChanged
        work.emit(
            event(
                listing_id=str(listing_id),
                slug=slug,
                publisher_siren="",
                from_state=state,
                to_state=state,
                fields=("pilots",) if "siren" in data else ("proposals",),  # type: ignore[call-arg]
            )
        )
