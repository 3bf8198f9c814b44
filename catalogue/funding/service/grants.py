"""Co-funding of subscriptions: the billing grant behind an award for a listing, or behind a national
"free State service" envelope, and ``active_grant_for`` — what the subscriptions layer asks when it
charges a collectivité for a month."""

from __future__ import annotations

import hashlib

import msgspec

from catalogue.funding.schemas import ListingGrantIn, ListingGrantView
from catalogue.funding.service.base import FundingBase, actor_label, audit, curator, euros, refused
from store.billing import accounts
from store.billing.schemas import GrantIn
from store.kit.auth import Actor
from store.kit.errors import Conflict, InvalidInput


class GrantOps(FundingBase):
    async def create_listing_grant(
        self, actor: Actor | None, data: ListingGrantIn, *, key: str
    ) -> ListingGrantView:
        """Commit ``amount`` from the envelope to a billing grant for every subscriber of the listing."""
        curator(actor)
        if data.until_period < data.from_period:
            raise InvalidInput("La fin précède le début.", code="bad_window")
        grant_id = "state-service-" + hashlib.sha256(key.encode()).hexdigest()[:20]
        async with self.uow() as work:
            await self.ledger.repo.lock_head()
            existing = await self.repo.listing_grant_by_key(key)
            if existing is not None:
                same = {k: existing[k] for k in msgspec.structs.asdict(data)} == msgspec.structs.asdict(data)
                if not same:
                    raise Conflict("Cette clé d'idempotence a déjà servi.", code="idempotency_key_reused")
                return (await self.listing_grants(actor, only=grant_id))[0]
            await self.envelope_row(data.envelope_code)
            await self.billing.register_grant(
                None,
                GrantIn(
                    id=grant_id,
                    label=data.label,
                    funder_siren=self.funder_siren,
                    funder_name=self.funder_name,
                    envelope_ref=data.envelope_code,
                    cap_bp=data.cap_bp,
                    base="ht",
                ),
            )
            result = await self.budget.commit(
                f"funding.listing-grant:{key}",
                source=accounts.envelope(data.envelope_code),
                grant_id=grant_id,
                amount=data.amount_cents,
                day=self.today().isoformat(),
                actor=actor_label(actor),
            )
            if not result.applied:
                raise refused(
                    result,
                    f"L'enveloppe « {data.envelope_code} » ne peut pas engager {euros(data.amount_cents)}",
                )
            await self.repo.insert_listing_grant(
                {
                    "grant_id": grant_id,
                    "idempotency_key": key,
                    "created_at": self.clock(),
                    **msgspec.structs.asdict(data),
                }
            )
            work.audit(
                audit(
                    actor,
                    "funding.listing_grant.create",
                    "listing",
                    data.listing_id,
                    data={"grant_id": grant_id},
                )
            )
        return (await self.listing_grants(actor, only=grant_id))[0]

    async def listing_grants(self, actor: Actor | None, *, only: str | None = None) -> list[ListingGrantView]:
        curator(actor)
        rows = await self.repo.listing_grants(only)
        refs = [accounts.commitment(r["grant_id"]) for r in rows]
        balances = await self.ledger.balances(refs)
        return [
            ListingGrantView(
                grant_id=r["grant_id"],
                envelope_code=r["envelope_code"],
                listing_id=r["listing_id"],
                label=r["label"],
                cap_bp=r["cap_bp"],
                amount_cents=r["amount_cents"],
                consumed_cents=(b.debits_posted if (b := balances[ref]) else 0),
                from_period=r["from_period"],
                until_period=r["until_period"],
            )
            for r, ref in zip(rows, refs, strict=True)
        ]

    async def active_grant_for(self, siren: str, listing_id: str, period: str) -> str | None:
        """The billing grant co-funding ``siren``'s subscription to ``listing_id`` in ``period``
        (YYYY-MM), or None: first an award for that listing naming the collectivité (lead or
        co-applicant) in force that month, the earliest first; then a national "free State service"
        grant of the listing in force that month."""
        for row in await self.repo.awarded_with_listing(listing_id):
            members = {row["lead_siren"], *msgspec.json.decode(row["co_applicants"])}
            if (
                siren in members
                and row["grant_from"]
                and row["grant_from"] <= period <= (row["grant_until"] or "")
            ):
                return str(row["grant_id"])
        return await self.repo.national_grant(listing_id, period)
