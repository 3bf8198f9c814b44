"""The plugins the matrix rows of tests/security/matrix_plugins.py call routes on.

Publisher A (the ``publisher`` persona) and publisher B (``other_publisher``) each own plugins with
a pending and an approved release, published through the real pipeline (validated archive, stored
artefact, curator's review). A plugin of A is deployed for collectivité A, and the three
first-party services (``publish_builtin``) are deployed for it too, so that the ``/services`` mount
has something to serve. Every plugin is named ``Greffon <id>`` so that checks can tell, in a page or
a JSON list, whose plugins came back.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from plugins.builtin.seed import publish_builtin
from tests.support.plugins import DEMO_CODE, plugin_zip
from tests.support.routes import World

OWNERS = ("publisher", "other_publisher")
VERSION = "1.0.0"
NEXT = "1.1.0"


def archive(plugin_id: str, version: str = VERSION) -> bytes:
    return plugin_zip(plugin_id, version, DEMO_CODE, ("tenant:documents",))


def _folder(world: World) -> Path:
    folder: Path = world.state.settings.data_path / "tmp" / "matrix"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def new_plugin(world: World, owner: str = "publisher") -> str:
    """A registered plugin of ``owner``'s publisher, without any release yet."""
    plugin_id = world.unique(f"greffon-{'a' if owner == 'publisher' else 'b'}")
    siren = world.publisher_a if owner == "publisher" else world.publisher_b
    await world.state.plugin_publishing.register_plugin(
        await world.actor(owner), plugin_id=plugin_id, publisher_siren=siren, name=f"Greffon {plugin_id}"
    )
    return plugin_id


async def upload(world: World, owner: str, plugin_id: str, version: str = VERSION) -> str:
    """Publish a release of ``plugin_id`` as ``owner`` (the real pipeline); returns its id."""
    path = _folder(world) / f"{plugin_id}-{version}.zip"
    path.write_bytes(archive(plugin_id, version))
    try:
        view = await world.state.plugin_publishing.publish(
            await world.actor(owner), path, plugin_id=plugin_id
        )
    finally:
        path.unlink(missing_ok=True)
    return str(view.id)


async def make_release(world: World, state: str = "pending", owner: str = "publisher") -> dict[str, Any]:
    """A fresh plugin of ``owner`` with one release in ``state`` (pending, approved, suspended)."""
    plugin_id = await new_plugin(world, owner)
    release_id = await upload(world, owner, plugin_id)
    curator = await world.actor("curator")
    if state in ("approved", "suspended"):
        await world.state.plugin_curation.approve(curator, release_id, "Relu par la curation.")
    if state == "suspended":
        await world.state.plugin_curation.suspend(curator, plugin_id, "Suspendu le temps d'un audit.")
    return {"plugin_id": plugin_id, "version": VERSION, "release_id": release_id}


def release(state: str = "pending", owner: str = "publisher") -> Any:
    """Setup: a fresh plugin of ``owner`` with a release in ``state``."""

    async def setup(world: World) -> dict[str, Any]:
        return await make_release(world, state, owner)

    return setup


async def registry(world: World) -> dict[str, Any]:
    """Setup: plugins of both publishers, a pending and an approved one each; adds no params."""

    async def build() -> dict[str, dict[str, str]]:
        return {
            owner: {
                state: (await make_release(world, state, owner))["plugin_id"]
                for state in ("pending", "approved")
            }
            for owner in OWNERS
        }

    await world.once("plugins", build)
    return {}


def made(world: World) -> dict[str, dict[str, str]]:
    plugins: dict[str, dict[str, str]] = world.cache["plugins"]
    return plugins


async def deployed(world: World) -> dict[str, Any]:
    """Setup: a plugin of A, approved and deployed for collectivité A (shared; rows must not undeploy
    it: ``fresh_deployment`` makes one to consume)."""

    async def build() -> dict[str, Any]:
        params = await make_release(world, "approved")
        await world.state.plugin_deployments.deploy(None, world.collectivite_a, params["plugin_id"])
        return params

    params: dict[str, Any] = await world.once("plugin:deployed", build)
    return {**params, "siren": world.collectivite_a, "tenant": world.collectivite_a}


async def fresh_deployment(world: World) -> dict[str, Any]:
    """Setup: a plugin of A deployed for collectivité A, to be undeployed or moved."""
    params = await make_release(world, "approved")
    await world.state.plugin_deployments.deploy(None, world.collectivite_a, params["plugin_id"])
    return {**params, "siren": world.collectivite_a, "tenant": world.collectivite_a}


async def first_party(world: World) -> dict[str, Any]:
    """Setup: the three first-party services, published by the ANCT through the real pipeline and
    deployed for collectivité A (not for B)."""

    async def build() -> dict[str, Any]:
        await publish_builtin(world.state)
        for plugin_id in ("orientation-usagers", "conseil-municipal"):
            await world.state.plugin_deployments.deploy(None, world.collectivite_a, plugin_id)
        return {}

    await world.once("plugin:first-party", build)
    return {"siren": world.collectivite_a}


async def signed_link(world: World) -> dict[str, Any]:
    """Setup: the signed download link of an approved release, split into key and query."""
    params = await deployed(world)
    link = await world.state.plugin_publishing.download_link(None, params["plugin_id"], params["version"])
    parsed = urllib.parse.urlsplit(link.url)
    key = urllib.parse.unquote(parsed.path.removeprefix("/api/v1/artifacts/"))
    query = dict(urllib.parse.parse_qsl(parsed.query))
    return {"key": key, "link": query, "sha256": link.sha256}


async def foreign_link(world: World) -> dict[str, Any]:
    """Setup: a signed link of one release, pointed at another release's archive."""
    params = await signed_link(world)
    other = await make_release(world, "approved", owner="other_publisher")
    record = await world.state.plugin_publishing.repo.get_release(other["release_id"])
    return {**params, "key": record.artifact_key}
