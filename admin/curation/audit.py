"""Reading the audit log (written by every domain through ``work.audit``): curators only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec

from store.kit.auth import Actor, Scope
from store.kit.errors import Forbidden
from store.kit.tables import AuditEntry

MAX_PER_PAGE = 200


class AuditEntryView(msgspec.Struct, kw_only=True):
    id: int
    at: dt.datetime
    action: str
    subject_type: str
    subject_id: str
    actor_id: str | None
    actor_label: str
    from_state: str | None
    to_state: str | None
    reason: str | None
    data: dict[str, Any]


class AuditPage(msgspec.Struct, kw_only=True):
    items: list[AuditEntryView]
    page: int
    per_page: int
    total: int


class AuditQuery(msgspec.Struct, frozen=True, kw_only=True):
    subject_type: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    subject_id: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    action_prefix: Annotated[str, msgspec.Meta(max_length=120)] | None = None
    """``catalogue:listing:`` gives every listing action."""


class AuditRepository:
    async def search(
        self, query: AuditQuery, *, page: int, per_page: int
    ) -> tuple[list[AuditEntryView], int]:
        where: Any = None
        clauses: list[Any] = []
        if query.subject_type:
            clauses.append(AuditEntry.subject_type == query.subject_type)
        if query.subject_id:
            clauses.append(AuditEntry.subject_id == query.subject_id)
        if query.action_prefix:
            escaped = query.action_prefix.replace("%", "").replace("_", "\\_")
            clauses.append(AuditEntry.action.like(f"{escaped}%"))
        for clause in clauses:
            where = clause if where is None else where & clause
        select = AuditEntry.select().order_by(AuditEntry.id, ascending=False)
        count = AuditEntry.count()
        if where is not None:
            select, count = select.where(where), count.where(where)
        rows = await select.limit(per_page).offset((page - 1) * per_page)
        return [self._view(r) for r in rows], await count

    @staticmethod
    def _view(row: dict[str, Any]) -> AuditEntryView:
        data = row["data"]
        if isinstance(data, str):
            data = msgspec.json.decode(data or "{}")
        return msgspec.convert({**row, "data": data or {}}, AuditEntryView)


class AuditLog:
    def __init__(self, repo: AuditRepository | None = None) -> None:
        self.repo = repo or AuditRepository()

    async def search(
        self, actor: Actor, query: AuditQuery, *, page: int = 1, per_page: int = 50
    ) -> AuditPage:
        if not (actor.is_curator and actor.has(Scope.AdminAuditRead)):
            raise Forbidden("Le journal d'audit est réservé aux curateurs de l'ANCT.", code="curator_only")
        page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
        items, total = await self.repo.search(query, page=page, per_page=per_page)
        return AuditPage(items=items, page=page, per_page=per_page, total=total)
