"""Every query on envelopes, calls, applications, reservations and payments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from catalogue.funding.tables import Application, Call, Envelope, ListingGrant, Payment, Reservation

_LOCK = " FOR UPDATE"
"""Row locks exist on PostgreSQL only; SQLite serialises writers with BEGIN IMMEDIATE instead."""


def _is_postgres() -> bool:
    return Envelope._meta.db.engine_type == "postgres"


class FundingRepository:
    # Envelopes ---------------------------------------------------------------------------------

    async def envelopes(self) -> list[dict[str, Any]]:
        return list(await Envelope.select().order_by(Envelope.position).order_by(Envelope.code))

    async def envelope(self, code: str) -> dict[str, Any] | None:
        return await Envelope.select().where(Envelope.code == code).first()

    async def insert_envelope(self, row: dict[str, Any]) -> None:
        await Envelope.insert(Envelope(**row))

    # Calls -------------------------------------------------------------------------------------

    async def calls(self, *, published_only: bool) -> list[dict[str, Any]]:
        query = Call.select().order_by(Call.opens_on, ascending=False).order_by(Call.id)
        if published_only:
            query = query.where(Call.published == 1)
        return list(await query)

    async def call(self, call_id: int) -> dict[str, Any] | None:
        return await Call.select().where(Call.id == call_id).first()

    async def call_by_slug(self, slug: str) -> dict[str, Any] | None:
        return await Call.select().where(Call.slug == slug).first()

    async def insert_call(self, row: dict[str, Any]) -> int:
        rows = await Call.insert(Call(**row)).returning(Call.id)
        return int(rows[0]["id"])

    # Applications ------------------------------------------------------------------------------

    async def applications(
        self, *, call_id: int | None = None, sirens: Iterable[str] | None = None, state: str | None = None
    ) -> list[dict[str, Any]]:
        query = Application.select().order_by(Application.id)
        if call_id is not None:
            query = query.where(Application.call_id == call_id)
        if sirens is not None:
            query = query.where(Application.lead_siren.is_in(list(sirens) or [""]))
        if state is not None:
            query = query.where(Application.state == state)
        return list(await query)

    async def application(self, application_id: int) -> dict[str, Any] | None:
        return await Application.select().where(Application.id == application_id).first()

    async def lock_application(self, application_id: int) -> dict[str, Any] | None:
        query = "SELECT * FROM funding_application WHERE id = {}"
        rows = await Application.raw(query + _LOCK if _is_postgres() else query, application_id)
        return rows[0] if rows else None

    async def insert_application(self, row: dict[str, Any]) -> int:
        rows = await Application.insert(Application(**row)).returning(Application.id)
        return int(rows[0]["id"])

    async def update_application(self, application_id: int, **values: Any) -> None:
        await Application.update({getattr(Application, k): v for k, v in values.items()}).where(
            Application.id == application_id
        )

    async def awarded_with_listing(self, listing_id: str) -> list[dict[str, Any]]:
        return list(
            await Application.select()
            .where((Application.listing_id == listing_id) & (Application.state == "awarded"))
            .order_by(Application.id)
        )

    # Reservations ------------------------------------------------------------------------------

    async def reservation_by_key(self, key: str) -> dict[str, Any] | None:
        return await Reservation.select().where(Reservation.idempotency_key == key).first()

    async def reservations(self) -> list[dict[str, Any]]:
        return list(await Reservation.select().order_by(Reservation.id))

    async def insert_reservation(self, row: dict[str, Any]) -> None:
        await Reservation.insert(Reservation(**row))

    async def lock_reservation(self, reservation_id: int) -> dict[str, Any] | None:
        query = "SELECT * FROM funding_reservation WHERE id = {}"
        rows = await Reservation.raw(query + _LOCK if _is_postgres() else query, reservation_id)
        return rows[0] if rows else None

    async def settle_reservation(self, reservation_id: int, **values: Any) -> None:
        await Reservation.update({getattr(Reservation, k): v for k, v in values.items()}).where(
            Reservation.id == reservation_id
        )

    # Payments ----------------------------------------------------------------------------------

    async def payment_by_key(self, key: str) -> dict[str, Any] | None:
        return await Payment.select().where(Payment.idempotency_key == key).first()

    async def insert_payment(self, row: dict[str, Any]) -> int:
        rows = await Payment.insert(Payment(**row)).returning(Payment.id)
        return int(rows[0]["id"])

    async def payments(self, application_id: int) -> list[dict[str, Any]]:
        return list(
            await Payment.select().where(Payment.application_id == application_id).order_by(Payment.id)
        )

    # Grants for subscriptions ------------------------------------------------------------------

    async def listing_grant_by_key(self, key: str) -> dict[str, Any] | None:
        return await ListingGrant.select().where(ListingGrant.idempotency_key == key).first()

    async def insert_listing_grant(self, row: dict[str, Any]) -> None:
        await ListingGrant.insert(ListingGrant(**row))

    async def listing_grants(self, grant_id: str | None = None) -> list[dict[str, Any]]:
        query = ListingGrant.select().order_by(ListingGrant.id)
        if grant_id is not None:
            query = query.where(ListingGrant.grant_id == grant_id)
        return list(await query)

    async def national_grant(self, listing_id: str, period: str) -> str | None:
        row = (
            await ListingGrant.select(ListingGrant.grant_id)
            .where(
                (ListingGrant.listing_id == listing_id)
                & (ListingGrant.from_period <= period)
                & (ListingGrant.until_period >= period)
            )
            .order_by(ListingGrant.id)
            .first()
        )
        return None if row is None else str(row["grant_id"])


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
