"""What the subscriptions layer asks of others without importing them (wired in ``create_app``)."""

from __future__ import annotations

from typing import Protocol


class GrantFinder(Protocol):
    async def active_grant_for(self, siren: str, listing_id: str, period: str) -> str | None:
        """The id of the billing grant co-funding ``siren``'s subscription to the listing (a UUID
        string) in ``period`` (``AAAA-MM``), or None when nothing funds it."""
        ...


class NoGrants:
    """No co-funding: every charge is paid by the collectivités."""

    async def active_grant_for(self, siren: str, listing_id: str, period: str) -> str | None:
        return None
