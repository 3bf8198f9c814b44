"""The ArtifactStorage contract: every backend passes the same assertions."""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import uuid
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.kit.storage import ArtifactIntegrityError, ArtifactNotFound, InvalidArtifactKey
from tests.storage.conftest import Harness


def key(name: str = "obj.bin") -> str:
    return f"contract/{uuid.uuid4().hex}/{name}"


async def test_put_bytes_returns_what_landed_and_get_reads_it_back(harness: Harness) -> None:
    storage, k, data = harness.storage, key(), b"bonjour " * 1000
    stored = await storage.put(k, data, content_type="text/plain")
    assert (stored.key, stored.size, stored.sha256) == (k, len(data), hashlib.sha256(data).hexdigest())
    assert stored.content_type == "text/plain"
    assert await storage.get(k) == data
    assert await storage.exists(k)
    assert await storage.stat(k) == stored


async def test_file_objects_and_async_chunks_are_streamed(harness: Harness) -> None:
    data = os.urandom(300_000)
    expected = hashlib.sha256(data).hexdigest()
    from_file = await harness.storage.put(key(), io.BytesIO(data))

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(data), 65_536):
            yield data[start : start + 65_536]

    from_chunks = await harness.storage.put(key(), chunks())
    assert from_file.sha256 == from_chunks.sha256 == expected
    assert from_file.size == from_chunks.size == len(data)


async def test_large_objects_go_up_in_parts_and_stream_back(harness: Harness) -> None:
    data = os.urandom(12 * 1_048_576)
    k = key("big.zip")
    stored = await harness.storage.put(k, io.BytesIO(data), content_type="application/zip")
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    received = b"".join([chunk async for chunk in harness.storage.open(k)])
    assert received == data
    assert (await harness.storage.stat(k)).sha256 == stored.sha256


async def test_put_replaces_and_delete_is_idempotent(harness: Harness) -> None:
    storage, k = harness.storage, key()
    await storage.put(k, b"v1")
    stored = await storage.put(k, b"version 2")
    assert await storage.get(k) == b"version 2"
    assert (await storage.stat(k)).size == stored.size == 9
    await storage.delete(k)
    await storage.delete(k)
    assert not await storage.exists(k)


async def test_missing_objects_raise_not_found(harness: Harness) -> None:
    storage, k = harness.storage, key()
    with pytest.raises(ArtifactNotFound):
        await storage.get(k)
    with pytest.raises(ArtifactNotFound):
        await storage.stat(k)
    with pytest.raises(ArtifactNotFound):
        [chunk async for chunk in storage.open(k)]
    assert not await storage.exists(k)


@pytest.mark.parametrize(
    "bad",
    ["", "/absolute", "../escape", "a/../../b", "a//b", "a/./b", "a\\b", "x/.hidden", "a/b\x00c", "é/x"],
)
async def test_unsafe_keys_are_refused_everywhere(harness: Harness, bad: str) -> None:
    with pytest.raises(InvalidArtifactKey):
        await harness.storage.put(bad, b"x")
    with pytest.raises(InvalidArtifactKey):
        await harness.storage.get(bad)
    with pytest.raises(InvalidArtifactKey):
        await harness.storage.url(bad)


async def test_download_url_serves_the_object(harness: Harness) -> None:
    k = key("release.zip")
    await harness.storage.put(k, b"PK-contenu", content_type="application/zip")
    response = await harness.fetch(await harness.storage.url(k, expires_in=60, filename="mon-service.zip"))
    assert response.status_code == 200
    assert response.content == b"PK-contenu"
    assert "mon-service.zip" in response.headers.get("content-disposition", "")


def _tamper(url: str, param_names: tuple[str, ...]) -> str:
    parts = urlsplit(url)
    query = []
    for name, value in parse_qsl(parts.query):
        if name in param_names:
            value = value[:-1] + ("0" if value[-1] != "0" else "1")
        query.append((name, value))
    return urlunsplit(parts._replace(query=urlencode(query)))


async def test_a_tampered_url_is_refused(harness: Harness) -> None:
    k = key()
    await harness.storage.put(k, b"secret")
    url = await harness.storage.url(k, expires_in=60)
    tampered = _tamper(url, ("signature", "X-Amz-Signature"))
    assert tampered != url
    assert (await harness.fetch(tampered)).status_code == 403
    other = key()
    await harness.storage.put(other, b"other")
    swapped = url.replace(k.split("/")[1], other.split("/")[1])
    assert (await harness.fetch(swapped)).status_code == 403


async def test_an_expired_url_is_refused(harness: Harness) -> None:
    k = key()
    await harness.storage.put(k, b"ephemere")
    url = await harness.storage.url(k, expires_in=1)
    await asyncio.sleep(2.2)
    response = await harness.fetch(url)
    assert response.status_code == 403


async def test_concurrent_puts_do_not_mix(harness: Harness) -> None:
    payloads = {key(f"p{i}"): os.urandom(50_000 + i) for i in range(12)}
    results = await asyncio.gather(*(harness.storage.put(k, v) for k, v in payloads.items()))
    for stored in results:
        assert stored.sha256 == hashlib.sha256(payloads[stored.key]).hexdigest()
    fetched = await asyncio.gather(*(harness.storage.get(k) for k in payloads))
    assert fetched == list(payloads.values())


async def test_backend_answers_its_health_check(harness: Harness) -> None:
    assert await harness.storage.check()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=4096), name=st.from_regex(r"[a-z0-9][a-z0-9._-]{0,20}", fullmatch=True))
async def test_any_bytes_round_trip_with_their_sha256(harness: Harness, data: bytes, name: str) -> None:
    k = key(name)
    stored = await harness.storage.put(k, data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert await harness.storage.get(k) == data


@pytest.mark.parametrize("size", [100_000, 7 * 1_048_576])
async def test_an_expected_digest_is_checked_against_what_was_sent(harness: Harness, size: int) -> None:
    data = os.urandom(size)
    digest = hashlib.sha256(data).hexdigest()
    k = key("hinted.zip")
    stored = await harness.storage.put(k, io.BytesIO(data), expected_sha256=digest)
    assert (stored.sha256, stored.size) == (digest, len(data))
    assert (await harness.storage.stat(k)).sha256 == digest
    wrong = key("wrong.zip")
    with pytest.raises(ArtifactIntegrityError):
        await harness.storage.put(wrong, io.BytesIO(data), expected_sha256="0" * 64)
    assert not await harness.storage.exists(wrong)
