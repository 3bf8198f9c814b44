"""Matrix rows of the consultations API (contributions, regroupement, schedule) and of votes
(supports, selection, positionnement, deployment); their pages are in matrix_consultation_pages.py.
See tests/security/test_route_matrix.py; the consultations they act on are built by
tests/security/consultation_world.py.
"""

from __future__ import annotations

import html
from typing import Any

import httpx

from catalogue.needs.tables import Contribution
from tests.security.consultation_world import (
    MARK,
    consultation_json,
    draft_consultation,
    draft_elsewhere,
    draft_shared,
    elsewhere,
    fresh_draft,
    fresh_interest,
    in_phase,
    live_support,
    no_referent,
    opened,
    pooled,
    unsupported,
    witness_milestone,
)
from tests.security.matrix import ALLOW, DENY, Rows, cases, everyone, only
from tests.support.consultations import THEME
from tests.support.routes import COLLECTIVITE_A, COLLECTIVITE_B, World

# Checks ------------------------------------------------------------------------------------------


async def draft_untouched(role: str, response: httpx.Response, world: World) -> None:
    row = (
        await Contribution.select(Contribution.title, Contribution.state)
        .where(Contribution.id == world.params["contribution_id"])
        .first()
    )
    assert (row["title"], row["state"]) == ("Brouillon de Bourg", "draft"), f"{role} changed it: {row}"


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


def interest_state(moved: str, by: tuple[str, ...]) -> Any:
    async def check(role: str, response: httpx.Response, world: World) -> None:
        row = await world.state.interests.repo.interest(world.params["interest_id"])
        expected = moved if role in by else "submitted"
        assert row["state"] == expected, f"after {role}'s form the positioning is {row['state']}"

    return check


def contribution_state(moved: str, by: tuple[str, ...] = ("curator",)) -> Any:
    async def check(role: str, response: httpx.Response, world: World) -> None:
        row = await world.state.regroupement.repo.contribution(world.params["contribution_id"])
        expected = moved if role in by else "published"
        assert row["state"] == expected, f"after {role}'s form the contribution is {row['state']}"

    return check


async def milestone_untouched(role: str, response: httpx.Response, world: World) -> None:
    row = await world.state.deployment.repo.milestone(world.params["milestone_id"])
    assert (row["progress"], row["weight"]) == (0, 1), f"{role} changed the milestone: {row}"


API = "/api/v1/consultations/{consultation_id:int}"
CURATOR_CSV = {"check": is_csv, "setup": in_phase("deploiement")}
SUPPORT = {"voter_siren": COLLECTIVITE_A}
VOTER_A = {"voter_siren": COLLECTIVITE_A}
CONTRIBUTION = "POST " + API + "/contributions/{contribution_id:int}"
INTEREST = "POST " + API + "/interests/{interest_id:int}"
REORIENT = {"message": "Voyez plutôt le programme national."}
REJECT = {"message": "Hors du champ de la consultation."}
ELSEWHERE = "under another consultation's URL"
NOT_HERE = {"label": ELSEWHERE, "others": 403, "curator": 404}
"""A curator addressing an object under another consultation's URL: 404, and nothing written."""
NOT_YOURS = {"others": DENY, "publisher": 403, "other_publisher": 403}
"""A positioning is withdrawn by its collectivité's agents: the others do not find it."""


def split_json(world: World, params: dict[str, Any]) -> dict[str, Any]:
    new = {"title": "Nouvelle proposition", "summary": "Résumé.", "thematique": THEME}
    return {"targets": [{"proposal_id": params["proposal_id"]}, {"new_proposal": new}]}


def supported(expected: bool) -> Any:
    """After a support call under the wrong URL: A's support is as it was (``expected``)."""

    async def check(role: str, response: httpx.Response, world: World) -> None:
        assert await live_support(world, world.params["proposal_id"]) == expected, role

    return check


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
    CONTRIBUTION + "/split": cases(
        only("curator", label="in its consultation", setup=pooled, json=split_json),
        only(**NOT_HERE, setup=elsewhere(pooled), json=split_json, check=contribution_state("merged", ())),
    ),
    CONTRIBUTION + "/reorient": cases(
        only("curator", label="in its consultation", setup=pooled, json=REORIENT),
        only(**NOT_HERE, setup=elsewhere(pooled), json=REORIENT, check=contribution_state("reoriented", ())),
    ),
    CONTRIBUTION + "/reject": cases(
        only("curator", label="in its consultation", setup=pooled, json=REJECT),
        only(**NOT_HERE, setup=elsewhere(pooled), json=REJECT, check=contribution_state("rejected", ())),
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
    "POST " + API + "/proposals/{proposal_id:int}/supports": cases(
        only("agent", label="in its consultation", setup=unsupported(False), json=SUPPORT),
        only(
            label=ELSEWHERE,
            others=DENY,
            setup=elsewhere(unsupported(False), "selection"),
            json=SUPPORT,
            check=supported(False),
        ),
    ),
    "DELETE " + API + "/proposals/{proposal_id:int}/supports/{voter_siren:str}": cases(
        only("agent", label="in its consultation", setup=unsupported(True), params=VOTER_A),
        only(
            label=ELSEWHERE,
            others=DENY,
            setup=elsewhere(unsupported(True), "selection"),
            params=VOTER_A,
            check=supported(True),
        ),
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
    INTEREST + "/review": cases(
        only("curator", label="in its consultation", setup=fresh_interest, json={"accept": True}),
        only(
            **NOT_HERE,
            setup=elsewhere(fresh_interest),
            json={"accept": True},
            check=interest_state("accepted", ()),
        ),
    ),
    INTEREST + "/withdraw": cases(
        only("agent", label="in its consultation", setup=fresh_interest, **NOT_YOURS),
        only(
            label=ELSEWHERE,
            setup=elsewhere(fresh_interest),
            check=interest_state("withdrawn", ()),
            **NOT_YOURS,
        ),
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
    "PATCH " + API + "/milestones/{milestone_id:int}": cases(
        only(
            "curator",
            label="in its consultation",
            setup=in_phase("deploiement", milestone_id=lambda b: b.milestone),
            json={"progress": 50},
        ),
        only(
            **NOT_HERE,
            setup=elsewhere(witness_milestone, "positionnement"),
            json={"progress": 50, "weight": 3},
            check=milestone_untouched,
        ),
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
}
