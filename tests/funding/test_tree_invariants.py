"""Hypothesis: whatever sequence of allocations, reservations, awards and payments a curator tries
(refused ones included), no envelope of the tree ever goes below zero, every node's allocation equals
what it reserved, committed and still holds (over its subtree), and consumption never exceeds
commitments."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalogue.funding.schemas import AmountIn, AwardIn, CallIn, EnvelopeIn, EnvelopeKind, PaymentIn
from store.kit.errors import Conflict
from tests.funding.support import application
from tests.funding.test_concurrency import LYON_AGENT
from tests.support.registry import METROPOLE_DE_LYON

_run = itertools.count()
NODES = ("axe", "guichet", "labo")
PARENT = {"axe": "plan", "guichet": "axe", "labo": "guichet"}
amounts = st.integers(min_value=1, max_value=400)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("allocate"), st.sampled_from(NODES), amounts),
        st.tuples(st.just("reserve"), st.sampled_from(NODES), amounts),
        st.tuples(st.just("award"), st.sampled_from(NODES), amounts),
        st.tuples(st.just("pay"), st.sampled_from(NODES), amounts),
    ),
    max_size=12,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations)
async def test_the_tree_holds_whatever_is_tried(state: Any, ops: list[tuple[str, str, int]]) -> None:
    funding = state.funding
    run = next(_run)
    code = {n: f"t{run}-{n}" for n in ("plan", *NODES)}
    await funding.create_envelope(
        None, EnvelopeIn(code=code["plan"], label="Plan", kind="plan", programme="P")
    )
    for node in NODES:
        kind: EnvelopeKind = "axe" if node == "axe" else "part"
        await funding.create_envelope(
            None, EnvelopeIn(code=code[node], label=node.title(), kind=kind, parent_code=code[PARENT[node]])
        )
    await funding.fund(None, code["plan"], AmountIn(amount_cents=1000), key=f"t{run}-fund")
    today = funding.today()
    calls = {}
    for node in NODES:
        made = await funding.create_call(
            None,
            CallIn(
                slug=f"t{run}-{node}",
                title="Appel de test",
                envelope_code=code[node],
                opens_on=today,
                closes_on=today,
                max_rate_bp=10_000,
            ),
        )
        calls[node] = made.id
    awarded: dict[str, list[int]] = {n: [] for n in NODES}
    refusals: set[str] = set()
    for step, (op, node, amount) in enumerate(ops):
        key = f"t{run}-{step}"
        try:
            if op == "allocate":
                await funding.allocate(None, code[node], AmountIn(amount_cents=amount), key=key)
            elif op == "reserve":
                await funding.reserve(
                    envelope_code=code[node],
                    amount_cents=amount,
                    idempotency_key=key,
                    reference="proposal:1",
                    label="Sélection",
                )
            elif op == "award":
                made = await funding.apply(
                    LYON_AGENT, calls[node], application(METROPOLE_DE_LYON, budget=amount, requested=amount)
                )
                await funding.check_eligibility(None, made.id)
                await funding.award(None, made.id, AwardIn(amount_cents=amount), key=key)
                awarded[node].append(made.id)
            elif awarded[node]:
                await funding.pay(
                    None, awarded[node][-1], PaymentIn(amount_cents=amount, paid_on=today), key=key
                )
        except Conflict as exc:
            refusals.add(exc.code)
    assert refusals <= {"envelope_exhausted", "exceeds_award"}
    rows = {r.code: r for r in await funding.tree()}
    for node in ("plan", *NODES):
        row = rows[code[node]]
        f = row.figures
        assert min(f.allocated, f.reserved, f.committed, f.consumed, f.available, row.own.available) >= 0
        assert f.allocated == f.reserved + f.committed + f.available
        assert f.consumed <= f.committed
    assert rows[code["plan"]].figures.allocated == 1000
