"""Receive a release archive from an HTTP request, streamed to a temporary file as it arrives.

Accepts ``multipart/form-data`` (file field ``archive``, optional text field ``publisher``) or a
raw ``application/zip`` body. The size limit is enforced on the bytes actually received; the
sha256 is computed on the way.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from litestar import Request
from python_multipart.multipart import MultipartParser, parse_options_header

from plugins.registry.validation import ArchiveTooLarge
from store.kit.errors import InvalidInput

FLUSH_BYTES = 1024 * 1024
MAX_FIELD_BYTES = 4096


@dataclass
class ReceivedArchive:
    path: Path
    size: int
    sha256: str
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


class _Sink:
    """Writes the archive part to disk in large blocks, hashing and counting."""

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.size = 0
        self.sha = hashlib.sha256()
        self.pending: list[bytes | memoryview] = []
        self.pending_bytes = 0

    def feed(self, data: bytes | memoryview) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise ArchiveTooLarge(f"L'archive dépasse {self.limit / 1_048_576:.0f} Mio.")
        self.pending.append(data)  # no copy: the request's own buffers are written as they are
        self.pending_bytes += len(data)

    async def flush(self, force: bool = False) -> None:
        if self.pending and (force or self.pending_bytes >= FLUSH_BYTES):
            blocks, self.pending, self.pending_bytes = self.pending, [], 0
            await asyncio.to_thread(self._write, blocks)

    def _write(self, blocks: list[bytes | memoryview]) -> None:
        for block in blocks:
            self.sha.update(block)
        self.handle.writelines(blocks)


async def receive_archive(request: Request[Any, Any, Any], directory: Path, limit: int) -> ReceivedArchive:
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    kind = content_type.decode().lower() if isinstance(content_type, bytes) else str(content_type).lower()
    await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=directory, prefix="upload-", suffix=".zip")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            sink = _Sink(handle, limit)
            if kind == "multipart/form-data":
                boundary = params.get(b"boundary")
                if not boundary:
                    raise InvalidInput(
                        "En-tête multipart sans délimiteur (boundary).", code="upload_malformed"
                    )
                fields, got_file = await _multipart(request, boundary, sink)
                if not got_file:
                    raise InvalidInput(
                        "Aucun fichier « archive » dans le formulaire envoyé.", code="upload_missing_archive"
                    )
            elif kind in {"application/zip", "application/octet-stream", "application/x-zip-compressed"}:
                fields = {}
                async for chunk in request.stream():
                    sink.feed(chunk)
                    await sink.flush()
            else:
                raise InvalidInput(
                    "Envoyez l'archive en multipart/form-data (champ « archive ») ou en application/zip.",
                    code="upload_unsupported_type",
                )
            await sink.flush(force=True)
            if sink.size == 0:
                raise InvalidInput("L'archive envoyée est vide.", code="upload_empty")
        return ReceivedArchive(path=path, size=sink.size, sha256=sink.sha.hexdigest(), fields=fields)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
        raise


async def _multipart(
    request: Request[Any, Any, Any], boundary: bytes, sink: _Sink
) -> tuple[dict[str, str], bool]:
    fields: dict[str, str] = {}
    state: dict[str, Any] = {"headers": {}, "header": b"", "value": b"", "target": None, "text": bytearray()}
    got_file = False
    errors: list[BaseException] = []

    def on_part_begin() -> None:
        state.update(headers={}, header=b"", value=b"", target=None, text=bytearray())

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["header"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["header"].lower()] = state["value"]
        state["header"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        nonlocal got_file
        _, options = parse_options_header(state["headers"].get(b"content-disposition", b""))
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in options and name == "archive":
            if got_file:
                errors.append(InvalidInput("Une seule archive par envoi.", code="upload_malformed"))
            got_file = True
            state["target"] = "file"
        else:
            state["target"] = name

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if errors:
            return
        if state["target"] == "file":
            try:
                sink.feed(memoryview(data)[start:end])
            except BaseException as exc:
                errors.append(exc)
        elif state["target"]:
            state["text"] += data[start:end]
            if len(state["text"]) > MAX_FIELD_BYTES:
                errors.append(InvalidInput("Champ de formulaire trop long.", code="upload_malformed"))

    def on_part_end() -> None:
        target = state["target"]
        if target and target != "file":
            fields[target] = bytes(state["text"]).decode("utf-8", "replace").strip()

    parser = MultipartParser(
        boundary,
        callbacks={
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    async for chunk in request.stream():
        if chunk:
            try:
                parser.write(chunk)
            except Exception as exc:
                raise InvalidInput("Corps multipart mal formé.", code="upload_malformed") from exc
        if errors:
            raise errors[0]
        await sink.flush()
    parser.finalize()
    if errors:
        raise errors[0]
    return fields, got_file
