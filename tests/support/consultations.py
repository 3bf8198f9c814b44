"""Consultation test helpers: a curator, a consultation opened now, moving it phase by phase."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import httpx

from catalogue.needs.phases import PHASE_ORDER
from catalogue.needs.schemas import (
    ConsultationCreate,
    ContributionCreate,
    MergeRequest,
    PhaseInput,
    ProposalDraft,
)
from catalogue.votes.schemas import DecisionRequest
from store.kit.auth import Actor
from tests.support.people import csrf_headers, make_account, make_agent

THEME = "Démarches administratives / aides financières"
BOURG, CA_BOURG, AMBERIEU = "210100533", "200071751", "210100046"
VIRIAT, PERONNAS = "210104519", "210102893"
RENNES, RENNES_METRO, DIJON = "213502388", "243500139", "212102313"


class TestClock:
    """A clock the tests move by hand; both consultation and vote services read it."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def tick(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta) if delta else dt.timedelta(seconds=1)
        return self.now


def clock_of(state: Any) -> TestClock:
    if not isinstance(state.consultations.clock, TestClock):
        state.consultations.clock = TestClock()
    clock: TestClock = state.consultations.clock
    return clock


async def curator_actor(state: Any, email: str = "curatrice@anct.gouv.fr") -> Actor:
    persona = await make_account(state, email, curator=True, name="Curatrice ANCT")
    return await state.accounts.load_actor(persona.account_id)


async def _curator_once(state: Any) -> Actor:
    account = await state.accounts.repo.get_by_email("curatrice@anct.gouv.fr")
    return await state.accounts.load_actor(account.id) if account else await curator_actor(state)


async def _agent_once(state: Any, email: str, siren: str) -> Actor:
    account = await state.accounts.repo.get_by_email(email)
    return await state.accounts.load_actor(account.id) if account else await agent_actor(state, email, siren)


async def agent_actor(state: Any, email: str, siren: str, **kw: Any) -> Actor:
    persona = await make_agent(state, email, siren, **kw)
    return await state.accounts.load_actor(persona.account_id)


async def open_consultation(
    state: Any, curator: Actor, *, slug: str = "relance-2021", days: int = 10, **settings: Any
) -> int:
    """A published consultation whose collecte started a day ago; each phase lasts ``days`` days."""
    now = clock_of(state).tick()
    start = now - dt.timedelta(days=1)
    phases = [
        PhaseInput(kind=kind.value, ends_at=start + dt.timedelta(days=days * (i + 1)))
        for i, kind in enumerate(PHASE_ORDER)
    ]
    view = await state.consultations.create(
        curator,
        ConsultationCreate(
            slug=slug, title="Consultation nationale", starts_at=start, phases=phases, **settings
        ),
    )
    await state.consultations.publish(curator, view.id)
    return int(view.id)


async def advance_to(state: Any, curator: Actor, consultation_id: int, kind: str) -> None:
    """Switch phase by phase until ``kind`` is active (moving the clock a second each time)."""
    view = await state.consultations.get(consultation_id, curator)
    order = [k.value for k in PHASE_ORDER]
    for next_kind in order[order.index(view.active_phase) + 1 : order.index(kind) + 1]:
        clock_of(state).tick()
        await state.consultations.advance(curator, consultation_id, next_kind)
    clock_of(state).tick()


async def contribute(
    state: Any, agent: Actor, consultation_id: int, siren: str, title: str, **kw: Any
) -> int:
    view = await state.contributions.submit(
        agent,
        consultation_id,
        ContributionCreate(
            collectivite_siren=siren,
            kind=kw.pop("kind", "besoin"),
            title=title,
            body=kw.pop("body", "Nous avons besoin d'un outil pour " + title.lower() + "."),
            thematique=kw.pop("thematique", THEME),
            **kw,
        ),
    )
    return int(view.id)


async def proposal_from(state: Any, curator: Actor, consultation_id: int, ids: list[int], title: str) -> int:
    view = await state.regroupement.merge(
        curator,
        consultation_id,
        MergeRequest(
            contribution_ids=ids,
            proposal=ProposalDraft(title=title, summary="Résumé de " + title, thematique=THEME),
        ),
    )
    return int(view.id)


async def ready_to_vote(state: Any, *, proposals: int = 3, **settings: Any) -> tuple[Actor, int, list[int]]:
    """A consultation in its vote phase with ``proposals`` proposals regrouped from contributions."""
    slug = settings.pop("slug", "relance-2021")
    curator = await _curator_once(state)
    consultation_id = await open_consultation(state, curator, slug=slug, **settings)
    agent = await _agent_once(state, "contributeur@bourg.fr", BOURG)
    ids = [
        await contribute(state, agent, consultation_id, BOURG, f"Besoin numéro {i}") for i in range(proposals)
    ]
    await advance_to(state, curator, consultation_id, "regroupement")
    proposal_ids = [
        await proposal_from(state, curator, consultation_id, [cid], f"Proposition {i}")
        for i, cid in enumerate(ids)
    ]
    await advance_to(state, curator, consultation_id, "vote")
    return curator, consultation_id, proposal_ids


HTML = {"accept": "text/html"}


async def form_post(client: httpx.AsyncClient, url: str, data: Any, *, follow: bool = True) -> httpx.Response:
    """Submit an HTML form as a browser would (CSRF header, HTML accepted), following the redirect."""
    headers = {**HTML, **(await csrf_headers(client))}
    return await client.post(url, data=data, headers=headers, follow_redirects=follow)


def shown(response: httpx.Response) -> str:
    """The page's text with HTML entities decoded (apostrophes, non-breaking spaces)."""
    return html.unescape(response.text)


async def decided(
    state: Any, *, decision: str = "selected", proposals: int = 1, **settings: Any
) -> tuple[Actor, int, list[int]]:
    """A consultation in its sélection phase whose proposals the committee has all decided."""
    curator, consultation_id, proposal_ids = await ready_to_vote(state, proposals=proposals, **settings)
    await advance_to(state, curator, consultation_id, "selection")
    for proposal_id in proposal_ids:
        await state.selection.decide(
            curator,
            proposal_id,
            DecisionRequest(
                decision=decision,  # type: ignore[arg-type]
                rationale="Décision du comité.",
                funding_amount_cents=50_000_000 if decision == "selected" else 0,
                envelope_code="relance-axe-1",
            ),
        )
    return curator, consultation_id, proposal_ids
