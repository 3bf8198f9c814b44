"""Deployments per collectivité: provision, upgrade, roll back (pin), deprovision, export, health.

Hooks run before the deployment row changes: a failing provision leaves a ``failed`` row (so the
tenant sees why), a failing upgrade leaves the tenant on its previous release. Data is never
deleted by a deprovision: it stays exportable.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import msgspec

from plugins.registry.repository import PluginRepository, ReleaseRecord
from plugins.registry.views import audit_record as _audit
from plugins.registry.views import by_version
from plugins.runtime.policy import authorise as _authorise
from plugins.runtime.policy import blocked_reason as _blocked_reason
from plugins.runtime.policy import pick as _pick
from plugins.runtime.policy import siren as _siren
from plugins.runtime.repository import DeploymentRecord, DeploymentRepository
from plugins.runtime.runtime import HookFailure, LoadedRelease, LoadFailure, PluginRuntime
from plugins.runtime.schemas import DeploymentView, ExportedFile, HealthView, TenantExport
from plugins.runtime.stores import TenantDocumentStore, TenantFileStore
from plugins.runtime.territory import tenant_info
from plugins.sdk.config import ConfigField, ConfigInvalid, public_view, validate_config
from plugins.sdk.context import HealthReport, Tenant
from plugins.sdk.semver import Version
from store.kit.auth import Actor, Scope
from store.kit.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, UpstreamFailure
from store.kit.settings import Settings
from store.kit.uow import UnitOfWorkFactory


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Resolved(msgspec.Struct, kw_only=True):
    deployment: DeploymentRecord
    release: ReleaseRecord
    tenant: Tenant


class DeploymentService:
    def __init__(
        self,
        settings: Settings,
        uow: UnitOfWorkFactory,
        runtime: PluginRuntime,
        plugins: PluginRepository | None = None,
        deployments: DeploymentRepository | None = None,
    ) -> None:
        self.settings = settings
        self.uow = uow
        self.runtime = runtime
        self.plugins = plugins or PluginRepository()
        self.deployments = deployments or DeploymentRepository()
        self._cache: dict[tuple[str, str], tuple[float, Resolved | None]] = {}

    # Resolution (every request to /services/…) -----------------------------------------------

    async def resolve(self, tenant: str, plugin_id: str) -> Resolved | None:
        key = (tenant, plugin_id)
        ttl = self.settings.plugin_cache_seconds
        if ttl > 0 and (hit := self._cache.get(key)) and hit[0] > time.monotonic():
            return hit[1]
        resolved = None
        deployment = await self.deployments.get(tenant, plugin_id)
        if deployment is not None:
            release = await self.plugins.get_release(deployment.release_id)
            info = await tenant_info(tenant)
            if release is not None and info is not None:
                resolved = Resolved(deployment=deployment, release=release, tenant=info)
                if not release.loadable:
                    self.runtime.unload(release.id)
        if ttl > 0:
            self._cache[key] = (time.monotonic() + ttl, resolved)
        return resolved

    def forget(self, tenant: str, plugin_id: str) -> None:
        self._cache.pop((tenant, plugin_id), None)

    # Deploy / move / undeploy -----------------------------------------------------------------

    async def deploy(
        self,
        actor: Actor | None,
        tenant_siren: str,
        plugin_id: str,
        *,
        version: str | None = None,
        config: dict[str, Any] | None = None,
    ) -> DeploymentView:
        """Provision, reconfigure, upgrade or roll back one collectivité. ``actor=None``: operator CLI."""
        siren = _siren(tenant_siren)
        existing = await self.deployments.get(siren, plugin_id)
        _authorise(
            actor, siren, moving=existing is not None and existing.state == "active" and config is None
        )
        tenant = await tenant_info(siren)
        if tenant is None:
            raise NotFound(
                "Aucune collectivité avec ce SIREN dans le référentiel.", code="collectivite_not_found"
            )
        plugin = await self.plugins.get_plugin(plugin_id)
        if plugin is None:
            raise NotFound("Aucun service sous cet identifiant.", code="plugin_not_found")
        if plugin.status == "suspended":
            raise Conflict(f"Ce service est suspendu : {plugin.status_reason}", code="plugin_suspended")
        releases = by_version([r for r in await self.plugins.releases_of(plugin_id) if r.state != "deleted"])
        latest = next((r for r in releases if r.loadable), None)
        target = _pick(releases, version, latest)
        merged = {**(existing.config if existing else {}), **(config or {})}
        clean = self._validate_config(target, merged)
        loaded = await self._load_or_record(target, siren, plugin_id, existing, clean)
        ctx = self.runtime.context(loaded, tenant, clean)
        action = "configure"
        try:
            if existing is None or existing.state != "active":
                action = "provision"
                await self.runtime.call_hook(loaded, "provision", ctx=ctx)
            elif existing.release_id != target.id:
                action = (
                    "upgrade"
                    if Version.parse(target.version) > Version.parse(existing.version)
                    else "rollback"
                )
                await self.runtime.call_hook(loaded, "upgrade", ctx=ctx, previous_version=existing.version)
        except HookFailure as failure:
            await self._record_failure(siren, plugin_id, target, existing, clean, failure.detail)
            raise UpstreamFailure(failure.detail, code="plugin_hook_failed") from None
        pinned = version is not None and (latest is None or target.id != latest.id)
        async with self.uow() as work:
            await self.deployments.upsert(
                tenant=siren,
                plugin_id=plugin_id,
                release_id=target.id,
                state="active",
                config=clean,
                pinned=pinned,
                last_error=None,
                now=utcnow(),
            )
            work.audit(
                _audit(
                    actor,
                    f"plugins:deployment:{action}",
                    "plugin_deployment",
                    f"{siren}/{plugin_id}",
                    from_state=existing.version if existing else None,
                    to_state=target.version,
                    data={"pinned": pinned, "config_keys": sorted(clean)},
                )
            )
        self.forget(siren, plugin_id)
        return await self.view(siren, plugin_id)

    def _validate_config(self, release: ReleaseRecord, values: dict[str, Any]) -> dict[str, Any]:
        manifest = msgspec.convert(release.manifest, _ManifestConfig)
        try:
            return validate_config(manifest.config, values)
        except ConfigInvalid as exc:
            raise InvalidInput(
                "Configuration invalide : " + "; ".join(f"{f} : {m}" for f, m in exc.errors) + ".",
                code="config_invalid",
                errors=[FieldError(field=f, message=m) for f, m in exc.errors],
            ) from None

    async def _load_or_record(
        self,
        release: ReleaseRecord,
        siren: str,
        plugin_id: str,
        existing: DeploymentRecord | None,
        config: dict[str, Any],
    ) -> LoadedRelease:
        try:
            return await self.runtime.load(release)
        except LoadFailure as failure:
            await self._record_failure(siren, plugin_id, release, existing, config, failure.detail)
            raise UpstreamFailure(failure.detail, code=failure.code) from None

    async def _record_failure(
        self,
        siren: str,
        plugin_id: str,
        release: ReleaseRecord,
        existing: DeploymentRecord | None,
        config: dict[str, Any],
        error: str,
    ) -> None:
        async with self.uow() as work:
            if existing is not None and existing.state == "active":
                await self.deployments.set_error(siren, plugin_id, error, utcnow())
            else:
                await self.deployments.upsert(
                    tenant=siren,
                    plugin_id=plugin_id,
                    release_id=release.id,
                    state="failed",
                    config=config,
                    pinned=False,
                    last_error=error,
                    now=utcnow(),
                )
            work.audit(
                _audit(
                    None,
                    "plugins:deployment:fail",
                    "plugin_deployment",
                    f"{siren}/{plugin_id}",
                    reason=error[:500],
                )
            )
        self.forget(siren, plugin_id)

    async def move(
        self, actor: Actor | None, tenant_siren: str, plugin_id: str, version: str | None
    ) -> DeploymentView:
        """Upgrade, or pin back to an earlier approved release (signatories of the tenant, curators)."""
        siren = _siren(tenant_siren)
        existing = await self.deployments.get(siren, plugin_id)
        if existing is None or existing.state != "active":
            raise NotFound(
                "Ce service n'est pas déployé pour cette collectivité.", code="service_not_deployed"
            )
        return await self.deploy(actor, siren, plugin_id, version=version)

    async def undeploy(self, actor: Actor | None, tenant_siren: str, plugin_id: str) -> DeploymentView:
        siren = _siren(tenant_siren)
        _authorise(actor, siren, moving=False)
        existing = await self.deployments.get(siren, plugin_id)
        if existing is None or existing.state == "deprovisioned":
            raise NotFound(
                "Ce service n'est pas déployé pour cette collectivité.", code="service_not_deployed"
            )
        error = None
        release = await self.plugins.get_release(existing.release_id)
        tenant = await tenant_info(siren)
        if release is not None and release.loadable and tenant is not None and existing.state == "active":
            try:
                loaded = await self.runtime.load(release)
                await self.runtime.call_hook(
                    loaded, "deprovision", ctx=self.runtime.context(loaded, tenant, existing.config)
                )
            except (LoadFailure, HookFailure) as failure:
                error = str(failure)
        async with self.uow() as work:
            await self.deployments.deprovision(siren, plugin_id, error, utcnow())
            work.audit(
                _audit(
                    actor,
                    "plugins:deployment:deprovision",
                    "plugin_deployment",
                    f"{siren}/{plugin_id}",
                    from_state=existing.state,
                    to_state="deprovisioned",
                    reason=error,
                )
            )
        self.forget(siren, plugin_id)
        return await self.view(siren, plugin_id)

    # Reading ----------------------------------------------------------------------------------

    async def view(self, siren: str, plugin_id: str, *, with_health: bool = False) -> DeploymentView:
        record = await self.deployments.get(siren, plugin_id)
        if record is None:
            raise NotFound(
                "Ce service n'est pas déployé pour cette collectivité.", code="service_not_deployed"
            )
        return await self._view(record, with_health=with_health)

    async def _view(self, record: DeploymentRecord, *, with_health: bool) -> DeploymentView:
        release = await self.plugins.get_release(record.release_id)
        releases = by_version(await self.plugins.releases_of(record.plugin_id))
        latest = next((r for r in releases if r.loadable), None)
        schema = msgspec.convert(release.manifest, _ManifestConfig).config if release else {}
        return DeploymentView(
            tenant_siren=record.tenant_siren,
            plugin_id=record.plugin_id,
            version=record.version,
            state=record.state,  # type: ignore[arg-type]
            pinned=record.pinned,
            config=public_view(schema, record.config),
            last_error=record.last_error,
            url=f"/services/{record.tenant_siren}/{record.plugin_id}/",
            release_yanked_reason=release.yanked_reason if release and release.yanked_at else None,
            latest_approved_version=latest.version if latest else None,
            health=await self.health(record, release) if with_health else None,
            updated_at=record.updated_at,
        )

    async def list(
        self, actor: Actor | None, *, tenant: str | None = None, plugin_id: str | None = None
    ) -> list[DeploymentView]:
        if tenant is not None:
            tenant = _siren(tenant)
        if actor is not None and not _reads_tenant(actor, tenant):
            raise Forbidden("Vous n'agissez pas pour cette collectivité.", code="not_tenant_agent")
        records = await self.deployments.list(tenant=tenant, plugin_id=plugin_id)
        return [await self._view(r, with_health=True) for r in records]

    async def health(self, record: DeploymentRecord, release: ReleaseRecord | None) -> HealthView:
        if record.state == "deprovisioned":
            return HealthView(status="stopped", detail="Service retiré ; ses données restent exportables.")
        if record.state == "failed":
            return HealthView(status="down", detail=record.last_error or "Déploiement en échec.")
        if release is None or not release.loadable:
            reason = _blocked_reason(release)
            return HealthView(status="blocked", detail=reason)
        if failure := self.runtime.load_failures.get(release.id):
            return HealthView(status="down", detail=failure.detail)
        failures = self.runtime.route_failures[(record.tenant_siren, record.plugin_id)].recent()
        try:
            loaded = await self.runtime.load(release)
        except LoadFailure as failure:
            return HealthView(status="down", detail=failure.detail)
        tenant = await tenant_info(record.tenant_siren)
        assert tenant is not None
        try:
            results = await self.runtime.call_hook(
                loaded, "health", ctx=self.runtime.context(loaded, tenant, record.config)
            )
        except HookFailure as failure:
            return HealthView(status="degraded", detail=failure.detail, recent_failures=len(failures))
        report = next((r for r in results if isinstance(r, HealthReport)), None)
        if failures:
            return HealthView(
                status="degraded",
                detail=f"{len(failures)} erreur(s) en 5 minutes ; dernière : {failures[-1][1]}",
                recent_failures=len(failures),
            )
        if report is not None and report.status != "ok":
            return HealthView(status=report.status, detail=report.detail)
        return HealthView(status="ok", detail=report.detail if report else "")

    async def export(self, actor: Actor | None, tenant_siren: str, plugin_id: str) -> TenantExport:
        """Everything the service kept for the collectivité, even after deprovision."""
        siren = _siren(tenant_siren)
        if actor is not None and not _reads_tenant(actor, siren):
            raise Forbidden("Vous n'agissez pas pour cette collectivité.", code="not_tenant_agent")
        record = await self.deployments.get(siren, plugin_id)
        if record is None:
            raise NotFound(
                "Ce service n'a jamais été déployé pour cette collectivité.", code="service_not_deployed"
            )
        documents = await TenantDocumentStore(self.runtime.db, siren, plugin_id).export()
        files_store = TenantFileStore(self.runtime.storage, siren, plugin_id)
        files = [
            ExportedFile(
                name=f.name,
                size=f.size,
                sha256=f.sha256,
                content_type=f.content_type,
                url=await files_store.url(f.name, expires_in=self.settings.storage_url_seconds),
            )
            for f in await files_store.list()
        ]
        return TenantExport(
            tenant_siren=siren,
            plugin_id=plugin_id,
            version=record.version,
            state=record.state,
            exported_at=utcnow(),
            config=record.config,
            documents=documents,
            files=files,
        )


def _reads_tenant(actor: Actor, tenant: str | None) -> bool:
    """Curators read every deployment; a collectivité's agents read theirs (``tenant``) and export its
    data. Each through the scope of the role, so that a limited API token stays limited."""
    if actor.is_curator and actor.has(Scope.AdminPluginsWrite):
        return True
    return tenant is not None and actor.acts_for(tenant) and actor.has(Scope.PluginsServicesUse)


class _ManifestConfig(msgspec.Struct, kw_only=True):
    """The part of a stored manifest the runtime needs: its configuration schema."""

    config: dict[str, ConfigField] = {}
