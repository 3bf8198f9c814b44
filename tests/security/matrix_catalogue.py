"""Matrix rows of the registry, publishers, listings, curation and their pages (see
tests/security/test_route_matrix.py for how rows are read).

Every listing a setup makes is named ``Service <slug>`` so that a check can tell, in a page or a
JSON list, whose listings came back.
"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from catalogue.listings.schemas import ListingCreate
from catalogue.listings.states import Action
from tests.security.matrix import ALLOW, DENY, Rows, cases, everyone, only
from tests.support.catalogue import listing_payload
from tests.support.routes import COLLECTIVITE_A, COLLECTIVITE_B, Setup, World

# How a listing reaches each state: (who acts, action, reason); "owner" is the publisher persona.
PATHS: dict[str, tuple[tuple[str, Action, str], ...]] = {
    "draft": (),
    "submitted": (("owner", Action.submit, ""),),
    "changes_requested": (
        ("owner", Action.submit, ""),
        ("curator", Action.request_changes, "Motif confidentiel de la curation."),
    ),
    "published": (("owner", Action.submit, ""), ("curator", Action.approve, "")),
    "suspended": (
        ("owner", Action.submit, ""),
        ("curator", Action.approve, ""),
        ("curator", Action.suspend, "Suspendu le temps d'une vérification."),
    ),
}
REASON = {"reason": "Motif donné par la curation."}


async def make_listing(world: World, state: str = "draft", owner: str = "publisher") -> str:
    slug = world.unique(f"service-{state.replace('_', '-')}")
    actor = await world.actor(owner)
    payload = listing_payload(slug, name=f"Service {slug}")
    await world.state.listings.create(actor, msgspec.convert(payload, ListingCreate))
    curator = await world.actor("curator")
    for who, action, reason in PATHS[state]:
        await world.state.listings.transition(actor if who == "owner" else curator, slug, action, reason)
    return slug


def listing(state: str, owner: str = "publisher") -> Setup:
    """Setup: a fresh listing of ``owner`` (publisher A by default) in ``state``."""

    async def setup(world: World) -> dict[str, Any]:
        return {"slug": await make_listing(world, state, owner)}

    return setup


async def catalogue(world: World) -> dict[str, Any]:
    """Setup: listings of both publishers in every state, made once per world; adds no params."""

    async def build() -> dict[str, dict[str, str]]:
        made: dict[str, dict[str, str]] = {"publisher": {}, "other_publisher": {}}
        for owner in made:
            for state in PATHS:
                made[owner][state] = await make_listing(world, state, owner)
        return made

    await world.once("catalogue", build)
    return {}


def _made(world: World) -> dict[str, dict[str, str]]:
    made: dict[str, dict[str, str]] = world.cache["catalogue"]
    return made


def _hidden(world: World) -> set[str]:
    return {slug for by in _made(world).values() for state, slug in by.items() if state != "published"}


def public_only(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code >= 400:
        return
    items = response.json()["items"]
    assert {i["state"] for i in items} <= {"published"}, "a listing that is not published is listed"
    assert not {i["slug"] for i in items} & _hidden(world)
    assert all(i["review_note"] is None for i in items), "a curator's note is public"


def no_hidden_names(role: str, response: httpx.Response, world: World) -> None:
    shown = [slug for slug in _hidden(world) if f"Service {slug}<" in response.text]
    assert not shown, f"unpublished listings shown: {shown}"


def own_listings_only(role: str, response: httpx.Response, world: World) -> None:
    if role not in ("publisher", "other_publisher") or response.status_code >= 400:
        return
    other = "other_publisher" if role == "publisher" else "publisher"
    mine, theirs = _made(world)[role], _made(world)[other]
    if response.headers["content-type"].startswith("application/json"):
        slugs = {i["slug"] for i in response.json()}
        siren = world.publisher_a if role == "publisher" else world.publisher_b
        assert {i["publisher"]["siren"] for i in response.json()} == {siren}
    else:
        shown = (*mine.values(), *theirs.values())
        slugs = {slug for slug in shown if f"Service {slug}<" in response.text}
    assert set(mine.values()) <= slugs, "own listings missing"
    assert not slugs & set(theirs.values()), "another publisher's listings shown"


def review_queue_is_submitted(role: str, response: httpx.Response, world: World) -> None:
    if role == "curator":
        slugs = {i["slug"] for i in response.json()}
        assert {i["state"] for i in response.json()} == {"submitted"}
        assert {_made(world)[who]["submitted"] for who in ("publisher", "other_publisher")} <= slugs


def note_for_insiders_only(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code >= 400:
        return
    note = response.json()["review_note"]
    if role in ("publisher", "curator"):
        assert note == "Motif confidentiel de la curation."
    else:
        assert not note


def created_for_own_publisher(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        expected = world.publisher_a if role == "publisher" else world.publisher_b
        assert response.json()["publisher"]["siren"] == expected
        assert response.json()["state"] == "draft"


def own_collectivites_only(role: str, response: httpx.Response, world: World) -> None:
    if role == "anonymous":
        assert response.headers["location"].startswith("/connexion")
        return
    names = {"agent": "Bourg-en-Bresse", "other_agent": "Ambérieu-en-Bugey"}
    for persona, name in names.items():
        assert (name in response.text) == (persona == role), f"{name} shown to {role}"
    assert (COLLECTIVITE_A in response.text) == (role == "agent")
    assert (COLLECTIVITE_B in response.text) == (role == "other_agent")


def audit_is_readable(role: str, response: httpx.Response, world: World) -> None:
    if role == "curator":
        assert response.json()["total"] > 0


def new_listing_json(world: World, publisher: str | None = None) -> dict[str, Any]:
    slug = world.unique("nouveau-service")
    payload = listing_payload(slug, name=f"Service {slug}")
    if publisher:
        payload["publisher_siren"] = publisher
    return payload


def listing_form(world: World) -> dict[str, str]:
    """What the editor's form posts for a new draft (slug and name suffice)."""
    slug = world.unique("service-formulaire")
    return {
        "slug": slug,
        "name": f"Service {slug}",
        "maturity": "beta",
        "deployment_mode": "saas_mutualise",
        "accessibility": "non_evalue",
        "plan_count": "0",
    }


def edit_form(world: World, params: dict[str, Any]) -> dict[str, str]:
    return {
        "name": f"Service {params['slug']}",
        "pitch": "Accroche reformulée.",
        "maturity": "beta",
        "deployment_mode": "saas_mutualise",
        "accessibility": "non_evalue",
        "plan_count": "0",
    }


def new_publisher(world: World) -> dict[str, Any]:
    siren = world.new_siren()
    return {"siren": siren, "name": f"Éditeur {siren}", "contact_email": f"contact-{siren}@editeur.example"}


ROWS: dict[str, Rows] = {
    # Collectivités registry and search (open data) ---------------------------------------------
    "GET /api/v1/collectivites": everyone(query={"name": "Bourg"}),
    "GET /api/v1/collectivites/{siren:str}": everyone(params={"siren": COLLECTIVITE_A}),
    "GET /api/v1/search/collectivites": everyone(query={"q": "Bourg"}),
    "GET /recherche/collectivites": everyone(query={"q": "Bourg"}),
    # Public route: anonymous is redirected to the login form; each agent sees only its own.
    "GET /mes-collectivites": everyone(check=own_collectivites_only),
    # Publishers: anyone reads, curators write --------------------------------------------------
    "GET /api/v1/publishers": everyone(),
    "GET /api/v1/publishers/{siren:str}": everyone(params={"siren": lambda w: w.publisher_a}),
    "POST /api/v1/publishers": only("curator", json=new_publisher),
    "PATCH /api/v1/publishers/{siren:str}": only(
        "curator", params={"siren": lambda w: w.publisher_a}, json={"description": "Relu par l'ANCT."}
    ),
    "PUT /api/v1/publishers/{siren:str}/verification": only(
        "curator", params={"siren": lambda w: w.publisher_a}, json={"verified": True}
    ),
    # Listings API -----------------------------------------------------------------------------
    "GET /api/v1/thematiques": everyone(),
    "GET /api/v1/listings": everyone(setup=catalogue, query={"per_page": 100}, check=public_only),
    "GET /api/v1/listings/{slug:str}": cases(
        everyone(label="published", setup=listing("published")),
        everyone(404, label="draft", publisher=ALLOW, curator=ALLOW, setup=listing("draft")),
        everyone(
            404,
            label="draft of publisher B",
            other_publisher=ALLOW,
            curator=ALLOW,
            setup=listing("draft", owner="other_publisher"),
        ),
        everyone(
            404,
            label="changes requested: the curator's note",
            publisher=ALLOW,
            curator=ALLOW,
            setup=listing("changes_requested"),
            check=note_for_insiders_only,
        ),
        everyone(404, label="suspended", publisher=ALLOW, curator=ALLOW, setup=listing("suspended")),
    ),
    "POST /api/v1/listings": cases(
        only(
            "publisher",
            "other_publisher",
            label="for the caller's own publisher",
            json=new_listing_json,
            check=created_for_own_publisher,
        ),
        only(
            "other_publisher",
            label="naming publisher B",
            json=lambda w: new_listing_json(w, w.publisher_b),
            check=created_for_own_publisher,
        ),
    ),
    "PATCH /api/v1/listings/{slug:str}": cases(
        only(
            "publisher",
            "curator",
            label="draft",
            other_publisher=404,
            setup=listing("draft"),
            json={"pitch": "Nouvelle accroche."},
        ),
        only(
            "curator",
            label="published: only curators correct it",
            publisher=409,
            setup=listing("published"),
            json={"pitch": "Nouvelle accroche."},
        ),
    ),
    "POST /api/v1/listings/{slug:str}/submit": only("publisher", other_publisher=404, setup=listing("draft")),
    "POST /api/v1/listings/{slug:str}/retire": only(
        "publisher", "curator", setup=listing("published"), json=REASON
    ),
    "GET /api/v1/publisher/listings": only(
        "publisher", "other_publisher", setup=catalogue, check=own_listings_only
    ),
    # Curation API -------------------------------------------------------------------------------
    "GET /api/v1/admin/review-queue": only("curator", setup=catalogue, check=review_queue_is_submitted),
    "GET /api/v1/admin/listings": only("curator", setup=catalogue),
    "GET /api/v1/admin/audit": only("curator", setup=catalogue, check=audit_is_readable),
    "POST /api/v1/admin/listings/{slug:str}/approve": only("curator", setup=listing("submitted")),
    "POST /api/v1/admin/listings/{slug:str}/request-changes": only(
        "curator", setup=listing("submitted"), json=REASON
    ),
    "POST /api/v1/admin/listings/{slug:str}/reject": only("curator", setup=listing("submitted"), json=REASON),
    "POST /api/v1/admin/listings/{slug:str}/suspend": only(
        "curator", setup=listing("published"), json=REASON
    ),
    "POST /api/v1/admin/listings/{slug:str}/reinstate": only("curator", setup=listing("suspended")),
    "POST /api/v1/admin/listings/{slug:str}/retire": only("curator", setup=listing("published"), json=REASON),
    # Catalogue pages ----------------------------------------------------------------------------
    "GET /": everyone(setup=catalogue, check=no_hidden_names),
    "GET /catalogue/{slug:str}": cases(
        everyone(label="published", setup=listing("published")),
        everyone(404, label="draft", publisher=ALLOW, curator=ALLOW, setup=listing("draft")),
    ),
    # Publisher pages ----------------------------------------------------------------------------
    "GET /editeur/services": only("publisher", "other_publisher", setup=catalogue, check=own_listings_only),
    "GET /editeur/services/nouveau": only("publisher", "other_publisher"),
    "POST /editeur/services/nouveau": cases(
        only("publisher", "other_publisher", label="for the caller's publisher", form=listing_form),
        only(
            "other_publisher",
            label="naming publisher B",
            form=lambda w: {**listing_form(w), "publisher_siren": w.publisher_b},
        ),
    ),
    "GET /editeur/services/{slug:str}": cases(
        only("publisher", "curator", label="draft", other_publisher=404, setup=listing("draft")),
        only("publisher", "curator", label="published", other_publisher=404, setup=listing("published")),
    ),
    "POST /editeur/services/{slug:str}": only(
        "publisher", "curator", other_publisher=404, setup=listing("draft"), form=edit_form
    ),
    "POST /editeur/services/{slug:str}/soumettre": only(
        "publisher", other_publisher=404, setup=listing("draft")
    ),
    "POST /editeur/services/{slug:str}/retirer": only(
        "publisher", "curator", other_publisher=DENY, setup=listing("published"), form=REASON
    ),
    # Curation pages -----------------------------------------------------------------------------
    "GET /curation": only("curator", setup=catalogue),
    "GET /curation/services": only("curator", setup=catalogue),
    "GET /curation/services/{slug:str}": only("curator", setup=listing("submitted")),
    "POST /curation/services/{slug:str}/{decision:str}": cases(
        only("curator", label="approve", params={"decision": "approuver"}, setup=listing("submitted")),
        only(
            "curator",
            label="request changes",
            params={"decision": "demander-modifications"},
            setup=listing("submitted"),
            form=REASON,
        ),
    ),
    "GET /curation/editeurs": only("curator"),
    "POST /curation/editeurs": only("curator", form=new_publisher),
    "POST /curation/editeurs/{siren:str}/verification": only(
        "curator", params={"siren": lambda w: w.publisher_b}, form={"verified": "1"}
    ),
}
