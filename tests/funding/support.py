"""A small plan for funding tests: the plan, its three axes, two departmental guichets and the
innovation-lab share of one of them, and a national call at 50 % with the plan's group rule."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from catalogue.funding.rules import AnyOf, MinDepartementsCovered, MinPopulationCovered
from catalogue.funding.schemas import AmountIn, ApplicationIn, CallIn, EnvelopeIn
from catalogue.funding.service import FundingService

M = 100_000_000
"""One million euros, in cents."""
PLAN_RULE = AnyOf(rules=(MinDepartementsCovered(count=1), MinPopulationCovered(population=500_000)))
_keys = itertools.count()


def key(prefix: str = "k") -> str:
    return f"{prefix}-test-{next(_keys):06d}"


async def build_plan(funding: FundingService, *, axis2: int = 24 * M) -> None:
    envelopes = [
        EnvelopeIn(code="relance", label="Plan France Relance", kind="plan", programme="P363"),
        EnvelopeIn(code="relance-axe-1", label="Co-construction", kind="axe", parent_code="relance"),
        EnvelopeIn(code="relance-axe-2", label="Grands projets", kind="axe", parent_code="relance"),
        EnvelopeIn(code="relance-axe-3", label="Guichets déconcentrés", kind="axe", parent_code="relance"),
        EnvelopeIn(
            code="guichet-01",
            label="Guichet de l'Ain",
            kind="guichet",
            parent_code="relance-axe-3",
            departement="01",
        ),
        EnvelopeIn(
            code="guichet-69",
            label="Guichet du Rhône",
            kind="guichet",
            parent_code="relance-axe-3",
            departement="69",
        ),
        EnvelopeIn(
            code="labo-01", label="Laboratoires d'innovation (Ain)", kind="part", parent_code="guichet-01"
        ),
    ]
    for envelope in envelopes:
        await funding.create_envelope(None, envelope)
    await funding.fund(None, "relance", AmountIn(amount_cents=88 * M), key=key())
    for code, amount in [
        ("relance-axe-1", 30 * M),
        ("relance-axe-2", axis2),
        ("relance-axe-3", 34 * M),
        ("guichet-01", M),
        ("guichet-69", 2 * M),
        ("labo-01", M // 4),
    ]:
        await funding.allocate(None, code, AmountIn(amount_cents=amount), key=key())


async def national_call(
    funding: FundingService, *, envelope: str = "relance-axe-2", slug: str = "aap-national"
) -> int:
    today = funding.today()
    call = await funding.create_call(
        None,
        CallIn(
            slug=slug,
            title="Appel à projets national",
            envelope_code=envelope,
            opens_on=today - dt.timedelta(days=10),
            closes_on=today + dt.timedelta(days=30),
            max_rate_bp=5000,
            rules=PLAN_RULE,
        ),
    )
    return call.id


def application(lead: str, *co: str, budget: int = 2 * M, requested: int = M, **extra: Any) -> ApplicationIn:
    return ApplicationIn(
        lead_siren=lead,
        co_applicants=co,
        title="Conseil municipal en ligne mutualisé",
        summary="Un service partagé de séances en ligne.",
        contact_name="Camille Martin",
        contact_email="camille.martin@example.fr",
        budget_cents=budget,
        requested_cents=requested,
        **extra,
    )
