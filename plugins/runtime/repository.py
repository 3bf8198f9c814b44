"""Every query on deployments."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from plugins.runtime.tables import Deployment


class DeploymentRecord(msgspec.Struct, kw_only=True):
    id: str
    tenant_siren: str
    plugin_id: str
    release_id: str
    version: str
    state: str
    config: dict[str, Any]
    pinned: bool
    last_error: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    deprovisioned_at: dt.datetime | None


_COLUMNS = (
    Deployment.id,
    Deployment.tenant.as_alias("tenant_siren"),
    Deployment.plugin.as_alias("plugin_id"),
    Deployment.release.as_alias("release_id"),
    Deployment.release.version.as_alias("version"),
    Deployment.state,
    Deployment.config,
    Deployment.pinned,
    Deployment.last_error,
    Deployment.created_at,
    Deployment.updated_at,
    Deployment.deprovisioned_at,
)


def _record(row: dict[str, Any]) -> DeploymentRecord:
    row = dict(row)
    row["id"], row["release_id"] = str(row["id"]), str(row["release_id"])
    if isinstance(row["config"], str | bytes):
        row["config"] = msgspec.json.decode(row["config"])
    return msgspec.convert(row, DeploymentRecord)


class DeploymentRepository:
    async def get(self, tenant: str, plugin_id: str) -> DeploymentRecord | None:
        row = (
            await Deployment.select(*_COLUMNS)
            .where((Deployment.tenant == tenant) & (Deployment.plugin == plugin_id))
            .first()
        )
        return _record(row) if row else None

    async def list(
        self, *, tenant: str | None = None, plugin_id: str | None = None
    ) -> list[DeploymentRecord]:
        query = Deployment.select(*_COLUMNS).order_by(Deployment.tenant).order_by(Deployment.plugin)
        if tenant is not None:
            query = query.where(Deployment.tenant == tenant)
        if plugin_id is not None:
            query = query.where(Deployment.plugin == plugin_id)
        return [_record(r) for r in await query]

    async def upsert(
        self,
        *,
        tenant: str,
        plugin_id: str,
        release_id: str,
        state: str,
        config: dict[str, Any],
        pinned: bool,
        last_error: str | None,
        now: dt.datetime,
    ) -> None:
        values: dict[Any, Any] = {
            Deployment.release: uuid.UUID(release_id),
            Deployment.state: state,
            Deployment.config: msgspec.json.encode(config).decode(),
            Deployment.pinned: pinned,
            Deployment.last_error: last_error,
            Deployment.updated_at: now,
            Deployment.deprovisioned_at: None,
        }
        updated = (
            await Deployment.update(values)
            .where((Deployment.tenant == tenant) & (Deployment.plugin == plugin_id))
            .returning(Deployment.id)
        )
        if not updated:
            await Deployment.insert(
                Deployment(
                    id=uuid.uuid4(),
                    tenant=tenant,
                    plugin=plugin_id,
                    release=uuid.UUID(release_id),
                    state=state,
                    config=msgspec.json.encode(config).decode(),
                    pinned=pinned,
                    last_error=last_error,
                    created_at=now,
                    updated_at=now,
                )
            )

    async def set_error(self, tenant: str, plugin_id: str, error: str, now: dt.datetime) -> None:
        await Deployment.update({Deployment.last_error: error, Deployment.updated_at: now}).where(
            (Deployment.tenant == tenant) & (Deployment.plugin == plugin_id)
        )

    async def deprovision(self, tenant: str, plugin_id: str, error: str | None, now: dt.datetime) -> None:
        await Deployment.update(
            {
                Deployment.state: "deprovisioned",
                Deployment.deprovisioned_at: now,
                Deployment.updated_at: now,
                Deployment.last_error: error,
            }
        ).where((Deployment.tenant == tenant) & (Deployment.plugin == plugin_id))
