"""Publishers' pages: their services, a browser upload with the validation report, each release."""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from plugins.registry.controllers import UPLOAD_BODY_CAP
from plugins.registry.service import PublishingService
from plugins.sdk.manifest import PERMISSIONS
from store.kit.auth import AUTHENTICATED, Scope, actor_of, requires
from store.kit.errors import DomainError
from store.web.rendering import flash, page

STATE_LABELS = {
    "pending": ("En attente d'examen", "info"),
    "approved": ("Approuvée", "success"),
    "rejected": ("Refusée", "error"),
    "deleted": ("Supprimée", "warning"),
}


class PublisherPluginPages(Controller):
    path = "/editeur/plugins"
    include_in_schema = False

    async def _list(
        self,
        request: Request[Any, Any, Any],
        publishing: PublishingService,
        *,
        status_code: int = 200,
        **extra: Any,
    ) -> Template:
        actor = actor_of(request)
        plugins = await publishing.list_plugins(actor)
        return page(
            request,
            "pages/plugins/publisher_list.html",
            status_code=status_code,
            plugins=plugins,
            publishers=[m for m in actor.mandates if m.kind == "publisher"],
            state_labels=STATE_LABELS,
            **extra,
        )

    @get("/", guards=[AUTHENTICATED])
    async def index(
        self, request: Request[Any, Any, Any], plugin_publishing: NamedDependency[PublishingService]
    ) -> Template:
        return await self._list(request, plugin_publishing)

    @post(
        "/depot",
        guards=[requires(Scope.PluginsReleasesWrite)],
        request_max_body_size=UPLOAD_BODY_CAP,
    )
    async def upload(
        self, request: Request[Any, Any, Any], plugin_publishing: NamedDependency[PublishingService]
    ) -> Template | Redirect:
        form = await request.form()
        archive = form.get("archive")
        publisher = str(form.get("publisher") or "") or None
        if not isinstance(archive, UploadFile):
            return await self._list(
                request,
                plugin_publishing,
                status_code=400,
                error="Choisissez une archive .zip.",
                error_code=None,
            )
        settings = request.app.state.settings
        folder = settings.data_path / "tmp" / "uploads"
        path = await asyncio.to_thread(_spool, archive, folder, settings.plugin_max_archive_bytes)
        try:
            if path is None:
                return await self._list(
                    request,
                    plugin_publishing,
                    status_code=413,
                    error="L'archive dépasse la taille autorisée.",
                    error_code="archive_too_large",
                )
            view = await plugin_publishing.publish(actor_of(request), path, publisher_siren=publisher)
        except DomainError as exc:
            return await self._list(
                request,
                plugin_publishing,
                status_code=exc.status,
                error=exc.detail,
                error_code=exc.code,
                error_fields=exc.errors,
            )
        finally:
            if path is not None:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
        flash(
            request,
            f"Version {view.version} de {view.plugin_id} déposée : elle attend l'examen d'un curateur.",
        )
        return Redirect(f"/editeur/plugins/{view.plugin_id}/versions/{view.version}", status_code=303)

    @get("/{plugin_id:str}/versions/{version:str}", guards=[AUTHENTICATED])
    async def release(
        self,
        request: Request[Any, Any, Any],
        plugin_id: FromPath[str],
        version: FromPath[str],
        plugin_publishing: NamedDependency[PublishingService],
    ) -> Template:
        view = await plugin_publishing.release(actor_of(request), plugin_id, version)
        return page(
            request,
            "pages/plugins/release.html",
            release=view,
            state_labels=STATE_LABELS,
            permissions=PERMISSIONS,
        )


def _spool(upload: UploadFile, folder: Path, limit: int) -> Path | None:
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix="form-", suffix=".zip")
    size = 0
    with os.fdopen(fd, "wb") as out:
        upload.file.seek(0)
        while chunk := upload.file.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                out.close()
                os.unlink(name)
                return None
            out.write(chunk)
    return Path(name)
