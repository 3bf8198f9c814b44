"""What an invoice (or a credit note) adds up to, and where its money goes in the ledger.

VAT is computed per rate on the invoice's HT base (EN 16931 BR-CO-17/BR-S-09), then attributed to
each funding bucket (a grant, or the payer's own share) by largest remainder over the HT amounts, so
that the budget consumption of a grant is exactly what its funder is invoiced for, TTC (invariant S3).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import msgspec

from store.kit.money import BASIS_POINTS, allocate, vat_cents

OWN = ""


class LineAmount(msgspec.Struct, frozen=True):
    amount_ht: int
    vat_rate_bp: int
    grant_id: str | None = None
    publisher_siren: str | None = None


class InvoiceAmounts(msgspec.Struct, frozen=True, kw_only=True):
    total_ht: int
    total_vat: int
    total_ttc: int
    vat_breakdown: list[tuple[int, int, int]]
    """``(rate_bp, base_ht, vat)`` per rate, ascending."""
    by_grant: dict[str, int]
    """TTC each grant pays on this document (its budget consumption)."""
    own_ttc: int
    payables: dict[str, int]
    """HT owed to each publisher, platform fee deducted."""
    revenue: int
    """HT kept by the platform (fees, and lines without a publisher)."""


def invoice_amounts(lines: Iterable[LineAmount], fee_bp: int) -> InvoiceAmounts:
    lines = list(lines)
    by_rate: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_publisher: dict[str, int] = defaultdict(int)
    revenue = 0
    for line in lines:
        by_rate[line.vat_rate_bp][line.grant_id or OWN] += line.amount_ht
        if line.publisher_siren:
            by_publisher[line.publisher_siren] += line.amount_ht
        else:
            revenue += line.amount_ht
    breakdown: list[tuple[int, int, int]] = []
    buckets: dict[str, int] = defaultdict(int)
    for rate in sorted(by_rate):
        shares = by_rate[rate]
        base = sum(shares.values())
        vat = vat_cents(base, rate)
        breakdown.append((rate, base, vat))
        keys = sorted(shares)
        if base:
            for key, part in zip(keys, allocate(vat, [shares[k] for k in keys], keys), strict=True):
                buckets[key] += shares[key] + part
        else:
            for key in keys:
                buckets[key] += 0
    payables = {}
    for publisher, amount in sorted(by_publisher.items()):
        fee = amount * fee_bp // BASIS_POINTS
        payables[publisher] = amount - fee
        revenue += fee
    total_ht = sum(b for _, b, _ in breakdown)
    total_vat = sum(v for _, _, v in breakdown)
    by_grant = {k: v for k, v in sorted(buckets.items()) if k != OWN and v}
    result = InvoiceAmounts(
        total_ht=total_ht,
        total_vat=total_vat,
        total_ttc=total_ht + total_vat,
        vat_breakdown=breakdown,
        by_grant=by_grant,
        own_ttc=total_ht + total_vat - sum(by_grant.values()),
        payables={k: v for k, v in payables.items() if v},
        revenue=revenue,
    )
    assert result.own_ttc >= 0
    assert sum(result.payables.values()) + result.revenue + result.total_vat == result.total_ttc
    return result
