"""Thin HTTP layer: publishers' plugins and releases API, curators' review API."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from plugins.registry.curation import CurationService
from plugins.registry.schemas import (
    ApproveRequest,
    DownloadLink,
    PluginCreate,
    PluginDetail,
    PluginView,
    ReasonRequest,
    ReleaseReview,
    ReleaseState,
    ReleaseSummary,
    ReleaseView,
)
from plugins.registry.service import PublishingService
from plugins.registry.upload import receive_archive
from store.kit.auth import AUTHENTICATED, Scope, actor_of, requires

UPLOAD_BODY_CAP = 1024 * 1024 * 1024
"""Hard ceiling for the upload route; the configured archive limit is enforced while streaming."""


class PluginController(Controller):
    path = "/api/v1/plugins"
    tags = ["Services (éditeurs)"]

    @get("/", guards=[AUTHENTICATED], operation_id="ListPlugins")
    async def list_plugins(
        self, request: Request[Any, Any, Any], plugin_publishing: NamedDependency[PublishingService]
    ) -> list[PluginView]:
        """Les services des éditeurs du compte (tous pour un curateur)."""
        return await plugin_publishing.list_plugins(actor_of(request))

    @post("/", guards=[requires(Scope.PluginsReleasesWrite)], operation_id="RegisterPlugin")
    async def register(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[PluginCreate],
        plugin_publishing: NamedDependency[PublishingService],
    ) -> PluginView:
        """Réserve un identifiant de service pour un éditeur."""
        return await plugin_publishing.register_plugin(
            actor_of(request),
            plugin_id=data.id,
            publisher_siren=data.publisher_siren,
            name=data.name,
            summary=data.summary,
        )

    @get("/{plugin_id:str}", guards=[AUTHENTICATED], operation_id="GetPlugin")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        plugin_id: FromPath[str],
        plugin_publishing: NamedDependency[PublishingService],
    ) -> PluginDetail:
        """Un service et toutes ses versions, avec leur état d'examen et les raisons de retrait."""
        return await plugin_publishing.plugin_detail(actor_of(request), plugin_id)

    @post(
        "/{plugin_id:str}/releases",
        guards=[requires(Scope.PluginsReleasesWrite)],
        opt={"accepts_upload": True},
        request_max_body_size=UPLOAD_BODY_CAP,
        status_code=HTTP_201_CREATED,
        operation_id="UploadRelease",
    )
    async def upload(
        self,
        request: Request[Any, Any, Any],
        state: State,
        plugin_id: FromPath[str],
        plugin_publishing: NamedDependency[PublishingService],
    ) -> ReleaseView:
        """Dépose une version (archive zip, multipart champ « archive » ou corps application/zip).

        L'archive est validée sans exécuter son code ; un refus renvoie un problème 4xx nommant la
        règle et ne conserve rien. Le rapport de validation figure dans la réponse."""
        settings = state.settings
        received = await receive_archive(
            request, settings.data_path / "tmp" / "uploads", settings.plugin_max_archive_bytes
        )
        try:
            return await plugin_publishing.publish(
                actor_of(request),
                received.path,
                plugin_id=plugin_id,
                publisher_siren=received.fields.get("publisher") or None,
                sha256=received.sha256,
            )
        finally:
            received.discard()

    @get("/{plugin_id:str}/releases/{version:str}", guards=[AUTHENTICATED], operation_id="GetRelease")
    async def release(
        self,
        request: Request[Any, Any, Any],
        plugin_id: FromPath[str],
        version: FromPath[str],
        plugin_publishing: NamedDependency[PublishingService],
    ) -> ReleaseView:
        """Une version : manifeste, rapport de validation, fichiers, état d'examen."""
        return await plugin_publishing.release(actor_of(request), plugin_id, version)

    @get(
        "/{plugin_id:str}/releases/{version:str}/download",
        guards=[AUTHENTICATED],
        operation_id="DownloadRelease",
    )
    async def download(
        self,
        request: Request[Any, Any, Any],
        plugin_id: FromPath[str],
        version: FromPath[str],
        plugin_publishing: NamedDependency[PublishingService],
    ) -> DownloadLink:
        """Un lien de téléchargement temporaire de l'archive, avec son sha256."""
        return await plugin_publishing.download_link(actor_of(request), plugin_id, version)

    @delete(
        "/{plugin_id:str}/releases/{version:str}",
        guards=[requires(Scope.PluginsReleasesWrite)],
        status_code=HTTP_204_NO_CONTENT,
        operation_id="DeleteRelease",
    )
    async def delete_release(
        self,
        request: Request[Any, Any, Any],
        plugin_id: FromPath[str],
        version: FromPath[str],
        plugin_publishing: NamedDependency[PublishingService],
    ) -> None:
        """Supprime une version non déployée ; son numéro ne pourra jamais être réutilisé."""
        await plugin_publishing.delete_release(actor_of(request), plugin_id, version)


class PluginCurationController(Controller):
    path = "/api/v1/admin/plugins"
    tags = ["Services (curation)"]
    guards = [requires(Scope.AdminPluginsWrite)]

    @get("/releases", operation_id="ListReleasesForReview")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        plugin_curation: NamedDependency[CurationService],
        review_state: FromQuery[ReleaseState] = "pending",
    ) -> list[ReleaseSummary]:
        """La file d'examen (par défaut : versions en attente, les plus anciennes d'abord)."""
        return await plugin_curation.queue(actor_of(request), review_state)

    @get("/releases/{release_id:str}", operation_id="ReviewRelease")
    async def review(
        self,
        request: Request[Any, Any, Any],
        release_id: FromPath[str],
        plugin_curation: NamedDependency[CurationService],
    ) -> ReleaseReview:
        """Rapport, manifeste, fichiers et écart avec la version précédente : de quoi décider."""
        return await plugin_curation.review(actor_of(request), release_id)

    @post("/releases/{release_id:str}/approve", operation_id="ApproveRelease")
    async def approve(
        self,
        request: Request[Any, Any, Any],
        release_id: FromPath[str],
        data: JSONBody[ApproveRequest],
        plugin_curation: NamedDependency[CurationService],
    ) -> ReleaseSummary:
        """Approuve une version en attente : elle devient déployable."""
        return await plugin_curation.approve(actor_of(request), release_id, data.note)

    @post("/releases/{release_id:str}/reject", operation_id="RejectRelease")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        release_id: FromPath[str],
        data: JSONBody[ReasonRequest],
        plugin_curation: NamedDependency[CurationService],
    ) -> ReleaseSummary:
        """Refuse une version en attente, avec un motif communiqué à l'éditeur."""
        return await plugin_curation.reject(actor_of(request), release_id, data.reason)

    @post("/releases/{release_id:str}/yank", operation_id="YankRelease")
    async def yank(
        self,
        request: Request[Any, Any, Any],
        release_id: FromPath[str],
        data: JSONBody[ReasonRequest],
        plugin_curation: NamedDependency[CurationService],
    ) -> ReleaseSummary:
        """Retire une version approuvée ; le motif est montré aux collectivités qui l'utilisent."""
        return await plugin_curation.yank(actor_of(request), release_id, data.reason)

    @post("/{plugin_id:str}/suspend", status_code=HTTP_204_NO_CONTENT, operation_id="SuspendPlugin")
    async def suspend(
        self,
        request: Request[Any, Any, Any],
        plugin_id: FromPath[str],
        data: JSONBody[ReasonRequest],
        plugin_curation: NamedDependency[CurationService],
    ) -> None:
        """Suspend un service : plus aucune version chargée ni publiée jusqu'à sa réhabilitation."""
        await plugin_curation.suspend(actor_of(request), plugin_id, data.reason)

    @post("/{plugin_id:str}/reinstate", status_code=HTTP_204_NO_CONTENT, operation_id="ReinstatePlugin")
    async def reinstate(
        self,
        request: Request[Any, Any, Any],
        plugin_id: FromPath[str],
        plugin_curation: NamedDependency[CurationService],
    ) -> None:
        """Lève la suspension d'un service."""
        await plugin_curation.reinstate(actor_of(request), plugin_id)
