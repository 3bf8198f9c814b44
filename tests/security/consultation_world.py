"""The consultations the matrix rows of tests/security/matrix_consultations.py call routes on.

A consultation per phase is built once per world (``consultation(world, phase)``): collectivité A
(the ``agent`` persona) and collectivité B (``other_agent``) contributed, their needs became
proposals, they voted, the committee selected, they declared interest, a milestone was set — as far
as the phase goes. Rows that consume an object (cast a vote, decide, review) get a fresh one from
their setup. Titles name the collectivité (``de Bourg`` / ``d'Ambérieu``) so that checks can tell
whose data a page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from catalogue.needs.phases import PHASE_ORDER
from catalogue.needs.schemas import ConsultationCreate, PhaseInput
from catalogue.votes.schemas import DecisionRequest, InterestRequest, MilestoneRequest
from catalogue.votes.tables import Support
from tests.support.consultations import advance_to, clock_of, contribute, open_consultation, proposal_from
from tests.support.people import make_agent
from tests.support.routes import COLLECTIVITE_A, COLLECTIVITE_B, World

EPCI_A = "200071751"  # CA du Bassin de Bourg-en-Bresse, of which collectivité A is a member
MARK = {"agent": "de Bourg", "other_agent": "d'Ambérieu"}
PHASES = [k.value for k in PHASE_ORDER]
POOL = 24
"""Published contributions kept in the regroupement consultation for the rows that consume one."""


@dataclass
class Built:
    id: int
    slug: str
    drafts: dict[str, int] = field(default_factory=dict)
    """A draft contribution per agent persona (and ``epci``: the EPCI's draft on behalf of A)."""
    proposals: list[int] = field(default_factory=list)
    pool: list[int] = field(default_factory=list)
    published: dict[str, int] = field(default_factory=dict)
    """A deposited contribution per agent persona (merged into a proposal from the regroupement on)."""
    milestone: int = 0


def _titled(role: str, what: str) -> str:
    return f"{what} {MARK[role]} {len(what)}"


async def _epci_agent(world: World) -> Any:
    async def build() -> str:
        persona = await make_agent(world.state, "agent@ca-bourg.example.fr", EPCI_A)
        return persona.account_id

    account_id = await world.once("epci-agent", build)
    return await world.state.accounts.load_actor(account_id)


async def _build(world: World, phase: str) -> Built:
    state, curator = world.state, await world.actor("curator")
    agents = {role: await world.actor(role) for role in ("agent", "other_agent")}
    sirens = {"agent": COLLECTIVITE_A, "other_agent": COLLECTIVITE_B}
    slug = world.unique(f"consultation-{phase}")
    built = Built(id=await open_consultation(state, curator, slug=slug), slug=slug)
    published: dict[str, int] = {}
    for role, actor in agents.items():
        published[role] = await contribute(state, actor, built.id, sirens[role], _titled(role, "Besoin"))
        built.drafts[role] = await contribute(
            state, actor, built.id, sirens[role], _titled(role, "Brouillon"), publish=False
        )
    built.drafts["epci"] = await contribute(
        state,
        await _epci_agent(world),
        built.id,
        EPCI_A,
        "Brouillon de l'agglomération",
        on_behalf_of=[COLLECTIVITE_A],
        publish=False,
    )
    built.published = published
    extra = await contribute(
        state, agents["agent"], built.id, COLLECTIVITE_A, _titled("agent", "Autre besoin")
    )
    if phase == "regroupement":
        built.pool = [
            await contribute(state, agents["agent"], built.id, COLLECTIVITE_A, f"Besoin de Bourg {i}")
            for i in range(POOL)
        ]
    if phase == "collecte":
        return built
    await advance_to(state, curator, built.id, "regroupement")
    for role in ("agent", "other_agent"):
        built.proposals.append(
            await proposal_from(state, curator, built.id, [published[role]], "Proposition")
        )
    built.proposals.append(await proposal_from(state, curator, built.id, [extra], "Proposition libre"))
    if phase == "regroupement":
        return built
    await advance_to(state, curator, built.id, "vote")
    first, second, _ = built.proposals
    await state.supports.support(agents["agent"], first, COLLECTIVITE_A)
    await state.supports.support(agents["other_agent"], second, COLLECTIVITE_B)
    if phase == "vote":
        return built
    await advance_to(state, curator, built.id, "selection")
    await state.selection.decide(
        curator, first, DecisionRequest(decision="selected", rationale="Retenue par le comité.")
    )
    if phase == "selection":
        return built
    await advance_to(state, curator, built.id, "positionnement")
    await state.interests.declare(
        agents["agent"], first, InterestRequest(collectivite_siren=COLLECTIVITE_A, role="early_adopter")
    )
    await state.interests.declare(
        agents["other_agent"], first, InterestRequest(collectivite_siren=COLLECTIVITE_B, role="early_adopter")
    )
    if phase == "positionnement":
        return built
    await advance_to(state, curator, built.id, "deploiement")
    progress = await state.deployment.add(curator, first, MilestoneRequest(title="Premier jalon"))
    built.milestone = progress.milestones[0].id
    return built


async def consultation(world: World, phase: str) -> Built:
    built: Built = await world.once(f"consultation:{phase}", lambda: _build(world, phase))
    return built


def in_phase(phase: str, **extra: Any) -> Any:
    """Setup: the shared consultation in ``phase`` (``consultation_id``, ``slug``, first proposal)."""

    async def setup(world: World) -> dict[str, Any]:
        built = await consultation(world, phase)
        params = {"consultation_id": built.id, "slug": built.slug}
        if built.proposals:
            params["proposal_id"] = built.proposals[0]
        return {**params, **{k: v(built) if callable(v) else v for k, v in extra.items()}}

    return setup


async def draft_consultation(world: World) -> dict[str, Any]:
    """Setup: a fresh consultation, scheduled but not opened (only curators see it)."""
    now = clock_of(world.state).tick()
    start = now - dt.timedelta(days=1)
    slug = world.unique("consultation-brouillon")
    view = await world.state.consultations.create(
        await world.actor("curator"),
        ConsultationCreate(
            slug=slug,
            title=f"Consultation en préparation {slug}",
            starts_at=start,
            phases=[
                PhaseInput(kind=kind, ends_at=start + dt.timedelta(days=10 * (i + 1)))
                for i, kind in enumerate(PHASES)
            ],
        ),
    )
    return {"consultation_id": view.id, "slug": slug, "title": view.title}


async def draft_shared(world: World) -> dict[str, Any]:
    params: dict[str, Any] = await world.once("consultation:draft", lambda: draft_consultation(world))
    return params


async def opened(world: World) -> dict[str, Any]:
    """Setup: a fresh consultation in its collecte (for the curator to move on)."""
    slug = world.unique("consultation-ouverte")
    return {"consultation_id": await open_consultation(world.state, await world.actor("curator"), slug=slug)}


def consultation_json(world: World) -> dict[str, Any]:
    start = clock_of(world.state).now + dt.timedelta(days=1)
    return {
        "slug": world.unique("consultation-api"),
        "title": "Consultation créée par l'API",
        "starts_at": start.isoformat(),
        "phases": [
            {"kind": kind, "ends_at": (start + dt.timedelta(days=10 * (i + 1))).isoformat()}
            for i, kind in enumerate(PHASES)
        ],
    }


# Per-row fresh objects -------------------------------------------------------------------------


async def fresh_draft(world: World) -> dict[str, Any]:
    """A draft contribution of collectivité A, in the collecte consultation."""
    built = await consultation(world, "collecte")
    draft = await contribute(
        world.state, await world.actor("agent"), built.id, COLLECTIVITE_A, "Brouillon de Bourg", publish=False
    )
    return {"consultation_id": built.id, "contribution_id": draft}


async def draft_elsewhere(world: World) -> dict[str, Any]:
    """A's fresh draft, addressed under another consultation's path (the vote one)."""
    params = await fresh_draft(world)
    return {**params, "consultation_id": (await consultation(world, "vote")).id}


async def pooled(world: World) -> dict[str, Any]:
    """A published, untreated contribution of A in the regroupement consultation (consumed)."""
    built = await consultation(world, "regroupement")
    return {
        "consultation_id": built.id,
        "slug": built.slug,
        "proposal_id": built.proposals[0],
        "contribution_id": built.pool.pop(),
    }


async def live_support(world: World, proposal_id: int) -> bool:
    return bool(
        await Support.exists().where(
            (Support.proposal_id == proposal_id)
            & (Support.voter == COLLECTIVITE_A)
            & Support.withdrawn_at.is_null()
        )
    )


def unsupported(want: bool) -> Any:
    """Setup: the vote consultation's last proposal, supported by A (``want``) or not."""

    async def setup(world: World) -> dict[str, Any]:
        built = await consultation(world, "vote")
        proposal_id = built.proposals[-1]
        agent = await world.actor("agent")
        if want and not await live_support(world, proposal_id):
            await world.state.supports.support(agent, proposal_id, COLLECTIVITE_A)
        if not want and await live_support(world, proposal_id):
            await world.state.supports.withdraw(agent, proposal_id, COLLECTIVITE_A)
        return {"consultation_id": built.id, "slug": built.slug, "proposal_id": proposal_id}

    return setup


async def fresh_interest(world: World) -> dict[str, Any]:
    """A submitted ``observateur`` positioning of A on the selected proposal (any older one withdrawn)."""
    built = await consultation(world, "positionnement")
    agent = await world.actor("agent")
    for row in await world.state.interests.mine(agent, built.id):
        if row.role == "observateur" and row.state in ("submitted", "accepted"):
            await world.state.interests.withdraw(agent, row.id)
    view = await world.state.interests.declare(
        agent, built.proposals[0], InterestRequest(collectivite_siren=COLLECTIVITE_A, role="observateur")
    )
    return {
        "consultation_id": built.id,
        "slug": built.slug,
        "interest_id": view.id,
        "proposal_id": built.proposals[0],
    }


async def no_referent(world: World) -> dict[str, Any]:
    """The selected proposal, on which A has no live ``territoire_referent`` positioning."""
    built = await consultation(world, "positionnement")
    agent = await world.actor("agent")
    for row in await world.state.interests.mine(agent, built.id):
        if row.role == "territoire_referent" and row.state in ("submitted", "accepted"):
            await world.state.interests.withdraw(agent, row.id)
    return {"consultation_id": built.id, "slug": built.slug, "proposal_id": built.proposals[0]}


def elsewhere(setup: Any, phase: str = "vote") -> Any:
    """Setup: what ``setup`` makes, addressed under another consultation's URL (the one in ``phase``):
    the object must not be found there, let alone changed."""

    async def wrapped(world: World) -> dict[str, Any]:
        params = dict(await setup(world))
        other = await consultation(world, phase)
        assert other.id != params["consultation_id"], "pick a consultation the object is not in"
        return {**params, "consultation_id": other.id, "slug": other.slug}

    return wrapped


async def witness_milestone(world: World) -> dict[str, Any]:
    """A fresh milestone at 0 % on the deploiement consultation's selected project (a witness that
    calls under the wrong URL leave untouched)."""
    built = await consultation(world, "deploiement")
    progress = await world.state.deployment.add(
        await world.actor("curator"), built.proposals[0], MilestoneRequest(title="Jalon témoin")
    )
    return {
        "consultation_id": built.id,
        "slug": built.slug,
        "proposal_id": built.proposals[0],
        "milestone_id": progress.milestones[-1].id,
    }
