"""Recording charges in large batches, as the subscriptions send a month: idempotent by
``source_ref`` across and inside a call, a conflicting content anywhere refuses the whole call."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from store.billing.schemas import ChargeIn
from store.billing.split import CoPayer
from store.kit.errors import Conflict, InvalidInput
from tests.billing.support import AMBERIEU, BOURG
from tests.billing.test_billing import PERIOD, seed

BATCH = 12_500  # above the 10 000 keys or rows of one statement, and far above an IN list


def charge(i: int, *, amount: int | None = None, tag: str = "") -> ChargeIn:
    shared = i % 7 == 0
    return ChargeIn(
        source_ref=f"abonnement:{i:06d}:2026-10 « été »{tag}",
        payer_siren=BOURG if i % 2 else AMBERIEU,
        amount_ht=amount if amount is not None else 1_000 + i * 37,
        vat_rate_bp=2000 if i % 3 else 550,
        description=f'Service n°{i % 40} — "octobre" 2026',
        period=PERIOD,
        grant_id="AAP-2026" if i % 5 == 0 else None,
        co_payers=(CoPayer(BOURG, 3), CoPayer(AMBERIEU, 1 + i)) if shared else (),
        publisher_siren="123456782" if i % 4 else None,
    )


async def test_a_large_batch_is_recorded_once_and_replays_as_a_no_op(state: Any) -> None:
    await seed(state)
    billing = state.billing
    batch = [charge(i) for i in range(BATCH)]
    assert await billing.add_charges([*batch, batch[3], batch[-1]]) == BATCH  # repeats inside: once
    assert await billing.add_charges(list(reversed(batch))) == 0  # stored content compares equal
    more = [charge(i) for i in range(BATCH - 100, BATCH + 50)]
    assert await billing.add_charges(more) == 50
    assert await billing.add_charges([*batch, *more]) == 0


async def test_one_conflicting_charge_refuses_the_whole_large_batch(state: Any) -> None:
    await seed(state)
    billing = state.billing
    stored = [charge(i) for i in range(0, BATCH, 3)]
    assert await billing.add_charges(stored) == len(stored)
    fresh = [charge(i) for i in range(BATCH) if i % 3]
    changed = charge(BATCH - 1 - (BATCH - 1) % 3, amount=1)  # stored with another amount

    with pytest.raises(Conflict) as refused:
        await billing.add_charges([*stored, *fresh, changed])
    assert refused.value.code == "charge_conflict"
    assert changed.source_ref in refused.value.detail

    twice = charge(BATCH + 1, tag=" bis")
    with pytest.raises(Conflict) as inside:  # the same ref twice in one call with two contents
        await billing.add_charges([*fresh, twice, charge(BATCH + 1, amount=5, tag=" bis")])
    assert inside.value.code == "charge_conflict"

    with pytest.raises(InvalidInput) as unknown:
        await billing.add_charges([*fresh, msgspec.structs.replace(charge(BATCH + 2), grant_id="NOPE")])
    assert unknown.value.code == "grant_unknown"

    # nothing of the refused calls was written: every fresh charge is still new
    assert await billing.add_charges([*fresh, twice]) == len(fresh) + 1
    assert await billing.add_charges([*stored, *fresh, twice]) == 0
