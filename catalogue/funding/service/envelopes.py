"""The envelope tree on the budget ledger: create nodes, fund a plan, allocate to a child, reserve
for a selected proposal (``ReservationPort``), and the figures of every node.

Every node is the ledger account ``envelope:{code}`` (debits must not exceed credits). A plan is
funded from its programme; a child receives its allocation from its parent's account; awards and
reservations are drawn from the call's envelope into a commitment per grant. So the ledger itself
refuses, under its writer lock, any allocation, reservation or award that the node cannot hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from catalogue.funding.schemas import AmountIn, EnvelopeIn, EnvelopeRow, Figures
from catalogue.funding.service.base import FundingBase, actor_label, audit, curator, euros, refused
from store.billing import accounts
from store.billing.ledger.codes import TransferCode as T
from store.billing.ledger.schemas import AccountBalance, AccountRef, Leg, PostJournal
from store.kit.auth import Actor
from store.kit.errors import Conflict, InvalidInput, NotFound

ZERO = Figures(allocated=0, reserved=0, committed=0, consumed=0, available=0)


def _add(a: Figures, b: Figures) -> Figures:
    return Figures(
        allocated=a.allocated + b.allocated,
        reserved=a.reserved + b.reserved,
        committed=a.committed + b.committed,
        consumed=a.consumed + b.consumed,
        available=a.available + b.available,
    )


class EnvelopeOps(FundingBase):
    async def create_envelope(self, actor: Actor | None, data: EnvelopeIn) -> EnvelopeRow:
        curator(actor)
        if (data.parent_code is None) != (data.kind == "plan"):
            raise InvalidInput(
                "Seul un plan est à la racine ; toute autre enveloppe a une enveloppe parente.",
                code="bad_envelope_parent",
            )
        if data.kind == "plan" and not data.programme:
            raise InvalidInput(
                "Un plan indique le programme budgétaire qui le finance.", code="programme_required"
            )
        if data.kind == "guichet" and not data.departement:
            raise InvalidInput(
                "Un guichet départemental indique son département.", code="departement_required"
            )
        async with self.uow() as work:
            if await self.repo.envelope(data.code) is not None:
                raise Conflict(f"L'enveloppe « {data.code} » existe déjà.", code="envelope_exists")
            programme = data.programme or ""
            departement = data.departement
            if data.parent_code is not None:
                parent = await self.repo.envelope(data.parent_code)
                if parent is None:
                    raise NotFound(
                        f"Enveloppe parente « {data.parent_code} » introuvable.", code="envelope_not_found"
                    )
                programme = parent["programme"]
                departement = departement or parent["departement"]
            await self.repo.insert_envelope(
                {
                    "code": data.code,
                    "label": data.label,
                    "parent_code": data.parent_code,
                    "programme": programme,
                    "kind": data.kind,
                    "departement": departement,
                    "position": data.position,
                    "created_at": self.clock(),
                }
            )
            work.audit(
                audit(actor, "funding.envelope.create", "envelope", data.code, data={"kind": data.kind})
            )
        return next(r for r in await self.tree() if r.code == data.code)

    async def fund(self, actor: Actor | None, code: str, data: AmountIn, *, key: str) -> EnvelopeRow:
        """Credit a plan from its programme (a budget law, a decision of the Prime Minister…)."""
        curator(actor)
        async with self.uow() as work:
            node = await self.envelope_row(code)
            if node["parent_code"] is not None:
                raise Conflict("Seul un plan reçoit des crédits de son programme.", code="not_a_plan")
            result = await self.budget.fund_envelope(
                f"funding.fund:{key}",
                programme=node["programme"],
                envelope_ref=code,
                amount=data.amount_cents,
                day=data.day or self.today().isoformat(),
                actor=actor_label(actor),
            )
            if not result.applied:
                raise refused(result, f"Crédits du plan « {node['label']} »")
            work.audit(
                audit(
                    actor, "funding.envelope.fund", "envelope", code, data={"amount_cents": data.amount_cents}
                )
            )
        return next(r for r in await self.tree() if r.code == code)

    async def allocate(self, actor: Actor | None, code: str, data: AmountIn, *, key: str) -> EnvelopeRow:
        """Move an amount from the parent's account to the child ``code``; refused beyond the parent's
        available amount (reservations and awards already taken into account)."""
        curator(actor)
        async with self.uow() as work:
            node = await self.envelope_row(code)
            if node["parent_code"] is None:
                raise Conflict(
                    "Un plan reçoit ses crédits de son programme, pas d'une enveloppe.", code="is_a_plan"
                )
            parent, child = accounts.envelope(node["parent_code"]), accounts.envelope(code)
            result = await self.ledger.post(
                PostJournal(
                    idempotency_key=f"funding.allocate:{key}",
                    kind="envelope.allocate",
                    effective_date=data.day or self.today().isoformat(),
                    legs=(
                        Leg(
                            code=T.GUICHET_DELEGATE,
                            debit=parent.id,
                            credit=child.id,
                            amount=data.amount_cents,
                            business_ref=f"envelope:{code}",
                        ),
                    ),
                ),
                opens=(parent, child),
                actor=actor_label(actor),
            )
            if not result.applied:
                balance = (await self.ledger.balances([parent]))[parent]
                left = _available(balance)
                raise refused(
                    result, f"L'enveloppe « {node['parent_code']} » n'a que {euros(left)} disponibles"
                )
            work.audit(
                audit(
                    actor,
                    "funding.envelope.allocate",
                    "envelope",
                    code,
                    data={"amount_cents": data.amount_cents},
                )
            )
        return next(r for r in await self.tree() if r.code == code)

    async def reserve(
        self, *, envelope_code: str, amount_cents: int, idempotency_key: str, reference: str, label: str
    ) -> None:
        """``ReservationPort``: a pending reservation for a proposal the committee selected."""
        async with self.uow() as work:
            await self.ledger.repo.lock_head()
            if await self.repo.reservation_by_key(idempotency_key) is not None:
                return
            await self.envelope_row(envelope_code)
            if amount_cents <= 0:
                raise InvalidInput("Montant de réservation invalide.", code="bad_amount")
            grant_id = "reservation-" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
            result = await self.budget.reserve(
                f"funding.reserve:{idempotency_key}",
                source=accounts.envelope(envelope_code),
                grant_id=grant_id,
                amount=amount_cents,
                day=self.today().isoformat(),
                timeout_seconds=None,
            )
            if not result.applied:
                raise refused(result, f"Réservation sur « {envelope_code} »")
            await self.repo.insert_reservation(
                {
                    "idempotency_key": idempotency_key,
                    "envelope_code": envelope_code,
                    "reference": reference[:120],
                    "label": label[:300],
                    "amount_cents": amount_cents,
                    "grant_id": grant_id,
                    "pending_id": result.transfer_ids[0],
                    "created_at": self.clock(),
                }
            )
            work.audit(
                audit(
                    None,
                    "funding.reservation.create",
                    "envelope",
                    envelope_code,
                    data={"amount_cents": amount_cents, "reference": reference},
                )
            )

    # Figures -----------------------------------------------------------------------------------

    async def _commitments(self) -> list[tuple[str, str]]:
        """(envelope code, grant id) of every commitment drawn from an envelope."""
        calls = {c["id"]: c["envelope_code"] for c in await self.repo.calls(published_only=False)}
        pairs = [(r["envelope_code"], r["grant_id"]) for r in await self.repo.reservations()]
        pairs += [
            (calls[a["call_id"]], a["grant_id"])
            for a in await self.repo.applications(state="awarded")
            if a["grant_id"] and a["call_id"] in calls
        ]
        pairs += [(g["envelope_code"], g["grant_id"]) for g in await self.repo.listing_grants()]
        return pairs

    async def tree(self) -> list[EnvelopeRow]:
        """Every node, depth first, with its own figures and those of its subtree."""
        nodes = await self.repo.envelopes()
        commitments = await self._commitments()
        refs: list[AccountRef] = [accounts.envelope(n["code"]) for n in nodes]
        refs += [accounts.commitment(grant) for _, grant in commitments]
        balances = await self.ledger.balances(refs)
        own: dict[str, Figures] = {}
        for node in nodes:
            balance = balances[accounts.envelope(node["code"])]
            committed = consumed = 0
            for code, grant in commitments:
                if code == node["code"]:
                    held = balances[accounts.commitment(grant)]
                    committed += held.credits_posted if held else 0
                    consumed += held.debits_posted if held else 0
            own[node["code"]] = Figures(
                allocated=balance.credits_posted if balance else 0,
                reserved=balance.debits_pending if balance else 0,
                committed=committed,
                consumed=consumed,
                available=_available(balance),
            )
        children: dict[str | None, list[dict[str, Any]]] = {}
        for node in nodes:
            children.setdefault(node["parent_code"], []).append(node)
        rows: list[EnvelopeRow] = []

        def walk(node: dict[str, Any], depth: int) -> Figures:
            index = len(rows)
            rows.append(
                EnvelopeRow(
                    code="",
                    label="",
                    kind="",
                    parent_code=None,
                    departement=None,
                    depth=0,
                    figures=ZERO,
                    own=ZERO,
                    delegated=0,
                )
            )
            mine = own[node["code"]]
            total = Figures(
                allocated=0,
                reserved=mine.reserved,
                committed=mine.committed,
                consumed=mine.consumed,
                available=mine.available,
            )
            delegated = 0
            for child in children.get(node["code"], []):
                sub = walk(child, depth + 1)
                delegated += own[child["code"]].allocated
                total = _add(
                    total,
                    Figures(
                        allocated=0,
                        reserved=sub.reserved,
                        committed=sub.committed,
                        consumed=sub.consumed,
                        available=sub.available,
                    ),
                )
            total = Figures(
                allocated=mine.allocated,
                reserved=total.reserved,
                committed=total.committed,
                consumed=total.consumed,
                available=total.available,
            )
            rows[index] = EnvelopeRow(
                code=node["code"],
                label=node["label"],
                kind=node["kind"],
                parent_code=node["parent_code"],
                departement=node["departement"],
                depth=depth,
                figures=total,
                own=mine,
                delegated=delegated,
            )
            return total

        for root in children.get(None, []):
            walk(root, 0)
        return rows


def _available(balance: AccountBalance | None) -> int:
    if balance is None:
        return 0
    return balance.credits_posted - balance.debits_posted - balance.debits_pending


def subtree(rows: Iterable[EnvelopeRow], code: str) -> list[EnvelopeRow]:
    """The node ``code`` and everything under it, in tree order."""
    out: list[EnvelopeRow] = []
    depth: int | None = None
    for row in rows:
        if depth is not None and row.depth <= depth:
            break
        if row.code == code:
            depth = row.depth
        if depth is not None:
            out.append(row)
    return out
