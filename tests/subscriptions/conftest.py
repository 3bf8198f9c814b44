from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from store.kit.settings import Settings


@pytest.fixture
def settings(migrated: Settings, tmp_path: Path) -> Settings:
    return msgspec.structs.replace(
        migrated,
        storage_dir=str(tmp_path / "artifacts"),
        plugin_cache_seconds=0.0,
        plugin_hook_timeout_seconds=5.0,
    )
