"""The plugin runtime: loads approved releases (sha256 verified), builds their sub-applications,
runs their hooks with a timeout, and keeps what failed so that health can say so.

One runtime per process; several processes share nothing but the database and the storage.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import inspect
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import pluggy
from litestar import Litestar, Request, Response
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.handlers.base import BaseRouteHandler
from litestar.routes import HTTPRoute

from plugins.registry.repository import ReleaseRecord
from plugins.runtime.loader import (
    ArchiveResources,
    forget_release,
    import_release,
    namespace_for,
    read_archive,
)
from plugins.runtime.stores import OutboxEmitter, TenantDocumentStore, TenantFileStore
from plugins.sdk import hookspecs
from plugins.sdk.context import SYSTEM, PermissionNotGranted, PluginContext, Tenant, Viewer
from plugins.sdk.manifest import Manifest
from store.kit.db import Database
from store.kit.errors import PROBLEM_JSON, DomainError, Forbidden, NotAuthenticated, Problem, problem_for
from store.kit.settings import Settings
from store.kit.storage import ArtifactNotFound, ArtifactStorage
from store.kit.uow import UnitOfWorkFactory

log = logging.getLogger("plugins.runtime")
CTX_KEY = "ts_plugin_ctx"
FAILURE_WINDOW = 300.0


class LoadFailure(Exception):
    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class HookFailure(Exception):
    def __init__(self, hook: str, detail: str) -> None:
        super().__init__(detail)
        self.hook = hook
        self.detail = detail


@dataclass
class LoadedRelease:
    release_id: str
    plugin_id: str
    version: str
    name: str
    namespace: str
    permissions: frozenset[str]
    manifest: Manifest
    pm: pluggy.PluginManager
    app: Litestar
    resources: ArchiveResources


@dataclass
class FailureLog:
    events: collections.deque[tuple[float, str]] = field(default_factory=lambda: collections.deque(maxlen=50))

    def add(self, message: str) -> None:
        self.events.append((time.time(), message))

    def recent(self) -> list[tuple[float, str]]:
        floor = time.time() - FAILURE_WINDOW
        return [e for e in self.events if e[0] >= floor]


def _access_guard(connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler) -> None:
    ctx: PluginContext = connection.scope[CTX_KEY]  # type: ignore[literal-required]
    opt = handler.opt
    if opt.get("public"):
        return
    viewer = ctx.viewer
    if not viewer.is_authenticated:
        raise NotAuthenticated("Connectez-vous pour utiliser ce service.", code="not_authenticated")
    if not viewer.is_agent:
        raise Forbidden(f"Ce service est réservé aux agents de {ctx.tenant.name}.", code="not_tenant_agent")
    if opt.get("signatory") and not viewer.can_sign:
        raise Forbidden(f"Action réservée aux signataires de {ctx.tenant.name}.", code="not_tenant_signatory")


def problem_response(status: int, code: str, title: str, detail: str, instance: str) -> Response[bytes]:
    import msgspec

    problem = Problem(
        type=f"https://territoires-store.anct.gouv.fr/problemes/{code}",
        title=title,
        status=status,
        detail=detail,
        code=code,
        instance=instance,
    )
    return Response(content=msgspec.json.encode(problem), status_code=status, media_type=PROBLEM_JSON)


class PluginRuntime:
    def __init__(
        self, settings: Settings, db: Database, uow: UnitOfWorkFactory, storage: ArtifactStorage
    ) -> None:
        self.settings = settings
        self.db = db
        self.uow = uow
        self.storage = storage
        self.loaded: dict[str, LoadedRelease] = {}
        self.load_failures: dict[str, LoadFailure] = {}
        self.route_failures: dict[tuple[str, str], FailureLog] = collections.defaultdict(FailureLog)
        self._locks: dict[str, asyncio.Lock] = collections.defaultdict(asyncio.Lock)

    # Loading ----------------------------------------------------------------------------------

    async def load(self, release: ReleaseRecord) -> LoadedRelease:
        """The release's code, imported once per process; the artefact's sha256 is checked first."""
        if not release.loadable:
            raise LoadFailure("release_not_loadable", "Cette version n'est pas approuvée pour être chargée.")
        if (loaded := self.loaded.get(release.id)) is not None:
            return loaded
        async with self._locks[release.id]:
            if (loaded := self.loaded.get(release.id)) is not None:
                return loaded
            try:
                loaded = await self._load(release)
            except LoadFailure as failure:
                self.load_failures[release.id] = failure
                raise
            self.load_failures.pop(release.id, None)
            self.loaded[release.id] = loaded
            return loaded

    async def _load(self, release: ReleaseRecord) -> LoadedRelease:
        try:
            data = await self.storage.get(release.artifact_key)
        except ArtifactNotFound:
            raise LoadFailure(
                "artifact_missing", "L'archive de cette version est introuvable dans le stockage."
            ) from None
        digest = await asyncio.to_thread(lambda: hashlib.sha256(data).hexdigest())
        if digest != release.sha256:
            log.error(
                "artefact sha256 mismatch: refusing to load",
                extra={
                    "plugin": release.plugin_id,
                    "version": release.version,
                    "expected": release.sha256,
                    "got": digest,
                },
            )
            raise LoadFailure(
                "artifact_integrity_failed",
                "L'archive stockée ne correspond plus à celle qui a été approuvée (sha256) : "
                "chargement refusé.",
            )
        files = await asyncio.to_thread(read_archive, data)
        manifest = _manifest(release)
        namespace = namespace_for(release.plugin_id, release.version, release.sha256)
        label = f"{release.plugin_id} {release.version}"
        try:
            hooks_object = import_release(namespace, label, files, release.entry_point)
            pm = pluggy.PluginManager(hookspecs.PROJECT)
            pm.add_hookspecs(hookspecs)
            pm.register(hooks_object, name=namespace)
            pm.check_pending()
            routes = _flatten(pm.hook.register_routes())
            app = self._sub_app(release, routes)
            self._check_routes(app, frozenset(release.permissions))
        except Exception as exc:
            forget_release(namespace)
            log.exception(
                "plugin failed to load", extra={"plugin": release.plugin_id, "version": release.version}
            )
            raise LoadFailure(
                "plugin_load_failed", f"Le service n'a pas pu être chargé ({type(exc).__name__} : {exc})."
            ) from exc
        return LoadedRelease(
            release_id=release.id,
            plugin_id=release.plugin_id,
            version=release.version,
            name=manifest.name,
            namespace=namespace,
            permissions=frozenset(release.permissions),
            manifest=manifest,
            pm=pm,
            app=app,
            resources=ArchiveResources(files),
        )

    def unload(self, release_id: str) -> None:
        loaded = self.loaded.pop(release_id, None)
        self.load_failures.pop(release_id, None)
        if loaded is not None:
            forget_release(loaded.namespace)

    def _sub_app(self, release: ReleaseRecord, routes: list[Any]) -> Litestar:
        runtime = self

        def provide_ctx(request: Request[Any, Any, Any]) -> PluginContext:
            return request.scope[CTX_KEY]  # type: ignore[literal-required]

        def on_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
            instance = request.scope.get("root_path", "") + request.url.path
            if isinstance(exc, DomainError) or (isinstance(exc, HTTPException) and exc.status_code < 500):
                problem, headers = problem_for(exc, instance)
                import msgspec

                return Response(
                    content=msgspec.json.encode(problem),
                    status_code=problem.status,
                    media_type=PROBLEM_JSON,
                    headers=headers,
                )
            ctx: PluginContext = request.scope[CTX_KEY]  # type: ignore[literal-required]
            message = f"{type(exc).__name__}: {exc}"
            runtime.route_failures[(ctx.tenant.siren, ctx.plugin_id)].add(message)
            log.error(
                "plugin route failed",
                exc_info=exc,
                extra={"plugin": ctx.plugin_id, "version": ctx.version, "tenant": ctx.tenant.siren},
            )
            detail = (
                f"Le service « {release.manifest.get('name', release.plugin_id)} » a rencontré une erreur. "
                "L'incident est journalisé ; le reste de la place de marché fonctionne normalement."
            )
            if isinstance(exc, PermissionNotGranted):
                detail = str(exc)
            return problem_response(502, "plugin_failure", "Erreur du service", detail, instance)

        return Litestar(
            route_handlers=routes,
            guards=[_access_guard],
            dependencies={"ctx": Provide(provide_ctx, sync_to_thread=False)},
            exception_handlers={Exception: on_error},
            openapi_config=None,
            logging_config=None,
            debug=False,
            request_max_body_size=self.settings.max_body_bytes,
        )

    @staticmethod
    def _check_routes(app: Litestar, permissions: frozenset[str]) -> None:
        for route in app.routes:
            if not isinstance(route, HTTPRoute):
                continue
            for handler in route.route_handlers:
                if handler.opt.get("public") and "routes:public" not in permissions:
                    raise PermissionNotGranted(
                        f"La route {route.path} est publique sans la permission « routes:public »."
                    )

    # Contexts and hooks -----------------------------------------------------------------------

    def context(
        self, loaded: LoadedRelease, tenant: Tenant, config: dict[str, Any], viewer: Viewer = SYSTEM
    ) -> PluginContext:
        adapter = logging.LoggerAdapter(
            logging.getLogger(f"plugins.services.{loaded.plugin_id}"),
            {"plugin": loaded.plugin_id, "version": loaded.version, "tenant": tenant.siren},
        )
        return PluginContext(
            plugin_id=loaded.plugin_id,
            version=loaded.version,
            tenant=tenant,
            config=MappingProxyType(dict(config)),
            permissions=loaded.permissions,
            documents=TenantDocumentStore(self.db, tenant.siren, loaded.plugin_id),
            files=TenantFileStore(self.storage, tenant.siren, loaded.plugin_id),
            events=OutboxEmitter(self.uow, tenant.siren, loaded.plugin_id),
            resources=loaded.resources,
            log=adapter,
            viewer=viewer,
            base_path=f"/services/{tenant.siren}/{loaded.plugin_id}",
        )

    async def call_hook(self, loaded: LoadedRelease, hook: str, **kwargs: Any) -> list[Any]:
        """Run a lifecycle hook (awaiting coroutines) within the hook timeout."""
        caller = getattr(loaded.pm.hook, hook)

        async def run() -> list[Any]:
            results = caller(**kwargs)
            if not isinstance(results, list):
                results = [results]
            out = []
            for result in results:
                out.append(await result if inspect.isawaitable(result) else result)
            return out

        try:
            return await asyncio.wait_for(run(), timeout=self.settings.plugin_hook_timeout_seconds)
        except TimeoutError:
            raise HookFailure(hook, f"Le crochet « {hook} » a dépassé le délai imparti.") from None
        except Exception as exc:
            log.error("plugin hook failed", exc_info=exc, extra={"plugin": loaded.plugin_id, "hook": hook})
            raise HookFailure(
                hook, f"Le crochet « {hook} » a échoué ({type(exc).__name__} : {exc})."
            ) from exc


def _manifest(release: ReleaseRecord) -> Manifest:
    import msgspec

    return msgspec.convert(release.manifest, Manifest)


def _flatten(results: Iterable[Any]) -> list[Any]:
    routes: list[Any] = []
    for result in results:
        if result is None:
            continue
        routes.extend(result if isinstance(result, list | tuple) else [result])
    return routes
