"""msgspec Structs at the edge of the runtime: deployments, health, exports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

Siren = Annotated[str, msgspec.Meta(min_length=9, max_length=11)]
HealthStatus = Literal["ok", "degraded", "down", "blocked", "stopped"]


class DeployRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    tenant_siren: Siren
    plugin_id: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    version: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    """None: the latest approved release (and the deployment follows upgrades)."""
    config: dict[str, Any] | None = None


class MoveRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    version: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    """None: back to the latest approved release, unpinned."""


class HealthView(msgspec.Struct, kw_only=True):
    status: HealthStatus
    detail: str = ""
    recent_failures: int = 0


class DeploymentView(msgspec.Struct, kw_only=True):
    tenant_siren: str
    plugin_id: str
    version: str
    state: Literal["active", "failed", "deprovisioned"]
    pinned: bool
    config: dict[str, Any]
    last_error: str | None
    url: str
    release_yanked_reason: str | None = None
    latest_approved_version: str | None = None
    health: HealthView | None = None
    updated_at: dt.datetime


class ExportedFile(msgspec.Struct, kw_only=True):
    name: str
    size: int
    sha256: str
    content_type: str
    url: str


class TenantExport(msgspec.Struct, kw_only=True):
    tenant_siren: str
    plugin_id: str
    version: str
    state: str
    exported_at: dt.datetime
    config: dict[str, Any]
    documents: dict[str, list[dict[str, Any]]]
    files: list[ExportedFile]
