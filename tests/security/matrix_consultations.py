"""Matrix rows of consultations (contributions, regroupement, schedule) and votes (supports,
selection, positionnement, deployment), API and pages. See tests/security/test_route_matrix.py.

A consultation per phase is built once per world (``consultation(world, phase)``): collectivité A
(the ``agent`` persona) and collectivité B (``other_agent``) contributed, their needs became
proposals, they voted, the committee selected, they declared interest, a milestone was set — as far
as the phase goes. Rows that consume an object (cast a vote, decide, review) get a fresh one from
their setup. Titles name the collectivité (``de Bourg`` / ``d'Ambérieu``) so that checks can tell
whose data a page shows.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from typing import Any

import httpx

from catalogue.needs.phases import PHASE_ORDER
from catalogue.needs.schemas import ConsultationCreate, PhaseInput
from catalogue.needs.tables import Consultation, Contribution
from catalogue.votes.schemas import DecisionRequest, InterestRequest, MilestoneRequest
from catalogue.votes.tables import Support
from tests.security.matrix import ALLOW, DENY, Rows, cases, everyone, only
from tests.support.consultations import (
    THEME,
    advance_to,
    clock_of,
    contribute,
    open_consultation,
    proposal_from,
)
from tests.support.people import make_agent
from tests.support.routes import COLLECTIVITE_A, COLLECTIVITE_B, World

EPCI_A = "200071751"  # CA du Bassin de Bourg-en-Bresse, of which collectivité A is a member
MARK = {"agent": "de Bourg", "other_agent": "d'Ambérieu"}
PHASES = [k.value for k in PHASE_ORDER]
POOL = 12
"""Published contributions kept in the regroupement consultation for the rows that consume one."""


@dataclass
class Built:
    id: int
    slug: str
    drafts: dict[str, int] = field(default_factory=dict)
    """A draft contribution per agent persona (and ``epci``: the EPCI's draft on behalf of A)."""
    proposals: list[int] = field(default_factory=list)
    pool: list[int] = field(default_factory=list)
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


async def draft_untouched(role: str, response: httpx.Response, world: World) -> None:
    row = (
        await Contribution.select(Contribution.title, Contribution.state)
        .where(Contribution.id == world.params["contribution_id"])
        .first()
    )
    assert (row["title"], row["state"]) == ("Brouillon de Bourg", "draft"), f"{role} changed it: {row}"


async def pooled(world: World) -> dict[str, Any]:
    """A published, untreated contribution of A in the regroupement consultation (consumed)."""
    built = await consultation(world, "regroupement")
    return {
        "consultation_id": built.id,
        "proposal_id": built.proposals[0],
        "contribution_id": built.pool.pop(),
    }


async def _live_support(world: World, proposal_id: int) -> bool:
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
        if want and not await _live_support(world, proposal_id):
            await world.state.supports.support(agent, proposal_id, COLLECTIVITE_A)
        if not want and await _live_support(world, proposal_id):
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
    return {"consultation_id": built.id, "interest_id": view.id, "proposal_id": built.proposals[0]}


async def no_referent(world: World) -> dict[str, Any]:
    """The selected proposal, on which A has no live ``territoire_referent`` positioning."""
    built = await consultation(world, "positionnement")
    agent = await world.actor("agent")
    for row in await world.state.interests.mine(agent, built.id):
        if row.role == "territoire_referent" and row.state in ("submitted", "accepted"):
            await world.state.interests.withdraw(agent, row.id)
    return {"consultation_id": built.id, "proposal_id": built.proposals[0]}


# Checks ------------------------------------------------------------------------------------------


def _other(role: str) -> str:
    return "other_agent" if role == "agent" else "agent"


def own_contributions_only(role: str, response: httpx.Response, world: World) -> None:
    """An agent lists its own collectivité's contributions, never B's nor a draft made by others."""
    if response.status_code >= 400:
        return
    items = response.json()
    if role == "curator":
        assert items == []
        return
    siren = COLLECTIVITE_A if role == "agent" else COLLECTIVITE_B
    for item in items:
        on_behalf = {b["siren"] for b in item["on_behalf_of"]}
        assert item["collectivite"]["siren"] == siren or siren in on_behalf, item["title"]
        if item["collectivite"]["siren"] != siren:
            assert item["state"] != "draft", f"another collectivité's draft: {item['title']}"
    assert any(MARK[role] in item["title"] for item in items), "own contributions missing"


def no_drafts(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert all(item["state"] != "draft" for item in response.json()), "drafts are the collectivité's"


def own_page_only(role: str, response: httpx.Response, world: World) -> None:
    if role in MARK and response.status_code < 400:
        text = html.unescape(response.text)
        assert MARK[role] in text, "own contributions missing"
        assert MARK[_other(role)] not in text, "another collectivité's contributions shown"
        assert "Brouillon de l'agglomération" not in text, "the EPCI's draft is shown"


def own_interests_only(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code >= 400:
        return
    expected = {"agent": {COLLECTIVITE_A}, "other_agent": {COLLECTIVITE_B}}.get(role, set())
    assert {i["collectivite_siren"] for i in response.json()} == expected


def own_ballot(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert response.json()["voter_siren"] == COLLECTIVITE_A


def draft_hidden(role: str, response: httpx.Response, world: World) -> None:
    draft = world.cache["consultation:draft"]
    shown = draft["title"] in html.unescape(response.text)
    assert shown == (role == "curator"), f"draft consultation shown={shown} to {role}"


def is_csv(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert response.headers["content-type"].startswith("text/csv")


def support_by(roles: tuple[str, ...]) -> Any:
    """After a vote form: A supports the proposal only if an agent of A sent it."""

    async def check(role: str, response: httpx.Response, world: World) -> None:
        params = world.params
        live = await _live_support(world, params["proposal_id"])
        assert live == (role in roles), f"support of A after {role}'s form: {live}"

    return check


def withdrawn_by(roles: tuple[str, ...]) -> Any:
    async def check(role: str, response: httpx.Response, world: World) -> None:
        live = await _live_support(world, world.params["proposal_id"])
        assert live != (role in roles), f"support of A after {role}'s form: {live}"

    return check


async def phase_moved(role: str, response: httpx.Response, world: World) -> None:
    row = (
        await Consultation.select(Consultation.published_at)
        .where(Consultation.id == world.params["consultation_id"])
        .first()
    )
    assert (row["published_at"] is not None) == (role == "curator")


API = "/api/v1/consultations/{consultation_id:int}"
CURATOR_CSV = {"check": is_csv, "setup": in_phase("deploiement")}
SUPPORT = {"voter_siren": COLLECTIVITE_A}


def contribution_json(world: World) -> dict[str, Any]:
    return {
        "collectivite_siren": COLLECTIVITE_A,
        "kind": "besoin",
        "title": "Besoin déposé par l'API",
        "body": "Un outil pour les marchés publics.",
        "thematique": THEME,
    }


ROWS: dict[str, Rows] = {
    # Consultations: public once opened, drafts for curators ------------------------------------
    "GET /api/v1/consultations": everyone(setup=draft_shared, check=draft_hidden),
    "GET /api/v1/consultations/{consultation_id:int}": cases(
        everyone(label="opened", setup=in_phase("vote")),
        everyone(404, label="not opened", curator=ALLOW, setup=draft_shared),
    ),
    "POST /api/v1/consultations": only("curator", json=consultation_json),
    "PATCH /api/v1/consultations/{consultation_id:int}": only(
        "curator", setup=draft_shared, json={"summary": "Résumé revu."}
    ),
    "POST /api/v1/consultations/{consultation_id:int}/publish": only("curator", setup=draft_consultation),
    "POST /api/v1/consultations/{consultation_id:int}/phases/{kind:str}/activate": only(
        "curator", setup=opened, params={"kind": "regroupement"}
    ),
    "PATCH /api/v1/consultations/{consultation_id:int}/phases/{kind:str}": only(
        "curator", setup=draft_shared, params={"kind": "terminee"}, json={"settings": {}}
    ),
    # Contributions (collecte) -----------------------------------------------------------------
    "POST /api/v1/consultations/{consultation_id:int}/contributions": only(
        "agent", setup=in_phase("collecte"), json=contribution_json
    ),
    "GET /api/v1/consultations/{consultation_id:int}/contributions/mine": only(
        "agent", "other_agent", "curator", setup=in_phase("collecte"), check=own_contributions_only
    ),
    "GET /api/v1/consultations/{consultation_id:int}/contributions": cases(
        only("curator", label="deposited", setup=in_phase("collecte"), check=no_drafts),
        only(
            "curator",
            label="drafts asked for",
            setup=in_phase("collecte"),
            query={"etat": "draft"},
            check=no_drafts,
        ),
    ),
    "PATCH /api/v1/consultations/{consultation_id:int}/contributions/{contribution_id:int}": cases(
        only(
            "agent",
            label="A's draft",
            others=DENY,
            publisher=403,
            other_publisher=403,
            setup=fresh_draft,
            json={"title": "Titre corrigé par Bourg"},
        ),
        only(
            label="A's draft under another consultation's path",
            others=DENY,
            publisher=403,
            other_publisher=403,
            setup=draft_elsewhere,
            json={"title": "Titre corrigé par Bourg"},
            check=draft_untouched,
        ),
    ),
    "POST /api/v1/consultations/{consultation_id:int}/contributions/{contribution_id:int}/publish": cases(
        only("agent", label="A's draft", others=DENY, publisher=403, other_publisher=403, setup=fresh_draft),
        only(
            label="A's draft under another consultation's path",
            others=DENY,
            publisher=403,
            other_publisher=403,
            setup=draft_elsewhere,
            check=draft_untouched,
        ),
    ),
    # Regroupement (curators) ------------------------------------------------------------------
    "POST /api/v1/consultations/{consultation_id:int}/proposals": only(
        "curator",
        setup=pooled,
        json=lambda w, p: {
            "contribution_ids": [p["contribution_id"]],
            "proposal": {"title": "Proposition fusionnée", "summary": "Résumé.", "thematique": THEME},
        },
    ),
    "POST /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}/contributions": only(
        "curator", setup=pooled, json=lambda w, p: {"contribution_ids": [p["contribution_id"]]}
    ),
    "PATCH /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}": only(
        "curator", setup=in_phase("regroupement"), json={"summary": "Résumé réécrit."}
    ),
    "POST /api/v1/consultations/{consultation_id:int}/contributions/{contribution_id:int}/split": only(
        "curator",
        setup=pooled,
        json=lambda w, p: {
            "targets": [
                {"proposal_id": p["proposal_id"]},
                {
                    "new_proposal": {
                        "title": "Nouvelle proposition",
                        "summary": "Résumé.",
                        "thematique": THEME,
                    }
                },
            ]
        },
    ),
    "POST /api/v1/consultations/{consultation_id:int}/contributions/{contribution_id:int}/reorient": only(
        "curator", setup=pooled, json={"message": "Voyez plutôt le programme national."}
    ),
    "POST /api/v1/consultations/{consultation_id:int}/contributions/{contribution_id:int}/reject": only(
        "curator", setup=pooled, json={"message": "Hors du champ de la consultation."}
    ),
    "GET /api/v1/consultations/{consultation_id:int}/proposals": cases(
        everyone(label="opened", setup=in_phase("vote")),
        everyone(404, label="not opened", curator=ALLOW, setup=draft_shared),
    ),
    "GET /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}": everyone(
        setup=in_phase("vote")
    ),
    # Votes -------------------------------------------------------------------------------------
    "GET /api/v1/consultations/{consultation_id:int}/ballot": only(
        "agent", setup=in_phase("vote"), query={"siren": COLLECTIVITE_A}, check=own_ballot
    ),
    "POST /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}/supports": only(
        "agent", setup=unsupported(False), json=SUPPORT
    ),
    "DELETE " + API + "/proposals/{proposal_id:int}/supports/{voter_siren:str}": only(
        "agent", setup=unsupported(True), params={"voter_siren": COLLECTIVITE_A}
    ),
    "GET /api/v1/consultations/{consultation_id:int}/results": cases(
        everyone(label="vote phase, tallies public", setup=in_phase("vote")),
        everyone(404, label="not opened", curator=ALLOW, setup=draft_shared),
    ),
    # Selection, positionnement, deployment -----------------------------------------------------
    "GET /api/v1/consultations/{consultation_id:int}/decisions": cases(
        everyone(label="selection phase", setup=in_phase("selection")),
        everyone(404, label="not opened", curator=ALLOW, setup=draft_shared),
    ),
    "POST /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}/decision": only(
        "curator",
        setup=in_phase("selection", proposal_id=lambda b: b.proposals[1]),
        json={"decision": "deferred", "rationale": "À revoir en séance."},
    ),
    "POST /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}/interests": only(
        "agent", setup=no_referent, json={"collectivite_siren": COLLECTIVITE_A, "role": "territoire_referent"}
    ),
    "GET /api/v1/consultations/{consultation_id:int}/interests/mine": only(
        "agent", "other_agent", "curator", setup=in_phase("positionnement"), check=own_interests_only
    ),
    "GET /api/v1/consultations/{consultation_id:int}/interests": only(
        "curator", setup=in_phase("positionnement")
    ),
    "POST /api/v1/consultations/{consultation_id:int}/interests/{interest_id:int}/review": only(
        "curator", setup=fresh_interest, json={"accept": True}
    ),
    "POST /api/v1/consultations/{consultation_id:int}/interests/{interest_id:int}/withdraw": only(
        "agent", others=DENY, publisher=403, other_publisher=403, setup=fresh_interest
    ),
    "GET /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}/pilots": everyone(
        setup=in_phase("positionnement")
    ),
    "GET /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}/progress": everyone(
        setup=in_phase("deploiement")
    ),
    "POST /api/v1/consultations/{consultation_id:int}/proposals/{proposal_id:int}/milestones": only(
        "curator", setup=in_phase("deploiement"), json={"title": "Jalon suivant", "progress": 10}
    ),
    "PATCH /api/v1/consultations/{consultation_id:int}/milestones/{milestone_id:int}": only(
        "curator", setup=in_phase("deploiement", milestone_id=lambda b: b.milestone), json={"progress": 50}
    ),
    # Exports (curators) ------------------------------------------------------------------------
    "GET /api/v1/consultations/{consultation_id:int}/exports/contributions.csv": only(
        "curator", **CURATOR_CSV
    ),
    "GET /api/v1/consultations/{consultation_id:int}/exports/proposals.csv": only("curator", **CURATOR_CSV),
    "GET /api/v1/consultations/{consultation_id:int}/exports/supports.csv": only("curator", **CURATOR_CSV),
    "GET /api/v1/consultations/{consultation_id:int}/exports/results.csv": only("curator", **CURATOR_CSV),
    "GET /api/v1/consultations/{consultation_id:int}/exports/decisions.csv": only("curator", **CURATOR_CSV),
    "GET /api/v1/consultations/{consultation_id:int}/exports/interests.csv": only("curator", **CURATOR_CSV),
    "GET /api/v1/consultations/{consultation_id:int}/exports/milestones.csv": only("curator", **CURATOR_CSV),
    # Pages ---------------------------------------------------------------------------------------
    "GET /consultations": everyone(setup=draft_shared, check=draft_hidden),
    "GET /consultations/{slug:str}": cases(
        everyone(label="opened", setup=in_phase("vote")),
        everyone(404, label="not opened", curator=ALLOW, setup=draft_shared),
    ),
    "GET /consultations/{slug:str}/contribuer": only(
        "agent", "other_agent", "curator", setup=in_phase("collecte"), check=own_page_only
    ),
    "POST /consultations/{slug:str}/contribuer": only(
        "agent",
        setup=in_phase("collecte"),
        form={
            "collectivite_siren": COLLECTIVITE_A,
            "kind": "besoin",
            "title": "Besoin déposé par le formulaire",
            "body": "Un outil pour l'état civil.",
            "thematique": THEME,
        },
    ),
    "GET /consultations/{slug:str}/voter": only("agent", "other_agent", curator=422, setup=in_phase("vote")),
    # The vote forms answer with a redirect and a message either way: what counts is the vote.
    "POST /consultations/{slug:str}/voter/{proposal_id:int}/soutenir": only(
        "agent",
        "other_agent",
        "curator",
        setup=unsupported(False),
        form={"siren": COLLECTIVITE_A},
        check=support_by(("agent",)),
    ),
    "POST /consultations/{slug:str}/voter/{proposal_id:int}/retirer": only(
        "agent",
        "other_agent",
        "curator",
        setup=unsupported(True),
        form={"siren": COLLECTIVITE_A},
        check=withdrawn_by(("agent",)),
    ),
    "GET /curation/consultations/{slug:str}": only("curator", setup=in_phase("vote")),
    "POST /curation/consultations/{slug:str}/phase-suivante": only(
        "curator", setup=draft_consultation, check=phase_moved
    ),
}
