"""Co-funding split of one charge: the funder's share (capped) and the co-payers' shares.

Policy, tested by property tests (tests/billing/test_money.py):
* Every amount is integer cents HT; shares are HT line amounts, VAT is computed per invoice.
* The funder (State envelope, departmental guichet) pays ``floor(cap × base)``: never above its
  rate. The base is a setting of the grant: ``ht`` caps the HT share exactly; ``ttc`` caps the
  funder's share *including VAT at the charge's rate* by ``floor(cap × TTC of the charge)``, and
  the HT share is the largest amount whose TTC stays under that limit. Rounding always favours
  the funder's cap; the cents go to the co-payers.
* The rest is split among the co-payers by largest remainder over their integer weights
  (population, equal shares, negotiated basis points), ties broken by SIREN: the sum is exact,
  each share is within one cent of its exact value and the result does not depend on input order.
"""

from __future__ import annotations

from typing import Literal

import msgspec

from store.kit.money import BASIS_POINTS, Cents, allocate, ttc_cents

GrantBase = Literal["ht", "ttc"]


class CoPayer(msgspec.Struct, frozen=True):
    siren: str
    weight: int


class Split(msgspec.Struct, frozen=True):
    funder_ht: Cents
    payers: dict[str, Cents]

    @property
    def total(self) -> Cents:
        return self.funder_ht + sum(self.payers.values())


def funder_share(amount_ht: Cents, vat_rate_bp: int, cap_bp: int, base: GrantBase) -> Cents:
    """The funder's HT share of a charge: never above ``cap_bp`` of the chosen base."""
    if not 0 <= cap_bp <= BASIS_POINTS:
        raise ValueError("cap must be within 0..10000 basis points")
    if amount_ht < 0:
        raise ValueError("amount must not be negative")
    if base == "ht":
        return amount_ht * cap_bp // BASIS_POINTS
    limit = ttc_cents(amount_ht, vat_rate_bp) * cap_bp // BASIS_POINTS
    share = min(amount_ht, limit * BASIS_POINTS // (BASIS_POINTS + vat_rate_bp))
    while share < amount_ht and ttc_cents(share + 1, vat_rate_bp) <= limit:
        share += 1
    while share > 0 and ttc_cents(share, vat_rate_bp) > limit:
        share -= 1
    return share


def split_charge(
    amount_ht: Cents,
    vat_rate_bp: int,
    payers: list[CoPayer],
    *,
    cap_bp: int = 0,
    base: GrantBase = "ht",
) -> Split:
    """Split a charge between an optional funder (``cap_bp`` > 0) and weighted co-payers."""
    if not payers:
        raise ValueError("at least one payer")
    funder = funder_share(amount_ht, vat_rate_bp, cap_bp, base) if cap_bp else 0
    keys = [p.siren for p in payers]
    shares = allocate(amount_ht - funder, [p.weight for p in payers], keys)
    split = Split(funder_ht=funder, payers=dict(zip(keys, shares, strict=True)))
    assert split.total == amount_ht
    return split
