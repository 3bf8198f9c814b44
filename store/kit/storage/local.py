"""Artefacts in a local folder: the embedded default (one machine, tests, development).

Objects are written to a temporary file, flushed, then renamed into place, so a reader never sees
half an object. Size, sha256 and content type sit beside each object in ``.meta/``. Download URLs
point at the store's own ``/api/v1/artifacts/…`` route, signed with HMAC and an expiry.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import tempfile
import time
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

import msgspec

from store.kit.storage.base import (
    CHUNK,
    DEFAULT_CONTENT_TYPE,
    ArtifactIntegrityError,
    ArtifactNotFound,
    Hasher,
    Source,
    StoredObject,
    validate_key,
)

ROUTE_PREFIX = "/api/v1/artifacts/"


def _sign(secret: bytes, key: str, expires: int, filename: str) -> str:
    message = f"{key}\n{expires}\n{filename}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


class LocalArtifactStorage:
    backend = "local"

    def __init__(self, root: Path, *, secret: str, base_url: str = "") -> None:
        self.root = root
        self._secret = hashlib.sha256(b"artifact-urls\n" + secret.encode()).digest()
        self.base_url = base_url.rstrip("/")
        self._tmp = root / ".tmp"
        self._meta = root / ".meta"

    def _path(self, key: str) -> Path:
        return self.root / validate_key(key)

    def _meta_path(self, key: str) -> Path:
        return self._meta / (validate_key(key) + ".json")

    # Writing -----------------------------------------------------------------------------------

    async def put(
        self,
        key: str,
        source: Source,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        expected_sha256: str | None = None,
    ) -> StoredObject:
        target = self._path(key)
        await asyncio.to_thread(self._tmp.mkdir, parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp, prefix="put-")
        hasher = Hasher()
        try:
            with os.fdopen(fd, "wb") as out:
                if isinstance(source, bytes | bytearray | memoryview):
                    data = bytes(source)
                    hasher.update(data)
                    await asyncio.to_thread(out.write, data)
                elif isinstance(source, AsyncIterable):
                    async for chunk in source:
                        hasher.update(chunk)
                        await asyncio.to_thread(out.write, chunk)
                else:
                    await asyncio.to_thread(_copy, source, out, hasher)
                await asyncio.to_thread(_flush, out)
            stored = StoredObject(
                key=key, size=hasher.size, sha256=hasher.hexdigest, content_type=content_type
            )
            if expected_sha256 is not None and expected_sha256 != stored.sha256:
                raise ArtifactIntegrityError("Les octets reçus ne correspondent pas à l'empreinte attendue.")
            await asyncio.to_thread(self._install, Path(tmp_name), target, stored)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise
        return stored

    def _install(self, tmp: Path, target: Path, stored: StoredObject) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        meta = self._meta_path(stored.key)
        meta.parent.mkdir(parents=True, exist_ok=True)
        meta_tmp = meta.with_name(meta.name + f".{os.getpid()}.tmp")
        meta_tmp.write_bytes(msgspec.json.encode(stored))
        os.chmod(tmp, 0o640)
        os.replace(tmp, target)
        os.replace(meta_tmp, meta)

    # Reading -----------------------------------------------------------------------------------

    async def get(self, key: str) -> bytes:
        path = self._path(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ArtifactNotFound(f"Objet introuvable : {key}.") from None

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(path.open, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ArtifactNotFound(f"Objet introuvable : {key}.") from None
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            handle.close()

    def local_path(self, key: str) -> Path:
        """The file behind ``key`` (for the signed download route)."""
        return self._path(key)

    async def stat(self, key: str) -> StoredObject:
        return await asyncio.to_thread(self._stat, key)

    def _stat(self, key: str) -> StoredObject:
        path = self._path(key)
        if not path.is_file():
            raise ArtifactNotFound(f"Objet introuvable : {key}.")
        try:
            return msgspec.json.decode(self._meta_path(key).read_bytes(), type=StoredObject)
        except (FileNotFoundError, msgspec.DecodeError):
            # Metadata lost (copied folder, older layout): recompute from the bytes.
            hasher = Hasher()
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    hasher.update(chunk)
            return StoredObject(
                key=key, size=hasher.size, sha256=hasher.hexdigest, content_type=DEFAULT_CONTENT_TYPE
            )

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._path(key).is_file)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._delete, key)

    def _delete(self, key: str) -> None:
        for path in (self._path(key), self._meta_path(key)):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    async def check(self) -> bool:
        try:
            await asyncio.to_thread(self.root.mkdir, parents=True, exist_ok=True)
        except OSError:
            return False
        return os.access(self.root, os.W_OK)

    # Signed URLs -------------------------------------------------------------------------------

    async def url(self, key: str, *, expires_in: int = 600, filename: str | None = None) -> str:
        validate_key(key)
        expires = int(time.time()) + max(1, expires_in)
        name = filename or key.rsplit("/", 1)[-1]
        query = urlencode(
            {"expires": expires, "filename": name, "signature": _sign(self._secret, key, expires, name)}
        )
        return f"{self.base_url}{ROUTE_PREFIX}{quote(key)}?{query}"

    def verify(self, key: str, expires: int, filename: str, signature: str) -> str | None:
        """None when the URL is good, else the reason code (``url_expired``, ``url_signature_invalid``)."""
        expected = _sign(self._secret, key, expires, filename)
        if not hmac.compare_digest(expected, signature):
            return "url_signature_invalid"
        if expires < time.time():
            return "url_expired"
        return None


def _copy(source: BinaryIO, out: BinaryIO, hasher: Hasher) -> None:
    while chunk := source.read(CHUNK):
        hasher.update(chunk)
        out.write(chunk)


def _flush(out: BinaryIO) -> None:
    out.flush()
    os.fsync(out.fileno())
