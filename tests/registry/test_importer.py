"""The importer: full set, idempotence, a new millésime (merged communes retire), bad data refused."""

from __future__ import annotations

import dataclasses
import json

import pytest

from store.kit.db import Database
from store.registry.dataset import Dataset
from store.registry.importer import RegistryImporter
from store.registry.repository import RegistryRepository
from store.registry.service import RegistryService
from store.registry.tables import AdminArea, Collectivite, CollectiviteMember, RegistryImport
from tests.support.registry import (
    AMBERIEU_EN_BUGEY,
    BOURG_EN_BRESSE,
    CA_BASSIN_DE_BOURG,
    full_dataset,
    reference_subset,
)


async def _kinds() -> dict[str, int]:
    rows = await Collectivite.select(Collectivite.kind).where(Collectivite.active == True)  # noqa: E712
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["kind"]] = counts.get(row["kind"], 0) + 1
    return counts


async def test_full_import_loads_every_collectivite_and_a_second_run_changes_nothing(
    scratch_db: Database,
) -> None:
    importer = RegistryImporter(scratch_db)
    first = await importer.run(full_dataset())
    assert first.inserted == 36_253
    assert first.members_added == 35_000
    assert await _kinds() == {"commune": 34_875, "epci": 1_255, "ept": 11, "departement": 95, "region": 17}
    assert await AdminArea.count() == 119
    imports = await RegistryImport.select()
    assert len(imports) == 1
    assert imports[0]["cog_year"] == 2026
    assert json.loads(imports[0]["counts"])["population_year"] == 2023
    assert "6.0.0" in imports[0]["source"]

    again = await importer.run(full_dataset())
    assert again.skipped
    forced = await importer.run(full_dataset(), force=True)
    assert not forced.changed
    assert forced.unchanged == 36_253
    assert await Collectivite.count() == 36_253
    assert await CollectiviteMember.count() == 35_000
    assert await RegistryImport.count() == 1  # nothing changed, nothing recorded


def _next_millesime(current: Dataset, merged: str, into: str) -> Dataset:
    """The same data one year later, with ``merged`` absorbed by ``into`` (a commune nouvelle)."""
    rows = {r.siren: r for r in current.collectivites}
    absorbed = rows[merged]
    survivor = rows[into]
    collectivites = [
        r._replace(population=(survivor.population or 0) + (absorbed.population or 0))
        if r.siren == into
        else r
        for r in current.collectivites
        if r.siren != merged
    ]
    return dataclasses.replace(
        current,
        cog_year=current.cog_year + 1,
        checksum="0" * 64,
        collectivites=collectivites,
        members=[(g, m) for g, m in current.members if m != merged],
        former_codes={**current.former_codes, absorbed.insee_code or "": into},
    )


def _unused_siren(dataset: Dataset) -> str:
    """A Luhn-valid SIREN that nobody in the dataset has."""
    from store.registry.siren import is_valid_siren

    taken = {r.siren for r in dataset.collectivites}
    return next(s for s in (f"20099999{d}" for d in range(10)) if is_valid_siren(s) and s not in taken)


async def test_a_new_millesime_retires_merged_communes_and_keeps_history(scratch_db: Database) -> None:
    importer = RegistryImporter(scratch_db)
    year_one = dataclasses.replace(reference_subset(), is_subset=False)
    await importer.run(year_one)
    service = RegistryService(RegistryRepository())
    before = await service.coverage([CA_BASSIN_DE_BOURG])
    merged = "210100657"  # Buellas, a member of the same agglomération as Bourg-en-Bresse
    assert (await service.get(merged)).epci_siren == CA_BASSIN_DE_BOURG

    year_two = _next_millesime(year_one, merged=merged, into=BOURG_EN_BRESSE)
    report = await importer.run(year_two)
    assert report.retired == 1
    assert report.members_removed == 1
    assert report.inserted == 0
    view = await service.get(merged)
    assert not view.active
    assert view.retired_cog_year == year_one.cog_year + 1
    assert view.successor_siren == BOURG_EN_BRESSE
    after = await service.coverage([CA_BASSIN_DE_BOURG])
    assert after.commune_count == before.commune_count - 1
    assert after.population == before.population  # the inhabitants moved to Bourg-en-Bresse
    assert (await service.coverage([merged])).retired_sirens == (merged,)
    listing = await service.list_collectivites(
        departement="01", kind="commune", page_size=100, name="Buellas"
    )
    assert listing.total == 0
    years = [r["cog_year"] for r in await RegistryImport.select().order_by(RegistryImport.id)]
    assert years == [year_one.cog_year, year_one.cog_year + 1]

    # A commune nouvelle keeping its chef-lieu's INSEE code gets a new SIREN (as Saint-Denis, 93066).
    renamed = _unused_siren(year_two)
    year_three = dataclasses.replace(
        year_two,
        cog_year=year_two.cog_year + 1,
        checksum="1" * 64,
        collectivites=[
            r._replace(siren=renamed) if r.siren == AMBERIEU_EN_BUGEY else r for r in year_two.collectivites
        ],
        members=[(g, renamed if m == AMBERIEU_EN_BUGEY else m) for g, m in year_two.members],
    )
    report = await importer.run(year_three)
    assert (report.inserted, report.retired) == (1, 1)
    old = await service.get(AMBERIEU_EN_BUGEY)
    assert (old.active, old.successor_siren) == (False, renamed)
    assert (await service.get(renamed)).insee_code == "01004"

    # Importing the older millésime again brings it back: nothing is ever lost.
    await importer.run(year_one)
    assert (await service.get(merged)).active


async def test_the_session_fixture_is_the_real_data(state) -> None:  # type: ignore[no-untyped-def]
    service = RegistryService()
    bourg = await service.get(BOURG_EN_BRESSE)
    assert (bourg.name, bourg.population, bourg.population_year) == ("Bourg-en-Bresse", 42_372, 2023)
    assert (await service.get(AMBERIEU_EN_BUGEY)).name == "Ambérieu-en-Bugey"
    report = await (RegistryImporter(state.db)).run(reference_subset())
    assert report.skipped


async def test_an_invalid_dataset_is_refused_before_anything_is_written(scratch_db: Database) -> None:
    from store.registry.dataset import DatasetError, check_dataset

    broken = dataclasses.replace(
        reference_subset(),
        collectivites=[
            r._replace(siren="210100534") if r.siren == BOURG_EN_BRESSE else r
            for r in reference_subset().collectivites
        ],
    )
    with pytest.raises(DatasetError, match="210100534"):
        check_dataset(broken)
    with pytest.raises(DatasetError, match="Luhn"):
        await RegistryImporter(scratch_db).run(broken)
    assert await Collectivite.count() == 0


async def test_two_imports_at_once_do_not_collide(scratch_db: Database) -> None:
    import asyncio

    dataset = dataclasses.replace(reference_subset(), is_subset=False)
    first, second = await asyncio.gather(
        RegistryImporter(scratch_db).run(dataset), RegistryImporter(scratch_db).run(dataset, force=True)
    )
    assert sorted([first.inserted, second.inserted]) == [0, len(dataset.collectivites)]
    assert await Collectivite.count() == len(dataset.collectivites)
    assert await RegistryImport.count() == 1
