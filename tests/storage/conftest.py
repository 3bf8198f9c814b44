"""One contract, two backends: the local folder always, S3 on a real SeaweedFS when available."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from litestar import Litestar
from litestar.datastructures import State

from store.kit.errors import make_exception_handler
from store.kit.settings import Settings
from store.kit.storage import ArtifactStorage, LocalArtifactStorage
from store.kit.storage.routes import ArtifactDownloadController
from store.kit.storage.s3 import S3ArtifactStorage
from tests.support.seaweed import SeaweedServer, running_seaweed
from tests.support.services import unavailable


@pytest.fixture(scope="session")
def seaweed() -> Iterator[SeaweedServer]:
    try:
        with running_seaweed() as server:
            yield server
    except (OSError, RuntimeError) as exc:
        unavailable("s3", str(exc))


def s3_settings(server: SeaweedServer, **overrides: Any) -> Settings:
    return Settings(
        env="test",
        secret_key="test-secret",
        storage_backend="s3",
        s3_endpoint_url=server.endpoint,
        s3_bucket=server.bucket,
        s3_access_key=server.access_key,
        s3_secret_key=server.secret_key,
        **overrides,
    )


@dataclass
class Harness:
    storage: ArtifactStorage
    http: httpx.AsyncClient

    async def fetch(self, url: str) -> httpx.Response:
        if isinstance(self.storage, LocalArtifactStorage):
            parts = urlsplit(url)
            return await self.http.get(parts.path + ("?" + parts.query if parts.query else ""))
        return await self.http.get(url)


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Harness]:
    if request.param == "local":
        storage: ArtifactStorage = LocalArtifactStorage(
            tmp_path / "artifacts", secret="test-secret", base_url="http://testserver.local"
        )
        app = Litestar(
            route_handlers=[ArtifactDownloadController],
            state=State({"storage": storage}),
            exception_handlers={Exception: make_exception_handler()},
        )
        transport: httpx.AsyncBaseTransport = httpx.ASGITransport(app=app)
        base = "http://testserver.local"
    else:
        server: SeaweedServer = request.getfixturevalue("seaweed")
        storage = S3ArtifactStorage.from_settings(
            s3_settings(
                server, s3_multipart_threshold_bytes=5 * 1_048_576, s3_multipart_chunk_bytes=5 * 1_048_576
            )
        )
        await storage.ensure_bucket()
        transport = httpx.AsyncHTTPTransport()
        base = server.endpoint
    async with httpx.AsyncClient(transport=transport, base_url=base) as http:
        yield Harness(storage=storage, http=http)
