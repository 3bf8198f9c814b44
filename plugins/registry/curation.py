"""Curators' review of releases: queue, detail with manifest diff, approve, reject, yank, suspend.

Every decision is a compare-and-set on the release state, audited, and published as an event.
A curator never reviews a release they uploaded themselves.
"""

from __future__ import annotations

from plugins.registry.diff import manifest_diff
from plugins.registry.events import (
    PluginReinstated,
    PluginSuspended,
    ReleaseApproved,
    ReleaseRejected,
    ReleaseYanked,
)
from plugins.registry.repository import PluginRepository, ReleaseRecord
from plugins.registry.schemas import PermissionInfo, ReleaseReview, ReleaseSummary
from plugins.registry.service import utcnow
from plugins.registry.views import audit_record as _audit
from plugins.registry.views import by_version, plugin_view, release_summary, release_view
from plugins.sdk.manifest import PERMISSIONS
from plugins.sdk.semver import Version
from store.kit.auth import Actor, require_curator
from store.kit.errors import Conflict, Forbidden, NotFound
from store.kit.uow import UnitOfWorkFactory


class CurationService:
    def __init__(self, uow: UnitOfWorkFactory, repo: PluginRepository | None = None) -> None:
        self.uow = uow
        self.repo = repo or PluginRepository()

    async def _release(self, release_id: str) -> ReleaseRecord:
        record = await self.repo.get_release(release_id)
        if record is None:
            raise NotFound("Version introuvable.", code="release_not_found")
        return record

    async def queue(self, actor: Actor, state: str = "pending") -> list[ReleaseSummary]:
        require_curator(actor)
        return [release_summary(r) for r in await self.repo.releases_in_state(state)]

    async def review(self, actor: Actor, release_id: str) -> ReleaseReview:
        require_curator(actor)
        record = await self._release(release_id)
        plugin = await self.repo.get_plugin(record.plugin_id)
        assert plugin is not None
        releases = by_version(await self.repo.releases_of(record.plugin_id))
        current = Version.parse(record.version)
        previous = next(
            (r for r in releases if r.state != "deleted" and Version.parse(r.version) < current),
            None,
        )
        diff = manifest_diff(
            previous.manifest if previous else None,
            previous.manifest_text if previous else None,
            previous.version if previous else None,
            record.manifest,
            record.manifest_text,
        )
        before = set(previous.permissions) if previous else set()
        permissions = [
            PermissionInfo(id=p, description=PERMISSIONS.get(p, "?"), new=p not in before)
            for p in record.permissions
        ]
        return ReleaseReview(
            plugin=plugin_view(plugin, releases),
            release=release_view(record),
            diff=diff,
            permissions=permissions,
        )

    async def approve(self, actor: Actor, release_id: str, note: str = "") -> ReleaseSummary:
        require_curator(actor)
        record = await self._release(release_id)
        self._not_own(actor, record)
        async with self.uow() as work:
            if not await self.repo.review(
                release_id,
                from_state="pending",
                to_state="approved",
                by=actor.account_id,
                by_label=actor.display_name,
                reason=note.strip() or None,
                now=utcnow(),
            ):
                raise Conflict(
                    f"Cette version n'est plus en attente ({record.state}).", code="release_not_pending"
                )
            work.emit(
                ReleaseApproved(plugin_id=record.plugin_id, release_id=release_id, version=record.version)
            )
            work.audit(
                _audit(
                    actor,
                    "plugins:release:approve",
                    "plugin_release",
                    release_id,
                    from_state="pending",
                    to_state="approved",
                    reason=note.strip() or None,
                )
            )
        return release_summary(await self._release(release_id))

    async def reject(self, actor: Actor, release_id: str, reason: str) -> ReleaseSummary:
        require_curator(actor)
        record = await self._release(release_id)
        self._not_own(actor, record)
        async with self.uow() as work:
            if not await self.repo.review(
                release_id,
                from_state="pending",
                to_state="rejected",
                by=actor.account_id,
                by_label=actor.display_name,
                reason=reason.strip(),
                now=utcnow(),
            ):
                raise Conflict(
                    f"Cette version n'est plus en attente ({record.state}).", code="release_not_pending"
                )
            work.emit(
                ReleaseRejected(
                    plugin_id=record.plugin_id,
                    release_id=release_id,
                    version=record.version,
                    reason=reason.strip(),
                )
            )
            work.audit(
                _audit(
                    actor,
                    "plugins:release:reject",
                    "plugin_release",
                    release_id,
                    from_state="pending",
                    to_state="rejected",
                    reason=reason.strip(),
                )
            )
        return release_summary(await self._release(release_id))

    async def yank(self, actor: Actor, release_id: str, reason: str) -> ReleaseSummary:
        require_curator(actor)
        record = await self._release(release_id)
        async with self.uow() as work:
            if not await self.repo.yank(release_id, reason.strip(), utcnow()):
                raise Conflict(
                    "Seule une version approuvée et non encore retirée peut être retirée.",
                    code="release_not_yankable",
                )
            work.emit(
                ReleaseYanked(
                    plugin_id=record.plugin_id,
                    release_id=release_id,
                    version=record.version,
                    reason=reason.strip(),
                )
            )
            work.audit(
                _audit(
                    actor,
                    "plugins:release:yank",
                    "plugin_release",
                    release_id,
                    from_state="approved",
                    to_state="yanked",
                    reason=reason.strip(),
                )
            )
        return release_summary(await self._release(release_id))

    async def suspend(self, actor: Actor, plugin_id: str, reason: str) -> None:
        await self._set_status(actor, plugin_id, "suspended", reason.strip())

    async def reinstate(self, actor: Actor, plugin_id: str) -> None:
        await self._set_status(actor, plugin_id, "active", None)

    async def _set_status(self, actor: Actor, plugin_id: str, status: str, reason: str | None) -> None:
        require_curator(actor)
        plugin = await self.repo.get_plugin(plugin_id)
        if plugin is None:
            raise NotFound("Aucun service sous cet identifiant.", code="plugin_not_found")
        if plugin.status == status:
            raise Conflict(
                "Ce service est déjà suspendu."
                if status == "suspended"
                else "Ce service n'est pas suspendu.",
                code="plugin_status_unchanged",
            )
        async with self.uow() as work:
            await self.repo.set_plugin_status(plugin_id, status, reason, utcnow())
            if status == "suspended":
                work.emit(PluginSuspended(plugin_id=plugin_id, reason=reason or ""))
            else:
                work.emit(PluginReinstated(plugin_id=plugin_id))
            work.audit(
                _audit(
                    actor,
                    "plugins:plugin:suspend" if status == "suspended" else "plugins:plugin:reinstate",
                    "plugin",
                    plugin_id,
                    from_state=plugin.status,
                    to_state=status,
                    reason=reason,
                )
            )

    @staticmethod
    def _not_own(actor: Actor, record: ReleaseRecord) -> None:
        if record.uploaded_by is not None and record.uploaded_by == actor.account_id:
            raise Forbidden(
                "Un curateur ne peut pas examiner une version qu'il a lui-même déposée.", code="self_review"
            )
