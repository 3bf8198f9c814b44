"""Upstream → catalogue: what a selected proposal and its accepted pilots do to the listings.

Written on the consultations branch, to be wired by catalogue.listings (which may import
catalogue.votes: it sits above it). It depends only on a small ``ListingPort`` that the listings
service implements; ``subscribe`` registers the consumers on the outbox dispatcher:

    subscribe(dispatcher, listings_service)          # in store.app, after both services exist

Every handler is idempotent (transactional consumers run once per event, but a replayed demo or a
re-delivered event must not create a second listing or pilot).
"""

from __future__ import annotations

from typing import Protocol

from catalogue.votes.events import InterestAccepted, InterestWithdrawn, ProposalSelected
from store.kit.outbox import Dispatcher
from store.registry.siren import fold

PILOT_ROLES = frozenset({"territoire_referent"})
"""Roles shown on the listing and indexed for search (early adopters could join later)."""


class ListingPort(Protocol):
    async def slug_for_proposal(self, proposal_id: int) -> str | None:
        """The listing already fed by this proposal, if any."""
        ...

    async def exists(self, slug: str) -> bool: ...

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
        """A listing in state ``draft`` (publisher to be assigned by a curator); returns its slug."""
        ...

    async def link_proposal(self, slug: str, proposal_id: int) -> None:
        """An existing listing is accelerated by this proposal."""
        ...

    async def add_pilot(
        self, slug: str, *, siren: str, name: str, departement_code: str | None, role: str
    ) -> None:
        """Show a territoire référent on the listing (and let search index it); idempotent."""
        ...

    async def remove_pilot(self, slug: str, *, siren: str, role: str) -> None: ...


def slug_from(title: str, proposal_id: int) -> str:
    words = fold(title).split()[:8] or ["service"]
    return "-".join(words) + f"-{proposal_id}"


class UpstreamBridge:
    def __init__(self, listings: ListingPort) -> None:
        self.listings = listings

    async def _slug(self, proposal_id: int, hint: str) -> str | None:
        return await self.listings.slug_for_proposal(proposal_id) or (hint or None)

    async def on_proposal_selected(self, event: ProposalSelected) -> None:
        if await self.listings.slug_for_proposal(event.proposal_id):
            return
        if event.listing_slug and await self.listings.exists(event.listing_slug):
            await self.listings.link_proposal(event.listing_slug, event.proposal_id)
            return
        await self.listings.create_draft_from_proposal(
            slug=event.listing_slug or slug_from(event.title, event.proposal_id),
            name=event.title,
            summary=event.summary,
            thematique=event.thematique,
            proposal_id=event.proposal_id,
            funding_origin=f"Consultation « {event.consultation_slug} »",
        )

    async def on_interest_accepted(self, event: InterestAccepted) -> None:
        if event.role not in PILOT_ROLES:
            return
        slug = await self._slug(event.proposal_id, event.listing_slug)
        if slug is None:  # the selection event is delivered first (lower outbox id); be safe anyway
            raise LookupError(f"no listing yet for proposal {event.proposal_id}")
        await self.listings.add_pilot(
            slug,
            siren=event.collectivite_siren,
            name=event.collectivite_name,
            departement_code=event.departement_code,
            role=event.role,
        )

    async def on_interest_withdrawn(self, event: InterestWithdrawn) -> None:
        if event.role not in PILOT_ROLES:
            return
        slug = await self._slug(event.proposal_id, event.listing_slug)
        if slug is not None:
            await self.listings.remove_pilot(slug, siren=event.collectivite_siren, role=event.role)


def subscribe(dispatcher: Dispatcher, listings: ListingPort) -> UpstreamBridge:
    bridge = UpstreamBridge(listings)
    dispatcher.subscribe("listings.from_upstream", ProposalSelected, bridge.on_proposal_selected)
    dispatcher.subscribe("listings.from_upstream", InterestAccepted, bridge.on_interest_accepted)
    dispatcher.subscribe("listings.from_upstream", InterestWithdrawn, bridge.on_interest_withdrawn)
    return bridge
