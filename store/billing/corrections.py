"""After issue: credit notes (avoirs), payments (by hand or from a CSV of payment orders), write-offs.

An issued invoice is never edited. A credit note is a new numbered document (series ``AV``) that
reduces the invoice line by line, proportionally to what remains creditable on each line (largest
remainder), posted in one journal: the receivable first (what is still due), the rest to the payer's
credit balance; the grant's consumption, the publisher's payable, the platform's revenue and the VAT
are reversed in the same journal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from typing import Any

from store.billing import accounts
from store.billing.amounts import OWN, InvoiceAmounts, LineAmount, invoice_amounts
from store.billing.invoicing import invoice_number, stable_id
from store.billing.ledger.codes import TransferCode as T
from store.billing.ledger.schemas import AccountRef, JournalResult, Leg, PostJournal
from store.billing.ledger.service import LedgerService, Posting
from store.billing.repository import BillingRepository
from store.billing.schemas import CreditNoteIn, CsvImportRow, PaymentIn, PaymentView
from store.kit.errors import Conflict, InvalidInput, NotFound
from store.kit.money import allocate, format_eur, parse_eur
from store.kit.settings import Settings


def today_of(clock_us: int) -> str:
    return dt.datetime.fromtimestamp(clock_us / 1e6, dt.UTC).date().isoformat()


class Corrections:
    def __init__(self, settings: Settings, ledger: LedgerService, repo: BillingRepository) -> None:
        self.settings = settings
        self.ledger = ledger
        self.repo = repo

    async def _issued_invoice(self, invoice_id: str) -> dict[str, Any]:
        invoice = await self.repo.invoice(invoice_id)
        if invoice is None or invoice["kind"] != "invoice" or invoice["seq"] is None:
            raise NotFound("Facture introuvable.", code="invoice_not_found")
        return invoice

    async def _due(self, invoice_id: str) -> int:
        rows = await self.ledger.repo.lock_accounts([accounts.receivable(invoice_id).id])
        row = rows.get(accounts.receivable(invoice_id).id)
        if row is None:
            return 0
        return int(row["debits_posted"] - row["credits_posted"] - row["credits_pending"])

    async def _refresh_status(self, invoice: dict[str, Any], due_after: int) -> None:
        credited = sum(cn["total_ht"] for cn in await self.repo.credit_notes_of(invoice["id"]))
        if credited >= invoice["total_ht"]:
            status = "credited"
        elif due_after == 0:
            status = "paid"
        else:
            status = "issued"
        if status != invoice["status"]:
            await self.repo.set_status(invoice["id"], status)

    @staticmethod
    def _check(results: list[JournalResult]) -> JournalResult:
        result = results[0]
        if not result.applied:
            raise Conflict(f"Le grand livre a refusé l'écriture : {result.detail}", code=result.code)
        return result

    # Credit notes -----------------------------------------------------------------------------------

    async def credit_note(self, invoice_id: str, data: CreditNoteIn, *, key: str, actor: str) -> str:
        credit_id = stable_id("credit_note", key)

        async def work() -> str:
            await self.ledger.repo.lock_head()
            existing = await self.repo.invoice(credit_id)
            if existing is not None:
                same = (
                    existing["corrects_id"] == invoice_id
                    and existing["reason"] == data.reason
                    and (data.amount_ht is None or data.amount_ht == existing["total_ht"])
                )
                if not same:
                    raise Conflict(
                        "Cette clé d'idempotence a déjà servi pour un autre avoir.",
                        code="idempotency_key_reused",
                    )
                return credit_id
            invoice = await self._issued_invoice(invoice_id)
            lines = (await self.repo.lines_of([invoice_id])).get(invoice_id, [])
            previous = await self.repo.credit_notes_of(invoice_id)
            credited: dict[str, int] = defaultdict(int)
            for rows in (await self.repo.lines_of(cn["id"] for cn in previous)).values() if previous else []:
                for row in rows:
                    credited[row["corrects_line_id"]] += row["amount_ht"]
            remaining = {ln["id"]: ln["amount_ht"] - credited[ln["id"]] for ln in lines}
            creditable = sum(remaining.values())
            amount = creditable if data.amount_ht is None else data.amount_ht
            if creditable == 0 or amount > creditable:
                raise Conflict(
                    "Le montant à créditer dépasse ce qui reste créditable sur la facture "
                    f"({format_eur(creditable)} HT).",
                    code="credit_exceeds_invoice",
                )
            keys = [ln["id"] for ln in lines]
            shares = dict(zip(keys, allocate(amount, [remaining[k] for k in keys], keys), strict=True))
            today = today_of(self.ledger.clock())
            year = int(today[:4])
            cn_lines = [ln for ln in lines if shares[ln["id"]]]
            a = invoice_amounts(
                (
                    LineAmount(shares[ln["id"]], ln["vat_rate_bp"], ln["grant_id"], ln["publisher_siren"])
                    for ln in cn_lines
                ),
                self.settings.billing_platform_fee_bp,
            )
            now = self.ledger.clock()
            await self.repo.insert_invoices(
                [
                    (
                        credit_id,
                        "credit_note",
                        None,
                        invoice["issuer_siren"],
                        invoice["payer_siren"],
                        invoice["payer_name"],
                        "AV",
                        year,
                        None,
                        None,
                        "draft",
                        invoice["period"],
                        a.total_ht,
                        a.total_vat,
                        a.total_ttc,
                        None,
                        None,
                        invoice_id,
                        data.reason,
                        invoice["buyer_service_code"],
                        invoice["buyer_engagement"],
                        None,
                        now,
                    )
                ]
            )
            await self.repo.insert_lines(
                [
                    (
                        stable_id("line", credit_id, str(i)),
                        credit_id,
                        i,
                        ln["charge_id"],
                        ln["description"],
                        shares[ln["id"]],
                        ln["vat_rate_bp"],
                        ln["role"],
                        ln["grant_id"],
                        ln["publisher_siren"],
                        ln["split"],
                        ln["id"],
                    )
                    for i, ln in enumerate(cn_lines, start=1)
                ]
            )
            due = await self._due(invoice_id)
            grants = await self.repo.grants(a.by_grant) if a.by_grant else {}
            posting = self._credit_posting(credit_id, invoice, a, due, grants, today)
            result = self._check(await self.ledger.post_locked([posting], actor=actor))
            seq = await self.repo.next_numbers(f"AV:{invoice['issuer_siren']}:{year}", 1)
            await self.repo.issue(
                [(seq, invoice_number("AV", year, seq), "issued", today, None, result.seq, credit_id)]
            )
            await self._refresh_status(invoice, max(0, due - a.total_ttc))
            return credit_id

        return str(await self.ledger.run(work))

    def _credit_posting(
        self,
        credit_id: str,
        invoice: dict[str, Any],
        a: InvoiceAmounts,
        due: int,
        grants: dict[str, Any],
        day: str,
    ) -> Posting:
        receivable, wallet = accounts.receivable(invoice["id"]), accounts.wallet(invoice["payer_siren"])
        ref = f"credit_note:{credit_id}"
        buckets = {**a.by_grant, OWN: a.own_ttc}
        keys = sorted(k for k, v in buckets.items() if v)
        pre_total = min(a.total_ttc, due)
        pre = (
            dict(zip(keys, allocate(pre_total, [buckets[k] for k in keys], keys), strict=True))
            if keys
            else {}
        )
        legs: list[Leg] = []
        opens: list[AccountRef] = [accounts.CLEARING, wallet]
        year = int(invoice["issue_date"][:4])
        for key in keys:
            funder = key != OWN
            if pre[key]:
                code = T.CN_FUNDER_PREPAYMENT if funder else T.CN_PREPAYMENT
                legs.append(
                    Leg(
                        code=code,
                        debit=accounts.CLEARING.id,
                        credit=receivable.id,
                        amount=pre[key],
                        business_ref=ref,
                    )
                )
            if buckets[key] - pre[key]:
                code = T.CN_FUNDER_POSTPAYMENT if funder else T.CN_POSTPAYMENT_CREDIT
                legs.append(
                    Leg(
                        code=code,
                        debit=accounts.CLEARING.id,
                        credit=wallet.id,
                        amount=buckets[key] - pre[key],
                        business_ref=ref,
                    )
                )
            if funder:
                consumed = accounts.consumed(grants[key]["envelope_ref"], year)
                legs.append(
                    Leg(
                        code=T.CONSUME_REVERSAL,
                        debit=consumed.id,
                        credit=accounts.commitment(key).id,
                        amount=buckets[key],
                        business_ref=f"grant:{key}",
                    )
                )
        for publisher, amount in a.payables.items():
            opens.append(accounts.payable(publisher))
            legs.append(
                Leg(
                    code=T.CN_PROVIDER,
                    debit=accounts.payable(publisher).id,
                    credit=accounts.CLEARING.id,
                    amount=amount,
                    business_ref=ref,
                )
            )
        if a.revenue:
            legs.append(
                Leg(
                    code=T.CN_FEE,
                    debit=accounts.REVENUE.id,
                    credit=accounts.CLEARING.id,
                    amount=a.revenue,
                    business_ref=ref,
                )
            )
        if a.total_vat:
            legs.append(
                Leg(
                    code=T.CN_VAT,
                    debit=accounts.VAT.id,
                    credit=accounts.CLEARING.id,
                    amount=a.total_vat,
                    business_ref=ref,
                )
            )
        return Posting(
            command=PostJournal(
                idempotency_key=ref, kind="credit_note.issue", effective_date=day, legs=tuple(legs)
            ),
            opens=tuple(opens),
        )

    # Payments ---------------------------------------------------------------------------------------

    async def record_payment(
        self,
        invoice_id: str,
        data: PaymentIn,
        *,
        key: str,
        actor: str,
        source: str = "manual",
        allow_excess: bool = True,
    ) -> PaymentView:
        """``allow_excess=False`` refuses an amount above what is due instead of crediting the rest
        to the payer's balance (the curator's form, where a typo must not become a credit)."""

        async def work() -> PaymentView:
            await self.ledger.repo.lock_head()
            existing = await self.repo.payment_by_key(key)
            if existing is not None:
                same = (
                    existing["invoice_id"],
                    existing["amount"],
                    existing["paid_on"],
                    existing["reference"],
                ) == (invoice_id, data.amount, data.paid_on, data.reference)
                if not same:
                    raise Conflict(
                        "Cette clé d'idempotence a déjà servi pour un autre paiement.",
                        code="idempotency_key_reused",
                    )
                return PaymentView(
                    id=existing["id"],
                    invoice_id=invoice_id,
                    amount=existing["amount"],
                    applied=existing["applied"],
                    excess=existing["excess"],
                    paid_on=existing["paid_on"],
                    reference=existing["reference"],
                    replayed=True,
                )
            invoice = await self._issued_invoice(invoice_id)
            due = await self._due(invoice_id)
            if not allow_excess and data.amount > due:
                raise InvalidInput(
                    f"Le montant saisi ({format_eur(data.amount)}) dépasse ce qui reste dû sur la facture "
                    f"({format_eur(due)}).",
                    code="payment_above_due",
                )
            applied, excess = min(data.amount, due), data.amount - min(data.amount, due)
            ref = f"payment:{key}"
            legs = []
            if applied:
                legs.append(
                    Leg(
                        code=T.PAYMENT_RECEIVED,
                        debit=accounts.BANK.id,
                        credit=accounts.receivable(invoice_id).id,
                        amount=applied,
                        business_ref=ref,
                    )
                )
            if excess:
                legs.append(
                    Leg(
                        code=T.OVERPAYMENT,
                        debit=accounts.BANK.id,
                        credit=accounts.wallet(invoice["payer_siren"]).id,
                        amount=excess,
                        business_ref=ref,
                    )
                )
            posting = Posting(
                command=PostJournal(
                    idempotency_key=ref, kind="payment.receive", effective_date=data.paid_on, legs=tuple(legs)
                ),
                opens=(accounts.BANK, accounts.wallet(invoice["payer_siren"])),
            )
            result = self._check(await self.ledger.post_locked([posting], actor=actor))
            payment_id = stable_id("payment", key)
            await self.repo.insert_payment(
                (
                    payment_id,
                    key,
                    invoice_id,
                    data.amount,
                    applied,
                    excess,
                    data.paid_on,
                    data.reference,
                    source,
                    result.seq,
                    self.ledger.clock(),
                )
            )
            await self._refresh_status(invoice, due - applied)
            return PaymentView(
                id=payment_id,
                invoice_id=invoice_id,
                amount=data.amount,
                applied=applied,
                excess=excess,
                paid_on=data.paid_on,
                reference=data.reference,
            )

        return await self.ledger.run(work)

    async def import_payments_csv(self, text: str, *, actor: str) -> list[CsvImportRow]:
        """Rows ``numero_facture;montant;date_paiement;reference`` (French amounts, ISO or JJ/MM/AAAA dates).
        Each row is its own transaction keyed by its reference: importing a file twice pays nothing twice."""
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";")
        expected = {"numero_facture", "montant", "date_paiement", "reference"}
        if reader.fieldnames is None or not expected <= {f.strip().lower() for f in reader.fieldnames}:
            raise InvalidInput(
                "En-tête attendu : numero_facture;montant;date_paiement;reference.", code="bad_csv_header"
            )
        report: list[CsvImportRow] = []
        for line, raw in enumerate(reader, start=2):
            row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            number, reference = row["numero_facture"], row["reference"]
            try:
                paid_on = _parse_date(row["date_paiement"])
                amount = parse_eur(row["montant"])
                if amount <= 0 or not reference:
                    raise ValueError("montant ou référence invalide")
                invoice_id = await self._find_outside(number)
                view = await self.record_payment(
                    invoice_id,
                    PaymentIn(amount=amount, paid_on=paid_on, reference=reference),
                    key=f"csv:{reference}",
                    actor=actor,
                    source="csv",
                )
                report.append(
                    CsvImportRow(
                        line=line,
                        reference=reference,
                        invoice_number=number,
                        status="replayed" if view.replayed else "applied",
                    )
                )
            except (ValueError, NotFound, Conflict) as exc:
                detail = exc.detail if isinstance(exc, NotFound | Conflict) else str(exc)
                report.append(
                    CsvImportRow(
                        line=line, reference=reference, invoice_number=number, status="error", detail=detail
                    )
                )
        return report

    async def _find_outside(self, number: str) -> str:
        return await self.ledger.run(lambda: self._find(number))

    async def _find(self, number: str) -> str:
        invoice = await self.repo.invoice_by_number(number)
        if invoice is None:
            raise NotFound(f"Facture {number} introuvable.", code="invoice_not_found")
        return str(invoice["id"])

    async def write_off(self, invoice_id: str, *, key: str, actor: str) -> JournalResult:
        """Declare what remains due uncollectible (admission en non-valeur)."""

        async def work() -> JournalResult:
            await self.ledger.repo.lock_head()
            invoice = await self._issued_invoice(invoice_id)
            ref = f"write_off:{invoice_id}"
            journal_key = f"write_off:{key}"
            done = (await self.ledger.repo.journals_by_key([journal_key])).get(journal_key)
            if done is not None:  # a retried write-off: the same journal, nothing new
                if done["status"] == "applied" and await self.repo.journal_has_ref(int(done["seq"]), ref):
                    return JournalResult(
                        idempotency_key=journal_key, seq=int(done["seq"]), status="applied", replayed=True
                    )
                raise Conflict(
                    "Cette clé d'idempotence a déjà servi pour une autre écriture.",
                    code="idempotency_key_reused",
                )
            due = await self._due(invoice_id)
            if due == 0:
                raise Conflict("Rien n'est dû sur cette facture.", code="nothing_due")
            result = self._check(
                await self.ledger.post_locked(
                    [
                        Posting(
                            command=PostJournal(
                                idempotency_key=journal_key,
                                kind="invoice.write_off",
                                effective_date=today_of(self.ledger.clock()),
                                legs=(
                                    Leg(
                                        code=T.WRITE_OFF,
                                        debit=accounts.BAD_DEBT.id,
                                        credit=accounts.receivable(invoice_id).id,
                                        amount=due,
                                        business_ref=ref,
                                    ),
                                ),
                            ),
                            opens=(accounts.BAD_DEBT,),
                        )
                    ],
                    actor=actor,
                )
            )
            if not result.replayed:
                await self.repo.set_status(invoice["id"], "written_off")
            return result

        return await self.ledger.run(work)


def _parse_date(text: str) -> str:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"date invalide : {text!r}")
