"""The S3 client factory honours the addressing style and the presign endpoint."""

from __future__ import annotations

from urllib.parse import urlsplit

from store.kit.settings import Settings
from store.kit.storage import build_storage
from store.kit.storage.s3 import S3ArtifactStorage


def _settings(**overrides: object) -> Settings:
    base: dict[str, object] = dict(
        env="test",
        secret_key="x",
        storage_backend="s3",
        s3_endpoint_url="http://127.0.0.1:9",
        s3_bucket="artefacts",
        s3_access_key="ak",
        s3_secret_key="sk",
    )
    base.update(overrides)
    return Settings(**base)  # type: ignore[arg-type]


async def test_path_style_puts_the_bucket_in_the_path() -> None:
    storage = build_storage(_settings())
    assert isinstance(storage, S3ArtifactStorage)
    url = urlsplit(await storage.url("a/b.zip"))
    assert (url.hostname, url.path) == ("127.0.0.1", "/artefacts/a/b.zip")


async def test_virtual_host_style_puts_the_bucket_in_the_host() -> None:
    storage = build_storage(
        _settings(s3_endpoint_url="https://s3.gra.io.cloud.ovh.net", s3_addressing_style="virtual")
    )
    url = urlsplit(await storage.url("a/b.zip"))
    assert url.hostname == "artefacts.s3.gra.io.cloud.ovh.net"
    assert url.path == "/a/b.zip"


async def test_presigned_urls_can_use_a_public_endpoint() -> None:
    storage = build_storage(_settings(s3_presign_endpoint_url="https://telechargements.example.fr"))
    url = urlsplit(await storage.url("a/b.zip", expires_in=30))
    assert url.hostname == "telechargements.example.fr"
    assert "X-Amz-Expires=30" in url.query
