"""Matrix rows of plugins: the publishers' API and pages, the curators' review, deployments per
collectivité, signed artefact downloads and the ``/services`` mount (see
tests/security/test_route_matrix.py for how rows are read; tests/security/plugin_world.py builds
the plugins they act on).
"""

from __future__ import annotations

from typing import Any

import httpx

from plugins.registry.repository import PluginRepository
from tests.security.matrix import DENY, Rows, cases, everyone, only, signed_in
from tests.security.plugin_world import (
    NEXT,
    OWNERS,
    archive,
    deployed,
    first_party,
    foreign_link,
    fresh_deployment,
    made,
    new_plugin,
    registry,
    release,
    signed_link,
)
from tests.support.routes import World

REASON = {"reason": "Motif donné par la curation de l'ANCT."}
ZIP = "application/zip"


# Checks ------------------------------------------------------------------------------------------


def _shown(role: str, response: httpx.Response, world: World) -> set[str]:
    every = {p for owner in OWNERS for p in made(world)[owner].values()}
    if response.headers["content-type"].startswith("application/json"):
        return {p["id"] for p in response.json()} & every
    return {p for p in every if f"<code>{p}</code>" in response.text}


def own_plugins_only(role: str, response: httpx.Response, world: World) -> None:
    """Publishers list their own plugins, curators every one, agents none."""
    if response.status_code >= 400:
        return
    shown = _shown(role, response, world)
    if role == "curator":
        assert shown == {p for owner in OWNERS for p in made(world)[owner].values()}
    elif role in OWNERS:
        assert shown == set(made(world)[role].values()), f"{role} sees {shown}"
    else:
        assert not shown, f"{role} sees plugins: {shown}"


async def release_state_is(role: str, response: httpx.Response, world: World, *, moved: str) -> None:
    record = await PluginRepository().get_release(world.params["release_id"])
    assert record is not None
    expected = moved if role == "curator" else "pending"
    assert record.state == expected, f"after {role}'s call the release is {record.state}"


def state_after(moved: str) -> Any:
    async def check(role: str, response: httpx.Response, world: World) -> None:
        await release_state_is(role, response, world, moved=moved)

    return check


def tenant_a_only(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        items = response.json()
        assert items
        assert {i["tenant_siren"] for i in items} == {world.collectivite_a}


def export_of_a(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert response.json()["tenant_siren"] == world.collectivite_a


async def still_deployed(role: str, response: httpx.Response, world: World) -> None:
    record = await world.state.plugin_deployments.deployments.get(
        world.collectivite_a, world.params["plugin_id"]
    )
    assert record is not None
    assert (record.state == "deprovisioned") == (role == "curator"), f"{role}: {record.state}"


def is_zip(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert response.content[:2] == b"PK", "not the archive"


def link_for_insiders(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert "/api/v1/artifacts/plugins/" in response.json()["url"]


# Bodies ------------------------------------------------------------------------------------------


def register_json(world: World, params: dict[str, Any]) -> dict[str, str]:
    plugin_id = world.unique("greffon-nouveau")
    return {"id": plugin_id, "publisher_siren": world.publisher_a, "name": f"Greffon {plugin_id}"}


async def registered(world: World) -> dict[str, Any]:
    """Setup: a plugin of A without any release (the upload rows give it its first)."""
    return {"plugin_id": await new_plugin(world)}


async def unregistered(world: World) -> dict[str, Any]:
    """Setup: a plugin id nobody has taken yet (its first upload registers it)."""
    return {"plugin_id": world.unique("greffon-inconnu")}


def release_file(world: World, params: dict[str, Any]) -> dict[str, Any]:
    return {"archive": ("release.zip", archive(params["plugin_id"]), ZIP)}


def next_release_file(world: World, params: dict[str, Any]) -> dict[str, Any]:
    return {"archive": ("release.zip", archive(params["plugin_id"], NEXT), ZIP)}


def deploy_json(world: World, params: dict[str, Any]) -> dict[str, str]:
    return {"tenant_siren": world.collectivite_a, "plugin_id": params["plugin_id"]}


def services(path: str) -> Any:
    """The path below ``/services`` for collectivité A (``{siren}`` in ``path``)."""
    return lambda world, params: path.format(siren=params["siren"])


API = "/api/v1/plugins/{plugin_id:str}"
ADMIN = "/api/v1/admin/plugins"
DEPLOYMENT = "/api/v1/deployments/{siren:str}/{plugin_id:str}"

ROWS: dict[str, Rows] = {
    # Publishers' API ---------------------------------------------------------------------------
    "GET /api/v1/plugins": signed_in(setup=registry, check=own_plugins_only),
    "POST /api/v1/plugins": only("publisher", json=register_json),
    "GET " + API: cases(
        only("publisher", "curator", label="pending, of A", others=404, setup=release("pending")),
        only(
            "other_publisher",
            "curator",
            label="approved, of B",
            others=404,
            setup=release("approved", owner="other_publisher"),
        ),
    ),
    "POST " + API + "/releases": cases(
        only("publisher", label="first release of A's plugin", setup=registered, files=release_file),
        only("publisher", label="next release", setup=release("approved"), files=next_release_file),
        only(
            "other_publisher",
            label="a new plugin naming publisher B",
            setup=unregistered,
            form=lambda w: {"publisher": w.publisher_b},
            files=release_file,
        ),
    ),
    "GET " + API + "/releases/{version:str}": only(
        "publisher", "curator", others=404, setup=release("pending")
    ),
    "GET " + API + "/releases/{version:str}/download": only(
        "publisher", "curator", others=404, setup=release("approved"), check=link_for_insiders
    ),
    "DELETE " + API + "/releases/{version:str}": only(
        "publisher", others=DENY, agent=403, other_agent=403, setup=release("pending")
    ),
    # Curators' review --------------------------------------------------------------------------
    "GET " + ADMIN + "/releases": only("curator", setup=registry),
    "GET " + ADMIN + "/releases/{release_id:str}": only("curator", setup=release("pending")),
    "POST " + ADMIN + "/releases/{release_id:str}/approve": only(
        "curator", setup=release("pending"), json={}, check=state_after("approved")
    ),
    "POST " + ADMIN + "/releases/{release_id:str}/reject": only(
        "curator", setup=release("pending"), json=REASON, check=state_after("rejected")
    ),
    "POST " + ADMIN + "/releases/{release_id:str}/yank": only(
        "curator", setup=release("approved"), json=REASON
    ),
    "POST " + ADMIN + "/{plugin_id:str}/suspend": only("curator", setup=release("approved"), json=REASON),
    "POST " + ADMIN + "/{plugin_id:str}/reinstate": only("curator", setup=release("suspended")),
    # Deployments -------------------------------------------------------------------------------
    "GET " + ADMIN + "/deployments": only("curator", setup=deployed),
    "POST " + ADMIN + "/deployments": only("curator", setup=release("approved"), json=deploy_json),
    "DELETE " + ADMIN + "/deployments/{tenant:str}/{plugin_id:str}": only(
        "curator", setup=fresh_deployment, check=still_deployed
    ),
    "GET /api/v1/deployments/{siren:str}": only("agent", "curator", setup=deployed, check=tenant_a_only),
    # Moving a version is for the collectivité's signatories (the agent persona is not one).
    "POST " + DEPLOYMENT + "/version": only("curator", setup=fresh_deployment, json={"version": None}),
    "GET " + DEPLOYMENT + "/export": only("agent", "curator", setup=deployed, check=export_of_a),
    # Signed artefact links: the link is the capability (whoever holds it downloads, until it expires)
    "GET /api/v1/artifacts/{key:path}": cases(
        everyone(label="signed link", setup=signed_link, query=lambda w, p: p["link"], check=is_zip),
        everyone(
            403,
            label="tampered signature",
            setup=signed_link,
            query=lambda w, p: {**p["link"], "signature": "0" * 64},
        ),
        everyone(
            403,
            label="the link of one release for another's archive",
            setup=foreign_link,
            query=lambda w, p: p["link"],
        ),
    ),
    # Deployed services (their own guards: public pages, agents of the collectivité) ------------
    "* /services": cases(
        everyone(
            label="public page of A's service",
            setup=first_party,
            subpath=services("/{siren}/orientation-usagers/"),
        ),
        only(
            "agent",
            label="agents of A only",
            setup=first_party,
            subpath=services("/{siren}/conseil-municipal/membres"),
        ),
        only(
            "agent",
            label="an agent of A writes",
            setup=first_party,
            method="POST",
            subpath=services("/{siren}/conseil-municipal/membres"),
            json={"nom": "Camille Martin", "qualite": "conseiller"},
        ),
        everyone(
            404,
            label="not deployed for B",
            setup=first_party,
            subpath=lambda w, p: f"/{w.collectivite_b}/orientation-usagers/",
        ),
    ),
    # Pages -------------------------------------------------------------------------------------
    "GET /editeur/plugins": signed_in(setup=registry, check=own_plugins_only),
    "POST /editeur/plugins/depot": cases(
        only("publisher", label="a release of A's plugin", setup=registered, files=release_file),
        # A curator speaks for no publisher: asked which one the new plugin belongs to (422).
        only(
            "publisher",
            "other_publisher",
            label="a new plugin",
            curator=422,
            files=lambda w, p: {"archive": ("release.zip", archive(w.unique("greffon-depose")), ZIP)},
        ),
        only(
            "other_publisher",
            label="a new plugin naming publisher B",
            form=lambda w: {"publisher": w.publisher_b},
            files=lambda w, p: {"archive": ("release.zip", archive(w.unique("greffon-depose")), ZIP)},
        ),
        # The form names no plugin: the archive's manifest does. B's plugin is B's alone.
        only(
            "other_publisher",
            label="a release of B's plugin",
            setup=release("approved", owner="other_publisher"),
            files=next_release_file,
        ),
    ),
    "GET /editeur/plugins/{plugin_id:str}/versions/{version:str}": only(
        "publisher", "curator", others=404, setup=release("pending")
    ),
    "GET /curation/plugins": only("curator", setup=registry),
    "GET /curation/plugins/versions/{release_id:str}": only("curator", setup=release("pending")),
    "POST /curation/plugins/versions/{release_id:str}/{decision:str}": cases(
        only(
            "curator",
            label="approve",
            params={"decision": "approuver"},
            setup=release("pending"),
            check=state_after("approved"),
        ),
        only(
            "curator",
            label="reject",
            params={"decision": "refuser"},
            setup=release("pending"),
            form=REASON,
            check=state_after("rejected"),
        ),
        # An unknown decision: back to the release with a message, nothing decided.
        only(
            "curator",
            label="unknown decision",
            params={"decision": "publier"},
            setup=release("pending"),
            check=state_after("pending"),
        ),
    ),
}
