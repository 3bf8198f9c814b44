"""Billing tables: the double-entry ledger (accounts, journals, transfers, chain head, periods) and
the billing objects that post to it (grants, charges, runs, invoices and credit notes, payments).

Portable column types only: ids are text UUIDs, money is ``BigInt`` cents (never ``Numeric``: Piccolo
turns it into float on SQLite), instants are integer microseconds since the epoch (UTC), business
dates are ISO ``YYYY-MM-DD`` text. CHECKs, append-only triggers and partial unique indexes are in
the hand-written ``*_constraints`` migration.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Integer, SmallInt, Text, Varchar
from piccolo.table import Table


class LedgerAccount(Table, tablename="ledger_account"):
    id = Varchar(length=36, primary_key=True)
    ledger = SmallInt()
    code = SmallInt(index=True)
    owner_ref = Varchar(length=200)
    flags = SmallInt(default=0)
    debits_pending = BigInt(default=0)
    debits_posted = BigInt(default=0)
    credits_pending = BigInt(default=0)
    credits_posted = BigInt(default=0)
    created_at_us = BigInt()


class LedgerChainHead(Table, tablename="ledger_chain_head"):
    """One row: the last journal's sequence number and hash. Locking it serialises writers."""

    id = SmallInt(primary_key=True)
    seq = BigInt()
    hash = Varchar(length=64)
    recorded_at_us = BigInt()


class LedgerJournal(Table, tablename="ledger_journal"):
    """One command: atomic, idempotent, hash-chained. Rejections are journaled too."""

    id = Varchar(length=36, primary_key=True)
    seq = BigInt(unique=True)
    idempotency_key = Varchar(length=255, unique=True)
    request_hash = Varchar(length=64)
    kind = Varchar(length=60)
    status = Varchar(length=10)
    actor = Varchar(length=200)
    result = Text()
    effective_date = Varchar(length=10)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64, unique=True)
    recorded_at_us = BigInt()


class LedgerTransfer(Table, tablename="ledger_transfer"):
    """One immutable leg: a debit and a credit of the same amount on the same ledger."""

    id = Varchar(length=36, primary_key=True)
    journal_seq = BigInt(index=True)
    leg = Integer()
    ledger = SmallInt()
    code = SmallInt()
    kind = SmallInt()
    debit_account_id = Varchar(length=36, index=True)
    credit_account_id = Varchar(length=36, index=True)
    amount = BigInt()
    pending_id = Varchar(length=36, null=True, default=None)
    timeout_at_us = BigInt(null=True, default=None)
    business_ref = Varchar(length=200, index=True)
    effective_date = Varchar(length=10)
    recorded_at_us = BigInt()


class LedgerPeriod(Table, tablename="ledger_period"):
    """A closed month: frozen (no posting dated in it) and sealed by a ``period.close`` journal."""

    period = Varchar(length=7, primary_key=True)
    status = Varchar(length=10)
    seal_seq = BigInt()
    closed_at_us = BigInt()
    closed_by = Varchar(length=200)


class BillingGrant(Table, tablename="billing_grant"):
    """A co-funding rule: which commitment pays, at which rate, on which base (HT or TTC)."""

    id = Varchar(length=100, primary_key=True)
    label = Varchar(length=200)
    funder_siren = Varchar(length=9)
    funder_name = Varchar(length=200)
    envelope_ref = Varchar(length=100)
    cap_bp = Integer()
    base = Varchar(length=3)
    created_at_us = BigInt()


class BillingCharge(Table, tablename="billing_charge"):
    """What the billing run invoices: one payer (or co-payers), an HT amount, a VAT rate, a period."""

    id = Varchar(length=36, primary_key=True)
    source_ref = Varchar(length=200, unique=True)
    payer_siren = Varchar(length=9, index=True)
    payers = Text()
    """JSON ``[[siren, weight], …]``: the co-payers sharing what the grant does not pay."""
    amount_ht = BigInt()
    vat_rate_bp = Integer()
    description = Text()
    period = Varchar(length=7, index=True)
    grant_id = Varchar(length=100, null=True, default=None)
    publisher_siren = Varchar(length=9, null=True, default=None)
    status = Varchar(length=12)
    """``pending`` or ``blocked`` (``block_reason``, e.g. ``grant_exhausted``). A pending charge that an
    invoice line refers to is invoiced (its invoice is issued once the line's run is done): the run
    never rewrites every charge it takes."""
    block_reason = Varchar(length=200, default="")
    run_id = Varchar(length=36, null=True, default=None, index=True)
    created_at_us = BigInt()


class BillingRun(Table, tablename="billing_run"):
    """One billing run per period: planned in one transaction, then issued batch by batch."""

    id = Varchar(length=36, primary_key=True)
    period = Varchar(length=7, unique=True)
    status = Varchar(length=12)
    issue_date = Varchar(length=10)
    counts = Text(default="{}")
    created_at_us = BigInt()
    finished_at_us = BigInt(null=True, default=None)


class BillingInvoice(Table, tablename="billing_invoice"):
    """An invoice or a credit note (avoir). Issued ones are immutable (trigger); only status moves."""

    id = Varchar(length=36, primary_key=True)
    kind = Varchar(length=12)
    run_id = Varchar(length=36, null=True, default=None, index=True)
    issuer_siren = Varchar(length=9)
    payer_siren = Varchar(length=9, index=True)
    payer_name = Varchar(length=200)
    series = Varchar(length=4)
    year = Integer()
    seq = Integer(null=True, default=None)
    number = Varchar(length=20, null=True, default=None)
    status = Varchar(length=12)
    period = Varchar(length=7)
    total_ht = BigInt()
    total_vat = BigInt()
    total_ttc = BigInt()
    issue_date = Varchar(length=10, null=True, default=None)
    due_date = Varchar(length=10, null=True, default=None)
    corrects_id = Varchar(length=36, null=True, default=None, index=True)
    reason = Text(default="")
    buyer_service_code = Varchar(length=100, default="")
    buyer_engagement = Varchar(length=50, default="")
    journal_seq = BigInt(null=True, default=None)
    created_at_us = BigInt()


class BillingInvoiceLine(Table, tablename="billing_invoice_line"):
    id = Varchar(length=36, primary_key=True)
    invoice_id = Varchar(length=36, index=True)
    position = Integer()
    charge_id = Varchar(length=36, null=True, default=None, index=True)
    description = Text()
    amount_ht = BigInt()
    vat_rate_bp = Integer()
    role = Varchar(length=10)
    """``funder`` (the grant's share) or ``payer`` (a co-payer's share)."""
    grant_id = Varchar(length=100, null=True, default=None)
    publisher_siren = Varchar(length=9, null=True, default=None)
    split = Text(default="[]")
    """JSON: the whole split of the charge, so every payer sees who pays what."""
    corrects_line_id = Varchar(length=36, null=True, default=None)
    """On a credit note: the invoice line it reduces."""


class BillingSequence(Table, tablename="billing_sequence"):
    """Gapless counters per (series, issuer, year), moved only inside the issuing transaction."""

    key = Varchar(length=40, primary_key=True)
    last = Integer()


class BillingPayment(Table, tablename="billing_payment"):
    id = Varchar(length=36, primary_key=True)
    idempotency_key = Varchar(length=255, unique=True)
    invoice_id = Varchar(length=36, index=True)
    amount = BigInt()
    applied = BigInt()
    excess = BigInt()
    paid_on = Varchar(length=10)
    reference = Varchar(length=100)
    source = Varchar(length=10)
    journal_seq = BigInt()
    created_at_us = BigInt()


LEDGER_TABLES: list[type[Table]] = [
    LedgerAccount,
    LedgerChainHead,
    LedgerJournal,
    LedgerTransfer,
    LedgerPeriod,
]
BILLING_TABLES: list[type[Table]] = [
    BillingGrant,
    BillingCharge,
    BillingRun,
    BillingInvoice,
    BillingInvoiceLine,
    BillingSequence,
    BillingPayment,
]
