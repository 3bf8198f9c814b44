"""Server-side sessions kept in the database, so that any worker can serve any request."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession

from store.kit.tables import KeyValue

ROTATE_FLAG = "_rotate_session"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _expiry(expires_in: int | dt.timedelta | None) -> dt.datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, dt.timedelta) else expires_in
    return _now() + dt.timedelta(seconds=seconds)


class DatabaseStore(Store):
    """A Litestar ``Store`` over the ``key_value`` table (namespaced by key prefix)."""

    def __init__(self, namespace: str = "session") -> None:
        self.namespace = namespace

    def _key(self, key: str) -> str:
        return f"{self.namespace}:{key}"

    async def set(self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None) -> None:
        text = value.decode() if isinstance(value, bytes) else value
        row: dict[Any, Any] = {KeyValue.value: text, KeyValue.expires_at: _expiry(expires_in)}
        updated = await KeyValue.update(row).where(KeyValue.key == self._key(key)).returning(KeyValue.key)
        if not updated:
            await KeyValue.insert(
                KeyValue(key=self._key(key), value=text, expires_at=_expiry(expires_in))
            ).on_conflict(
                target=KeyValue.key, action="DO UPDATE", values=[KeyValue.value, KeyValue.expires_at]
            )

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        rows = await KeyValue.select(KeyValue.value, KeyValue.expires_at).where(
            KeyValue.key == self._key(key)
        )
        if not rows:
            return None
        expires_at = rows[0]["expires_at"]
        if expires_at is not None and expires_at <= _now():
            await self.delete(key)
            return None
        if renew_for is not None and expires_at is not None:
            await KeyValue.update({KeyValue.expires_at: _expiry(renew_for)}).where(
                KeyValue.key == self._key(key)
            )
        return str(rows[0]["value"]).encode()

    async def delete(self, key: str) -> None:
        await KeyValue.delete().where(KeyValue.key == self._key(key))

    async def delete_all(self) -> None:
        await KeyValue.delete().where(KeyValue.key.like(f"{self.namespace}:%"))

    async def delete_expired(self) -> None:
        await self.purge_expired(_now())

    async def purge_expired(self, now: dt.datetime) -> int:
        """Remove every expired entry (of any namespace); returns how many."""
        rows = await KeyValue.delete().where(KeyValue.expires_at < now).returning(KeyValue.key)
        return len(rows)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        rows = await KeyValue.select(KeyValue.expires_at).where(KeyValue.key == self._key(key))
        if not rows or rows[0]["expires_at"] is None:
            return None
        return max(0, int((rows[0]["expires_at"] - _now()).total_seconds()))


class RotatingSessionBackend(ServerSideSessionBackend):
    """Issues a fresh session id when the session asks for it (at login), against fixation.

    A visitor without a session gets none: no row and no cookie until something is stored in it
    (Litestar's backend would write an empty session for every request, probes and assets included).
    """

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        had_cookie = bool(connection.cookies.get(self.config.key))
        if not scope_session:
            if not had_cookie:
                return
            scope_session = Empty  # emptied (logout): delete the row and expire the cookie
        await super().store_in_message(scope_session, message, connection)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        state = connection.scope.setdefault("state", {})
        if state.get(ROTATE_FLAG):
            if "rotated_session_id" not in state:
                state["rotated_session_id"] = self.generate_session_id()
            return str(state["rotated_session_id"])
        return super().get_session_id(connection)


@dataclass
class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Call at login: the old id stops working, the response carries a new one."""
    connection.scope.setdefault("state", {})[ROTATE_FLAG] = True
