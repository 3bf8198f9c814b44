"""Pack a plugin directory into a release archive: deterministic, clean, checked before upload."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from plugins.sdk.manifest import MANIFEST_NAME, check_manifest, parse_manifest

EXCLUDED_DIRS = {"__pycache__", "dist", "build", "node_modules"}
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".orig", ".rej", ".swp")
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class BuildError(ValueError):
    """The directory cannot become a release (message in French)."""


def release_files(source: Path) -> list[Path]:
    """Files that go into the archive, sorted: hidden files, caches and build outputs left out."""
    files: list[Path] = []
    for root, dirs, names in os.walk(source):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in EXCLUDED_DIRS)
        for name in sorted(names):
            path = Path(root) / name
            if name.startswith(".") or name.endswith(EXCLUDED_SUFFIXES):
                continue
            if path.is_symlink():
                raise BuildError(f"Lien symbolique refusé : {path.relative_to(source)}.")
            files.append(path)
    return files


def build_release(source: Path, output: Path | None = None) -> Path:
    """Write ``<output or source/dist>/<id>-<version>.zip`` and return its path."""
    manifest_path = source / MANIFEST_NAME
    if not manifest_path.is_file():
        raise BuildError(f"{MANIFEST_NAME} introuvable dans {source}.")
    manifest = parse_manifest(manifest_path.read_bytes())
    check_manifest(manifest)
    target = output or source / "dist"
    if target.suffix != ".zip":
        target = target / f"{manifest.id}-{manifest.version}.zip"
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for path in release_files(source):
            name = path.relative_to(source).as_posix()
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            archive.writestr(info, path.read_bytes())
    tmp.replace(target)
    return target
