"""Plugins tests run with small archive limits, so that hostile archives stay cheap to build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from store.kit.settings import Settings
from tests.support.seaweed import SeaweedServer, seaweed_fixture


@pytest.fixture(scope="session")
def seaweed() -> Iterator[SeaweedServer]:
    yield from seaweed_fixture()


@pytest.fixture
def settings(migrated: Settings, tmp_path: Path) -> Settings:
    return msgspec.structs.replace(
        migrated,
        storage_dir=str(tmp_path / "artifacts"),
        plugin_max_archive_bytes=3 * 1_048_576,
        plugin_max_file_bytes=2 * 1_048_576,
        plugin_max_total_bytes=4 * 1_048_576,
        plugin_max_entries=60,
        plugin_cache_seconds=0.0,
        plugin_hook_timeout_seconds=5.0,
        plugin_request_timeout_seconds=5.0,
    )


def stored_objects(settings: Settings) -> list[str]:
    """Every object in the local artefact folder (temporary and metadata files aside)."""
    root = settings.storage_path
    if not root.exists():
        return []
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and not p.relative_to(root).parts[0].startswith(".")
    )


def leftover_uploads(settings: Settings) -> list[str]:
    folder = settings.data_path / "tmp" / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
