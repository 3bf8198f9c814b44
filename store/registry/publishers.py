"""Publishers: the organisations (identified by SIREN) that publish services in the catalogue.

Curators create them and vouch for them (the ``verified`` flag shown as a badge); anyone reads
them. Schemas, queries, rules and events of publishers live in this one module.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar

import msgspec
from msgspec import UNSET, UnsetType

from store.kit.auth import Actor, require_curator
from store.kit.errors import Conflict, InvalidInput, NotFound
from store.kit.events import AuditRecord, DomainEvent
from store.kit.uow import UnitOfWorkFactory
from store.registry.siren import normalise_siren
from store.registry.tables import Publisher

PublisherName = Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
Website = Annotated[str, msgspec.Meta(max_length=300, pattern=r"^$|^https?://[^\s/$.?#][^\s]*$")]
ContactEmail = Annotated[str, msgspec.Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Description = Annotated[str, msgspec.Meta(max_length=2000)]


# Schemas ----------------------------------------------------------------------------------------


class PublisherCreate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    siren: Annotated[str, msgspec.Meta(min_length=9, max_length=11)]
    name: PublisherName
    website: Website = ""
    contact_email: ContactEmail
    description: Description = ""
    verified: bool = False


class PublisherUpdate(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: PublisherName | UnsetType = UNSET
    website: Website | UnsetType = UNSET
    contact_email: ContactEmail | UnsetType = UNSET
    description: Description | UnsetType = UNSET


class VerificationRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    verified: bool


class PublisherView(msgspec.Struct, kw_only=True):
    siren: str
    name: str
    website: str
    contact_email: str
    description: str
    verified: bool
    verified_at: dt.datetime | None
    created_at: dt.datetime


# Events -----------------------------------------------------------------------------------------


class PublisherChanged(DomainEvent, frozen=True, kw_only=True):
    """A publisher was created or changed (name, verification…): listings show its name and badge."""

    topic: ClassVar[str] = "registry:publisher:changed"
    siren: str
    name: str
    verified: bool


# Queries ----------------------------------------------------------------------------------------


class PublisherRepository:
    _COLUMNS = (
        Publisher.siren,
        Publisher.name,
        Publisher.website,
        Publisher.contact_email,
        Publisher.description,
        Publisher.verified,
        Publisher.verified_at,
        Publisher.created_at,
    )

    async def get(self, siren: str) -> PublisherView | None:
        row = await Publisher.select(*self._COLUMNS).where(Publisher.siren == siren).first()
        return msgspec.convert(row, PublisherView) if row else None

    async def list_all(self) -> list[PublisherView]:
        rows = await Publisher.select(*self._COLUMNS).order_by(Publisher.name)
        return [msgspec.convert(r, PublisherView) for r in rows]

    async def insert(self, data: PublisherCreate, siren: str, now: dt.datetime) -> None:
        await Publisher.insert(
            Publisher(
                siren=siren,
                name=data.name.strip(),
                website=data.website,
                contact_email=data.contact_email.lower(),
                description=data.description.strip(),
                verified=data.verified,
                verified_at=now if data.verified else None,
                created_at=now,
            )
        )

    async def update(self, siren: str, values: dict[str, Any]) -> None:
        columns = {getattr(Publisher, name): value for name, value in values.items()}
        await Publisher.update(columns).where(Publisher.siren == siren)


# Rules ------------------------------------------------------------------------------------------


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _siren(value: str) -> str:
    try:
        return normalise_siren(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_siren") from exc


def _audit(action: str, siren: str, by: Actor | None, data: dict[str, object]) -> AuditRecord:
    return AuditRecord(
        action=f"registry:publisher:{action}",
        subject_type="publisher",
        subject_id=siren,
        actor_id=by.account_id if by else None,
        actor_label=by.display_name if by else "cli",
        data=data,
    )


class PublisherService:
    def __init__(self, uow: UnitOfWorkFactory, repo: PublisherRepository | None = None) -> None:
        self.uow = uow
        self.repo = repo or PublisherRepository()

    async def get(self, siren: str) -> PublisherView:
        """Public: any visitor reads a publisher's card."""
        try:
            siren = normalise_siren(siren)
        except ValueError:
            siren = ""
        found = await self.repo.get(siren) if siren else None
        if found is None:
            raise NotFound("Aucun éditeur avec ce SIREN.", code="publisher_not_found")
        return found

    async def list_all(self) -> list[PublisherView]:
        return await self.repo.list_all()

    async def create(self, by: Actor | None, data: PublisherCreate) -> PublisherView:
        """Curators create publishers; ``by=None`` is the operator's CLI (demo seed)."""
        if by is not None:
            require_curator(by)
        siren = _siren(data.siren)
        if await self.repo.get(siren) is not None:
            raise Conflict("Un éditeur existe déjà avec ce SIREN.", code="publisher_exists")
        now = _utcnow()
        async with self.uow() as work:
            await self.repo.insert(data, siren, now)
            work.audit(_audit("create", siren, by, {"name": data.name.strip(), "verified": data.verified}))
            work.emit(PublisherChanged(siren=siren, name=data.name.strip(), verified=data.verified))
        return await self.get(siren)

    async def update(self, by: Actor, siren: str, data: PublisherUpdate) -> PublisherView:
        require_curator(by)
        current = await self.get(siren)
        values: dict[str, Any] = {
            name: getattr(data, name) for name in data.__struct_fields__ if getattr(data, name) is not UNSET
        }
        if "name" in values:
            values["name"] = values["name"].strip()
        if "contact_email" in values:
            values["contact_email"] = values["contact_email"].lower()
        changed = {k: v for k, v in values.items() if getattr(current, k) != v}
        if not changed:
            return current
        async with self.uow() as work:
            await self.repo.update(current.siren, changed)
            work.audit(_audit("update", current.siren, by, {"fields": sorted(changed)}))
            work.emit(
                PublisherChanged(
                    siren=current.siren, name=changed.get("name", current.name), verified=current.verified
                )
            )
        return await self.get(current.siren)

    async def set_verified(self, by: Actor | None, siren: str, verified: bool) -> PublisherView:
        """A curator vouches for (or stops vouching for) a publisher: the badge on its listings."""
        if by is not None:
            require_curator(by)
        current = await self.get(siren)
        if current.verified == verified:
            return current
        async with self.uow() as work:
            await self.repo.update(
                current.siren, {"verified": verified, "verified_at": _utcnow() if verified else None}
            )
            work.audit(
                AuditRecord(
                    action="registry:publisher:verify" if verified else "registry:publisher:unverify",
                    subject_type="publisher",
                    subject_id=current.siren,
                    actor_id=by.account_id if by else None,
                    actor_label=by.display_name if by else "cli",
                    from_state="verified" if current.verified else "unverified",
                    to_state="verified" if verified else "unverified",
                )
            )
            work.emit(PublisherChanged(siren=current.siren, name=current.name, verified=verified))
        return await self.get(current.siren)
