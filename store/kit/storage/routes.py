"""The signed download route of the local backend (S3 hands out presigned URLs instead)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import FromPath, FromQuery
from litestar.response import File

from store.kit.auth import PUBLIC
from store.kit.errors import Forbidden, NotFound
from store.kit.storage.local import LocalArtifactStorage

_REASONS = {
    "url_expired": "Ce lien de téléchargement a expiré : demandez-en un nouveau.",
    "url_signature_invalid": "Ce lien de téléchargement n'est pas valide.",
}


class ArtifactDownloadController(Controller):
    path = "/api/v1/artifacts"
    tags = ["Stockage"]

    @get("/{key:path}", opt=PUBLIC, operation_id="DownloadArtifact")
    async def download(
        self,
        state: State,
        key: FromPath[str],
        expires: FromQuery[int],
        filename: FromQuery[str],
        signature: FromQuery[str],
    ) -> File:
        """Télécharge un objet du stockage local au moyen d'un lien signé et limité dans le temps."""
        storage: Any = state.storage
        if not isinstance(storage, LocalArtifactStorage):
            raise NotFound("Les téléchargements passent par le stockage S3.", code="artifact_not_found")
        key = key.lstrip("/")
        if reason := storage.verify(key, expires, filename, signature):
            raise Forbidden(_REASONS[reason], code=reason)
        stored = await storage.stat(key)
        return File(
            path=storage.local_path(key),
            filename=filename,
            media_type=stored.content_type,
            content_disposition_type="attachment",
        )
