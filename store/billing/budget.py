"""Budget-side commands (the seam the funding module posts through): fund an envelope, delegate to a
departmental guichet, reserve (two-phase, with a deadline), post or void a reservation, commit
directly, release what a commitment did not use. Every command carries the caller's idempotency key.

An envelope, a guichet and a commitment are credit-normal accounts flagged *debits must not exceed
credits*: nothing can be handed out that was not received, pending reservations included (checked
under lock in the posting service and again by a database CHECK).
"""

from __future__ import annotations

from store.billing import accounts
from store.billing.ledger.codes import TransferCode as T
from store.billing.ledger.schemas import AccountRef, JournalResult, Leg, PostJournal
from store.billing.ledger.service import LedgerService

US_PER_SECOND = 1_000_000


class BudgetService:
    def __init__(self, ledger: LedgerService) -> None:
        self.ledger = ledger

    async def _single(
        self,
        key: str,
        kind: str,
        day: str,
        code: int,
        debit: AccountRef,
        credit: AccountRef,
        amount: int,
        ref: str,
        actor: str,
    ) -> JournalResult:
        command = PostJournal(
            idempotency_key=key,
            kind=kind,
            effective_date=day,
            legs=(Leg(code=code, debit=debit.id, credit=credit.id, amount=amount, business_ref=ref),),
        )
        return await self.ledger.post(command, opens=(debit, credit), actor=actor)

    async def fund_envelope(
        self, key: str, *, programme: str, envelope_ref: str, amount: int, day: str, actor: str = "system"
    ) -> JournalResult:
        return await self._single(
            key,
            "envelope.fund",
            day,
            T.ENVELOPE_FUND,
            accounts.budget_source(programme),
            accounts.envelope(envelope_ref),
            amount,
            f"envelope:{envelope_ref}",
            actor,
        )

    async def delegate(
        self, key: str, *, envelope_ref: str, departement: str, amount: int, day: str, actor: str = "system"
    ) -> JournalResult:
        return await self._single(
            key,
            "guichet.delegate",
            day,
            T.GUICHET_DELEGATE,
            accounts.envelope(envelope_ref),
            accounts.guichet(envelope_ref, departement),
            amount,
            f"guichet:{envelope_ref}:{departement}",
            actor,
        )

    async def commit(
        self, key: str, *, source: AccountRef, grant_id: str, amount: int, day: str, actor: str = "system"
    ) -> JournalResult:
        return await self._single(
            key,
            "commitment.commit",
            day,
            T.COMMIT,
            source,
            accounts.commitment(grant_id),
            amount,
            f"grant:{grant_id}",
            actor,
        )

    async def decommit(
        self, key: str, *, source: AccountRef, grant_id: str, amount: int, day: str, actor: str = "system"
    ) -> JournalResult:
        return await self._single(
            key,
            "commitment.release",
            day,
            T.DECOMMIT,
            accounts.commitment(grant_id),
            source,
            amount,
            f"grant:{grant_id}",
            actor,
        )

    async def reserve(
        self,
        key: str,
        *,
        source: AccountRef,
        grant_id: str,
        amount: int,
        day: str,
        timeout_seconds: int | None,
        actor: str = "system",
    ) -> JournalResult:
        """A pessimistic pending transfer: the headroom is taken at once, until posted, voided or expired."""
        target = accounts.commitment(grant_id)
        command = PostJournal(
            idempotency_key=key,
            kind="commitment.reserve",
            effective_date=day,
            legs=(
                Leg(
                    code=T.RESERVE,
                    debit=source.id,
                    credit=target.id,
                    amount=amount,
                    kind="pending",
                    timeout_us=None if timeout_seconds is None else timeout_seconds * US_PER_SECOND,
                    business_ref=f"grant:{grant_id}",
                ),
            ),
        )
        return await self.ledger.post(command, opens=(source, target), actor=actor)

    async def post_reservation(
        self, key: str, *, pending_id: str, amount: int, day: str, actor: str = "system"
    ) -> JournalResult:
        """Post all or part of a reservation (the remainder is released)."""
        return await self.ledger.post(
            PostJournal(
                idempotency_key=key,
                kind="commitment.post",
                effective_date=day,
                legs=(
                    Leg(
                        code=T.RESERVE_POST,
                        debit="",
                        credit="",
                        amount=amount,
                        kind="post",
                        pending_id=pending_id,
                    ),
                ),
            ),
            actor=actor,
        )

    async def void_reservation(
        self, key: str, *, pending_id: str, day: str, actor: str = "system"
    ) -> JournalResult:
        return await self.ledger.post(
            PostJournal(
                idempotency_key=key,
                kind="commitment.void",
                effective_date=day,
                legs=(
                    Leg(
                        code=T.RESERVE_VOID, debit="", credit="", amount=1, kind="void", pending_id=pending_id
                    ),
                ),
            ),
            actor=actor,
        )
