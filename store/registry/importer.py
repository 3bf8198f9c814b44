"""Load the committed dataset into the registry tables: a diff, applied in one write transaction.

Idempotent: the import compares the dataset with what the database holds and writes only the
difference, so a second run changes nothing (and, when the dataset's checksum is the one last
imported, does not even diff unless forced). Upserts are keyed by SIREN.

A new millésime: a collectivité of the database that the dataset no longer lists (a commune merged
into a commune nouvelle, a dissolved EPCI) is **retired**, never deleted — mandates and history
point at it. It gets ``active = False``, ``retired_cog_year`` and, for a commune whose INSEE code
the new COG lists among a current commune's former codes, ``successor_siren``. Its memberships
are removed, so it no longer counts in any population. It reappears if a later dataset lists it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Sequence
from typing import Any, Protocol

import msgspec

from store.kit.db import Database
from store.registry.dataset import CollectiviteRecord, Dataset, check_dataset, search_name
from store.registry.repository import SQL_CHUNK, RegistryRepository

RULES_VERSION = 1
"""Bump when the importer derives columns differently (e.g. ``name_search``): a dataset already
imported under older rules is then compared row by row again instead of being skipped."""


class ImportProgress(Protocol):
    """What the importer reports while it works (the CLI draws a progress bar from it)."""

    def phase(self, description: str, total: int) -> None: ...

    def advance(self, amount: int) -> None: ...


class _Silent:
    def phase(self, description: str, total: int) -> None:
        return None

    def advance(self, amount: int) -> None:
        return None


class ImportReport(msgspec.Struct, kw_only=True):
    cog_year: int
    population_year: int
    checksum: str
    source: str
    skipped: bool = False
    """True when this dataset was already imported and nothing was compared (use ``force``)."""
    inserted: int = 0
    updated: int = 0
    retired: int = 0
    unchanged: int = 0
    members_added: int = 0
    members_removed: int = 0
    areas_changed: int = 0
    seconds: float = 0.0
    counts: dict[str, int] = {}

    @property
    def changed(self) -> bool:
        return bool(
            self.inserted
            or self.updated
            or self.retired
            or self.members_added
            or self.members_removed
            or self.areas_changed
        )


def _desired(row: CollectiviteRecord, cog_year: int) -> tuple[Any, ...]:
    """The row as (siren, *WRITE_COLUMNS) — the order the repository writes."""
    return (
        row.siren,
        row.kind,
        row.subkind,
        row.name,
        search_name(row.kind, row.name),
        row.insee_code,
        row.population,
        row.population_year,
        cog_year,
        row.departement_code,
        row.region_code,
        row.epci_siren,
        row.tax_regime,
        row.departement_siren,
        row.region_siren,
        True,
        None,
        None,
    )


class RegistryImporter:
    def __init__(self, db: Database, repo: RegistryRepository | None = None) -> None:
        self.db = db
        self.repo = repo or RegistryRepository()

    async def run(
        self, dataset: Dataset, *, force: bool = False, progress: ImportProgress | None = None
    ) -> ImportReport:
        started = time.perf_counter()
        check_dataset(dataset)  # every SIREN passes Luhn, links are sound: or nothing is written
        progress = progress or _Silent()
        report = ImportReport(
            cog_year=dataset.cog_year,
            population_year=dataset.population_year,
            checksum=dataset.checksum,
            source=dataset.source,
            counts=dataset.counts(),
        )
        if not force and await self._already_imported(dataset):
            report.skipped = True
            report.unchanged = len(dataset.collectivites)
            report.seconds = time.perf_counter() - started
            return report
        async with self.db.write_transaction():
            await self.repo.lock_for_import()
            await self._apply(dataset, report, progress)
            latest = await self.repo.latest_import()
            if report.changed or not self._same_import(latest, dataset):
                await self.repo.record_import(
                    cog_year=dataset.cog_year,
                    source=dataset.source,
                    checksum=dataset.checksum,
                    counts=json.dumps(
                        {
                            "dataset": report.counts,
                            "population_year": dataset.population_year,
                            "rules": RULES_VERSION,
                            "inserted": report.inserted,
                            "updated": report.updated,
                            "retired": report.retired,
                            "members_added": report.members_added,
                            "members_removed": report.members_removed,
                            "areas_changed": report.areas_changed,
                        },
                        sort_keys=True,
                    ),
                    now=dt.datetime.now(dt.UTC),
                )
        report.seconds = time.perf_counter() - started
        return report

    @staticmethod
    def _same_import(latest: dict[str, Any] | None, dataset: Dataset) -> bool:
        if latest is None or latest["checksum"] != dataset.checksum:
            return False
        return bool(json.loads(latest["counts"] or "{}").get("rules") == RULES_VERSION)

    async def _already_imported(self, dataset: Dataset) -> bool:
        if not self._same_import(await self.repo.latest_import(), dataset):
            return False
        return await self.repo.count_active() == len(dataset.collectivites)

    async def _apply(self, dataset: Dataset, report: ImportReport, progress: ImportProgress) -> None:
        progress.phase("Lecture de la base", 3)
        state = await self.repo.collectivite_state()
        progress.advance(1)
        pairs = await self.repo.member_pairs()
        progress.advance(1)
        areas = await self.repo.area_state()
        progress.advance(1)

        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        listed: set[str] = set()
        for row in dataset.collectivites:
            desired = _desired(row, dataset.cog_year)
            listed.add(row.siren)
            current = state.get(row.siren)
            if current is None:
                inserts.append(desired)
            elif current != desired[1:]:
                updates.append(desired)
            else:
                report.unchanged += 1
        retirements: list[tuple[Any, ...]] = []
        if not dataset.is_subset:
            # A subset (tests) says nothing about what is missing from it.
            current_codes = {r.insee_code: r.siren for r in dataset.collectivites if r.kind == "commune"}
            for siren, current in state.items():
                active = current[14]
                if siren in listed or not active:
                    continue
                successor = None
                if current[0] == "commune":
                    # Absorbed (its code is now a former code of another commune), or re-created
                    # under the same code with a new SIREN (a commune nouvelle keeping the chef-lieu's code).
                    successor = dataset.former_codes.get(current[4]) or current_codes.get(current[4])
                retirements.append((siren, *current[:14], False, dataset.cog_year, successor))
        wanted_pairs = set(dataset.members)
        if dataset.is_subset:
            pairs_to_remove = sorted(p for p in pairs - wanted_pairs if p[0] in listed and p[1] in listed)
        else:
            pairs_to_remove = sorted(pairs - wanted_pairs)
        pairs_to_add = sorted(wanted_pairs - pairs)
        wanted_areas = {
            (a.kind, a.code): (a.name, a.region_code, a.zone, a.collectivite_siren, dataset.cog_year)
            for a in dataset.areas
        }
        area_rows = [(*key, *value) for key, value in wanted_areas.items() if areas.get(key) != value]
        stale_areas = sorted(set(areas) - set(wanted_areas)) if not dataset.is_subset else []

        total = len(inserts) + len(updates) + len(retirements) + len(pairs_to_add) + len(pairs_to_remove)
        progress.phase("Écriture des collectivités", total + len(area_rows) + len(stale_areas))
        await self._chunked(self.repo.delete_members, pairs_to_remove, progress)
        await self._chunked(self.repo.insert_collectivites, inserts, progress)
        await self._chunked(self.repo.update_collectivites, updates + retirements, progress)
        await self._chunked(self.repo.insert_members, pairs_to_add, progress)
        if area_rows:
            await self.repo.upsert_areas(area_rows, set(areas))
            progress.advance(len(area_rows))
        if stale_areas:
            await self.repo.delete_areas(stale_areas)
            progress.advance(len(stale_areas))
        report.inserted = len(inserts)
        report.updated = len(updates)
        report.retired = len(retirements)
        report.members_added = len(pairs_to_add)
        report.members_removed = len(pairs_to_remove)
        report.areas_changed = len(area_rows) + len(stale_areas)

    async def _chunked(self, write: Any, rows: Sequence[Any], progress: ImportProgress) -> None:
        for start in range(0, len(rows), SQL_CHUNK):
            chunk = rows[start : start + SQL_CHUNK]
            await write(chunk)
            progress.advance(len(chunk))
