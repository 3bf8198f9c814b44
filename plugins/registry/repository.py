"""Every query on plugins and releases."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from plugins.registry.report import ArchiveFile, ValidationReport
from plugins.registry.tables import Plugin, PluginRelease
from store.registry.tables import Publisher


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _encode(value: Any) -> str:
    return msgspec.json.encode(value).decode()


class PluginRecord(msgspec.Struct, kw_only=True):
    id: str
    name: str
    summary: str
    publisher_siren: str
    publisher_name: str
    status: str
    status_reason: str | None
    created_at: dt.datetime


class ReleaseRecord(msgspec.Struct, kw_only=True):
    id: str
    plugin_id: str
    version: str
    state: str
    artifact_key: str
    size: int
    sha256: str
    manifest: dict[str, Any]
    manifest_text: str
    files: list[ArchiveFile]
    report: ValidationReport
    store_api: str
    entry_point: str
    permissions: list[str]
    uploaded_by: str | None
    uploaded_by_label: str
    uploaded_at: dt.datetime
    reviewed_by: str | None
    reviewed_by_label: str
    reviewed_at: dt.datetime | None
    review_reason: str | None
    yanked_at: dt.datetime | None
    yanked_reason: str | None
    deleted_at: dt.datetime | None
    plugin_status: str
    plugin_status_reason: str | None
    publisher_siren: str

    @property
    def loadable(self) -> bool:
        return self.state == "approved" and self.yanked_at is None and self.plugin_status == "active"


_PLUGIN_COLUMNS = (
    Plugin.id,
    Plugin.name,
    Plugin.summary,
    Plugin.publisher.siren.as_alias("publisher_siren"),
    Plugin.publisher.name.as_alias("publisher_name"),
    Plugin.status,
    Plugin.status_reason,
    Plugin.created_at,
)

_RELEASE_COLUMNS = (
    PluginRelease.id,
    PluginRelease.plugin.id.as_alias("plugin_id"),
    PluginRelease.version,
    PluginRelease.state,
    PluginRelease.artifact_key,
    PluginRelease.size,
    PluginRelease.sha256,
    PluginRelease.manifest,
    PluginRelease.manifest_text,
    PluginRelease.files,
    PluginRelease.report,
    PluginRelease.store_api,
    PluginRelease.entry_point,
    PluginRelease.permissions,
    PluginRelease.uploaded_by,
    PluginRelease.uploaded_by_label,
    PluginRelease.uploaded_at,
    PluginRelease.reviewed_by,
    PluginRelease.reviewed_by_label,
    PluginRelease.reviewed_at,
    PluginRelease.review_reason,
    PluginRelease.yanked_at,
    PluginRelease.yanked_reason,
    PluginRelease.deleted_at,
    PluginRelease.plugin.status.as_alias("plugin_status"),
    PluginRelease.plugin.status_reason.as_alias("plugin_status_reason"),
    PluginRelease.plugin.publisher.as_alias("publisher_siren"),
)


def _release(row: dict[str, Any]) -> ReleaseRecord:
    row = dict(row)
    row["id"] = str(row["id"])
    for name in ("manifest", "files", "report", "permissions"):
        row[name] = _json(row[name])
    return msgspec.convert(row, ReleaseRecord)


class PluginRepository:
    # Publishers -------------------------------------------------------------------------------

    async def publisher_exists(self, siren: str) -> bool:
        return await Publisher.exists().where(Publisher.siren == siren)

    async def ensure_publisher(self, siren: str, name: str, now: dt.datetime) -> None:
        """For first-party services only: the store's own publisher row."""
        if not await self.publisher_exists(siren):
            await Publisher.insert(
                Publisher(siren=siren, name=name, verified=True, verified_at=now, created_at=now)
            )

    # Plugins ----------------------------------------------------------------------------------

    async def get_plugin(self, plugin_id: str) -> PluginRecord | None:
        row = await Plugin.select(*_PLUGIN_COLUMNS).where(Plugin.id == plugin_id).first()
        return msgspec.convert(row, PluginRecord) if row else None

    async def list_plugins(self, publisher_sirens: frozenset[str] | None) -> list[PluginRecord]:
        query = Plugin.select(*_PLUGIN_COLUMNS).order_by(Plugin.id)
        if publisher_sirens is not None:
            if not publisher_sirens:
                return []
            query = query.where(Plugin.publisher.is_in(list(publisher_sirens)))
        return [msgspec.convert(r, PluginRecord) for r in await query]

    async def insert_plugin(
        self, *, plugin_id: str, publisher_siren: str, name: str, summary: str, now: dt.datetime
    ) -> None:
        await Plugin.insert(
            Plugin(
                id=plugin_id,
                publisher=publisher_siren,
                name=name,
                summary=summary,
                status="active",
                created_at=now,
                updated_at=now,
            )
        )

    async def update_plugin_text(self, plugin_id: str, *, name: str, summary: str, now: dt.datetime) -> None:
        await Plugin.update({Plugin.name: name, Plugin.summary: summary, Plugin.updated_at: now}).where(
            Plugin.id == plugin_id
        )

    async def set_plugin_status(
        self, plugin_id: str, status: str, reason: str | None, now: dt.datetime
    ) -> bool:
        rows = (
            await Plugin.update({Plugin.status: status, Plugin.status_reason: reason, Plugin.updated_at: now})
            .where(Plugin.id == plugin_id)
            .returning(Plugin.id)
        )
        return bool(rows)

    # Releases ---------------------------------------------------------------------------------

    async def versions(self, plugin_id: str) -> list[tuple[str, str]]:
        """(version, state) of every release ever uploaded, deleted ones included."""
        rows = await PluginRelease.select(PluginRelease.version, PluginRelease.state).where(
            PluginRelease.plugin == plugin_id
        )
        return [(r["version"], r["state"]) for r in rows]

    async def insert_release(
        self,
        *,
        plugin_id: str,
        version: str,
        artifact_key: str,
        size: int,
        sha256: str,
        manifest: dict[str, Any],
        manifest_text: str,
        files: list[ArchiveFile],
        report: ValidationReport,
        store_api: str,
        entry_point: str,
        permissions: list[str],
        uploaded_by: str | None,
        uploaded_by_label: str,
        now: dt.datetime,
    ) -> str:
        release_id = uuid.uuid4()
        await PluginRelease.insert(
            PluginRelease(
                id=release_id,
                plugin=plugin_id,
                version=version,
                state="pending",
                artifact_key=artifact_key,
                size=size,
                sha256=sha256,
                manifest=_encode(manifest),
                manifest_text=manifest_text,
                files=_encode(files),
                report=_encode(report),
                store_api=store_api,
                entry_point=entry_point,
                permissions=_encode(permissions),
                uploaded_by=uploaded_by,
                uploaded_by_label=uploaded_by_label,
                uploaded_at=now,
            )
        )
        return str(release_id)

    async def get_release(self, release_id: str) -> ReleaseRecord | None:
        try:
            key = uuid.UUID(release_id)
        except ValueError:
            return None
        row = await PluginRelease.select(*_RELEASE_COLUMNS).where(PluginRelease.id == key).first()
        return _release(row) if row else None

    async def get_release_by_version(self, plugin_id: str, version: str) -> ReleaseRecord | None:
        row = (
            await PluginRelease.select(*_RELEASE_COLUMNS)
            .where((PluginRelease.plugin == plugin_id) & (PluginRelease.version == version))
            .first()
        )
        return _release(row) if row else None

    async def releases_of(self, plugin_id: str) -> list[ReleaseRecord]:
        rows = await PluginRelease.select(*_RELEASE_COLUMNS).where(PluginRelease.plugin == plugin_id)
        return [_release(r) for r in rows]

    async def releases_in_state(self, state: str, limit: int = 200) -> list[ReleaseRecord]:
        rows = (
            await PluginRelease.select(*_RELEASE_COLUMNS)
            .where(PluginRelease.state == state)
            .order_by(PluginRelease.uploaded_at)
            .limit(limit)
        )
        return [_release(r) for r in rows]

    async def review(
        self,
        release_id: str,
        *,
        from_state: str,
        to_state: str,
        by: str | None,
        by_label: str,
        reason: str | None,
        now: dt.datetime,
    ) -> bool:
        """Compare-and-set: only moves a release still in ``from_state``."""
        rows = (
            await PluginRelease.update(
                {
                    PluginRelease.state: to_state,
                    PluginRelease.reviewed_by: by,
                    PluginRelease.reviewed_by_label: by_label,
                    PluginRelease.reviewed_at: now,
                    PluginRelease.review_reason: reason,
                }
            )
            .where((PluginRelease.id == uuid.UUID(release_id)) & (PluginRelease.state == from_state))
            .returning(PluginRelease.id)
        )
        return bool(rows)

    async def yank(self, release_id: str, reason: str, now: dt.datetime) -> bool:
        rows = (
            await PluginRelease.update({PluginRelease.yanked_at: now, PluginRelease.yanked_reason: reason})
            .where(
                (PluginRelease.id == uuid.UUID(release_id))
                & (PluginRelease.state == "approved")
                & PluginRelease.yanked_at.is_null()
            )
            .returning(PluginRelease.id)
        )
        return bool(rows)

    async def key_in_use(self, key: str) -> bool:
        return await PluginRelease.exists().where(
            (PluginRelease.artifact_key == key) & (PluginRelease.state != "deleted")
        )

    async def mark_deleted(self, release_id: str, now: dt.datetime) -> bool:
        rows = (
            await PluginRelease.update({PluginRelease.state: "deleted", PluginRelease.deleted_at: now})
            .where((PluginRelease.id == uuid.UUID(release_id)) & (PluginRelease.state != "deleted"))
            .returning(PluginRelease.id)
        )
        return bool(rows)
