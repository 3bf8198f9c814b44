"""What becomes of a selection's reservation: the curator commits it (all or part, when the project's
agreement is signed; the rest goes back to the envelope) or releases it. Both are ledger journals
keyed by the caller's ``Idempotency-Key``."""

from __future__ import annotations

from typing import Any

from catalogue.funding.schemas import ReservationCommitIn, ReservationView
from catalogue.funding.service.base import FundingBase, actor_label, audit, curator, euros, refused
from store.kit.auth import Actor
from store.kit.errors import Conflict, InvalidInput, NotFound


def _view(row: dict[str, Any]) -> ReservationView:
    return ReservationView(
        id=row["id"],
        envelope_code=row["envelope_code"],
        reference=row["reference"],
        label=row["label"],
        amount_cents=row["amount_cents"],
        state=row["state"],
        committed_cents=row["committed_cents"],
        grant_id=row["grant_id"],
        created_at=row["created_at"],
    )


class ReservationOps(FundingBase):
    async def reservations(self, actor: Actor | None) -> list[ReservationView]:
        curator(actor)
        return [_view(r) for r in await self.repo.reservations()]

    async def _settle(
        self, actor: Actor | None, reservation_id: int, key: str, amount: int | None
    ) -> ReservationView:
        curator(actor)
        async with self.uow() as work:
            await self.ledger.repo.lock_head()
            row = await self.repo.lock_reservation(reservation_id)
            if row is None:
                raise NotFound("Réservation introuvable.", code="reservation_not_found")
            wanted = "released" if amount is None else "committed"
            if row["state"] != "pending":
                if row["state"] == wanted and (amount is None or amount == row["committed_cents"]):
                    return _view(row)  # the same request again
                raise Conflict("Cette réservation est déjà soldée.", code="reservation_settled")
            if amount is not None and amount > row["amount_cents"]:
                raise InvalidInput(
                    f"Au plus le montant réservé ({euros(row['amount_cents'])}).", code="exceeds_reservation"
                )
            day = self.today().isoformat()
            if amount is None:
                result = await self.budget.void_reservation(
                    f"funding.release:{key}", pending_id=row["pending_id"], day=day, actor=actor_label(actor)
                )
            else:
                result = await self.budget.post_reservation(
                    f"funding.commit:{key}",
                    pending_id=row["pending_id"],
                    amount=amount,
                    day=day,
                    actor=actor_label(actor),
                )
            if not result.applied:
                raise refused(result, "Réservation")
            await self.repo.settle_reservation(
                reservation_id, state=wanted, committed_cents=amount or 0, settled_at=self.clock()
            )
            work.audit(
                audit(
                    actor,
                    f"funding.reservation.{wanted}",
                    "reservation",
                    reservation_id,
                    from_state="pending",
                    to_state=wanted,
                    data={"amount_cents": amount or 0},
                )
            )
            row = await self.repo.lock_reservation(reservation_id)
        assert row is not None
        return _view(row)

    async def commit_reservation(
        self, actor: Actor | None, reservation_id: int, data: ReservationCommitIn, *, key: str
    ) -> ReservationView:
        return await self._settle(actor, reservation_id, key, data.amount_cents)

    async def release_reservation(
        self, actor: Actor | None, reservation_id: int, *, key: str
    ) -> ReservationView:
        return await self._settle(actor, reservation_id, key, None)
