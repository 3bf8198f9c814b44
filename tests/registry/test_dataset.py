"""The committed dataset: real counts, valid SIRENs, the territorial special cases, tamper-proofing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from store.registry.dataset import DATA_DIR, DatasetError, read_dataset
from store.registry.siren import is_valid_siren
from tests.support.registry import full_dataset


def test_every_siren_in_the_committed_dataset_passes_luhn() -> None:
    dataset = full_dataset()
    sirens = [r.siren for r in dataset.collectivites]
    sirens += [s for pair in dataset.members for s in pair]
    sirens += [a.collectivite_siren for a in dataset.areas]
    sirens += list(dataset.former_codes.values())
    assert sirens
    assert all(is_valid_siren(s) for s in sirens)


def test_counts_match_the_source_package() -> None:
    counts = full_dataset().counts()
    assert counts["commune"] == 34_875  # current communes of metro + DROM, all with a SIREN
    assert counts["epci"] == 1_255  # including the Métropole de Lyon (MET69)
    assert counts["ept"] == 11
    assert counts["areas_departement"] == 101
    assert counts["areas_region"] == 18
    # As legal persons: Corse (2A, 2B, 94), Alsace (67, 68), Martinique, Guyane and Mayotte
    # administer several areas, and Paris (75) is the commune itself.
    assert counts["departement"] == 95
    assert counts["region"] == 17


def test_population_figures_are_the_source_figures() -> None:
    rows = {r.siren: r for r in full_dataset().collectivites}
    communes = [r for r in rows.values() if r.kind == "commune"]
    assert sum(r.population or 0 for r in communes) == 68_350_798
    assert rows["217500016"].population == 2_103_778  # Paris
    assert rows["216901231"].population == 519_127  # Lyon
    assert {r.population_year for r in communes} == {2023, 2017}
    assert {r.population_year for r in communes if r.departement_code == "976"} == {2017}
    members: dict[str, int] = {}
    for group, member in full_dataset().members:
        members[group] = members.get(group, 0) + (rows[member].population or 0)
    assert all(rows[g].population == total for g, total in members.items())
    assert sum(1 for r in rows.values() if r.kind == "epci" and (r.population or 0) >= 500_000) == 11


def test_commune_sirens_are_taken_from_the_data_not_computed() -> None:
    rows = {r.insee_code: r for r in full_dataset().collectivites if r.kind == "commune"}
    assert rows["93066"].siren == "929939411"  # Saint-Denis, commune nouvelle
    assert rows["97611"].siren == "200008837"  # Mamoudzou

    def naive(code: str) -> str:
        return "21" + code[:2] + "0" + code[2:]

    derived = sum(1 for code, r in rows.items() if r.siren.startswith(naive(code)))
    assert 0 < derived < len(rows) - 5_000


def test_territorial_special_cases() -> None:
    dataset = full_dataset()
    rows = {r.siren: r for r in dataset.collectivites}
    areas = {(a.kind, a.code): a.collectivite_siren for a in dataset.areas}
    assert areas["departement", "2A"] == areas["departement", "2B"] == areas["region", "94"] == "200076958"
    assert rows["200076958"].kind == "region"
    assert areas["departement", "67"] == areas["departement", "68"] == "200094332"
    assert areas["departement", "69"] == "226900017"
    assert areas["departement", "75"] == "217500016"
    assert rows["217500016"].kind == "commune"
    assert sum(1 for r in rows.values() if r.name == "Paris") == 1
    assert areas["departement", "972"] == areas["region", "02"] == "200055507"
    assert areas["departement", "973"] == areas["region", "03"] == "200052678"
    assert areas["departement", "976"] == areas["region", "06"] == "229850003"
    lyon_communes = {m for g, m in dataset.members if g == "200046977"}
    assert len(lyon_communes) == 58
    assert {rows[s].departement_siren for s in lyon_communes} == {"200046977"}
    rhone = {r.siren for r in rows.values() if r.kind == "commune" and r.departement_code == "69"}
    assert {rows[s].departement_siren for s in rhone - lyon_communes} == {"226900017"}
    assert rows["226900017"].population == sum(rows[s].population or 0 for s in rhone - lyon_communes)


def test_an_edited_file_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA_DIR, copy)
    target = copy / "members.csv.gz"
    target.write_bytes(target.read_bytes()[:-10])
    with pytest.raises(DatasetError, match="manifeste"):
        read_dataset(copy)


def test_regeneration_stops_on_an_invalid_siren(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tools.registry import regenerate

    curated = tmp_path / "curated.csv"
    text = regenerate.CURATED.read_text(encoding="utf-8").replace("220100010", "220100011")
    curated.write_text(text, encoding="utf-8")
    monkeypatch.setattr(regenerate, "CURATED", curated)
    with pytest.raises(SystemExit, match="220100011"):
        regenerate.read_curated()
