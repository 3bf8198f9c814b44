"""The billing run: an idempotent job over charges, safe to rerun after a crash at any point.

1. **Plan** (one transaction): take the period's pending charges in ``source_ref`` order, split each
   (funder share capped, co-payers by largest remainder), check every grant's commitment can pay its
   share (charges that would over-consume are *blocked* with a reason, never silently shifted to the
   collectivités), hold the consumption on each grant (a pending ledger transfer), and write one draft
   invoice per payer with its lines. All ids derive from the run and the payer, so a rerun rebuilds
   nothing: the run row says the plan is done.
2. **Issue** (batches, one transaction each): number drafts in payer order from the gapless series
   counter, post each invoice's journal (receivable, funder share and budget consumption, payables,
   platform revenue, VAT; the clearing account nets to zero), mark them issued. A crash loses at most
   an uncommitted batch; the rerun picks up the drafts that are left, in the same order, so numbers
   come out the same as in an uninterrupted run.
3. **Finish**: charges invoiced, run done with its counts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import defaultdict
from typing import Any

import msgspec

from store.billing import accounts
from store.billing.amounts import InvoiceAmounts, LineAmount, invoice_amounts
from store.billing.ledger.codes import TransferCode as T
from store.billing.ledger.schemas import NAMESPACE, AccountRef, Leg, PostJournal, transfer_id
from store.billing.ledger.service import LedgerService, Posting
from store.billing.repository import BillingRepository
from store.billing.schemas import RunReport, SplitPart
from store.billing.split import CoPayer, split_charge
from store.kit.errors import Conflict
from store.kit.money import ttc_cents
from store.kit.settings import Settings

_json = msgspec.json.Encoder()


def stable_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def line_id(invoice_id: str, position: int) -> str:
    """Deterministic and cheap (a run writes hundreds of thousands): 32 hex digits of BLAKE2b."""
    return hashlib.blake2b(f"{invoice_id}:{position}".encode(), digest_size=16).hexdigest()


def hold_key(run_id: str, grant_id: str) -> str:
    return f"run:{run_id}:hold:{grant_id}"


def invoice_number(series: str, year: int, seq: int) -> str:
    return f"{series}-{year}-{seq:06d}"


class _Line(msgspec.Struct):
    charge_id: str
    description: str
    amount_ht: int
    vat_rate_bp: int
    role: str
    grant_id: str | None
    publisher_siren: str | None
    split: str


class BillingRun:
    def __init__(self, settings: Settings, ledger: LedgerService, repo: BillingRepository) -> None:
        self.settings = settings
        self.ledger = ledger
        self.repo = repo

    async def execute(self, period: str, *, issue_date: str, actor: str) -> RunReport:
        run = await self.ledger.run(lambda: self.plan(period, issue_date=issue_date, actor=actor))
        while await self.ledger.run(lambda: self.issue_batch(run, actor=actor)):
            pass
        return await self.ledger.run(lambda: self.finish(run))

    # 1. Plan ---------------------------------------------------------------------------------------

    async def plan(self, period: str, *, issue_date: str, actor: str) -> dict[str, Any]:
        await self.ledger.repo.lock_head()
        existing = await self.repo.run_for(period)
        if existing is not None:
            return existing
        run_id = stable_id("run", period)
        charges = await self.repo.pending_charges(period)
        grants = await self.repo.grants({c["grant_id"] for c in charges if c["grant_id"]})
        commitments = await self.ledger.repo.lock_accounts(accounts.commitment(g).id for g in grants)
        available = {
            g: (lambda a: a["credits_posted"] - a["debits_posted"] - a["debits_pending"] if a else 0)(
                commitments.get(accounts.commitment(g).id)
            )
            for g in grants
        }

        splits: dict[str, tuple[int, dict[str, int]]] = {}
        blocked: dict[str, str] = {}
        spent: dict[str, int] = defaultdict(int)
        for charge in charges:
            grant = grants.get(charge["grant_id"]) if charge["grant_id"] else None
            if charge["grant_id"] and grant is None:
                blocked[charge["id"]] = "grant_unknown"
                continue
            payers = [CoPayer(s, w) for s, w in msgspec.json.decode(charge["payers"])]
            split = split_charge(
                charge["amount_ht"],
                charge["vat_rate_bp"],
                payers,
                cap_bp=grant["cap_bp"] if grant else 0,
                base=grant["base"] if grant else "ht",
            )
            if grant and split.funder_ht:
                estimate = ttc_cents(split.funder_ht, charge["vat_rate_bp"])
                if spent[grant["id"]] + estimate > available[grant["id"]]:
                    blocked[charge["id"]] = "grant_exhausted"
                    continue
                spent[grant["id"]] += estimate
            splits[charge["id"]] = (split.funder_ht, split.payers)

        # Exact consumption is known only per invoice (VAT per rate on the invoice): fix the estimate.
        while True:
            drafts = self._build(run_id, period, charges, grants, splits)
            consumption: dict[str, int] = defaultdict(int)
            for draft in drafts.values():
                for grant_id, amount in draft["amounts"].by_grant.items():
                    consumption[grant_id] += amount
            over = [g for g, amount in consumption.items() if amount > available[g]]
            if not over:
                break
            for grant_id in over:
                victim = [c["id"] for c in charges if c["id"] in splits and c["grant_id"] == grant_id][-1]
                splits.pop(victim)
                blocked[victim] = "grant_exhausted"

        names = await self.repo.collectivite_names(drafts)
        for grant in grants.values():
            names.setdefault(grant["funder_siren"], grant["funder_name"])
        year = int(issue_date[:4])
        now = self.ledger.clock()
        invoice_rows: list[tuple[Any, ...]] = []
        line_rows: list[tuple[Any, ...]] = []
        for siren, draft in sorted(drafts.items()):
            a: InvoiceAmounts = draft["amounts"]
            invoice_rows.append(
                (
                    draft["id"],
                    "invoice",
                    run_id,
                    self.settings.billing_seller_siren,
                    siren,
                    names.get(siren, siren),
                    "F",
                    year,
                    None,
                    None,
                    "draft",
                    period,
                    a.total_ht,
                    a.total_vat,
                    a.total_ttc,
                    None,
                    None,
                    None,
                    "",
                    "",
                    "",
                    None,
                    now,
                )
            )
            line_rows.extend(
                (
                    line_id(draft["id"], i),
                    draft["id"],
                    i,
                    ln.charge_id,
                    ln.description,
                    ln.amount_ht,
                    ln.vat_rate_bp,
                    ln.role,
                    ln.grant_id,
                    ln.publisher_siren,
                    ln.split,
                    None,
                )
                for i, ln in enumerate(draft["lines"], start=1)
            )
        holds = [
            Posting(
                command=PostJournal(
                    idempotency_key=hold_key(run_id, grant_id),
                    kind="billing.hold",
                    effective_date=issue_date,
                    legs=(
                        Leg(
                            code=T.CONSUME_HOLD,
                            debit=accounts.commitment(grant_id).id,
                            credit=accounts.consumed(grants[grant_id]["envelope_ref"], year).id,
                            amount=amount,
                            kind="pending",
                            business_ref=f"run:{run_id}",
                        ),
                    ),
                ),
                opens=(
                    accounts.commitment(grant_id),
                    accounts.consumed(grants[grant_id]["envelope_ref"], year),
                ),
            )
            for grant_id, amount in sorted(consumption.items())
            if amount
        ]
        if holds:
            results = await self.ledger.post_locked(holds, actor=actor)
            refused = [r for r in results if not r.applied]
            if refused:
                raise Conflict(
                    f"Réservation budgétaire refusée ({refused[0].code}) : relancez la facturation.",
                    code="billing_hold_refused",
                )
        await self.repo.insert_lines(
            line_rows
        )  # before their drafts: the frozen-lines guard has nothing to look up
        await self.repo.insert_invoices(invoice_rows)
        # A charge is invoiced when a line refers to it (no 100 000-row UPDATE); blocked ones say why.
        await self.repo.set_charge_status([("blocked", r, run_id, c) for c, r in blocked.items()])
        counts = {"charges_planned": len(splits), "charges_blocked": len(blocked), "invoices": len(drafts)}
        await self.repo.insert_run(
            (run_id, period, "planned", issue_date, _json.encode(counts).decode(), now)
        )
        return {
            "id": run_id,
            "period": period,
            "status": "planned",
            "issue_date": issue_date,
            "counts": _json.encode(counts).decode(),
        }

    def _build(
        self,
        run_id: str,
        period: str,
        charges: list[dict[str, Any]],
        grants: dict[str, dict[str, Any]],
        splits: dict[str, tuple[int, dict[str, int]]],
    ) -> dict[str, dict[str, Any]]:
        lines: dict[str, list[_Line]] = defaultdict(list)
        for charge in charges:
            if charge["id"] not in splits:
                continue
            funder_ht, shares = splits[charge["id"]]
            grant = grants.get(charge["grant_id"]) if charge["grant_id"] else None
            parts = []
            if grant and funder_ht:
                parts.append(SplitPart(grant["funder_siren"], "funder", funder_ht, grant["id"]))
            parts.extend(SplitPart(s, "payer", amount) for s, amount in sorted(shares.items()))
            split_json = _json.encode(parts).decode()
            common = {
                "charge_id": charge["id"],
                "vat_rate_bp": charge["vat_rate_bp"],
                "publisher_siren": charge["publisher_siren"],
                "split": split_json,
            }
            if grant and funder_ht:
                label = f"{charge['description']} — part {grant['label']} ({grant['cap_bp'] / 100:g} %)"
                lines[grant["funder_siren"]].append(
                    _Line(
                        description=label, amount_ht=funder_ht, role="funder", grant_id=grant["id"], **common
                    )
                )
            for siren, amount in sorted(shares.items()):
                if amount:
                    lines[siren].append(
                        _Line(
                            description=charge["description"],
                            amount_ht=amount,
                            role="payer",
                            grant_id=None,
                            **common,
                        )
                    )
        fee = self.settings.billing_platform_fee_bp
        return {
            siren: {
                "id": stable_id("invoice", run_id, siren),
                "lines": payer_lines,
                "amounts": invoice_amounts(
                    (
                        LineAmount(ln.amount_ht, ln.vat_rate_bp, ln.grant_id, ln.publisher_siren)
                        for ln in payer_lines
                    ),
                    fee,
                ),
            }
            for siren, payer_lines in lines.items()
            if sum(ln.amount_ht for ln in payer_lines) > 0
        }

    # 2. Issue --------------------------------------------------------------------------------------

    async def issue_batch(self, run: dict[str, Any], *, actor: str) -> int:
        await self.ledger.repo.lock_head()
        drafts = await self.repo.drafts(run["id"], self.settings.billing_batch_size)
        if not drafts:
            return 0
        lines = await self.repo.posting_lines_of(d["id"] for d in drafts)
        issue_date = run["issue_date"]
        year = int(issue_date[:4])
        due = (
            dt.date.fromisoformat(issue_date) + dt.timedelta(days=self.settings.billing_payment_terms_days)
        ).isoformat()
        first = await self.repo.next_numbers(f"F:{self.settings.billing_seller_siren}:{year}", len(drafts))
        grant_ids = {ln["grant_id"] for rows in lines.values() for ln in rows if ln["grant_id"]}
        grants = await self.repo.grants(grant_ids) if grant_ids else {}
        postings = []
        for draft in drafts:
            amounts = invoice_amounts(
                (
                    LineAmount(ln["amount_ht"], ln["vat_rate_bp"], ln["grant_id"], ln["publisher_siren"])
                    for ln in lines[draft["id"]]
                ),
                self.settings.billing_platform_fee_bp,
            )
            assert amounts.total_ttc == draft["total_ttc"], "draft totals drifted from their lines"
            postings.append(self.issue_posting(draft, amounts, grants, run_id=run["id"], day=issue_date))
        results = await self.ledger.post_locked(postings, actor=actor)
        refused = [r for r in results if not r.applied]
        if refused:
            raise Conflict(
                f"Émission refusée par le grand livre ({refused[0].code} : {refused[0].detail}).",
                code="billing_issue_refused",
            )
        await self.repo.issue(
            [
                (
                    first + i,
                    invoice_number("F", year, first + i),
                    "issued",
                    issue_date,
                    due,
                    result.seq,
                    draft["id"],
                )
                for i, (draft, result) in enumerate(zip(drafts, results, strict=True))
            ]
        )
        return len(drafts)

    def issue_posting(
        self,
        draft: dict[str, Any],
        a: InvoiceAmounts,
        grants: dict[str, dict[str, Any]],
        *,
        run_id: str,
        day: str,
    ) -> Posting:
        receivable = accounts.receivable(draft["id"])
        ref = f"invoice:{draft['id']}"
        legs: list[Leg] = []
        opens: list[AccountRef] = [receivable, accounts.CLEARING, accounts.VAT, accounts.REVENUE]
        for grant_id, amount in a.by_grant.items():
            legs.append(
                Leg(
                    code=T.CHARGE_FUNDER_SHARE,
                    debit=receivable.id,
                    credit=accounts.CLEARING.id,
                    amount=amount,
                    business_ref=ref,
                )
            )
            legs.append(
                Leg(
                    code=T.CONSUME,
                    debit="",
                    credit="",
                    amount=amount,
                    kind="post",
                    pending_id=transfer_id(hold_key(run_id, grant_id), 0),
                    business_ref=f"grant:{grant_id}",
                )
            )
        if a.own_ttc:
            legs.append(
                Leg(
                    code=T.CHARGE_PAYER_SHARE,
                    debit=receivable.id,
                    credit=accounts.CLEARING.id,
                    amount=a.own_ttc,
                    business_ref=ref,
                )
            )
        for publisher, amount in a.payables.items():
            target = accounts.payable(publisher)
            opens.append(target)
            legs.append(
                Leg(
                    code=T.CHARGE_TO_PROVIDER,
                    debit=accounts.CLEARING.id,
                    credit=target.id,
                    amount=amount,
                    business_ref=ref,
                )
            )
        if a.revenue:
            legs.append(
                Leg(
                    code=T.CHARGE_PLATFORM_FEE,
                    debit=accounts.CLEARING.id,
                    credit=accounts.REVENUE.id,
                    amount=a.revenue,
                    business_ref=ref,
                )
            )
        if a.total_vat:
            legs.append(
                Leg(
                    code=T.CHARGE_VAT,
                    debit=accounts.CLEARING.id,
                    credit=accounts.VAT.id,
                    amount=a.total_vat,
                    business_ref=ref,
                )
            )
        return Posting(
            command=PostJournal(
                idempotency_key=f"{ref}:issue", kind="invoice.issue", effective_date=day, legs=tuple(legs)
            ),
            opens=tuple(opens),
        )

    # 3. Finish -------------------------------------------------------------------------------------

    async def finish(self, run: dict[str, Any]) -> RunReport:
        await self.ledger.repo.lock_head()
        current = await self.repo.run_for(run["period"])
        assert current is not None
        counts = msgspec.json.decode(current["counts"])
        total, issued = await self.repo.count_run_invoices(run["id"])
        if current["status"] != "done":
            counts["issued"] = issued
            await self.repo.finish_run(run["id"], _json.encode(counts).decode(), self.ledger.clock())
        blocked = await self.repo.blocked_charges(run["id"])
        return RunReport(
            run_id=run["id"],
            period=run["period"],
            status="done",
            issue_date=current["issue_date"],
            charges_planned=counts["charges_planned"],
            charges_blocked=counts["charges_blocked"],
            invoices=total,
            issued=issued,
            blocked=[f"{b['source_ref']} ({b['block_reason']})" for b in blocked],
        )
