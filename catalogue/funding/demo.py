"""Demo of the funding side (``tstore seed-funding``): the 88 M€ France Relance plan, its three axes,
departmental guichets with their innovation-lab share, a national call at 50 % for groups covering a
département or 500 000 inhabitants, a guichet reserved to small communes, and applications at every
stage (eligible and awarded with a payment, in review, ineligible and declined).

Amounts follow the plan (30 / 24 / 34 M€, 4 M€ of axis 3 for innovation labs, 297 k€ for the
Puy-de-Dôme). The consultation's selections reserve their funding on axis 1 (``relance-axe-1``):
reservations its seed asked for before this tree existed are replayed from the outbox.

Idempotent: an existing plan, call or application is left as it is. Refused in production.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from catalogue.funding.from_upstream import SelectionFundingRequested
from catalogue.funding.rules import (
    AllOf,
    AnyOf,
    InDepartements,
    KindsAllowed,
    MaxPopulationPerApplicant,
    MinDepartementsCovered,
    MinPopulationCovered,
)
from catalogue.funding.schemas import (
    AmountIn,
    ApplicationIn,
    AwardIn,
    CallIn,
    DeclineIn,
    EnvelopeIn,
    PaymentIn,
    ReviewIn,
)
from catalogue.funding.service import FundingService
from store.kit.auth import Actor, MandateInfo
from store.kit.errors import DomainError
from store.kit.tables import OutboxEvent
from store.registry.tables import Collectivite

K = 100_000
"""One thousand euros, in cents."""
M = 1000 * K
PLAN = "relance"
GUICHETS = {  # département: (label, guichet, innovation-lab share), in cents
    "01": ("Ain", 420 * K, 50 * K),
    "33": ("Gironde", 610 * K, 70 * K),
    "35": ("Ille-et-Vilaine", 480 * K, 60 * K),
    "63": ("Puy-de-Dôme", 297 * K, 40 * K),
    "69": ("Rhône", 550 * K, 60 * K),
}
METROPOLE_DE_LYON = "200046977"
DEPARTEMENT_DE_L_AIN = "220100010"
BOURG_EN_BRESSE = "210100533"
AMBERIEU_EN_BUGEY = "210100046"


def _tree() -> list[tuple[EnvelopeIn, int]]:
    nodes = [
        (
            EnvelopeIn(
                code=PLAN,
                label="Plan France Relance — transformation numérique des collectivités",
                kind="plan",
                programme="P363-France-Relance",
            ),
            88 * M,
        ),
        (
            EnvelopeIn(
                code="relance-axe-1",
                label="Axe 1 — Co-construction de services (consultation)",
                kind="axe",
                parent_code=PLAN,
                position=1,
            ),
            30 * M,
        ),
        (
            EnvelopeIn(
                code="relance-axe-2",
                label="Axe 2 — Appels à projets nationaux (grands projets)",
                kind="axe",
                parent_code=PLAN,
                position=2,
            ),
            24 * M,
        ),
        (
            EnvelopeIn(
                code="relance-axe-3",
                label="Axe 3 — Guichets déconcentrés (petites et moyennes collectivités)",
                kind="axe",
                parent_code=PLAN,
                position=3,
            ),
            34 * M,
        ),
    ]
    for position, (dep, (name, amount, labs)) in enumerate(sorted(GUICHETS.items())):
        nodes.append(
            (
                EnvelopeIn(
                    code=f"guichet-{dep.lower()}",
                    label=f"Guichet départemental — {name}",
                    kind="guichet",
                    parent_code="relance-axe-3",
                    departement=dep,
                    position=position,
                ),
                amount,
            )
        )
        nodes.append(
            (
                EnvelopeIn(
                    code=f"guichet-{dep.lower()}-labo",
                    label=f"Laboratoires d'innovation — {name}",
                    kind="part",
                    parent_code=f"guichet-{dep.lower()}",
                ),
                labs,
            )
        )
    return nodes


def _agent(siren: str, name: str) -> Actor:
    """The collectivité acting in the demo (its demo agent's mandate, without an account session)."""
    return Actor(
        display_name=f"Agent de {name}", mandates=(MandateInfo("collectivite", siren, name, "agent"),)
    )


async def _small_communes(departement: str, count: int) -> list[dict[str, Any]]:
    return list(
        await Collectivite.select(Collectivite.siren, Collectivite.name)
        .where(
            (Collectivite.kind == "commune")
            & (Collectivite.departement_code == departement)
            & (Collectivite.population < 3_500)
            & (Collectivite.active == True)  # noqa: E712
        )
        .order_by(Collectivite.siren)
        .limit(count)
    )


async def replay_reservations(funding: FundingService) -> int:
    """Reserve what committee selections asked for (idempotent by their key); returns how many
    the envelopes now hold that they did not before."""
    rows = await OutboxEvent.select(OutboxEvent.payload).where(
        OutboxEvent.topic == SelectionFundingRequested.topic
    )
    made = 0
    for row in rows:
        payload = row["payload"]
        event = msgspec.json.decode(
            payload if isinstance(payload, str | bytes) else msgspec.json.encode(payload),
            type=SelectionFundingRequested,
        )
        if await funding.repo.reservation_by_key(event.idempotency_key) is not None:
            continue
        try:
            await funding.reserve(
                envelope_code=event.envelope_code,
                amount_cents=event.amount_cents,
                idempotency_key=event.idempotency_key,
                reference=f"proposal:{event.proposal_id}",
                label=f"Sélection : {event.title}",
            )
        except DomainError:
            continue
        made += 1
    return made


async def seed_funding_demo(state: Any) -> dict[str, int]:
    if state.settings.env == "prod":
        raise DomainError("La démonstration ne s'installe pas en production.", code="demo_in_production")
    funding: FundingService = state.funding
    created: dict[str, int] = {}
    if await funding.repo.envelope(PLAN) is None:
        for envelope, amount in _tree():
            await funding.create_envelope(None, envelope)
            key = f"demo:{envelope.code}"
            if envelope.parent_code is None:
                await funding.fund(None, envelope.code, AmountIn(amount_cents=amount), key=key)
            else:
                await funding.allocate(None, envelope.code, AmountIn(amount_cents=amount), key=key)
        created["envelopes"] = len(_tree())
    created["reservations"] = await replay_reservations(funding)

    today = funding.today()
    calls = {
        "aap-grands-projets": CallIn(
            slug="aap-grands-projets",
            title="Appel à projets national — services numériques mutualisés",
            description="Cofinancement de 50 % des projets portés par des groupements couvrant au moins un "
            "département ou 500 000 habitants.",
            envelope_code="relance-axe-2",
            opens_on=today - dt.timedelta(days=30),
            closes_on=today + dt.timedelta(days=60),
            max_rate_bp=5000,
            rules=AnyOf(rules=(MinDepartementsCovered(count=1), MinPopulationCovered(population=500_000))),
        ),
        "guichet-ain-petites-communes": CallIn(
            slug="guichet-ain-petites-communes",
            title="Guichet de l'Ain — petites communes",
            description="Pour les communes de l'Ain de moins de 3 500 habitants.",
            envelope_code="guichet-01",
            opens_on=today - dt.timedelta(days=15),
            closes_on=today + dt.timedelta(days=45),
            max_rate_bp=8000,
            audiences=("commune",),
            rules=AllOf(
                rules=(
                    KindsAllowed(kinds=("commune",)),
                    MaxPopulationPerApplicant(population=3_500),
                    InDepartements(codes=("01",)),
                )
            ),
        ),
    }
    ids: dict[str, int] = {}
    for slug, call in calls.items():
        row = await funding.repo.call_by_slug(slug)
        ids[slug] = row["id"] if row else (await funding.create_call(None, call)).id
        created.setdefault("calls", 0)
        created["calls"] += 0 if row else 1
    if not await funding.repo.applications(call_id=ids["aap-grands-projets"]):
        created["applications"] = await _applications(funding, ids)
    return created


def _application(lead: str, *co: str, title: str, budget: int, requested: int, contact: str) -> ApplicationIn:
    return ApplicationIn(
        lead_siren=lead,
        co_applicants=co,
        title=title,
        summary="Projet de démonstration.",
        contact_name=contact,
        contact_email="contact@demo.territoires-store.fr",
        budget_cents=budget,
        requested_cents=requested,
    )


async def _applications(funding: FundingService, ids: dict[str, int]) -> int:
    national, guichet = ids["aap-grands-projets"], ids["guichet-ain-petites-communes"]
    lyon = await funding.apply(
        _agent(METROPOLE_DE_LYON, "Métropole de Lyon"),
        national,
        _application(
            METROPOLE_DE_LYON,
            title="Serveur vocal interactif métropolitain",
            budget=900 * K,
            requested=450 * K,
            contact="Claire Dubois",
        ),
    )
    await funding.check_eligibility(None, lyon.id)
    await funding.review(
        None, lyon.id, ReviewIn(note="Groupement de plus de 500 000 habitants ; budget détaillé.")
    )
    await funding.award(None, lyon.id, AwardIn(amount_cents=400 * K), key="demo:award:lyon")
    await funding.pay(
        None,
        lyon.id,
        PaymentIn(amount_cents=120 * K, paid_on=funding.today(), reference="Avance 30 %"),
        key="demo:pay:lyon",
    )
    ain = await funding.apply(
        _agent(DEPARTEMENT_DE_L_AIN, "Département de l'Ain"),
        national,
        _application(
            DEPARTEMENT_DE_L_AIN,
            BOURG_EN_BRESSE,
            title="Conseil municipal en ligne pour les communes de l'Ain",
            budget=600 * K,
            requested=300 * K,
            contact="Julien Morel",
        ),
    )
    await funding.check_eligibility(None, ain.id)
    await funding.review(None, ain.id, ReviewIn(note="À compléter : calendrier de déploiement."))
    small = await funding.apply(
        _agent(AMBERIEU_EN_BUGEY, "Ambérieu-en-Bugey"),
        national,
        _application(
            AMBERIEU_EN_BUGEY,
            BOURG_EN_BRESSE,
            title="Orientation des usagers",
            budget=80 * K,
            requested=40 * K,
            contact="Sophie Bernard",
        ),
    )
    await funding.check_eligibility(None, small.id)
    await funding.decline(
        None,
        small.id,
        DeclineIn(
            reason="Le groupement ne couvre ni un département ni 500 000 habitants : "
            "le guichet départemental de l'Ain peut instruire ce projet."
        ),
    )
    count = 3
    for i, commune in enumerate(await _small_communes("01", 2)):
        made = await funding.apply(
            _agent(commune["siren"], commune["name"]),
            guichet,
            _application(
                commune["siren"],
                title=f"Prise de rendez-vous en ligne — {commune['name']}",
                budget=20 * K,
                requested=16 * K,
                contact="Secrétariat de mairie",
            ),
        )
        await funding.check_eligibility(None, made.id)
        if i == 0:
            await funding.award(
                None, made.id, AwardIn(amount_cents=16 * K), key=f"demo:award:{commune['siren']}"
            )
        count += 1
    return count
