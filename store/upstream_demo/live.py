"""A second, live consultation left in its regroupement phase, for the demo's visitors to carry on.

The 2021 replay ends in its déploiement phase: nothing is left to merge, vote or decide there. This
one has its collecte closed and a dozen contributions waiting, so that in the browser the demo
curator regroups them, opens the vote, the demo agents vote, and the curator decides, reviews
positionings and follows the deployment, phase after phase.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from catalogue.needs.phases import PHASE_ORDER
from catalogue.needs.schemas import ConsultationCreate, ContributionCreate, PhaseInput
from store.kit.auth import Actor
from store.upstream_demo import scenario
from store.upstream_demo.replay import Replay

LIVE_SLUG = "services-petites-communes-2022"
LIVE_DAYS = [20, 14, 21, 14, 30, 180, 30]
"""Collecte (20 days ago, closed), regroupement (open for 14 days from its switch), vote…"""


async def seed_live(
    state: Any, rng: random.Random, curator: Actor, pool: list[dict[str, Any]], agents: dict[str, Actor]
) -> int:
    """Create the live consultation (once); returns how many contributions wait for regroupement."""
    if await state.consultations.repo.consultation_by_slug(LIVE_SLUG) is not None:
        return 0
    real_clock = state.consultations.clock
    clock = Replay(real_clock() - dt.timedelta(days=LIVE_DAYS[0] + 1))
    state.consultations.clock = clock
    try:
        ends, total = [], 0
        for days in LIVE_DAYS:
            total += days
            ends.append(clock() + dt.timedelta(days=total))
        view = await state.consultations.create(
            curator,
            ConsultationCreate(
                slug=LIVE_SLUG,
                title="Services numériques des petites communes",
                summary="Une consultation en cours : les contributions attendent leur regroupement.",
                description=(
                    "Consultation de démonstration à poursuivre dans le navigateur : regroupement par la "
                    "curatrice, vote des collectivités, sélection, positionnement et déploiement."
                ),
                starts_at=clock(),
                phases=[PhaseInput(kind=k.value, ends_at=e) for k, e in zip(PHASE_ORDER, ends, strict=True)],
                vote_limit=3,
                envelope_code="relance-axe-1",
                default_pilot_capacity=2,
            ),
        )
        await state.consultations.publish(curator, view.id)
        communes = [r for r in pool if r["kind"] == "commune"]
        count = 0
        for title, theme in scenario.LIVE_NEEDS:
            for author in rng.sample(communes, rng.choice([1, 1, 2])):
                clock.at(0.5)
                await state.contributions.submit(
                    agents[author["siren"]],
                    view.id,
                    ContributionCreate(
                        collectivite_siren=author["siren"],
                        kind="besoin",
                        title=f"{title} ({author['name']})"[:200],
                        body=f"{author['name']} souhaite : {title.lower()}.",
                        thematique=theme,
                    ),
                )
                count += 1
        clock.now = real_clock() - dt.timedelta(days=1)
        await state.consultations.advance(curator, view.id, "regroupement")
        return count
    finally:
        state.consultations.clock = real_clock
