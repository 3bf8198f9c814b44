"""Publishing: register a plugin id, upload a release (validated, stored, recorded), read, delete.

An upload is validated on disk before anything is written; the artefact is stored, then the row
is inserted in one transaction; if that transaction fails the artefact is removed again, so a
rejected or failed upload leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
from pathlib import Path

import msgspec

from plugins.registry.events import ReleaseDeleted, ReleaseUploaded
from plugins.registry.repository import PluginRecord, PluginRepository
from plugins.registry.schemas import DownloadLink, PluginDetail, PluginView, ReleaseView
from plugins.registry.validation import Limits, ReleaseRejected, validate_release
from plugins.registry.views import audit_record as _audit
from plugins.registry.views import by_version, plugin_view, release_summary, release_view
from plugins.runtime.tables import Deployment
from plugins.sdk.semver import Version
from store.kit.auth import Actor, Scope
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from store.kit.settings import Settings
from store.kit.storage import ArtifactStorage, StoredObject
from store.kit.uow import UnitOfWorkFactory
from store.registry.siren import normalise_siren


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PublishingService:
    def __init__(
        self,
        settings: Settings,
        uow: UnitOfWorkFactory,
        storage: ArtifactStorage,
        repo: PluginRepository | None = None,
    ) -> None:
        self.settings = settings
        self.uow = uow
        self.storage = storage
        self.repo = repo or PluginRepository()
        self.limits = Limits.from_settings(settings)

    # Access -------------------------------------------------------------------------------------

    async def plugin_for(self, actor: Actor | None, plugin_id: str) -> PluginRecord:
        """The plugin, if the actor may see it: its publisher's members and curators (None: CLI)."""
        record = await self.repo.get_plugin(plugin_id)
        if record is None or not _may_see(actor, record):
            raise NotFound("Aucun service publié sous cet identifiant.", code="plugin_not_found")
        return record

    def _require_publisher(self, actor: Actor | None, publisher_siren: str) -> None:
        if actor is not None and not actor.speaks_for_publisher(publisher_siren):
            raise Forbidden(
                "Cet identifiant de service appartient à un autre éditeur.",
                code="plugin_owned_by_another_publisher",
            )

    # Plugins ----------------------------------------------------------------------------------

    async def register_plugin(
        self, actor: Actor | None, *, plugin_id: str, publisher_siren: str, name: str, summary: str = ""
    ) -> PluginView:
        try:
            siren = normalise_siren(publisher_siren)
        except ValueError as exc:
            raise InvalidInput(str(exc), code="invalid_siren") from exc
        self._require_publisher(actor, siren)
        if not await self.repo.publisher_exists(siren):
            raise NotFound("Aucun éditeur avec ce SIREN.", code="publisher_not_found")
        if await self.repo.get_plugin(plugin_id) is not None:
            raise Conflict("Cet identifiant de service est déjà pris.", code="plugin_id_taken")
        async with self.uow() as work:
            await self.repo.insert_plugin(
                plugin_id=plugin_id,
                publisher_siren=siren,
                name=name.strip(),
                summary=summary.strip(),
                now=utcnow(),
            )
            work.audit(
                _audit(actor, "plugins:plugin:register", "plugin", plugin_id, data={"publisher": siren})
            )
        record = await self.repo.get_plugin(plugin_id)
        assert record is not None
        return plugin_view(record)

    async def list_plugins(self, actor: Actor) -> list[PluginView]:
        """Every plugin for a curator, the publishers' own for their members, through the scope of
        that role (a token limited to ``account:self:read`` lists none)."""
        if _curates(actor):
            sirens = None
        elif actor.has(Scope.PluginsReleasesWrite):
            sirens = actor.publisher_sirens()
        else:
            sirens = frozenset()
        records = await self.repo.list_plugins(sirens)
        return [plugin_view(r, await self.repo.releases_of(r.id)) for r in records]

    async def plugin_detail(self, actor: Actor | None, plugin_id: str) -> PluginDetail:
        record = await self.plugin_for(actor, plugin_id)
        releases = by_version(await self.repo.releases_of(plugin_id))
        return PluginDetail(
            plugin=plugin_view(record, releases), releases=[release_summary(r) for r in releases]
        )

    # Releases ---------------------------------------------------------------------------------

    async def publish(
        self,
        actor: Actor | None,
        archive: Path,
        *,
        plugin_id: str | None = None,
        publisher_siren: str | None = None,
        sha256: str | None = None,
    ) -> ReleaseView:
        """Validate, store and record a release archive. ``actor=None`` is the operator (CLI, seed).

        When the plugin id and the digest are known up front (HTTP uploads), the archive goes to
        storage while it is being validated; a refusal then removes it again."""
        pending: asyncio.Task[StoredObject] | None = None
        if plugin_id is not None and sha256 is not None:
            pending = asyncio.create_task(self._store(archive, plugin_id, sha256))
        try:
            validated = await asyncio.to_thread(validate_release, archive, self.limits)
            manifest = validated.manifest
            if plugin_id is not None and manifest.id != plugin_id:
                raise ReleaseRejected(
                    "manifest_id_mismatch",
                    f"Le manifeste décrit « {manifest.id} », pas « {plugin_id} ».",
                    field="id",
                )
            plugin = await self.repo.get_plugin(manifest.id)
            if plugin is None:
                siren = await self._publisher_for_new_plugin(actor, publisher_siren)
            else:
                siren = plugin.publisher_siren
                self._require_publisher(actor, siren)
                if plugin.status == "suspended":
                    raise Forbidden(
                        f"Ce service est suspendu ({plugin.status_reason}) : "
                        "aucune version ne peut être publiée.",
                        code="plugin_suspended",
                    )
            self._check_version(manifest.version, await self.repo.versions(manifest.id))
            stored = await (pending if pending is not None else self._store(archive, manifest.id, sha256))
        except BaseException:
            if pending is not None:
                await self._discard(pending)
            raise
        try:
            now = utcnow()
            async with self.uow() as work:
                if plugin is None:
                    await self.repo.insert_plugin(
                        plugin_id=manifest.id,
                        publisher_siren=siren,
                        name=manifest.name,
                        summary=manifest.summary,
                        now=now,
                    )
                release_id = await self.repo.insert_release(
                    plugin_id=manifest.id,
                    version=manifest.version,
                    artifact_key=stored.key,
                    size=stored.size,
                    sha256=stored.sha256,
                    manifest=msgspec.to_builtins(manifest),
                    manifest_text=validated.manifest_text,
                    files=validated.files,
                    report=validated.report,
                    store_api=manifest.store_api,
                    entry_point=manifest.entry_point,
                    permissions=list(manifest.permissions),
                    uploaded_by=actor.account_id if actor else None,
                    uploaded_by_label=actor.display_name if actor else "opérateur",
                    now=now,
                )
                work.emit(
                    ReleaseUploaded(
                        plugin_id=manifest.id,
                        release_id=release_id,
                        version=manifest.version,
                        publisher_siren=siren,
                    )
                )
                work.audit(
                    _audit(
                        actor,
                        "plugins:release:upload",
                        "plugin_release",
                        release_id,
                        to_state="pending",
                        data={"plugin": manifest.id, "version": manifest.version, "sha256": stored.sha256},
                    )
                )
        except BaseException:
            await self._discard_key(stored.key)
            raise
        record = await self.repo.get_release(release_id)
        assert record is not None
        return release_view(record)

    async def _publisher_for_new_plugin(self, actor: Actor | None, requested: str | None) -> str:
        if requested:
            try:
                siren = normalise_siren(requested)
            except ValueError as exc:
                raise InvalidInput(str(exc), code="invalid_siren") from exc
        elif actor is not None and len(actor.publisher_sirens()) == 1:
            (siren,) = actor.publisher_sirens()
        else:
            raise InvalidInput(
                "Nouveau service : précisez l'éditeur (champ « publisher », SIREN).",
                code="publisher_required",
            )
        self._require_publisher(actor, siren)
        if not await self.repo.publisher_exists(siren):
            raise NotFound("Aucun éditeur avec ce SIREN.", code="publisher_not_found")
        return siren

    @staticmethod
    def _check_version(version: str, existing: list[tuple[str, str]]) -> None:
        states = dict(existing)
        if version in states:
            if states[version] == "deleted":
                raise Conflict(
                    f"La version {version} a été supprimée : un numéro de version n'est jamais réutilisé.",
                    code="version_deleted",
                )
            raise Conflict(
                f"La version {version} existe déjà ; une version publiée est immuable.", code="version_exists"
            )
        new = Version.parse(version)
        highest = max((Version.parse(v) for v in states), default=None)
        if highest is not None and new <= highest:
            raise ReleaseRejected(
                "version_not_greater",
                f"La version {version} doit être supérieure à la dernière publiée ({highest}).",
                field="version",
            )

    async def _store(self, archive: Path, plugin_id: str, digest: str | None) -> StoredObject:
        """Content-addressed: ``plugins/<id>/<sha256>.zip``."""
        if digest is None:
            digest = await asyncio.to_thread(_file_sha256, archive)
        key = f"plugins/{plugin_id}/{digest}.zip"
        with archive.open("rb") as handle:
            return await self.storage.put(key, handle, content_type="application/zip", expected_sha256=digest)

    async def _discard(self, pending: asyncio.Task[StoredObject]) -> None:
        try:
            stored = await pending
        except BaseException:
            return
        await self._discard_key(stored.key)

    async def _discard_key(self, key: str) -> None:
        """Remove an object of a refused upload, unless a recorded release uses the same bytes."""
        with contextlib.suppress(Exception):
            if not await self.repo.key_in_use(key):
                await self.storage.delete(key)

    async def release(self, actor: Actor | None, plugin_id: str, version: str) -> ReleaseView:
        await self.plugin_for(actor, plugin_id)
        record = await self.repo.get_release_by_version(plugin_id, version)
        if record is None:
            raise NotFound(f"Aucune version {version} pour ce service.", code="release_not_found")
        return release_view(record)

    async def download_link(self, actor: Actor | None, plugin_id: str, version: str) -> DownloadLink:
        view = await self.release(actor, plugin_id, version)
        if view.state == "deleted":
            raise NotFound("Cette version a été supprimée.", code="release_deleted")
        record = await self.repo.get_release_by_version(plugin_id, version)
        assert record is not None
        seconds = self.settings.storage_url_seconds
        url = await self.storage.url(
            record.artifact_key, expires_in=seconds, filename=f"{plugin_id}-{version}.zip"
        )
        return DownloadLink(url=url, expires_in=seconds, sha256=record.sha256)

    async def delete_release(self, actor: Actor | None, plugin_id: str, version: str) -> None:
        plugin = await self.plugin_for(actor, plugin_id)
        self._require_publisher(actor, plugin.publisher_siren)
        record = await self.repo.get_release_by_version(plugin_id, version)
        if record is None or record.state == "deleted":
            raise NotFound(f"Aucune version {version} pour ce service.", code="release_not_found")
        in_use = await Deployment.count().where(
            (Deployment.release == record.id) & (Deployment.state != "deprovisioned")
        )
        if in_use:
            raise Conflict(
                f"La version {version} est déployée dans {in_use} collectivité(s) : retirez-la d'abord.",
                code="release_in_use",
            )
        async with self.uow() as work:
            if not await self.repo.mark_deleted(record.id, utcnow()):
                raise NotFound(f"Aucune version {version} pour ce service.", code="release_not_found")
            work.emit(ReleaseDeleted(plugin_id=plugin_id, release_id=record.id, version=version))
            work.audit(
                _audit(
                    actor,
                    "plugins:release:delete",
                    "plugin_release",
                    record.id,
                    from_state=record.state,
                    to_state="deleted",
                )
            )
        await self.storage.delete(record.artifact_key)


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _curates(actor: Actor) -> bool:
    return actor.is_curator and actor.has(Scope.AdminPluginsWrite)


def _may_see(actor: Actor | None, record: PluginRecord) -> bool:
    """The operator (None), curators, and the plugin's publisher's members, each through the scope of
    their role: a token without it (``account:self:read``…) sees no release, report or archive."""
    if actor is None or _curates(actor):
        return True
    return actor.speaks_for_publisher(record.publisher_siren) and actor.has(Scope.PluginsReleasesWrite)
