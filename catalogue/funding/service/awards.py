"""Award (a commitment in the ledger, with the billing grant of an award for a subscription),
decline with a reason, payments that consume the award."""

from __future__ import annotations

import datetime as dt

from catalogue.funding.events import ApplicationAwarded, ApplicationDeclined
from catalogue.funding.schemas import (
    STATE_LABELS,
    ApplicationView,
    AwardIn,
    DeclineIn,
    PaymentIn,
    PaymentView,
)
from catalogue.funding.service.applications import ApplicationOps
from catalogue.funding.service.base import actor_label, audit, curator, euros, refused
from store.billing import accounts
from store.billing.ledger.codes import TransferCode as T
from store.billing.ledger.schemas import Leg, PostJournal
from store.billing.schemas import GrantIn
from store.kit.auth import Actor
from store.kit.errors import Conflict, InvalidInput, NotFound

AWARDABLE = frozenset({"eligible", "in_review"})


class AwardOps(ApplicationOps):
    async def award(
        self, actor: Actor | None, application_id: int, data: AwardIn, *, key: str
    ) -> ApplicationView:
        """Commit ``amount`` from the call's envelope to the application's grant, in one transaction.

        The same key replays the award; another key on an awarded application is a conflict; an
        envelope that cannot hold it refuses it (the ledger checks under its writer lock).
        """
        curator(actor)
        day = dt.date.fromisoformat(data.day) if data.day else self.today()
        async with self.uow() as work:
            await self.ledger.repo.lock_head()  # awards queue here: one at a time per database
            row = await self.repo.lock_application(application_id)
            if row is None:
                raise NotFound("Candidature introuvable.", code="application_not_found")
            if row["award_key"] == key:
                if row["awarded_cents"] != data.amount_cents:
                    raise Conflict(
                        "Cette clé d'idempotence a déjà servi pour un autre montant.",
                        code="idempotency_key_reused",
                    )
                return (await self._views([row]))[0]
            if row["state"] not in AWARDABLE:
                raise Conflict(
                    f"Candidature {STATE_LABELS[row['state']].lower()} : seule une candidature éligible "
                    "peut être financée.",
                    code="not_awardable",
                )
            if data.amount_cents > row["requested_cents"]:
                raise InvalidInput(
                    f"Le montant attribué dépasse le montant demandé ({euros(row['requested_cents'])}).",
                    code="award_exceeds_request",
                )
            call = await self.repo.call(row["call_id"])
            assert call is not None
            grant_id = f"funding-{application_id}"
            if row["listing_id"] is not None:
                await self.billing.register_grant(
                    None,
                    GrantIn(
                        id=grant_id,
                        label=f"{call['title']} — {row['title']}"[:200],
                        funder_siren=self.funder_siren,
                        funder_name=self.funder_name,
                        envelope_ref=call["envelope_code"],
                        cap_bp=call["max_rate_bp"],
                        base="ht",
                    ),
                )
            result = await self.budget.commit(
                f"funding.award:{application_id}:{key}",
                source=accounts.envelope(call["envelope_code"]),
                grant_id=grant_id,
                amount=data.amount_cents,
                day=day.isoformat(),
                actor=actor_label(actor),
            )
            if not result.applied:
                raise refused(
                    result,
                    f"L'enveloppe « {call['envelope_code']} » ne peut pas engager {euros(data.amount_cents)}",
                )
            grant_from, grant_until = self.grant_window(day, call["grant_months"])
            await self.repo.update_application(
                application_id,
                state="awarded",
                awarded_cents=data.amount_cents,
                award_key=key,
                grant_id=grant_id,
                grant_from=grant_from,
                grant_until=grant_until,
                updated_at=self.clock(),
            )
            work.emit(
                ApplicationAwarded(
                    application_id=application_id,
                    call_id=row["call_id"],
                    lead_siren=row["lead_siren"],
                    envelope_code=call["envelope_code"],
                    amount_cents=data.amount_cents,
                    grant_id=grant_id,
                    listing_id=row["listing_id"],
                )
            )
            work.audit(
                audit(
                    actor,
                    "funding.application.award",
                    "application",
                    application_id,
                    from_state=row["state"],
                    to_state="awarded",
                    data={"amount_cents": data.amount_cents},
                )
            )
        return (await self._views([await self._require(application_id)]))[0]

    async def decline(self, actor: Actor | None, application_id: int, data: DeclineIn) -> ApplicationView:
        curator(actor)
        async with self.uow() as work:
            row = await self.repo.lock_application(application_id)
            if row is None:
                raise NotFound("Candidature introuvable.", code="application_not_found")
            if row["state"] in {"awarded", "declined"}:
                raise Conflict(
                    f"Candidature déjà {STATE_LABELS[row['state']].lower()}.", code="application_closed"
                )
            await self.repo.update_application(
                application_id, state="declined", decline_reason=data.reason, updated_at=self.clock()
            )
            work.emit(
                ApplicationDeclined(
                    application_id=application_id,
                    call_id=row["call_id"],
                    lead_siren=row["lead_siren"],
                    reason=data.reason,
                )
            )
            work.audit(
                audit(
                    actor,
                    "funding.application.decline",
                    "application",
                    application_id,
                    from_state=row["state"],
                    to_state="declined",
                    reason=data.reason,
                )
            )
        return (await self._views([await self._require(application_id)]))[0]

    async def pay(
        self, actor: Actor | None, application_id: int, data: PaymentIn, *, key: str
    ) -> PaymentView:
        """A payment to the laureate consumes its commitment; never beyond what remains."""
        curator(actor)
        async with self.uow() as work:
            await self.ledger.repo.lock_head()
            existing = await self.repo.payment_by_key(key)
            if existing is not None:
                same = (
                    existing["application_id"],
                    existing["amount_cents"],
                    existing["paid_on"],
                    existing["reference"],
                )
                if same != (application_id, data.amount_cents, data.paid_on, data.reference):
                    raise Conflict(
                        "Cette clé d'idempotence a déjà servi pour un autre paiement.",
                        code="idempotency_key_reused",
                    )
                return PaymentView(
                    id=existing["id"],
                    application_id=application_id,
                    amount_cents=existing["amount_cents"],
                    paid_on=existing["paid_on"],
                    reference=existing["reference"],
                    replayed=True,
                )
            row = await self.repo.lock_application(application_id)
            if row is None:
                raise NotFound("Candidature introuvable.", code="application_not_found")
            if row["state"] != "awarded" or not row["grant_id"]:
                raise Conflict("Seule une candidature financée reçoit des paiements.", code="not_awarded")
            if row["listing_id"] is not None:
                raise Conflict(
                    "Ce financement cofinance un abonnement : il est consommé par la facturation.",
                    code="consumed_by_billing",
                )
            call = await self.repo.call(row["call_id"])
            assert call is not None
            commitment = accounts.commitment(row["grant_id"])
            consumed = accounts.consumed(call["envelope_code"], data.paid_on.year)
            result = await self.ledger.post(
                PostJournal(
                    idempotency_key=f"funding.pay:{key}",
                    kind="commitment.consume",
                    effective_date=data.paid_on.isoformat(),
                    legs=(
                        Leg(
                            code=T.CONSUME,
                            debit=commitment.id,
                            credit=consumed.id,
                            amount=data.amount_cents,
                            business_ref=f"grant:{row['grant_id']}",
                        ),
                    ),
                ),
                opens=(commitment, consumed),
                actor=actor_label(actor),
            )
            if not result.applied:
                if result.code == "exceeds_credits":
                    raise Conflict(
                        "Le paiement dépasse le reste à payer de la subvention.", code="exceeds_award"
                    )
                raise refused(result, "Paiement")
            payment_id = await self.repo.insert_payment(
                {
                    "application_id": application_id,
                    "idempotency_key": key,
                    "amount_cents": data.amount_cents,
                    "paid_on": data.paid_on,
                    "reference": data.reference,
                    "created_at": self.clock(),
                }
            )
            work.audit(
                audit(
                    actor,
                    "funding.payment.record",
                    "application",
                    application_id,
                    data={"amount_cents": data.amount_cents},
                )
            )
        return PaymentView(
            id=payment_id,
            application_id=application_id,
            amount_cents=data.amount_cents,
            paid_on=data.paid_on,
            reference=data.reference,
        )
