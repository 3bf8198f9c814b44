"""What a deployed service receives: ``PluginContext`` and the tenant-scoped stores behind it.

A context is bound to one collectivité (the tenant) and one service. Its stores take no tenant
argument: there is no way to name another collectivité's documents or files through them. Stores
that need a permission the release did not declare refuse to open (``PermissionNotGranted``).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any, BinaryIO, Literal, Protocol

import msgspec


class PermissionNotGranted(RuntimeError):
    """The service used a capability its manifest does not ask for."""


class TerritoryRef(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    """``epci``, ``departement`` or ``region``."""
    name: str
    siren: str | None = None
    code: str | None = None


class Tenant(msgspec.Struct, frozen=True, kw_only=True):
    """The collectivité the service runs for, with its registry data."""

    siren: str
    name: str
    kind: str
    """``commune``, ``epci``, ``ept``, ``departement`` or ``region``."""
    population: int | None = None
    insee_code: str | None = None
    departement_code: str | None = None
    region_code: str | None = None
    epci: TerritoryRef | None = None
    departement: TerritoryRef | None = None
    region: TerritoryRef | None = None


class Viewer(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling a route: a citizen, an agent of the tenant, a curator; the store in hooks."""

    account_id: str | None = None
    display_name: str = "Visiteur"
    is_agent: bool = False
    """Acts for the tenant (agent or elected official with a mandate)."""
    can_sign: bool = False
    """May sign for the tenant (executive or delegated)."""
    is_curator: bool = False
    is_system: bool = False

    @property
    def is_authenticated(self) -> bool:
        return self.account_id is not None or self.is_system


SYSTEM = Viewer(display_name="Territoires Store", is_system=True)
ANONYMOUS = Viewer()


class Document(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    data: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class StoredFile(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    size: int
    sha256: str
    content_type: str
    created_at: dt.datetime


class HealthReport(msgspec.Struct, frozen=True, kw_only=True):
    status: Literal["ok", "degraded", "down"] = "ok"
    detail: str = ""


class DocumentStore(Protocol):
    """JSON documents of this tenant and this service, grouped in collections."""

    async def get(self, collection: str, doc_id: str) -> dict[str, Any] | None: ...
    async def put(self, collection: str, doc_id: str, data: Mapping[str, Any]) -> None: ...
    async def insert(self, collection: str, data: Mapping[str, Any]) -> str: ...
    async def delete(self, collection: str, doc_id: str) -> bool: ...
    async def list(
        self, collection: str, *, where: Mapping[str, Any] | None = None, limit: int = 1000
    ) -> list[Document]: ...
    async def count(self, collection: str) -> int: ...
    def atomic(self) -> AbstractAsyncContextManager[None]: ...


class FileStore(Protocol):
    """Files of this tenant and this service, by name."""

    async def put(
        self, name: str, data: bytes | BinaryIO, *, content_type: str = "application/octet-stream"
    ) -> StoredFile: ...
    async def get(self, name: str) -> bytes: ...
    async def url(self, name: str, *, expires_in: int = 600) -> str: ...
    async def delete(self, name: str) -> bool: ...
    async def list(self) -> list[StoredFile]: ...


class EventEmitter(Protocol):
    async def emit(self, name: str, payload: Mapping[str, Any] | None = None) -> None: ...


class Resources(Protocol):
    """Read-only files shipped in the release archive (templates, reference data)."""

    def read_bytes(self, path: str) -> bytes: ...
    def read_text(self, path: str) -> str: ...
    def exists(self, path: str) -> bool: ...


class PluginContext:
    """Everything a service may use, for one tenant. Built by the store, never by the plugin."""

    __slots__ = (
        "_documents",
        "_events",
        "_files",
        "base_path",
        "config",
        "log",
        "permissions",
        "plugin_id",
        "resources",
        "tenant",
        "version",
        "viewer",
    )

    def __init__(
        self,
        *,
        plugin_id: str,
        version: str,
        tenant: Tenant,
        config: Mapping[str, Any],
        permissions: frozenset[str],
        documents: DocumentStore,
        files: FileStore,
        events: EventEmitter,
        resources: Resources,
        log: logging.LoggerAdapter[logging.Logger],
        viewer: Viewer = SYSTEM,
        base_path: str = "",
    ) -> None:
        self.plugin_id = plugin_id
        self.version = version
        self.tenant = tenant
        self.config = config
        self.permissions = permissions
        self._documents = documents
        self._files = files
        self._events = events
        self.resources = resources
        self.log = log
        self.viewer = viewer
        self.base_path = base_path

    def _require(self, permission: str) -> None:
        if permission not in self.permissions:
            raise PermissionNotGranted(
                f"Le service {self.plugin_id} n'a pas demandé la permission « {permission} » "
                "dans son manifeste."
            )

    @property
    def documents(self) -> DocumentStore:
        self._require("tenant:documents")
        return self._documents

    @property
    def files(self) -> FileStore:
        self._require("tenant:files")
        return self._files

    @property
    def events(self) -> EventEmitter:
        self._require("events:emit")
        return self._events

    def url(self, path: str = "") -> str:
        """The public path of a page of this service: ``/services/{siren}/{plugin}/{path}``."""
        return self.base_path + "/" + path.lstrip("/")

    def with_viewer(self, viewer: Viewer) -> PluginContext:
        return PluginContext(
            plugin_id=self.plugin_id,
            version=self.version,
            tenant=self.tenant,
            config=self.config,
            permissions=self.permissions,
            documents=self._documents,
            files=self._files,
            events=self._events,
            resources=self.resources,
            log=self.log,
            viewer=viewer,
            base_path=self.base_path,
        )
