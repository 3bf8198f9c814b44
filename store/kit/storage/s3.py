"""Artefacts in S3 (SeaweedFS, MinIO, OVH, Scaleway, AWS) through boto3.

boto3 is synchronous: every call runs in a worker thread. The client is built by a factory from
the settings (endpoint, region, keys, path-style or virtual-host addressing), never at import.
Large objects go up in parts (boto3's managed transfer); the sha256 is computed first and kept as
object metadata, so ``stat`` can return it without reading the bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import tempfile
import threading
from collections.abc import AsyncIterable, AsyncIterator
from typing import Any, BinaryIO

from store.kit.settings import Settings
from store.kit.storage.base import (
    CHUNK,
    DEFAULT_CONTENT_TYPE,
    ArtifactIntegrityError,
    ArtifactNotFound,
    Hasher,
    HashingReader,
    Source,
    StoredObject,
    validate_key,
)

SHA256_META = "sha256"
SPOOL_IN_MEMORY = 8 * 1024 * 1024


def make_s3_client(settings: Settings, *, endpoint_url: str | None = None) -> Any:
    """A boto3 S3 client for the configured server; ``endpoint_url`` overrides it (presigning)."""
    import boto3
    from botocore.config import Config

    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": settings.s3_addressing_style},
        retries={"max_attempts": 4, "mode": "standard"},
        max_pool_connections=max(10, settings.s3_max_concurrency * 2),
        connect_timeout=5,
        read_timeout=60,
        # Many S3-compatible servers reject the CRC trailers that recent botocore adds by default.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    session = boto3.session.Session()
    return session.client(
        "s3",
        endpoint_url=(endpoint_url or settings.s3_endpoint_url) or None,
        region_name=settings.s3_region,
        aws_access_key_id=settings.s3_access_key or None,
        aws_secret_access_key=settings.s3_secret_key or None,
        config=config,
    )


def _is_missing(exc: Exception) -> bool:
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return code in {"NoSuchKey", "404", "NotFound"} or status == 404


class S3ArtifactStorage:
    backend = "s3"

    def __init__(
        self,
        client: Any,
        bucket: str,
        *,
        presign_client: Any | None = None,
        multipart_threshold: int = 16 * 1024 * 1024,
        multipart_chunksize: int = 8 * 1024 * 1024,
        max_concurrency: int = 4,
    ) -> None:
        from boto3.s3.transfer import TransferConfig

        self.client = client
        self.presign_client = presign_client or client
        self.bucket = bucket
        self._transfer_manager: Any = None
        self._manager_lock = threading.Lock()
        self.transfer = TransferConfig(
            multipart_threshold=multipart_threshold,
            multipart_chunksize=multipart_chunksize,
            max_concurrency=max_concurrency,
            use_threads=max_concurrency > 1,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> S3ArtifactStorage:
        client = make_s3_client(settings)
        presign = (
            make_s3_client(settings, endpoint_url=settings.s3_presign_endpoint_url)
            if settings.s3_presign_endpoint_url
            else None
        )
        return cls(
            client,
            settings.s3_bucket,
            presign_client=presign,
            multipart_threshold=settings.s3_multipart_threshold_bytes,
            multipart_chunksize=settings.s3_multipart_chunk_bytes,
            max_concurrency=settings.s3_max_concurrency,
        )

    # Writing -----------------------------------------------------------------------------------

    async def put(
        self,
        key: str,
        source: Source,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        expected_sha256: str | None = None,
    ) -> StoredObject:
        validate_key(key)
        if isinstance(source, bytes | bytearray | memoryview):
            source = io.BytesIO(bytes(source))
        if isinstance(source, AsyncIterable):
            spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
            try:
                async for chunk in source:
                    await asyncio.to_thread(spool.write, chunk)
                spool.seek(0)
                return await asyncio.to_thread(self._put_file, key, spool, content_type, expected_sha256)  # type: ignore[arg-type]
            finally:
                spool.close()
        return await asyncio.to_thread(self._put_file, key, source, content_type, expected_sha256)

    def _put_file(self, key: str, source: BinaryIO, content_type: str, expected: str | None) -> StoredObject:
        seekable = getattr(source, "seekable", lambda: False)()
        if not seekable:
            with tempfile.TemporaryFile() as spool:
                while chunk := source.read(CHUNK):
                    spool.write(chunk)
                spool.seek(0)
                return self._put_file(key, spool, content_type, expected)
        start = source.tell()
        if expected is None:
            hasher = Hasher()
            while chunk := source.read(CHUNK):
                hasher.update(chunk)
            source.seek(start)
            self._upload(key, source, hasher.hexdigest, content_type)
            return StoredObject(key=key, size=hasher.size, sha256=hasher.hexdigest, content_type=content_type)
        # The caller hashed the bytes already: hash them again as they are sent, not in a pass of their own.
        reader = HashingReader(source)
        self._upload(key, reader, expected, content_type)  # type: ignore[arg-type]
        end = source.seek(0, io.SEEK_END)
        if reader.mark == end:
            digest, size = reader.hasher.hexdigest, reader.hasher.size
        else:  # the transfer skipped around: check the file itself
            source.seek(start)
            hasher = Hasher()
            while chunk := source.read(CHUNK):
                hasher.update(chunk)
            digest, size = hasher.hexdigest, hasher.size
        if digest != expected:
            self.client.delete_object(Bucket=self.bucket, Key=key)
            raise ArtifactIntegrityError("Les octets envoyés ne correspondent pas à l'empreinte attendue.")
        return StoredObject(key=key, size=size, sha256=digest, content_type=content_type)

    def _upload(self, key: str, source: BinaryIO, sha256: str, content_type: str) -> None:
        extra = {"ContentType": content_type, "Metadata": {SHA256_META: sha256}}
        position = source.tell()
        size = source.seek(0, io.SEEK_END) - position
        source.seek(position)
        if size < self.transfer.multipart_threshold:
            # One request: the managed transfer's thread pool costs more than it brings here.
            self.client.put_object(Bucket=self.bucket, Key=key, Body=source, **extra)
            return
        self._manager().upload(source, self.bucket, key, extra_args=extra).result()

    def _manager(self) -> Any:
        """One transfer manager (and its thread pool) for the backend's lifetime."""
        with self._manager_lock:
            if self._transfer_manager is None:
                from s3transfer.manager import TransferManager

                self._transfer_manager = TransferManager(self.client, self.transfer)
            return self._transfer_manager

    # Reading -----------------------------------------------------------------------------------

    async def get(self, key: str) -> bytes:
        validate_key(key)
        return await asyncio.to_thread(self._get, key)

    def _get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _is_missing(exc):
                raise ArtifactNotFound(f"Objet introuvable : {key}.") from None
            raise
        body = response["Body"]
        try:
            return bytes(body.read())
        finally:
            body.close()

    async def open(self, key: str) -> AsyncIterator[bytes]:
        validate_key(key)
        try:
            response = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _is_missing(exc):
                raise ArtifactNotFound(f"Objet introuvable : {key}.") from None
            raise
        body = response["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, CHUNK):
                yield chunk
        finally:
            body.close()

    async def stat(self, key: str) -> StoredObject:
        validate_key(key)
        try:
            head = await asyncio.to_thread(self.client.head_object, Bucket=self.bucket, Key=key)
        except Exception as exc:
            if _is_missing(exc):
                raise ArtifactNotFound(f"Objet introuvable : {key}.") from None
            raise
        metadata = {k.lower(): v for k, v in (head.get("Metadata") or {}).items()}
        return StoredObject(
            key=key,
            size=int(head["ContentLength"]),
            sha256=metadata.get(SHA256_META, ""),
            content_type=head.get("ContentType") or DEFAULT_CONTENT_TYPE,
        )

    async def exists(self, key: str) -> bool:
        try:
            await self.stat(key)
        except ArtifactNotFound:
            return False
        return True

    async def delete(self, key: str) -> None:
        validate_key(key)
        with contextlib.suppress(ArtifactNotFound):
            try:
                await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)
            except Exception as exc:
                if not _is_missing(exc):
                    raise

    async def url(self, key: str, *, expires_in: int = 600, filename: str | None = None) -> str:
        validate_key(key)
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if filename:
            safe = filename.replace('"', "").replace("\\", "")
            params["ResponseContentDisposition"] = f'attachment; filename="{safe}"'
        return str(
            await asyncio.to_thread(
                self.presign_client.generate_presigned_url,
                "get_object",
                Params=params,
                ExpiresIn=max(1, expires_in),
            )
        )

    async def check(self) -> bool:
        try:
            await asyncio.to_thread(self.client.head_bucket, Bucket=self.bucket)
        except Exception:
            return False
        return True

    async def ensure_bucket(self) -> None:
        """Create the bucket when missing (development and tests; production buckets are provisioned)."""
        if await self.check():
            return
        with contextlib.suppress(Exception):
            await asyncio.to_thread(self.client.create_bucket, Bucket=self.bucket)
