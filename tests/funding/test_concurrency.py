"""Parallel awards on a small envelope never over-commit it (run it on PostgreSQL too:
TSTEST_DATABASE=postgres), and two keys racing on one application award it once."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from catalogue.funding.schemas import AmountIn, AwardIn, EnvelopeIn
from store.kit.auth import Actor, MandateInfo
from store.kit.errors import Conflict
from store.kit.settings import Settings
from tests.funding.support import M, application, build_plan, key, national_call
from tests.support.registry import METROPOLE_DE_LYON

LYON_AGENT = Actor(
    account_id="00000000-0000-0000-0000-000000000001",
    display_name="Agent de la Métropole",
    mandates=(MandateInfo("collectivite", METROPOLE_DE_LYON, "Métropole de Lyon", "agent"),),
)
SMALL = 10 * M // 100
"""100 000 €: room for exactly three awards of 30 000 €."""
AWARD = 3 * M // 100
ROOT = Path(__file__).resolve().parents[2]


async def eligible_applications(state: Any, n: int) -> list[int]:
    await build_plan(state.funding)
    await state.funding.create_envelope(
        None, EnvelopeIn(code="petit", label="Petite enveloppe", kind="part", parent_code="relance-axe-2")
    )
    await state.funding.allocate(None, "petit", AmountIn(amount_cents=SMALL), key=key())
    call_id = await national_call(state.funding, envelope="petit", slug="aap-petit")
    ids = []
    for _ in range(n):
        made = await state.funding.apply(
            LYON_AGENT, call_id, application(METROPOLE_DE_LYON, budget=M, requested=AWARD)
        )
        await state.funding.check_eligibility(None, made.id)
        ids.append(made.id)
    return ids


async def test_parallel_awards_never_over_commit(state: Any) -> None:
    ids = await eligible_applications(state, 8)

    async def award(application_id: int) -> str:
        try:
            await state.funding.award(None, application_id, AwardIn(amount_cents=AWARD), key=key("award"))
        except Conflict as exc:
            return exc.code
        return "awarded"

    outcomes = await asyncio.gather(*(award(i) for i in ids))
    assert sorted(outcomes) == ["awarded"] * 3 + ["envelope_exhausted"] * 5
    rows = {r.code: r for r in await state.funding.tree()}
    petit = rows["petit"].figures
    assert petit.committed == 3 * AWARD
    assert petit.available == SMALL - 3 * AWARD >= 0
    assert petit.allocated == petit.reserved + petit.committed + petit.available
    awarded = [
        a
        for a in await state.funding.call_applications(None, (await state.funding.list_calls())[0].id)
        if a.state == "awarded"
    ]
    assert len(awarded) == 3


async def test_racing_keys_award_one_application_once(state: Any) -> None:
    [application_id] = await eligible_applications(state, 1)

    async def award(k: str) -> str:
        try:
            await state.funding.award(None, application_id, AwardIn(amount_cents=AWARD), key=k)
        except Conflict as exc:
            return exc.code
        return "awarded"

    outcomes = await asyncio.gather(*(award(key("race")) for _ in range(5)))
    assert sorted(outcomes) == ["awarded"] + ["not_awardable"] * 4
    assert {r.code: r for r in await state.funding.tree()}["petit"].figures.committed == AWARD


async def test_separate_processes_awarding_at_once_never_over_commit(state: Any, settings: Settings) -> None:
    """Four OS processes award three applications each on an envelope that holds three awards."""
    ids = await eligible_applications(state, 12)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.funding.award_worker",
                settings.database_url,
                str(w),
                str(AWARD),
                ",".join(str(i) for i in ids[w::4]),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(4)
    ]
    outcomes: Counter[str] = Counter()
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outcomes.update(json.loads(out.strip().splitlines()[-1]))
    assert outcomes == {"awarded": 3, "envelope_exhausted": 9}
    petit = {r.code: r for r in await state.funding.tree()}["petit"].figures
    assert (petit.committed, petit.available) == (3 * AWARD, SMALL - 3 * AWARD)
