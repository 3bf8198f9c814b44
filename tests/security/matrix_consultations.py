"""Matrix rows of consultations (contributions, regroupement, schedule) and votes (supports,
selection, positionnement, deployment), API and pages. See tests/security/test_route_matrix.py; the
consultations they act on are built by tests/security/consultation_world.py.
"""

from __future__ import annotations

import html
from typing import Any

import httpx

from catalogue.needs.tables import Consultation, Contribution
from tests.security.consultation_world import (
    MARK,
    consultation_json,
    draft_consultation,
    draft_elsewhere,
    draft_shared,
    fresh_draft,
    fresh_interest,
    in_phase,
    live_support,
    no_referent,
    opened,
    pooled,
    unsupported,
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
        live = await live_support(world, params["proposal_id"])
        assert live == (role in roles), f"support of A after {role}'s form: {live}"

    return check


def withdrawn_by(roles: tuple[str, ...]) -> Any:
    async def check(role: str, response: httpx.Response, world: World) -> None:
        live = await live_support(world, world.params["proposal_id"])
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
