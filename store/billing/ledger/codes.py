"""Ledger vocabulary: ledgers, account codes, transfer codes and kinds, flags (TigerBeetle model).

Account balances are four counters; a credit-normal account's balance is ``credits − debits``, a
debit-normal one's ``debits − credits``. Flags are enforced in code under lock *and* by database
CHECK constraints (triggers on SQLite).
"""

from __future__ import annotations

from enum import IntEnum, IntFlag


class Ledger(IntEnum):
    BUDGET = 1
    """Authorisations: envelopes, guichets, reservations, commitments, consumption. Never cash."""
    SETTLEMENT = 2
    """Claims and cash: receivables per invoice, wallets, payables, revenue, VAT, bank."""


class Flag(IntFlag):
    NONE = 0
    DMNEC = 1
    """debits_pending + debits_posted must not exceed credits_posted (credit-normal, bounded)."""
    CMNED = 2
    """credits_pending + credits_posted must not exceed debits_posted (debit-normal, bounded)."""
    CLOSED = 4


class AccountCode(IntEnum):
    BUDGET_SOURCE = 1001
    ENVELOPE_AVAILABLE = 1100
    GUICHET_AVAILABLE = 1150
    COMMITMENT = 1200
    CONSUMED = 1300

    BANK = 2000
    RECEIVABLE_INVOICE = 2100
    PAYER_WALLET = 2120
    PROVIDER_PAYABLE = 2200
    PLATFORM_REVENUE = 2300
    BAD_DEBT = 2400
    VAT_COLLECTED = 2500
    INVOICE_CLEARING = 2900
    EXTERNAL = 2999


ACCOUNT_LEDGER: dict[AccountCode, Ledger] = {
    code: (Ledger.BUDGET if code < 2000 else Ledger.SETTLEMENT) for code in AccountCode
}

ACCOUNT_FLAGS: dict[AccountCode, Flag] = {
    AccountCode.BUDGET_SOURCE: Flag.NONE,
    AccountCode.ENVELOPE_AVAILABLE: Flag.DMNEC,
    AccountCode.GUICHET_AVAILABLE: Flag.DMNEC,
    AccountCode.COMMITMENT: Flag.DMNEC,
    AccountCode.CONSUMED: Flag.DMNEC,
    AccountCode.BANK: Flag.CMNED,
    AccountCode.RECEIVABLE_INVOICE: Flag.CMNED,
    AccountCode.PAYER_WALLET: Flag.DMNEC,
    AccountCode.PROVIDER_PAYABLE: Flag.DMNEC,
    AccountCode.PLATFORM_REVENUE: Flag.NONE,
    AccountCode.BAD_DEBT: Flag.NONE,
    AccountCode.VAT_COLLECTED: Flag.DMNEC,
    AccountCode.INVOICE_CLEARING: Flag.NONE,
    AccountCode.EXTERNAL: Flag.NONE,
}


class TransferCode(IntEnum):
    ENVELOPE_FUND = 101
    ENVELOPE_REDUCE = 102
    GUICHET_DELEGATE = 110
    GUICHET_RETURN = 111
    RESERVE = 120
    RESERVE_POST = 121
    RESERVE_VOID = 122
    RESERVE_EXPIRE = 123
    COMMIT = 130
    DECOMMIT = 132
    CONSUME = 140
    CONSUME_REVERSAL = 141
    CONSUME_HOLD = 142
    """Pending consumption a billing run puts on a grant at planning, posted when the invoice issues."""

    CHARGE_PAYER_SHARE = 201
    CHARGE_TO_PROVIDER = 202
    CHARGE_PLATFORM_FEE = 203
    CHARGE_VAT = 204
    WALLET_APPLIED = 205
    CHARGE_FUNDER_SHARE = 206
    PAYMENT_RECEIVED = 213
    OVERPAYMENT = 214
    PAYOUT = 220
    CN_PREPAYMENT = 230
    CN_POSTPAYMENT_CREDIT = 231
    CN_PROVIDER = 232
    CN_FEE = 233
    CN_VAT = 234
    CN_FUNDER_PREPAYMENT = 236
    CN_FUNDER_POSTPAYMENT = 237
    REFUND = 240
    WRITE_OFF = 250
    OPENING_BALANCE = 290


class Kind(IntEnum):
    SINGLE = 0
    PENDING = 1
    POST = 2
    VOID = 3
    EXPIRE = 4


KIND_NAMES = {k.name.lower(): k for k in Kind}
