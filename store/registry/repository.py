"""Every query on the registry: collectivités, memberships, areas, imports, publishers."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import Any

from piccolo.query.functions.aggregate import Count

from store.registry.tables import AdminArea, Collectivite, CollectiviteMember, Publisher, RegistryImport

# Bulk writes bypass the ORM (one statement, many parameter rows) and must run inside the caller's
# write transaction. Columns are listed once here so that inserts, updates and diffs agree.
WRITE_COLUMNS = (
    "kind",
    "subkind",
    "name",
    "name_search",
    "insee_code",
    "population",
    "population_year",
    "cog_year",
    "departement_code",
    "region_code",
    "epci_siren",
    "tax_regime",
    "departement_siren",
    "region_siren",
    "active",
    "retired_cog_year",
    "successor_siren",
)
AREA_WRITE_COLUMNS = ("name", "region_code", "zone", "collectivite_siren", "cog_year")
_COLLECTIVITE_COLUMNS = ", ".join(f'"{c}"' for c in ("siren", *WRITE_COLUMNS))
_AREA_COLUMNS = ("kind", "code", *AREA_WRITE_COLUMNS)
# Statements assembled from the constant column lists above, never from input (hence the noqa).
INSERT_COLLECTIVITE = (
    f'INSERT INTO "collectivite" ({_COLLECTIVITE_COLUMNS}) '  # noqa: S608
    f"VALUES ({', '.join('?' for _ in range(len(WRITE_COLUMNS) + 1))})"
)
UPDATE_COLLECTIVITE = (
    'UPDATE "collectivite" SET '  # noqa: S608
    + ", ".join(f'"{c}" = ?' for c in WRITE_COLUMNS)
    + ' WHERE "siren" = ?'
)
INSERT_AREA = (
    f'INSERT INTO "admin_area" ({", ".join(_AREA_COLUMNS)}) '  # noqa: S608
    f"VALUES ({', '.join('?' for _ in _AREA_COLUMNS)})"
)
UPDATE_AREA = (
    'UPDATE "admin_area" SET '  # noqa: S608
    + ", ".join(f"{c} = ?" for c in AREA_WRITE_COLUMNS)
    + " WHERE kind = ? AND code = ?"
)
SQL_CHUNK = 2_000
"""Rows per INSERT … VALUES statement (SQLite caps bound parameters per statement at 32 766)."""

SUMMARY_COLUMNS = (
    Collectivite.siren,
    Collectivite.kind,
    Collectivite.subkind,
    Collectivite.name,
    Collectivite.insee_code,
    Collectivite.population,
    Collectivite.population_year,
    Collectivite.departement_code,
    Collectivite.region_code,
    Collectivite.active,
)


def _postgres(sql: str) -> str:
    """``?`` placeholders (SQLite) to ``$n`` (asyncpg)."""
    counter = iter(range(1, 1_000_000))
    return re.sub(r"\?", lambda _: f"${next(counter)}", sql)


class RegistryRepository:
    # Single rows ---------------------------------------------------------------------------------

    async def get_collectivite(self, siren: str) -> dict[str, Any] | None:
        return await Collectivite.select().where(Collectivite.siren == siren).first()

    async def get_publisher(self, siren: str) -> dict[str, Any] | None:
        return await Publisher.select().where(Publisher.siren == siren).first()

    async def collectivites(self, sirens: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted(set(sirens))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), SQL_CHUNK):
            chunk = wanted[start : start + SQL_CHUNK]
            for row in await Collectivite.select().where(Collectivite.siren.is_in(chunk)):
                found[row["siren"]] = row
        return found

    async def names(self, sirens: Iterable[str]) -> dict[str, str]:
        wanted = sorted({s for s in sirens if s})
        if not wanted:
            return {}
        rows = await Collectivite.select(Collectivite.siren, Collectivite.name).where(
            Collectivite.siren.is_in(wanted)
        )
        return {r["siren"]: r["name"] for r in rows}

    async def area_names(self) -> dict[tuple[str, str], str]:
        rows = await AdminArea.select(AdminArea.kind, AdminArea.code, AdminArea.name)
        return {(r["kind"], r["code"]): r["name"] for r in rows}

    async def member_sirens(self, group_siren: str) -> list[str]:
        rows = (
            await CollectiviteMember.select(CollectiviteMember.member.siren.as_alias("siren"))
            .where(CollectiviteMember.group == group_siren)
            .order_by(CollectiviteMember.member.siren)
        )
        return [r["siren"] for r in rows]

    # Listing -------------------------------------------------------------------------------------

    def _filters(self, kind: str | None, departement: str | None, name_prefix: str | None) -> Any:
        where: Any = Collectivite.active == True  # noqa: E712 - Piccolo builds SQL from the comparison
        if kind:
            where &= Collectivite.kind == kind
        if departement:
            # Whose territory touches the département: its communes, the groups with a member there,
            # and the collectivités exercising départemental or régional competences on them.
            communes_there = Collectivite.select(Collectivite.siren).where(
                (Collectivite.kind == "commune")
                & (Collectivite.active == True)  # noqa: E712
                & (Collectivite.departement_code == departement)
            )
            where &= (
                Collectivite.siren.is_in(communes_there)
                | Collectivite.siren.is_in(
                    CollectiviteMember.select(CollectiviteMember.group).where(
                        CollectiviteMember.member.departement_code == departement
                    )
                )
                | Collectivite.siren.is_in(
                    Collectivite.select(Collectivite.departement_siren).where(
                        Collectivite.departement_code == departement
                    )
                )
                | Collectivite.siren.is_in(
                    Collectivite.select(Collectivite.region_siren).where(
                        Collectivite.departement_code == departement
                    )
                )
            )
        if name_prefix:
            where &= Collectivite.name_search.like(name_prefix + "%")
        return where

    async def list_collectivites(
        self,
        *,
        kind: str | None,
        departement: str | None,
        name_prefix: str | None,
        offset: int,
        limit: int,
    ) -> tuple[int, list[dict[str, Any]]]:
        where = self._filters(kind, departement, name_prefix)
        total = await Collectivite.count().where(where)
        rows = (
            await Collectivite.select(*SUMMARY_COLUMNS)
            .where(where)
            .order_by(Collectivite.name_search, Collectivite.siren)
            .offset(offset)
            .limit(limit)
        )
        return total, rows

    # Coverage ------------------------------------------------------------------------------------

    async def covered_communes(self, sirens: Sequence[str]) -> list[dict[str, Any]]:
        """Active communes that the given collectivités cover: themselves, their members, or those on
        which they exercise départemental or régional competences."""
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(sirens), SQL_CHUNK // 2):
            chunk = list(sirens[start : start + SQL_CHUNK // 2])
            rows = await Collectivite.select(
                Collectivite.siren,
                Collectivite.population,
                Collectivite.population_year,
                Collectivite.departement_code,
            ).where(
                (Collectivite.kind == "commune")
                & (Collectivite.active == True)  # noqa: E712
                & (
                    Collectivite.siren.is_in(chunk)
                    | Collectivite.departement_siren.is_in(chunk)
                    | Collectivite.region_siren.is_in(chunk)
                    | Collectivite.siren.is_in(
                        CollectiviteMember.select(CollectiviteMember.member).where(
                            CollectiviteMember.group.is_in(chunk)
                        )
                    )
                )
            )
            for row in rows:
                found[row["siren"]] = row
        return list(found.values())

    async def communes_per_departement(self) -> dict[str, int]:
        rows = (
            await Collectivite.select(Collectivite.departement_code, Count(alias="n"))
            .where((Collectivite.kind == "commune") & (Collectivite.active == True))  # noqa: E712
            .group_by(Collectivite.departement_code)
        )
        return {r["departement_code"]: r["n"] for r in rows}

    # Import: reading the current state -----------------------------------------------------------

    async def collectivite_state(self) -> dict[str, tuple[Any, ...]]:
        """Every collectivité as the tuple of WRITE_COLUMNS, for diffing against a dataset."""
        rows = await Collectivite.select(
            Collectivite.siren, *[getattr(Collectivite, name) for name in WRITE_COLUMNS]
        )
        return {r["siren"]: tuple(bool(r[n]) if n == "active" else r[n] for n in WRITE_COLUMNS) for r in rows}

    async def member_pairs(self) -> set[tuple[str, str]]:
        rows = await CollectiviteMember.select(CollectiviteMember.group, CollectiviteMember.member)
        return {(r["group"], r["member"]) for r in rows}

    async def area_state(self) -> dict[tuple[str, str], tuple[Any, ...]]:
        rows = await AdminArea.select()
        return {(r["kind"], r["code"]): tuple(r[n] for n in AREA_WRITE_COLUMNS) for r in rows}

    async def count_active(self) -> int:
        return await Collectivite.count().where(Collectivite.active == True)  # noqa: E712

    async def latest_import(self) -> dict[str, Any] | None:
        return await RegistryImport.select().order_by(RegistryImport.id, ascending=False).first()

    # Import: bulk writes (inside db.write_transaction()) ----------------------------------------

    async def lock_for_import(self) -> None:
        """Serialise concurrent imports. SQLite's BEGIN IMMEDIATE already does; PostgreSQL needs a lock
        held until the transaction ends, or two imports would diff the same state and collide."""
        engine = Collectivite._meta.db
        if engine.engine_type == "postgres":
            await engine.run_ddl("SELECT pg_advisory_xact_lock(hashtext('registry_import'))")

    async def _execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        engine = Collectivite._meta.db
        transaction = engine.current_transaction.get()
        if transaction is None:
            raise RuntimeError("bulk registry writes must run inside db.write_transaction()")
        if engine.engine_type == "postgres":
            await transaction.connection.executemany(_postgres(sql), rows)
        else:
            await transaction.connection.executemany(sql, rows)

    async def insert_collectivites(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Rows are (siren, *WRITE_COLUMNS)."""
        await self._execute_many(INSERT_COLLECTIVITE, rows)

    async def update_collectivites(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Rows are (siren, *WRITE_COLUMNS); every column is rewritten."""
        await self._execute_many(UPDATE_COLLECTIVITE, [(*row[1:], row[0]) for row in rows])

    async def insert_members(self, pairs: Sequence[tuple[str, str]]) -> None:
        await self._execute_many('INSERT INTO "collectivite_member" ("group", "member") VALUES (?, ?)', pairs)

    async def delete_members(self, pairs: Sequence[tuple[str, str]]) -> None:
        await self._execute_many(
            'DELETE FROM "collectivite_member" WHERE "group" = ? AND "member" = ?', pairs
        )

    async def upsert_areas(self, rows: Sequence[tuple[Any, ...]], existing: set[tuple[str, str]]) -> None:
        """Rows are (kind, code, *AREA_WRITE_COLUMNS)."""
        new = [r for r in rows if (r[0], r[1]) not in existing]
        changed = [(*r[2:], r[0], r[1]) for r in rows if (r[0], r[1]) in existing]
        if new:
            await self._execute_many(INSERT_AREA, new)
        if changed:
            await self._execute_many(UPDATE_AREA, changed)

    async def delete_areas(self, keys: Sequence[tuple[str, str]]) -> None:
        await self._execute_many('DELETE FROM "admin_area" WHERE kind = ? AND code = ?', keys)

    async def record_import(
        self, *, cog_year: int, source: str, checksum: str, counts: str, now: dt.datetime
    ) -> None:
        await RegistryImport.insert(
            RegistryImport(
                cog_year=cog_year, source=source, checksum=checksum, counts=counts, imported_at=now
            )
        )
