"""The ledger accounts billing and funding post to, named once."""

from __future__ import annotations

from store.billing.ledger.codes import AccountCode as A
from store.billing.ledger.schemas import AccountRef

CLEARING = AccountRef(A.INVOICE_CLEARING, "invoices")
REVENUE = AccountRef(A.PLATFORM_REVENUE, "platform")
VAT = AccountRef(A.VAT_COLLECTED, "vat")
BANK = AccountRef(A.BANK, "bank")
BAD_DEBT = AccountRef(A.BAD_DEBT, "platform")


def receivable(invoice_id: str) -> AccountRef:
    return AccountRef(A.RECEIVABLE_INVOICE, f"invoice:{invoice_id}")


def wallet(siren: str) -> AccountRef:
    return AccountRef(A.PAYER_WALLET, f"payer:{siren}")


def payable(siren: str) -> AccountRef:
    return AccountRef(A.PROVIDER_PAYABLE, f"publisher:{siren}")


def budget_source(programme: str) -> AccountRef:
    return AccountRef(A.BUDGET_SOURCE, f"programme:{programme}")


def envelope(ref: str) -> AccountRef:
    return AccountRef(A.ENVELOPE_AVAILABLE, f"envelope:{ref}")


def guichet(envelope_ref: str, departement: str) -> AccountRef:
    return AccountRef(A.GUICHET_AVAILABLE, f"guichet:{envelope_ref}:{departement}")


def commitment(grant_id: str) -> AccountRef:
    return AccountRef(A.COMMITMENT, f"grant:{grant_id}")


def consumed(envelope_ref: str, year: int) -> AccountRef:
    return AccountRef(A.CONSUMED, f"envelope:{envelope_ref}:{year}")
