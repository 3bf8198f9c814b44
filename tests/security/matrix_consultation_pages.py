"""Matrix rows of the consultation pages: the public pages, contributing, voting and positionnement
for collectivités, and the curators' desk (dashboard, regroupement, selection, positionings,
deployment). See tests/security/test_route_matrix.py; the consultations come from
tests/security/consultation_world.py. A refused form answers with the page and a French message
(status 403/404/422); what counts is what was, or was not, written.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import httpx

from catalogue.needs.tables import Consultation
from store.web.pages.consultation_forms import local_input
from tests.security.consultation_world import (
    MARK,
    consultation,
    draft_consultation,
    draft_shared,
    elsewhere,
    fresh_interest,
    in_phase,
    live_support,
    no_referent,
    pooled,
    unsupported,
    witness_milestone,
)
from tests.security.matrix import ALLOW, DENY, Rows, cases, everyone, only
from tests.security.matrix_consultations import (
    contribution_state,
    draft_hidden,
    interest_state,
    milestone_untouched,
)
from tests.support.consultations import THEME, clock_of
from tests.support.routes import COLLECTIVITE_A, COLLECTIVITE_B, World

NO_MANDATE = "Votre compte n'agit pour aucune collectivité"
NOT_YOURS = "Vous n'avez pas de mandat pour cette collectivité"
# Collectivités act for themselves; curators and publishers are refused by the page or its guard.
AGENT_OF_A = {"others": 403}
NOT_HERE = {"others": 403, "curator": 404}
"""A curator's form addressing an object under another consultation's URL: 404, nothing written."""


# Checks ------------------------------------------------------------------------------------------


def _text(response: httpx.Response) -> str:
    return html.unescape(response.text)


def own_page_only(role: str, response: httpx.Response, world: World) -> None:
    if role in MARK and response.status_code < 400:
        text = _text(response)
        other = "other_agent" if role == "agent" else "agent"
        assert MARK[role] in text, "own contributions missing"
        assert MARK[other] not in text, "another collectivité's contributions shown"
        assert "Brouillon de l'agglomération" not in text, "the EPCI's draft is shown"


def own_ballot_page(role: str, response: httpx.Response, world: World) -> None:
    """Each agent sees its own collectivité's ballot; a curator, a clear page without one."""
    if response.status_code >= 400:
        return
    text = _text(response)
    if role == "curator":
        assert 'data-testid="ballot"' not in text
        assert NO_MANDATE in text
        return
    siren = COLLECTIVITE_A if role == "agent" else COLLECTIVITE_B
    assert 'data-testid="ballot"' in text, f"{role}: no ballot"
    assert f"({siren})" in text, f"{role}: not the ballot of {siren}"


def no_ballot_of_a(role: str, response: httpx.Response, world: World) -> None:
    if role in ("other_agent", "curator"):
        text = _text(response)
        assert 'data-testid="ballot"' not in text, f"{role} sees A's ballot"
        assert NOT_YOURS in text, f"{role} is not told why"


def support_by(roles: tuple[str, ...], *, said: str = NOT_YOURS) -> Any:
    """After a vote form: A supports the proposal only if an agent of A sent it; the refused ones
    (but the guard's) read why, in French."""

    async def check(role: str, response: httpx.Response, world: World) -> None:
        live = await live_support(world, world.params["proposal_id"])
        assert live == (role in roles), f"support of A after {role}'s form: {live}"
        if role in ("other_agent", "curator") and role not in roles:
            assert said in _text(response), f"{role} was not told why: {response.text[:500]}"

    return check


def withdrawn_by(roles: tuple[str, ...]) -> Any:
    async def check(role: str, response: httpx.Response, world: World) -> None:
        live = await live_support(world, world.params["proposal_id"])
        assert live != (role in roles), f"support of A after {role}'s form: {live}"

    return check


def curator_told_no_mandate(role: str, response: httpx.Response, world: World) -> None:
    if role == "curator":
        assert NO_MANDATE in _text(response), response.text[:500]


async def phase_moved(role: str, response: httpx.Response, world: World) -> None:
    row = (
        await Consultation.select(Consultation.published_at)
        .where(Consultation.id == world.params["consultation_id"])
        .first()
    )
    assert (row["published_at"] is not None) == (role == "curator")


async def _own_live_interests(world: World, role: str) -> set[int]:
    built = await consultation(world, "positionnement")
    mine = await world.state.interests.mine(await world.actor(role), built.id)
    return {i.id for i in mine if i.state in ("submitted", "accepted")}


async def own_positionings_only(role: str, response: httpx.Response, world: World) -> None:
    """The withdraw buttons on the page are those of the caller's collectivité, and all of them."""
    if response.status_code >= 400:
        return
    shown = {int(i) for i in re.findall(r"/positionnement/retrait/(\d+)", response.text)}
    expected = await _own_live_interests(world, role) if role in MARK else set()
    assert shown == expected, f"{role} sees the positionings {shown}, expected {expected}"


async def referent_by_agent_only(role: str, response: httpx.Response, world: World) -> None:
    declared = await _own_live_interests(world, "agent")
    rows = [await world.state.interests.repo.interest(i) for i in declared]
    referent = any(r["role"] == "territoire_referent" for r in rows)
    assert referent == (role == "agent"), f"A's referent positioning after {role}'s form: {referent}"


# Setups and forms --------------------------------------------------------------------------------


async def merged_contribution(world: World) -> dict[str, Any]:
    """A's deposited contribution of the regroupement consultation (read, never consumed)."""
    built = await consultation(world, "regroupement")
    return {"slug": built.slug, "contribution_id": built.published["agent"]}


async def another_project(world: World) -> dict[str, Any]:
    """The witness milestone, addressed under another proposal of its consultation."""
    params = await witness_milestone(world)
    built = await consultation(world, "deploiement")
    return {**params, "proposal_id": built.proposals[1]}


def phase_end(world: World) -> dict[str, str]:
    return {"ends_at": local_input(clock_of(world.state).now + dt.timedelta(days=3))}


OUTCOME = {"message": "Voyez plutôt le programme national."}
SPLIT = {
    "proposal_ids": lambda p: str(p["proposal_id"]),
    "title_1": "Proposition issue de la scission",
    "summary_1": "Résumé.",
    "thematique_1": THEME,
}


def split_form(world: World, params: dict[str, Any]) -> dict[str, str]:
    return {k: v(params) if callable(v) else v for k, v in SPLIT.items()}


CURATION = "/curation/consultations/{slug:str}"
CONTRIBUTION = CURATION + "/contributions/{contribution_id:int}"
VOTE = "POST /consultations/{slug:str}/voter/{proposal_id:int}/{action:str}"
A = {"siren": COLLECTIVITE_A}

ROWS: dict[str, Rows] = {
    # Public pages ------------------------------------------------------------------------------
    "GET /consultations": everyone(setup=draft_shared, check=draft_hidden),
    "GET /consultations/{slug:str}": cases(
        everyone(label="opened", setup=in_phase("vote")),
        everyone(404, label="not opened", curator=ALLOW, setup=draft_shared),
    ),
    # Collectivités: contribute, vote, position themselves ----------------------------------------
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
    "GET /consultations/{slug:str}/voter": cases(
        only(
            "agent",
            "other_agent",
            "curator",
            label="the caller's own collectivité",
            setup=in_phase("vote"),
            check=own_ballot_page,
        ),
        only("agent", label="A's ballot asked for", setup=in_phase("vote"), query=A, check=no_ballot_of_a),
    ),
    VOTE: cases(
        only(
            "agent",
            label="support for A",
            params={"action": "soutenir"},
            setup=unsupported(False),
            form=A,
            check=support_by(("agent",)),
        ),
        only(
            "agent",
            label="withdraw A's support",
            params={"action": "retirer"},
            setup=unsupported(True),
            form=A,
            check=withdrawn_by(("agent",)),
        ),
        # No SIREN in the form: the caller's only collectivité (B does not support it: 404); a
        # curator, who acts for none, reads why rather than « SIREN invalide ».
        only(
            "agent",
            label="no SIREN: the caller's own collectivité",
            other_agent=404,
            params={"action": "retirer"},
            setup=unsupported(True),
            form={},
            check=curator_told_no_mandate,
        ),
        only(
            label="a proposal under another consultation's URL",
            others=DENY,
            params={"action": "soutenir"},
            setup=elsewhere(unsupported(False), "selection"),
            form=A,
            check=support_by((), said=""),
        ),
        everyone(
            404,
            label="unknown action",
            anonymous=401,
            publisher=403,
            other_publisher=403,
            params={"action": "voter-deux-fois"},
            setup=unsupported(False),
            form=A,
        ),
    ),
    "GET /consultations/{slug:str}/positionnement": cases(
        only(
            "agent",
            "other_agent",
            "curator",
            label="the caller's own collectivité",
            setup=in_phase("positionnement"),
            check=own_positionings_only,
        ),
        only(
            "agent",
            label="A's positionings asked for",
            setup=in_phase("positionnement"),
            query=A,
            check=own_positionings_only,
        ),
    ),
    "POST /consultations/{slug:str}/positionnement/{proposal_id:int}": only(
        "agent",
        setup=no_referent,
        form={**A, "role": "territoire_referent"},
        check=referent_by_agent_only,
    ),
    "POST /consultations/{slug:str}/positionnement/retrait/{interest_id:int}": cases(
        only(
            "agent",
            label="A's positioning",
            others=DENY,
            publisher=403,
            other_publisher=403,
            setup=fresh_interest,
            form=A,
            check=interest_state("withdrawn", ("agent",)),
        ),
        only(
            label="under another consultation's URL",
            others=DENY,
            publisher=403,
            other_publisher=403,
            setup=elsewhere(fresh_interest),
            form=A,
            check=interest_state("withdrawn", ()),
        ),
    ),
    # Curators' desk ----------------------------------------------------------------------------
    "GET " + CURATION: only("curator", setup=in_phase("vote")),
    "POST " + CURATION + "/phase-suivante": only("curator", setup=draft_consultation, check=phase_moved),
    "POST " + CURATION + "/phases/{kind:str}/fin": only(
        "curator", setup=draft_consultation, params={"kind": "collecte"}, form=phase_end
    ),
    "GET " + CURATION + "/regroupement": only("curator", setup=in_phase("regroupement")),
    "POST " + CURATION + "/regroupement": only(
        "curator",
        setup=pooled,
        form=lambda w, p: {
            "action": "nouvelle",
            "contribution_ids": str(p["contribution_id"]),
            "title": "Proposition du formulaire",
            "summary": "Résumé.",
            "thematique": THEME,
        },
        check=contribution_state("merged"),
    ),
    "GET " + CONTRIBUTION: only("curator", setup=merged_contribution),
    "POST " + CONTRIBUTION + "/ecarter": cases(
        only(
            "curator",
            label="in its consultation",
            setup=pooled,
            form=OUTCOME,
            check=contribution_state("rejected"),
        ),
        only(
            label="under another consultation's URL",
            **NOT_HERE,
            setup=elsewhere(pooled),
            form=OUTCOME,
            check=contribution_state("rejected", ()),
        ),
    ),
    "POST " + CONTRIBUTION + "/reorienter": only(
        "curator", setup=pooled, form=OUTCOME, check=contribution_state("reoriented")
    ),
    "POST " + CONTRIBUTION + "/scinder": cases(
        only(
            "curator",
            label="in its consultation",
            setup=pooled,
            form=split_form,
            check=contribution_state("merged"),
        ),
        only(
            label="under another consultation's URL",
            **NOT_HERE,
            setup=elsewhere(pooled),
            form=split_form,
            check=contribution_state("merged", ()),
        ),
    ),
    "GET " + CURATION + "/selection": only("curator", setup=in_phase("selection")),
    "POST " + CURATION + "/selection/{proposal_id:int}": only(
        "curator",
        setup=in_phase("selection", proposal_id=lambda b: b.proposals[1]),
        form={"decision": "deferred", "rationale": "À revoir en séance."},
    ),
    "GET " + CURATION + "/positionnements": only("curator", setup=in_phase("positionnement")),
    "POST " + CURATION + "/positionnements/{interest_id:int}": cases(
        only(
            "curator",
            label="in its consultation",
            setup=fresh_interest,
            form={"action": "accepter"},
            check=interest_state("accepted", ("curator",)),
        ),
        only(
            label="under another consultation's URL",
            **NOT_HERE,
            setup=elsewhere(fresh_interest),
            form={"action": "accepter"},
            check=interest_state("accepted", ()),
        ),
    ),
    "GET " + CURATION + "/deploiement": only("curator", setup=in_phase("deploiement")),
    "POST " + CURATION + "/deploiement/{proposal_id:int}/jalons": only(
        "curator", setup=in_phase("deploiement"), form={"title": "Jalon du formulaire"}
    ),
    "POST " + CURATION + "/deploiement/{proposal_id:int}/jalons/{milestone_id:int}": cases(
        only(
            "curator",
            label="a milestone of the project",
            setup=in_phase("deploiement", milestone_id=lambda b: b.milestone),
            form={"progress": "60"},
        ),
        only(
            label="a milestone of another project",
            **NOT_HERE,
            setup=another_project,
            form={"progress": "60", "weight": "3"},
            check=milestone_untouched,
        ),
    ),
}
