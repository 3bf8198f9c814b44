"""msgspec Structs at the edge of the plugins registry."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec

from plugins.registry.report import ArchiveFile, ValidationReport

ReleaseState = Literal["pending", "approved", "rejected", "deleted"]
Reason = Annotated[str, msgspec.Meta(min_length=10, max_length=2000)]
Note = Annotated[str, msgspec.Meta(max_length=2000)]


class PluginCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    id: Annotated[str, msgspec.Meta(min_length=3, max_length=64, pattern=r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")]
    publisher_siren: Annotated[str, msgspec.Meta(min_length=9, max_length=11)]
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=120)]
    summary: Annotated[str, msgspec.Meta(max_length=300)] = ""


class PluginView(msgspec.Struct, kw_only=True):
    id: str
    name: str
    summary: str
    publisher_siren: str
    publisher_name: str
    status: Literal["active", "suspended"]
    status_reason: str | None
    created_at: dt.datetime
    latest_version: str | None = None
    latest_approved_version: str | None = None


class ReleaseSummary(msgspec.Struct, kw_only=True):
    id: str
    plugin_id: str
    version: str
    state: ReleaseState
    yanked: bool
    yanked_reason: str | None
    size: int
    sha256: str
    store_api: str
    permissions: list[str]
    uploaded_at: dt.datetime
    uploaded_by: str
    reviewed_at: dt.datetime | None
    reviewed_by: str
    review_reason: str | None
    loadable: bool
    """Approved, not yanked, not deleted, and its plugin is not suspended: the runtime may load it."""


class ReleaseView(ReleaseSummary, kw_only=True):
    manifest: dict[str, Any]
    report: ValidationReport
    files: list[ArchiveFile]
    changelog: str


class PluginDetail(msgspec.Struct, kw_only=True):
    plugin: PluginView
    releases: list[ReleaseSummary]


class ManifestChange(msgspec.Struct, kw_only=True):
    path: str
    before: Any = None
    after: Any = None


class ManifestDiff(msgspec.Struct, kw_only=True):
    previous_version: str | None
    changes: list[ManifestChange]
    text: str
    """Unified diff of the manifest files."""


class PermissionInfo(msgspec.Struct, kw_only=True):
    id: str
    description: str
    new: bool
    """Not asked for by the previous release."""


class ReleaseReview(msgspec.Struct, kw_only=True):
    plugin: PluginView
    release: ReleaseView
    diff: ManifestDiff
    permissions: list[PermissionInfo]


class ApproveRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    note: Note = ""


class ReasonRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason


class DownloadLink(msgspec.Struct, kw_only=True):
    url: str
    expires_in: int
    sha256: str
