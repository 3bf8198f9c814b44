"""Tenant-scoped stores handed to services. The tenant and the service are fixed at construction:
no method takes them, so a service cannot reach another collectivité's data through them."""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator, Mapping
from typing import Any, BinaryIO, ClassVar

import msgspec

from plugins.runtime.tables import PluginDocument, PluginFile
from plugins.sdk.context import Document, StoredFile
from store.kit.db import Database
from store.kit.errors import InvalidInput
from store.kit.events import DomainEvent
from store.kit.storage import ArtifactStorage
from store.kit.uow import UnitOfWorkFactory

_NAME = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.()-]{0,199}$")
MAX_DOCUMENT_BYTES = 512 * 1024


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _collection(name: str) -> str:
    if not _NAME.match(name):
        raise InvalidInput(f"Nom de collection invalide : {name!r}.", code="plugin_bad_collection")
    return name


def _doc_id(value: str) -> str:
    if not _DOC_ID.match(value):
        raise InvalidInput(f"Identifiant de document invalide : {value!r}.", code="plugin_bad_document_id")
    return value


def _decode(value: Any) -> dict[str, Any]:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else dict(value)


class TenantDocumentStore:
    def __init__(self, db: Database, tenant: str, plugin: str) -> None:
        self._db = db
        self._tenant = tenant
        self._plugin = plugin

    def _scope(self, collection: str) -> Any:
        return (
            (PluginDocument.tenant == self._tenant)
            & (PluginDocument.plugin == self._plugin)
            & (PluginDocument.collection == _collection(collection))
        )

    async def get(self, collection: str, doc_id: str) -> dict[str, Any] | None:
        row = (
            await PluginDocument.select(PluginDocument.data)
            .where(self._scope(collection) & (PluginDocument.doc_id == _doc_id(doc_id)))
            .first()
        )
        return _decode(row["data"]) if row else None

    async def put(self, collection: str, doc_id: str, data: Mapping[str, Any]) -> None:
        encoded = msgspec.json.encode(dict(data)).decode()
        if len(encoded) > MAX_DOCUMENT_BYTES:
            raise InvalidInput(
                "Document trop volumineux (512 Kio au plus).", code="plugin_document_too_large"
            )
        now = utcnow()
        async with self._db.writing():
            updated = (
                await PluginDocument.update({PluginDocument.data: encoded, PluginDocument.updated_at: now})
                .where(self._scope(collection) & (PluginDocument.doc_id == _doc_id(doc_id)))
                .returning(PluginDocument.id)
            )
            if not updated:
                await PluginDocument.insert(
                    PluginDocument(
                        tenant=self._tenant,
                        plugin=self._plugin,
                        collection=collection,
                        doc_id=doc_id,
                        data=encoded,
                        created_at=now,
                        updated_at=now,
                    )
                )

    async def insert(self, collection: str, data: Mapping[str, Any]) -> str:
        doc_id = uuid.uuid4().hex[:16]
        await self.put(collection, doc_id, data)
        return doc_id

    async def delete(self, collection: str, doc_id: str) -> bool:
        rows = (
            await PluginDocument.delete()
            .where(self._scope(collection) & (PluginDocument.doc_id == _doc_id(doc_id)))
            .returning(PluginDocument.id)
        )
        return bool(rows)

    async def list(
        self, collection: str, *, where: Mapping[str, Any] | None = None, limit: int = 1000
    ) -> list[Document]:
        rows = (
            await PluginDocument.select(
                PluginDocument.doc_id,
                PluginDocument.data,
                PluginDocument.created_at,
                PluginDocument.updated_at,
            )
            .where(self._scope(collection))
            .order_by(PluginDocument.id)
        )
        documents = []
        for row in rows:
            data = _decode(row["data"])
            if where and any(data.get(k) != v for k, v in where.items()):
                continue
            documents.append(
                Document(
                    id=row["doc_id"], data=data, created_at=row["created_at"], updated_at=row["updated_at"]
                )
            )
            if len(documents) >= limit:
                break
        return documents

    async def count(self, collection: str) -> int:
        return await PluginDocument.count().where(self._scope(collection))

    @contextlib.asynccontextmanager
    async def atomic(self) -> AsyncIterator[None]:
        async with self._db.writing():
            yield

    async def export(self) -> dict[str, builtins.list[dict[str, Any]]]:
        rows = (
            await PluginDocument.select(PluginDocument.collection, PluginDocument.doc_id, PluginDocument.data)
            .where((PluginDocument.tenant == self._tenant) & (PluginDocument.plugin == self._plugin))
            .order_by(PluginDocument.id)
        )
        out: dict[str, builtins.list[dict[str, Any]]] = {}
        for row in rows:
            out.setdefault(row["collection"], []).append({"id": row["doc_id"], "data": _decode(row["data"])})
        return out


class TenantFileStore:
    def __init__(self, storage: ArtifactStorage, tenant: str, plugin: str) -> None:
        self._storage = storage
        self._tenant = tenant
        self._plugin = plugin

    def _scope(self) -> Any:
        return (PluginFile.tenant == self._tenant) & (PluginFile.plugin == self._plugin)

    @staticmethod
    def _name(name: str) -> str:
        if not _FILE_NAME.match(name) or ".." in name:
            raise InvalidInput(f"Nom de fichier invalide : {name!r}.", code="plugin_bad_file_name")
        return name

    async def _row(self, name: str) -> dict[str, Any] | None:
        return await PluginFile.select().where(self._scope() & (PluginFile.name == self._name(name))).first()

    async def put(
        self, name: str, data: bytes | BinaryIO, *, content_type: str = "application/octet-stream"
    ) -> StoredFile:
        self._name(name)
        key = f"tenants/{self._tenant}/{self._plugin}/{uuid.uuid4().hex}"
        stored = await self._storage.put(key, data, content_type=content_type)
        previous = await self._row(name)
        now = utcnow()
        values: dict[Any, Any] = {
            PluginFile.key: key,
            PluginFile.size: stored.size,
            PluginFile.sha256: stored.sha256,
            PluginFile.content_type: content_type,
            PluginFile.created_at: now,
        }
        if previous:
            await PluginFile.update(values).where(PluginFile.id == previous["id"])
            await self._storage.delete(previous["key"])
        else:
            await PluginFile.insert(
                PluginFile(
                    tenant=self._tenant,
                    plugin=self._plugin,
                    name=name,
                    key=key,
                    size=stored.size,
                    sha256=stored.sha256,
                    content_type=content_type,
                    created_at=now,
                )
            )
        return StoredFile(
            name=name, size=stored.size, sha256=stored.sha256, content_type=content_type, created_at=now
        )

    async def get(self, name: str) -> bytes:
        row = await self._row(name)
        if row is None:
            raise FileNotFoundError(name)
        return await self._storage.get(row["key"])

    async def url(self, name: str, *, expires_in: int = 600) -> str:
        row = await self._row(name)
        if row is None:
            raise FileNotFoundError(name)
        return await self._storage.url(row["key"], expires_in=expires_in, filename=name)

    async def delete(self, name: str) -> bool:
        row = await self._row(name)
        if row is None:
            return False
        await PluginFile.delete().where(PluginFile.id == row["id"])
        await self._storage.delete(row["key"])
        return True

    async def list(self) -> list[StoredFile]:
        rows = await PluginFile.select().where(self._scope()).order_by(PluginFile.name)
        return [
            StoredFile(
                name=r["name"],
                size=r["size"],
                sha256=r["sha256"],
                content_type=r["content_type"],
                created_at=r["created_at"],
            )
            for r in rows
        ]


class PluginEventEmitted(DomainEvent, frozen=True, kw_only=True):
    """An event a service published (``ctx.events.emit``), for the store's consumers."""

    topic: ClassVar[str] = "plugins:service_event:emitted"
    tenant_siren: str
    plugin_id: str
    name: str
    payload: dict[str, Any]


_EVENT_NAME = re.compile(r"^[a-z][a-z0-9_.:-]{0,79}$")


class OutboxEmitter:
    def __init__(self, uow: UnitOfWorkFactory, tenant: str, plugin: str) -> None:
        self._uow = uow
        self._tenant = tenant
        self._plugin = plugin

    async def emit(self, name: str, payload: Mapping[str, Any] | None = None) -> None:
        if not _EVENT_NAME.match(name):
            raise InvalidInput(f"Nom d'événement invalide : {name!r}.", code="plugin_bad_event_name")
        event = PluginEventEmitted(
            tenant_siren=self._tenant, plugin_id=self._plugin, name=name, payload=dict(payload or {})
        )
        async with self._uow() as work:
            work.emit(event)
