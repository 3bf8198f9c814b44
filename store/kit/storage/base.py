"""The artefact storage seam: one protocol, a local-folder backend and an S3 backend.

Keys are plain relative paths (``plugins/conseil-municipal/1.2.0/<sha256>.zip``). Every backend
hashes what it stores, so callers always learn the size and sha256 of the bytes that actually
landed; both are kept with the object and returned by ``stat``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterable, AsyncIterator
from typing import BinaryIO, Protocol, runtime_checkable

import msgspec

from store.kit.errors import InvalidInput, NotFound, Unavailable

CHUNK = 1024 * 1024
DEFAULT_CONTENT_TYPE = "application/octet-stream"
_KEY_SEGMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+@=-]*$")
MAX_KEY_LENGTH = 512

Source = bytes | BinaryIO | AsyncIterable[bytes]
"""What ``put`` accepts: bytes, a binary file object (read from its current position), or chunks."""


class StoredObject(msgspec.Struct, frozen=True):
    key: str
    size: int
    sha256: str
    content_type: str


class ArtifactNotFound(NotFound):
    code = "artifact_not_found"


class InvalidArtifactKey(InvalidInput):
    code = "invalid_artifact_key"


class ArtifactIntegrityError(Unavailable):
    """What the backend received is not what the caller meant to store."""

    code = "artifact_integrity_failed"


@runtime_checkable
class ArtifactStorage(Protocol):
    """Where release archives and tenant files live. Every method is safe to call concurrently."""

    backend: str
    """``local`` or ``s3``."""

    async def put(
        self,
        key: str,
        source: Source,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        expected_sha256: str | None = None,
    ) -> StoredObject:
        """Store ``source`` under ``key`` (replacing it), streamed; returns size and sha256 of what landed.

        ``expected_sha256`` (when the caller already hashed the bytes) spares a backend a separate
        hashing pass; the bytes sent are still hashed, and a mismatch removes the object and
        raises ``ArtifactIntegrityError``."""
        ...

    async def get(self, key: str) -> bytes:
        """The whole object; raises ArtifactNotFound."""
        ...

    def open(self, key: str) -> AsyncIterator[bytes]:
        """The object as a stream of chunks; raises ArtifactNotFound on first iteration."""
        ...

    async def stat(self, key: str) -> StoredObject:
        """Size, sha256 and content type without reading the bytes; raises ArtifactNotFound."""
        ...

    async def url(self, key: str, *, expires_in: int = 600, filename: str | None = None) -> str:
        """A time-limited download URL (presigned for S3, a signed app route for the local folder)."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; deleting a missing key is not an error."""
        ...

    async def exists(self, key: str) -> bool: ...

    async def check(self) -> bool:
        """True when the backend answers (readiness probes)."""
        ...


def validate_key(key: str) -> str:
    """Relative, ``/``-separated, no empty, dot or dot-dot segment, no control characters."""
    if not key or len(key) > MAX_KEY_LENGTH or key.startswith("/") or "\\" in key:
        raise InvalidArtifactKey(f"Clé d'objet invalide : {key[:80]!r}.")
    for segment in key.split("/"):
        if segment in {"", ".", ".."} or not _KEY_SEGMENT.match(segment):
            raise InvalidArtifactKey(f"Clé d'objet invalide : {key[:80]!r}.")
    return key


class Hasher:
    """Counts and hashes bytes as they go by."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self.size = 0

    def update(self, chunk: bytes) -> None:
        self._sha.update(chunk)
        self.size += len(chunk)

    @property
    def hexdigest(self) -> str:
        return self._sha.hexdigest()


class HashingReader:
    """Wraps a seekable binary file: hashes bytes the first time they are read, in order, even if
    the reader seeks back to retry. ``complete`` tells whether every byte was seen exactly once."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.hasher = Hasher()
        self.start = raw.tell()
        self.mark = self.start

    def read(self, size: int = -1) -> bytes:
        position = self.raw.tell()
        data = self.raw.read(size)
        end = position + len(data)
        if position <= self.mark < end:
            self.hasher.update(data[self.mark - position :])
            self.mark = end
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Transfers close what they are given; the caller owns the underlying file."""
