"""Release validation: everything is read, parsed and compiled; nothing from the archive is run.

Rules (each rejection carries its stable code, used in problem+json and in the docs):
archive structure (``archive_*``), manifest (``manifest_*``, ``version_not_semver``,
``api_range_*``, ``permission_*``, ``config_schema_invalid``, ``entry_point_*``) and Python code
(``python_*``, ``permission_undeclared``). Code is compiled with ``compile()`` only.
"""

from __future__ import annotations

import ast
import hashlib
import re
import stat
import time
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from plugins.registry.code_checks import check_code
from plugins.registry.errors import ArchiveTooLarge, ReleaseRejected
from plugins.registry.report import ArchiveFile, Check, ValidationReport
from plugins.sdk.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    Manifest,
    ManifestProblem,
    check_manifest,
    parse_manifest,
)
from store.kit.settings import Settings

CHUNK = 1024 * 1024
RATIO_MIN_BYTES = 1024 * 1024
MAX_NAME = 255
BINARY_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".dll", ".dylib", ".exe", ".whl", ".egg")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


__all__ = ["ArchiveTooLarge", "Limits", "ReleaseRejected", "ValidatedRelease", "validate_release"]


@dataclass(frozen=True)
class Limits:
    max_archive_bytes: int = 64 * 1024 * 1024
    max_entries: int = 2000
    max_file_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 100

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        return cls(
            max_archive_bytes=settings.plugin_max_archive_bytes,
            max_entries=settings.plugin_max_entries,
            max_file_bytes=settings.plugin_max_file_bytes,
            max_total_bytes=settings.plugin_max_total_bytes,
            max_ratio=settings.plugin_max_compression_ratio,
        )


@dataclass
class ValidatedRelease:
    manifest: Manifest
    manifest_text: str
    files: list[ArchiveFile]
    report: ValidationReport


@dataclass
class _State:
    checks: list[Check] = field(default_factory=list)

    def ok(self, rule: str, message: str) -> None:
        self.checks.append(Check(rule=rule, status="ok", message=message))

    def warn(self, rule: str, message: str) -> None:
        self.checks.append(Check(rule=rule, status="warning", message=message))


def _mib(size: int) -> str:
    return f"{size / 1_048_576:.1f} Mio"


def _check_name(info: zipfile.ZipInfo) -> str:
    raw = info.orig_filename
    if not info.flag_bits & 0x800 and not raw.isascii():
        raise ReleaseRejected(
            "archive_non_utf8_name",
            "Nom de fichier non encodé en UTF-8 dans l'archive.",
            field=raw.encode(errors="replace").decode("ascii", "replace"),
        )
    if _CONTROL.search(raw):
        raise ReleaseRejected(
            "archive_invalid_name", "Nom de fichier avec caractère de contrôle.", field=repr(raw)
        )
    if raw.startswith(("/", "\\")) or _DRIVE.match(raw):
        raise ReleaseRejected("archive_absolute_path", f"Chemin absolu refusé : {raw}.", field=raw)
    segments = re.split(r"[/\\]", raw.rstrip("/"))
    if ".." in segments:
        raise ReleaseRejected(
            "archive_path_traversal", f"Chemin sortant de l'archive refusé : {raw}.", field=raw
        )
    if "\\" in raw or any(s in {"", "."} for s in segments) or len(raw) > MAX_NAME * 2:
        raise ReleaseRejected("archive_invalid_name", f"Nom de fichier invalide : {raw}.", field=raw)
    if any(len(s) > MAX_NAME for s in segments):
        raise ReleaseRejected(
            "archive_invalid_name", f"Nom de fichier trop long : {raw[:80]}….", field=raw[:80]
        )
    return raw


def _check_entry(info: zipfile.ZipInfo, name: str, limits: Limits) -> None:
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ReleaseRejected("archive_symlink", f"Lien symbolique refusé : {name}.", field=name)
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        raise ReleaseRejected(
            "archive_special_file", f"Fichier spécial (périphérique, tube) refusé : {name}.", field=name
        )
    if info.flag_bits & 0x1:
        raise ReleaseRejected("archive_encrypted", f"Fichier chiffré refusé : {name}.", field=name)
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ReleaseRejected(
            "archive_unsupported_compression", f"Méthode de compression non admise : {name}.", field=name
        )
    if name.lower().endswith(BINARY_SUFFIXES):
        raise ReleaseRejected(
            "archive_binary_code",
            f"Code compilé ou binaire refusé (seules les sources sont relues) : {name}.",
            field=name,
        )
    if info.file_size > limits.max_file_bytes:
        raise ReleaseRejected(
            "archive_file_too_large",
            f"{name} fait {_mib(info.file_size)} décompressé (maximum {_mib(limits.max_file_bytes)}).",
            field=name,
        )
    if info.file_size >= RATIO_MIN_BYTES and info.file_size > limits.max_ratio * max(info.compress_size, 1):
        raise ReleaseRejected(
            "archive_compression_ratio",
            f"{name} se décompresse plus de {limits.max_ratio} fois : bombe de décompression présumée.",
            field=name,
        )


def _open(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except UnicodeDecodeError:
        raise ReleaseRejected(
            "archive_non_utf8_name", "Nom de fichier marqué UTF-8 mais mal encodé."
        ) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ReleaseRejected("archive_not_zip", "Le fichier n'est pas une archive zip lisible.") from None


def validate_release(path: Path, limits: Limits) -> ValidatedRelease:
    """Check a release archive on disk; raise ReleaseRejected on the first broken rule."""
    started = time.perf_counter()
    state = _State()
    archive_bytes = path.stat().st_size
    if archive_bytes > limits.max_archive_bytes:
        raise ArchiveTooLarge(f"L'archive dépasse {_mib(limits.max_archive_bytes)}.")
    with _open(path) as archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            raise ReleaseRejected(
                "archive_too_many_entries",
                f"L'archive contient {len(infos)} entrées (maximum {limits.max_entries}).",
            )
        seen: set[str] = set()
        folded: dict[str, str] = {}
        total = 0
        for info in infos:
            name = _check_name(info)
            key = name.rstrip("/")
            if key in seen:
                raise ReleaseRejected("archive_duplicate_name", f"Nom présent deux fois : {key}.", field=key)
            seen.add(key)
            fold = unicodedata.normalize("NFC", key).casefold()
            if fold in folded:
                raise ReleaseRejected(
                    "archive_case_collision",
                    f"{key} et {folded[fold]} ne diffèrent que par la casse ou la normalisation Unicode.",
                    field=key,
                )
            folded[fold] = key
            _check_entry(info, name, limits)
            total += info.file_size
            if total > limits.max_total_bytes:
                raise ReleaseRejected(
                    "archive_too_large_uncompressed",
                    f"L'archive dépasse {_mib(limits.max_total_bytes)} une fois décompressée.",
                )
        if archive_bytes and total > limits.max_ratio * archive_bytes and total >= RATIO_MIN_BYTES:
            raise ReleaseRejected(
                "archive_compression_ratio",
                f"L'archive se décompresse plus de {limits.max_ratio} fois : "
                "bombe de décompression présumée.",
            )
        state.ok(
            "archive_structure", f"{len(infos)} entrées, {_mib(total)} décompressés, aucun chemin dangereux."
        )
        files, sources, manifest_raw = _read_all(archive, infos)
    if manifest_raw is None:
        raise ReleaseRejected(
            "manifest_missing", f"{MANIFEST_NAME} doit se trouver à la racine de l'archive."
        )
    try:
        manifest = parse_manifest(manifest_raw)
        for warning in check_manifest(manifest):
            state.warn("manifest_advice", warning)
    except ManifestProblem as problem:
        raise ReleaseRejected(problem.code, problem.message, field=problem.field) from None
    state.ok("manifest", f"Manifeste valide : {manifest.id} {manifest.version}, API {manifest.store_api}.")
    trees = _compile_all(sources)
    state.ok("python_compile", f"{len(sources)} fichier(s) Python compilé(s) sans erreur.")
    _check_entry_point(manifest, sources, trees)
    state.ok("entry_point", f"Point d'entrée trouvé : {manifest.entry_point}.")
    for rule, message in check_code(manifest, trees):
        state.warn(rule, message)
    declared = ", ".join(sorted(manifest.permissions)) or "aucune"
    state.ok("permissions", f"Permissions déclarées : {declared}.")
    report = ValidationReport(
        checks=state.checks,
        entries=len(files),
        python_files=len(sources),
        uncompressed_bytes=total,
        archive_bytes=archive_bytes,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return ValidatedRelease(
        manifest=manifest, manifest_text=manifest_raw.decode("utf-8"), files=files, report=report
    )


def _read_all(
    archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]
) -> tuple[list[ArchiveFile], dict[str, bytes], bytes | None]:
    """Decompress every file once, bounded by its declared size; CRC errors reveal lying headers."""
    files: list[ArchiveFile] = []
    sources: dict[str, bytes] = {}
    manifest: bytes | None = None
    for info in infos:
        if info.is_dir():
            continue
        sha = hashlib.sha256()
        keep = info.filename.endswith(".py") or info.filename == MANIFEST_NAME
        kept: list[bytes] = []
        read = 0
        try:
            with archive.open(info) as handle:
                while chunk := handle.read(CHUNK):
                    read += len(chunk)
                    if read > info.file_size:
                        raise zipfile.BadZipFile("size")
                    sha.update(chunk)
                    if keep:
                        kept.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise ReleaseRejected(
                "archive_corrupt",
                f"{info.filename} est corrompu (taille ou somme de contrôle fausse).",
                field=info.filename,
            ) from None
        if read != info.file_size:
            raise ReleaseRejected(
                "archive_corrupt", f"{info.filename} : taille déclarée fausse.", field=info.filename
            )
        files.append(
            ArchiveFile(
                path=info.filename,
                size=info.file_size,
                compressed_size=info.compress_size,
                sha256=sha.hexdigest(),
            )
        )
        if info.filename == MANIFEST_NAME:
            if info.file_size > MAX_MANIFEST_BYTES:
                raise ReleaseRejected(
                    "manifest_too_large",
                    f"Le manifeste dépasse {MAX_MANIFEST_BYTES // 1024} Kio.",
                    field=MANIFEST_NAME,
                )
            manifest = b"".join(kept)
        elif keep:
            sources[info.filename] = b"".join(kept)
    return files, sources, manifest


def _compile_all(sources: dict[str, bytes]) -> dict[str, ast.Module]:
    trees: dict[str, ast.Module] = {}
    for name, raw in sources.items():
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ReleaseRejected(
                "python_not_utf8", f"{name} n'est pas encodé en UTF-8.", field=name
            ) from None
        try:
            tree = ast.parse(text, filename=name)
            compile(tree, name, "exec", dont_inherit=True)
        except SyntaxError as exc:
            raise ReleaseRejected(
                "python_syntax_error",
                f"{name}, ligne {exc.lineno} : erreur de syntaxe ({exc.msg}).",
                field=name,
            ) from None
        except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
            raise ReleaseRejected(
                "python_syntax_error", f"{name} ne se compile pas ({type(exc).__name__}).", field=name
            ) from None
        trees[name] = tree
    return trees


def _module_file(module: str, sources: dict[str, bytes]) -> str | None:
    base = module.replace(".", "/")
    for candidate in (base + ".py", base + "/__init__.py"):
        if candidate in sources:
            return candidate
    return None


def _defines(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
            return True
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return True
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return True
        if isinstance(node, ast.ImportFrom | ast.Import) and any(
            (a.asname or a.name) == name for a in node.names
        ):
            return True
    return False


def _check_entry_point(manifest: Manifest, sources: dict[str, bytes], trees: dict[str, ast.Module]) -> None:
    module_file = _module_file(manifest.entry_module, sources)
    if module_file is None:
        raise ReleaseRejected(
            "entry_point_missing",
            f"Le module du point d'entrée « {manifest.entry_module} » est absent de l'archive.",
            field="entry_point",
        )
    attribute = manifest.entry_attribute
    if attribute and not _defines(trees[module_file], attribute):
        raise ReleaseRejected(
            "entry_point_missing",
            f"« {attribute} » n'est pas défini au premier niveau de {module_file}.",
            field="entry_point",
        )
