"""Billing invariants (S4/S5), checked next to the ledger's by ``ledger verify``."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from store.billing import accounts
from store.billing.amounts import LineAmount, invoice_amounts
from store.billing.ledger.verify import CheckResult, _Collector


def verify_documents(
    documents: list[dict[str, Any]],
    lines: list[dict[str, Any]],
    receivables: dict[str, dict[str, Any]],
    fee_bp: int,
) -> list[CheckResult]:
    c = _Collector()
    by_doc: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in lines:
        by_doc[line["invoice_id"]].append(line)
    series: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    credited: dict[str, int] = defaultdict(int)
    credited_lines: dict[str, int] = defaultdict(int)
    line_amounts = {ln["id"]: ln["amount_ht"] for ln in lines}
    for doc in documents:
        a = invoice_amounts(
            (
                LineAmount(ln["amount_ht"], ln["vat_rate_bp"], ln["grant_id"], ln["publisher_siren"])
                for ln in by_doc[doc["id"]]
            ),
            fee_bp,
        )
        label = doc["number"]
        c.check(
            "totals",
            (a.total_ht, a.total_vat, a.total_ttc) == (doc["total_ht"], doc["total_vat"], doc["total_ttc"]),
            f"{label} : totaux ≠ lignes (TVA par taux)",
        )
        c.check("totals", doc["journal_seq"] is not None, f"{label} : émis sans écriture au grand livre")
        series[(doc["issuer_siren"], doc["series"], int(doc["year"]))].append(int(doc["seq"]))
        c.check(
            "numbering",
            doc["number"] == f"{doc['series']}-{doc['year']}-{int(doc['seq']):06d}",
            f"{label} : numéro mal formé",
        )
        if doc["kind"] == "credit_note":
            credited[doc["corrects_id"]] += doc["total_ht"]
            for ln in by_doc[doc["id"]]:
                credited_lines[ln["corrects_line_id"]] += ln["amount_ht"]
            continue
        account = receivables.get(accounts.receivable(doc["id"]).id)
        due = account["debits_posted"] - account["credits_posted"] if account else None
        c.check(
            "receivables",
            account is not None and account["debits_posted"] == doc["total_ttc"],
            f"{label} : créance ≠ TTC",
        )
        settled = doc["status"] in ("paid", "credited", "written_off")
        c.check(
            "receivables",
            due is not None and (due == 0) == settled,
            f"{label} : statut {doc['status']} mais reste dû {due}",
        )
    for key, seqs in series.items():
        c.check(
            "numbering",
            sorted(seqs) == list(range(1, len(seqs) + 1)),
            f"série {key} : numérotation non continue",
        )
    totals = {d["id"]: d["total_ht"] for d in documents if d["kind"] == "invoice"}
    for invoice_id, amount in credited.items():
        c.check(
            "credit_notes", amount <= totals.get(invoice_id, -1), f"facture {invoice_id} : avoirs > facture"
        )
    for line_id, amount in credited_lines.items():
        c.check("credit_notes", amount <= line_amounts.get(line_id, -1), f"ligne {line_id} : avoirs > ligne")
    return [
        c.result("totals", "S4", "Factures et avoirs : totaux HT/TVA/TTC = lignes, écriture au grand livre"),
        c.result("numbering", "S4", "Numérotation continue par émetteur, série et année"),
        c.result("receivables", "S4/S6", "Créance par facture = TTC ; statut payé ⇔ reste dû nul"),
        c.result("credit_notes", "S5", "Avoirs jamais supérieurs à la facture ni à une ligne"),
    ]
