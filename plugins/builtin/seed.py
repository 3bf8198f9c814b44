"""Build, publish and approve the first-party services through the ordinary pipeline (demo seed)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from plugins.registry.repository import PluginRepository
from plugins.sdk.build import build_release
from plugins.sdk.manifest import MANIFEST_NAME, parse_manifest
from store.kit.auth import Actor, Scope

BUILTIN_DIR = Path(__file__).parent
ANCT_SIREN = "130026032"
ANCT_NAME = "Agence nationale de la cohésion des territoires"
SEED_CURATOR = Actor(
    account_id="seed",
    display_name="Amorçage de démonstration (ANCT)",
    is_curator=True,
    scopes=frozenset(s.value for s in Scope),
)


def builtin_sources() -> list[Path]:
    return sorted(p for p in BUILTIN_DIR.iterdir() if (p / MANIFEST_NAME).is_file())


async def publish_builtin(services: dict[str, Any], *, curator: Actor = SEED_CURATOR) -> list[str]:
    """Publish every first-party service not yet in the store and approve it; returns release ids.

    ``services`` holds ``plugin_publishing`` and ``plugin_curation`` (the app state works too).
    Idempotent: a version already uploaded is only approved if it still waits for review.
    """
    publishing = services["plugin_publishing"]
    curation = services["plugin_curation"]
    repo = PluginRepository()
    await repo.ensure_publisher(ANCT_SIREN, ANCT_NAME, dt.datetime.now(dt.UTC))
    released: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ts-builtin-") as tmp:
        for source in builtin_sources():
            manifest = parse_manifest((source / MANIFEST_NAME).read_bytes())
            existing = await repo.get_release_by_version(manifest.id, manifest.version)
            if existing is None:
                archive = build_release(source, Path(tmp) / f"{manifest.id}.zip")
                view = await publishing.publish(None, archive, publisher_siren=ANCT_SIREN)
                release_id, state = view.id, view.state
            else:
                release_id, state = existing.id, existing.state
            if state == "pending":
                await curation.approve(
                    curator, release_id, "Service de la place de marché, publié par l'ANCT."
                )
            released.append(release_id)
    return released
