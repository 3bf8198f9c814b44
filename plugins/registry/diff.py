"""What changed in a manifest between two releases: field by field, and as a unified text diff."""

from __future__ import annotations

import difflib
from typing import Any

from plugins.registry.schemas import ManifestChange, ManifestDiff

IGNORED = {"changelog"}


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            if not prefix and key in IGNORED:
                continue
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat or {prefix: {}}
    return {prefix: value}


def manifest_diff(
    previous: dict[str, Any] | None, previous_text: str | None, previous_version: str | None,
    current: dict[str, Any], current_text: str,
) -> ManifestDiff:  # fmt: skip
    before = _flatten(previous or {})
    after = _flatten(current)
    changes = [
        ManifestChange(path=path, before=before.get(path), after=after.get(path))
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    ]
    text = "".join(
        difflib.unified_diff(
            (previous_text or "").splitlines(keepends=True),
            current_text.splitlines(keepends=True),
            fromfile=f"territoires-plugin.toml ({previous_version or 'aucune version'})",
            tofile=f"territoires-plugin.toml ({current.get('version')})",
        )
    )
    return ManifestDiff(previous_version=previous_version, changes=changes, text=text)
