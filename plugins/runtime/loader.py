"""Import a release's code from its verified archive, in memory, under a namespace of its own.

Each loaded release gets a synthetic parent package (``_tsplugin_<id>_<version>_<sha8>``) so two
versions of a service run side by side, one per tenant. Sources come from the archive bytes whose
sha256 was just checked; nothing is extracted to disk. Only ``.py`` sources are imported.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import io
import re
import sys
import threading
import types
import zipfile
from typing import Any

_lock = threading.Lock()


def namespace_for(plugin_id: str, version: str, sha256: str) -> str:
    clean = re.sub(r"\W", "_", f"{plugin_id}_{version}")
    return f"_tsplugin_{clean}_{sha256[:8]}"


class ArchiveResources:
    """Read-only access to the files of a release (``ctx.resources``)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self._files = files

    def read_bytes(self, path: str) -> bytes:
        try:
            return self._files[path.lstrip("/")]
        except KeyError:
            raise FileNotFoundError(path) from None

    def read_text(self, path: str) -> str:
        return self.read_bytes(path).decode("utf-8")

    def exists(self, path: str) -> bool:
        return path.lstrip("/") in self._files


class ReleaseImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """One finder on ``sys.meta_path`` serving every loaded release by its namespace."""

    def __init__(self) -> None:
        self.releases: dict[str, tuple[dict[str, bytes], str]] = {}

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        root = fullname.split(".", 1)[0]
        if root not in self.releases:
            return None
        files, _ = self.releases[root]
        if fullname == root:
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        relative = fullname.split(".", 1)[1].replace(".", "/")
        if relative + "/__init__.py" in files or any(f.startswith(relative + "/") for f in files):
            spec = importlib.machinery.ModuleSpec(fullname, self, is_package=True)
            spec.origin = self._origin(root, relative + "/__init__.py")
            return spec
        if relative + ".py" in files:
            spec = importlib.machinery.ModuleSpec(fullname, self, is_package=False)
            spec.origin = self._origin(root, relative + ".py")
            return spec
        return None

    def _origin(self, root: str, path: str) -> str:
        return f"<{self.releases[root][1]}>/{path}"

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType | None:
        return None

    def _source_path(self, fullname: str, is_package: bool) -> str | None:
        root = fullname.split(".", 1)[0]
        if fullname == root:
            return None
        relative = fullname.split(".", 1)[1].replace(".", "/")
        return relative + "/__init__.py" if is_package else relative + ".py"

    def get_source(self, fullname: str) -> str | None:
        root = fullname.split(".", 1)[0]
        files, _ = self.releases.get(root, ({}, ""))
        relative = fullname.split(".", 1)[1].replace(".", "/") if "." in fullname else ""
        for candidate in (relative + ".py", relative + "/__init__.py"):
            if candidate in files:
                return files[candidate].decode("utf-8")
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        spec = module.__spec__
        assert spec is not None
        is_package = spec.submodule_search_locations is not None
        if is_package:
            module.__path__ = []
        path = self._source_path(spec.name, is_package)
        root = spec.name.split(".", 1)[0]
        files, label = self.releases[root]
        if path is None or path not in files:
            return  # the synthetic root, or a folder without __init__.py
        code = compile(files[path], f"<{label}>/{path}", "exec", dont_inherit=True)
        exec(code, module.__dict__)  # noqa: S102 - approved, sha256-verified release code


_importer = ReleaseImporter()


def _install() -> None:
    if _importer not in sys.meta_path:
        sys.meta_path.insert(0, _importer)


def read_archive(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def import_release(namespace: str, label: str, files: dict[str, bytes], entry_point: str) -> Any:
    """Import the entry point under ``namespace``; returns the module or the named attribute."""
    with _lock:
        _install()
        _importer.releases[namespace] = (files, label)
    module_name, _, attribute = entry_point.partition(":")
    module = importlib.import_module(f"{namespace}.{module_name}")
    return getattr(module, attribute) if attribute else module


def forget_release(namespace: str) -> None:
    """Drop a release's modules (after a yank or a suspension)."""
    with _lock:
        _importer.releases.pop(namespace, None)
        for name in [n for n in sys.modules if n == namespace or n.startswith(namespace + ".")]:
            del sys.modules[name]
