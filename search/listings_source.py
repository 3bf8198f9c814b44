"""The services index's source of truth: listings read from the database and shaped as
``ServiceDocument`` (one listing for the outbox indexer, every listing in batches for a reindex).

Every state is indexed (curators search all of them); visibility is a filter on ``status`` added by
the service for everyone else.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import msgspec

from catalogue.listings.pilots import UpstreamRepository
from catalogue.listings.pricing import starting_price_cents
from catalogue.listings.repository import plan_from_row
from catalogue.listings.tables import Listing, ListingPlan, ListingThematique
from search.documents import ServiceDocument
from store.registry.tables import Collectivite, Publisher

_COLUMNS = (
    Listing.id,
    Listing.slug,
    Listing.name,
    Listing.action,
    Listing.pitch,
    Listing.description_md,
    Listing.target_kinds,
    Listing.maturity,
    Listing.deployment_mode,
    Listing.funding_origin,
    Listing.state,
    Listing.published_at,
    Listing.publisher.siren.as_alias("publisher_siren"),
    Listing.publisher.name.as_alias("publisher_name"),
)
_MARKUP = re.compile(r"[#*_`>|\[\]]+|\((?:https?://|/)[^)]*\)")


def plain_text(markdown: str) -> str:
    """Markdown as words: markup characters and link targets dropped."""
    return " ".join(_MARKUP.sub(" ", markdown).split())


class ListingSource:
    def __init__(self, upstream: UpstreamRepository | None = None) -> None:
        self.upstream = upstream or UpstreamRepository()

    async def load(self, listing_id: str) -> ServiceDocument | None:
        """The listing's current document; None when it no longer exists (or the id is not one)."""
        try:
            key = uuid.UUID(listing_id)
        except ValueError:
            return None
        rows = await Listing.select(*_COLUMNS).where(Listing.id == key)
        documents = await self._documents(rows)
        return documents[0] if documents else None

    async def batches(self, size: int = 500) -> AsyncIterator[list[ServiceDocument]]:
        offset = 0
        while True:
            rows = await Listing.select(*_COLUMNS).order_by(Listing.id).limit(size).offset(offset)
            if not rows:
                return
            yield await self._documents(rows)
            offset += len(rows)

    async def count(self) -> int:
        return int(await Listing.count())

    async def _documents(self, rows: Sequence[dict[str, Any]]) -> list[ServiceDocument]:
        ids = [r["id"] for r in rows]
        if not ids:
            return []
        themes: dict[Any, list[str]] = {i: [] for i in ids}
        for row in await (
            ListingThematique.select(
                ListingThematique.listing, ListingThematique.thematique.label.as_alias("label")
            )
            .where(ListingThematique.listing.is_in(ids))
            .order_by(ListingThematique.thematique.position)
        ):
            themes[row["listing"]].append(row["label"])
        plans: dict[Any, list[Any]] = {i: [] for i in ids}
        for row in await (
            ListingPlan.select().where(ListingPlan.listing.is_in(ids)).order_by(ListingPlan.position)
        ):
            plans[row["listing"]].append(plan_from_row(row))
        pilots = await self.upstream.pilots_of(ids)
        proposals = await self.upstream.proposals_of(ids)
        return [
            _document(r, themes[r["id"]], plans[r["id"]], pilots[r["id"]], bool(proposals[r["id"]]))
            for r in rows
        ]


def _document(
    row: dict[str, Any], themes: list[str], plans: list[Any], pilots: list[Any], from_proposal: bool
) -> ServiceDocument:
    published = row["published_at"]
    return ServiceDocument(
        id=str(row["id"]),
        slug=row["slug"],
        title=row["name"],
        action=row["action"] or "",
        summary=row["pitch"] or "",
        description=plain_text(row["description_md"] or ""),
        thematiques=themes,
        target_kinds=msgspec.json.decode(row["target_kinds"] or "[]", type=list[str]),
        pricing=list(dict.fromkeys(str(type(p).__struct_config__.tag) for p in plans)),
        yearly_price_cents=starting_price_cents(plans),
        maturity=row["maturity"] or "",
        deployment_modes=[row["deployment_mode"]] if row["deployment_mode"] else [],
        publisher_siren=row["publisher_siren"] or "",
        publisher_name=row["publisher_name"] or "",
        pilot_departements=sorted({p.departement_code for p in pilots if p.departement_code}),
        pilot_names=sorted({p.name for p in pilots}),
        # A co-funding source is declared on the listing, or it comes from a proposal the
        # consultation committee selected (funded by the national axis).
        cofunding_available=from_proposal or bool((row["funding_origin"] or "").strip()),
        status=row["state"],
        published_at=int(published.timestamp()) if published else None,
    )


async def publisher_names(sirens: Sequence[str]) -> dict[str, str]:
    if not sirens:
        return {}
    rows = await Publisher.select(Publisher.siren, Publisher.name).where(Publisher.siren.is_in(list(sirens)))
    return {r["siren"]: r["name"] for r in rows}


async def departement_names() -> dict[str, str]:
    rows = await Collectivite.select(Collectivite.departement_code, Collectivite.name).where(
        Collectivite.kind == "departement"
    )
    return {r["departement_code"]: r["name"] for r in rows if r["departement_code"]}
