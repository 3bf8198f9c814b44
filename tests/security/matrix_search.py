"""Matrix rows of the services search (API and page): everyone searches the published catalogue;
only curators may ask for other states, and nobody else ever gets a draft back (see
tests/security/test_route_matrix.py for how rows are read)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.security.matrix import ALLOW, Rows, cases, everyone
from tests.security.matrix_catalogue import make_listing
from tests.support.routes import World


async def drafts_and_published(world: World) -> dict[str, Any]:
    """Setup: a draft and a published listing of publisher A, indexed (once per world)."""

    async def build() -> dict[str, Any]:
        draft = await make_listing(world, "draft")
        published = await make_listing(world, "published")
        await world.state.dispatcher.drain()
        return {"draft": draft, "published": published}

    await world.once("search-listings", build)
    return {}


def _public_only(role: str, response: httpx.Response, world: World) -> None:
    if "application/json" in response.headers.get("content-type", ""):
        states = {h["status"] for h in response.json()["hits"]}
        assert states <= {"published"}, f"{role} saw {states}"
    else:
        assert "Brouillon" not in response.text, f"{role} saw a draft"


def _curator_sees_drafts(role: str, response: httpx.Response, world: World) -> None:
    if role != "curator":
        return
    if "application/json" in response.headers.get("content-type", ""):
        assert {h["status"] for h in response.json()["hits"]} == {"draft"}
    else:
        assert "Brouillon" in response.text


def _rows() -> tuple[Any, ...]:
    return cases(
        everyone(
            label="catalogue public", setup=drafts_and_published, query={"q": "service"}, check=_public_only
        ),
        everyone(
            403,
            label="état demandé : curateurs seulement",
            setup=drafts_and_published,
            query={"q": "service", "state": "draft"},
            curator=ALLOW,
            check=_curator_sees_drafts,
        ),
    )


ROWS: Rows = {
    "GET /api/v1/search/services": _rows(),
    "GET /recherche": _rows(),
}
