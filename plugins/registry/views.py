"""Views of plugins and releases built from repository records, and the audit record helper."""

from __future__ import annotations

import msgspec

from plugins.registry.repository import PluginRecord, ReleaseRecord
from plugins.registry.schemas import PluginView, ReleaseSummary, ReleaseView
from plugins.sdk.semver import Version
from store.kit.auth import Actor
from store.kit.events import AuditRecord


def plugin_view(record: PluginRecord, releases: list[ReleaseRecord] | None = None) -> PluginView:
    live = [r for r in releases or [] if r.state != "deleted"]
    approved = [r for r in live if r.state == "approved" and r.yanked_at is None]
    latest = max(live, key=lambda r: Version.parse(r.version), default=None)
    latest_ok = max(approved, key=lambda r: Version.parse(r.version), default=None)
    return PluginView(
        id=record.id,
        name=record.name,
        summary=record.summary,
        publisher_siren=record.publisher_siren,
        publisher_name=record.publisher_name,
        status=record.status,  # type: ignore[arg-type]
        status_reason=record.status_reason,
        created_at=record.created_at,
        latest_version=latest.version if latest else None,
        latest_approved_version=latest_ok.version if latest_ok else None,
    )


def release_summary(record: ReleaseRecord) -> ReleaseSummary:
    return ReleaseSummary(
        id=record.id,
        plugin_id=record.plugin_id,
        version=record.version,
        state=record.state,  # type: ignore[arg-type]
        yanked=record.yanked_at is not None,
        yanked_reason=record.yanked_reason,
        size=record.size,
        sha256=record.sha256,
        store_api=record.store_api,
        permissions=record.permissions,
        uploaded_at=record.uploaded_at,
        uploaded_by=record.uploaded_by_label,
        reviewed_at=record.reviewed_at,
        reviewed_by=record.reviewed_by_label,
        review_reason=record.review_reason,
        loadable=record.loadable,
    )


def release_view(record: ReleaseRecord) -> ReleaseView:
    summary = release_summary(record)
    return ReleaseView(
        **msgspec.structs.asdict(summary),
        manifest=record.manifest,
        report=record.report,
        files=record.files,
        changelog=str(
            next(
                (
                    c.get("notes", "")
                    for c in record.manifest.get("changelog", [])
                    if c.get("version") == record.version
                ),
                "",
            )
        ),
    )


def by_version(records: list[ReleaseRecord]) -> list[ReleaseRecord]:
    return sorted(records, key=lambda r: Version.parse(r.version), reverse=True)


def audit_record(
    actor: Actor | None,
    action: str,
    subject_type: str,
    subject_id: str,
    *,
    from_state: str | None = None,
    to_state: str | None = None,
    reason: str | None = None,
    data: dict[str, object] | None = None,
) -> AuditRecord:
    return AuditRecord(
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor.account_id if actor else None,
        actor_label=actor.display_name if actor else "opérateur",
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
