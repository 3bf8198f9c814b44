"""Artefact storage: the protocol, its two backends and the factory that picks one from settings."""

from __future__ import annotations

from store.kit.settings import Settings
from store.kit.storage.base import (
    ArtifactIntegrityError,
    ArtifactNotFound,
    ArtifactStorage,
    InvalidArtifactKey,
    Source,
    StoredObject,
    validate_key,
)
from store.kit.storage.local import LocalArtifactStorage


def build_storage(settings: Settings) -> ArtifactStorage:
    """The configured backend: ``local`` (default) or ``s3``."""
    if settings.storage_backend == "s3":
        from store.kit.storage.s3 import S3ArtifactStorage

        return S3ArtifactStorage.from_settings(settings)
    return LocalArtifactStorage(
        settings.storage_path, secret=settings.secret_key, base_url=settings.public_url
    )


__all__ = [
    "ArtifactIntegrityError",
    "ArtifactNotFound",
    "ArtifactStorage",
    "InvalidArtifactKey",
    "LocalArtifactStorage",
    "Source",
    "StoredObject",
    "build_storage",
    "validate_key",
]
