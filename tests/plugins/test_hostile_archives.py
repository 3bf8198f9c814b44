"""A corpus of hostile or broken release archives, built here: each is refused with the rule it
breaks, as a 4xx problem+json, and nothing of it is kept (no row, no artefact, no temp file)."""

from __future__ import annotations

import io
import os
import stat
import unicodedata
import warnings
import zipfile
from collections.abc import Callable

import pytest

from plugins.registry.tables import Plugin, PluginRelease
from tests.plugins.conftest import leftover_uploads, stored_objects
from tests.support.plugins import DEMO_CODE, demo_files, manifest, publisher_dev, upload, zip_bytes


def _with(files: dict[str, bytes], **manifest_args: object) -> bytes:
    return zip_bytes({**demo_files(**manifest_args), **files})  # type: ignore[arg-type]


def _entry(name: str, data: bytes, mode: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in demo_files().items():
            archive.writestr(path, content)
        info = zipfile.ZipInfo(name)
        info.external_attr = mode << 16
        archive.writestr(info, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path, content in demo_files().items():
            archive.writestr(path, content)
        archive.writestr("demo_service/data.bin", b"\0" * (1_900_000))
    return buffer.getvalue()


LOCAL, CENTRAL = b"PK\x03\x04", b"PK\x01\x02"
# (name length offset, name offset, flags offset, uncompressed size offset) per header kind
LAYOUT = {LOCAL: (26, 30, 6, 22), CENTRAL: (28, 46, 8, 24)}


def _patch(data: bytes, name: bytes, *, size: int | None = None, set_flags: int = 0) -> bytes:
    """Rewrite the local and central headers of the entry ``name``."""
    out = bytearray(data)
    for signature, (length_at, name_at, flags_at, size_at) in LAYOUT.items():
        position = out.find(signature)
        while position != -1:
            length = int.from_bytes(out[position + length_at : position + length_at + 2], "little")
            if bytes(out[position + name_at : position + name_at + length]) == name:
                if size is not None:
                    out[position + size_at : position + size_at + 4] = size.to_bytes(4, "little")
                flags = (
                    int.from_bytes(out[position + flags_at : position + flags_at + 2], "little") | set_flags
                )
                out[position + flags_at : position + flags_at + 2] = flags.to_bytes(2, "little")
            position = out.find(signature, position + 4)
    return bytes(out)


def lying_sizes() -> bytes:
    archive = zip_bytes({**demo_files(), "notes.txt": b"A" * 1000}, compression=zipfile.ZIP_STORED)
    return _patch(archive, b"notes.txt", size=10)  # claims 10 bytes where there are 1 000


def encrypted_entry() -> bytes:
    return _patch(zip_bytes({**demo_files(), "secret.txt": b"chiffre"}), b"secret.txt", set_flags=0x1)


def _renamed(placeholder: bytes, replacement: bytes, *, utf8_flag: bool) -> bytes:
    data = bytearray(zip_bytes({**demo_files(), placeholder.decode(): b"x"}))
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = data.find(signature)
        while position != -1:
            name_at = data.find(placeholder, position)
            if name_at != -1 and name_at - position < 60:
                data[name_at : name_at + len(placeholder)] = replacement
                flags = int.from_bytes(data[position + flag_offset : position + flag_offset + 2], "little")
                flags = flags | 0x800 if utf8_flag else flags & ~0x800
                data[position + flag_offset : position + flag_offset + 2] = flags.to_bytes(2, "little")
            position = data.find(signature, position + 4)
    return bytes(data)


def duplicate_names() -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w") as archive:
            for path, content in demo_files().items():
                archive.writestr(path, content)
            archive.writestr("demo_service/plugin.py", b"# remplace le vrai code\n")
    return buffer.getvalue()


HOSTILE: dict[str, tuple[Callable[[], bytes], int, str]] = {
    "zip bomb": (zip_bomb, 422, "archive_compression_ratio"),
    "lying size headers": (lying_sizes, 422, "archive_corrupt"),
    "path traversal": (lambda: _with({"../../evil.py": b"x = 1\n"}), 422, "archive_path_traversal"),
    "backslash traversal": (lambda: _with({"..\\evil.py": b"x = 1\n"}), 422, "archive_path_traversal"),
    "absolute path": (
        lambda: _with({"/etc/cron.d/evil": b"* * * * * root sh"}),
        422,
        "archive_absolute_path",
    ),
    "drive letter": (lambda: _with({"C:/Windows/evil.txt": b"x"}), 422, "archive_absolute_path"),
    "symlink": (
        lambda: _entry("demo_service/link", b"/etc/passwd", stat.S_IFLNK | 0o777),
        422,
        "archive_symlink",
    ),
    "device file": (
        lambda: _entry("demo_service/dev", b"", stat.S_IFCHR | 0o600),
        422,
        "archive_special_file",
    ),
    "named pipe": (
        lambda: _entry("demo_service/fifo", b"", stat.S_IFIFO | 0o600),
        422,
        "archive_special_file",
    ),
    "duplicate names": (duplicate_names, 422, "archive_duplicate_name"),
    "case collision": (lambda: _with({"demo_service/Plugin.py": b"x = 1\n"}), 422, "archive_case_collision"),
    "unicode normalisation collision": (
        lambda: _with(
            {unicodedata.normalize("NFC", "café.txt"): b"1", unicodedata.normalize("NFD", "café.txt"): b"2"}
        ),
        422,
        "archive_case_collision",
    ),
    "non UTF-8 name": (
        lambda: _renamed(b"cafe.txt", b"caf\xe9.txt", utf8_flag=False),
        422,
        "archive_non_utf8_name",
    ),
    "bad UTF-8 name": (
        lambda: _renamed(b"cafe.txt", b"caf\xff.txt", utf8_flag=True),
        422,
        "archive_non_utf8_name",
    ),
    "control character": (lambda: _with({"demo_service/a\x07b.py": b"x = 1\n"}), 422, "archive_invalid_name"),
    "too many entries": (
        lambda: _with({f"demo_service/data/f{i}.txt": b"x" for i in range(60)}),
        422,
        "archive_too_many_entries",
    ),
    "file too large": (
        lambda: _with({"demo_service/big.bin": os.urandom(2_200_000)}),
        422,
        "archive_file_too_large",
    ),
    "archive too large": (
        lambda: _with({"demo_service/big.bin": os.urandom(3_300_000)}),
        413,
        "archive_too_large",
    ),
    "not a zip": (lambda: b"MZ\x90\x00 ceci n'est pas une archive", 422, "archive_not_zip"),
    "encrypted entry": (encrypted_entry, 422, "archive_encrypted"),
    "compiled bytecode": (
        lambda: _with({"demo_service/plugin.cpython-311.pyc": b"\x00" * 16}),
        422,
        "archive_binary_code",
    ),
    "native library": (lambda: _with({"demo_service/_speedups.so": b"\x7fELF"}), 422, "archive_binary_code"),
    "manifest missing": (
        lambda: zip_bytes({"demo_service/__init__.py": b"", "demo_service/plugin.py": DEMO_CODE.encode()}),
        422,
        "manifest_missing",
    ),
    "manifest in a subfolder": (
        lambda: zip_bytes(
            {"sub/territoires-plugin.toml": manifest().encode(), "demo_service/plugin.py": b""}
        ),
        422,
        "manifest_missing",
    ),
    "huge manifest": (
        lambda: zip_bytes({**demo_files(), "territoires-plugin.toml": (manifest() + "#" * 70_000).encode()}),
        422,
        "manifest_too_large",
    ),
    "manifest not TOML": (
        lambda: zip_bytes({**demo_files(), "territoires-plugin.toml": b"id = [ pas du toml"}),
        422,
        "manifest_invalid_toml",
    ),
    "unknown manifest field": (
        lambda: _with({}, extra='run_on_install = "rm -rf /"'),
        422,
        "manifest_invalid",
    ),
    "bad semver": (lambda: _with({}, version="1.0"), 422, "version_not_semver"),
    "unsupported store API": (lambda: _with({}, store_api=">=2.0, <3.0"), 422, "api_range_unsupported"),
    "unparsable store API": (lambda: _with({}, store_api=">=banane"), 422, "api_range_invalid"),
    "missing entry point": (lambda: _with({}, entry_point="demo_service.absent"), 422, "entry_point_missing"),
    "missing entry attribute": (
        lambda: _with({}, entry_point="demo_service.plugin:nowhere"),
        422,
        "entry_point_missing",
    ),
    "syntax error": (
        lambda: _with({"demo_service/broken.py": b"def oops(:\n    pass\n"}),
        422,
        "python_syntax_error",
    ),
    "python not UTF-8": (
        lambda: _with({"demo_service/latin.py": "x = 'é'\n".encode("latin-1")}),
        422,
        "python_not_utf8",
    ),
    "unknown permission": (
        lambda: _with({}, permissions=("tenant:documents", "root:tout")),
        422,
        "permission_unknown",
    ),
    "undeclared file storage": (
        lambda: _with({"demo_service/files.py": b"async def f(ctx):\n    return await ctx.files.list()\n"}),
        422,
        "permission_undeclared",
    ),
    "undeclared network access": (
        lambda: _with({"demo_service/net.py": b"import httpx\n"}),
        422,
        "permission_undeclared",
    ),
    "subprocess": (
        lambda: _with({"demo_service/run.py": b"import subprocess\n"}),
        422,
        "python_forbidden_code",
    ),
    "eval": (
        lambda: _with({"demo_service/ev.py": b"def f(s):\n    return eval(s)\n"}),
        422,
        "python_forbidden_code",
    ),
    "absolute self import": (
        lambda: _with({"demo_service/other.py": b"from demo_service import plugin\n"}),
        422,
        "python_absolute_self_import",
    ),
    "id that is not the URL's": (lambda: _with({}, plugin_id="autre-service"), 422, "manifest_id_mismatch"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_hostile_archive_is_refused_and_leaves_nothing(client, state, settings, case: str) -> None:
    build, status, code = HOSTILE[case]
    await publisher_dev(state, client)
    response = await upload(client, build())
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["code"] == code, problem
    assert problem["detail"]
    assert await Plugin.count() == 0
    assert await PluginRelease.count() == 0
    assert stored_objects(settings) == []
    assert leftover_uploads(settings) == []


async def test_version_regression_is_refused_and_leaves_nothing(client, state, settings) -> None:
    await publisher_dev(state, client)
    first = await upload(client, zip_bytes(demo_files("2.0.0")))
    assert first.status_code == 201
    before = stored_objects(settings)
    response = await upload(client, zip_bytes(demo_files("1.9.9")))
    assert response.status_code == 422
    assert response.json()["code"] == "version_not_greater"
    assert await PluginRelease.count() == 1
    assert stored_objects(settings) == before


def test_the_corpus_is_large_enough() -> None:
    assert len(HOSTILE) + 1 >= 15
