"""The committed collectivités dataset: its format, reading it, checking it, and taking subsets.

``store/registry/data/`` holds three gzipped CSV files and a ``manifest.json`` written by
``tools/registry/regenerate.py`` from the npm package ``@etalab/decoupage-administratif`` and a
hand-curated list of départements and régions (see ``data/SOURCES.md``). Reading it needs neither
Node nor the network. The manifest pins the sha256 of every file: a file edited by hand, or
truncated, is refused rather than imported.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from store.registry.siren import fold, is_valid_siren

DATA_DIR = Path(__file__).parent / "data"
COLLECTIVITES_FILE = "collectivites.csv.gz"
MEMBERS_FILE = "members.csv.gz"
AREAS_FILE = "areas.csv.gz"
FORMER_CODES_FILE = "former_codes.csv.gz"
MANIFEST_FILE = "manifest.json"

KINDS = ("commune", "epci", "ept", "departement", "region")
GROUP_KINDS = frozenset({"epci", "ept"})


_LEGAL_FORM = re.compile(
    r"^(?:departement|region|collectivite(?: territoriale| europeenne)?) (?:de la |de l |des |du |de |d )?"
)


def search_name(kind: str, name: str) -> str:
    """What name-prefix filters compare: the folded name, without the legal form of départements and
    régions ("Département du Rhône" → "rhone", "Collectivité européenne d'Alsace" → "alsace")."""
    folded = fold(name)
    if kind in {"departement", "region"}:
        return _LEGAL_FORM.sub("", folded, count=1)
    return folded


class DatasetError(ValueError):
    """The dataset on disk is missing, corrupted or inconsistent."""


class CollectiviteRecord(NamedTuple):
    """One collectivité, as the dataset and the ``collectivite`` table describe it."""

    siren: str
    kind: str
    subkind: str
    name: str
    insee_code: str | None
    population: int | None
    population_year: int | None
    departement_code: str | None
    region_code: str | None
    epci_siren: str | None
    departement_siren: str | None
    region_siren: str | None
    tax_regime: str


class AreaRecord(NamedTuple):
    """An INSEE département or région and the collectivité that administers it."""

    kind: str
    code: str
    name: str
    region_code: str | None
    zone: str
    collectivite_siren: str


COLLECTIVITE_COLUMNS: tuple[str, ...] = CollectiviteRecord._fields
MEMBER_COLUMNS = ("group_siren", "member_siren")
AREA_COLUMNS: tuple[str, ...] = AreaRecord._fields
FORMER_CODE_COLUMNS = ("former_insee_code", "siren")
_INT_FIELDS = {"population", "population_year"}
_NULLABLE = {
    "insee_code",
    "population",
    "population_year",
    "departement_code",
    "region_code",
    "epci_siren",
    "departement_siren",
    "region_siren",
}


@dataclass(frozen=True)
class Dataset:
    """Everything an import needs, already parsed and checked."""

    cog_year: int
    population_year: int
    source: str
    """Human-readable origin: package, version and tarball checksum."""
    checksum: str
    """sha256 identifying this exact content (the manifest's for the full set)."""
    collectivites: list[CollectiviteRecord]
    members: list[tuple[str, str]]
    """(group SIREN, member commune SIREN) for EPCI and EPT."""
    areas: list[AreaRecord]
    former_codes: dict[str, str] = field(default_factory=dict)
    """Former INSEE commune code → SIREN of the current commune that absorbed it."""
    is_subset: bool = False

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(KINDS, 0)
        for row in self.collectivites:
            counts[row.kind] += 1
        counts["members"] = len(self.members)
        counts["areas_departement"] = sum(1 for a in self.areas if a.kind == "departement")
        counts["areas_region"] = sum(1 for a in self.areas if a.kind == "region")
        return counts

    def subset(self, keep: Callable[[CollectiviteRecord], bool]) -> Dataset:
        """The collectivités ``keep`` accepts (plus every département and région), with the
        memberships among them. Used by tests to load real data quickly, the same way as the full set.
        """
        rows = [r for r in self.collectivites if r.kind in {"departement", "region"} or keep(r)]
        kept = {r.siren for r in rows}
        members = [(g, m) for g, m in self.members if g in kept and m in kept]
        digest = hashlib.sha256()
        for row in rows:
            digest.update(repr(tuple(row)).encode())
        for pair in members:
            digest.update(repr(pair).encode())
        return replace(
            self,
            collectivites=rows,
            members=members,
            checksum=digest.hexdigest(),
            is_subset=True,
            source=self.source + " (sous-ensemble)",
        )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read_csv(path: Path, columns: Iterable[str]) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != tuple(columns):
            raise DatasetError(f"{path.name} : colonnes inattendues {reader.fieldnames!r}.")
        return list(reader)


def _collectivite(raw: dict[str, str]) -> CollectiviteRecord:
    values: dict[str, Any] = {}
    for name in COLLECTIVITE_COLUMNS:
        value = raw[name]
        if name in _NULLABLE and value == "":
            values[name] = None
        elif name in _INT_FIELDS:
            values[name] = int(value)
        else:
            values[name] = value
    return CollectiviteRecord(**values)


def read_dataset(directory: Path = DATA_DIR) -> Dataset:
    """Parse and check the committed dataset; raise DatasetError if anything is off."""
    manifest_path = directory / MANIFEST_FILE
    if not manifest_path.is_file():
        raise DatasetError(f"Jeu de données introuvable : {manifest_path}.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    for name, expected in manifest["files"].items():
        actual = _sha256(directory / name)
        if actual != expected:
            raise DatasetError(
                f"{name} ne correspond pas au manifeste (sha256 {actual}, attendu {expected}) : "
                "régénérez le jeu de données au lieu de le modifier à la main."
            )
    collectivites = [
        _collectivite(r) for r in _read_csv(directory / COLLECTIVITES_FILE, COLLECTIVITE_COLUMNS)
    ]
    members = [
        (r["group_siren"], r["member_siren"]) for r in _read_csv(directory / MEMBERS_FILE, MEMBER_COLUMNS)
    ]
    areas = [
        AreaRecord(
            r["kind"], r["code"], r["name"], r["region_code"] or None, r["zone"], r["collectivite_siren"]
        )
        for r in _read_csv(directory / AREAS_FILE, AREA_COLUMNS)
    ]
    source = manifest["source"]
    dataset = Dataset(
        cog_year=int(manifest["cog_year"]),
        population_year=int(manifest["population_year"]),
        source=f"npm {source['package']}@{source['version']} (sha256 {source['tarball_sha256']})",
        checksum=hashlib.sha256(manifest_path.read_bytes()).hexdigest(),
        collectivites=collectivites,
        members=members,
        areas=areas,
        former_codes={
            r["former_insee_code"]: r["siren"]
            for r in _read_csv(directory / FORMER_CODES_FILE, FORMER_CODE_COLUMNS)
        },
    )
    check_dataset(dataset)
    expected_counts = manifest["counts"]
    if dataset.counts() != expected_counts:
        raise DatasetError(f"Effectifs {dataset.counts()} différents du manifeste {expected_counts}.")
    return dataset


def check_dataset(dataset: Dataset) -> None:
    """Invariants every import relies on: valid and unique SIRENs, known kinds, sound links."""
    sirens: dict[str, str] = {}
    for row in dataset.collectivites:
        if not is_valid_siren(row.siren):
            raise DatasetError(f"SIREN invalide (clé de Luhn) : {row.siren} ({row.name}).")
        if row.kind not in KINDS:
            raise DatasetError(f"Type inconnu {row.kind!r} pour {row.siren}.")
        if row.siren in sirens:
            raise DatasetError(f"SIREN en double : {row.siren}.")
        sirens[row.siren] = row.kind
    for group, member in dataset.members:
        if sirens.get(group) not in GROUP_KINDS or sirens.get(member) != "commune":
            raise DatasetError(f"Adhésion incohérente : {group} → {member}.")
    for area in dataset.areas:
        if area.collectivite_siren not in sirens:
            raise DatasetError(f"{area.kind} {area.code} : collectivité {area.collectivite_siren} absente.")


# Writing (used by tools/registry/regenerate.py) -------------------------------------------------


def _gzip_csv(columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    buffer = io.BytesIO()
    # mtime=0 and no file name: the same content always gives the same bytes and checksum.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(text.getvalue().encode("utf-8"))
    return buffer.getvalue()


def write_dataset(dataset: Dataset, directory: Path, manifest_extra: dict[str, Any]) -> dict[str, Any]:
    """Write the files and their manifest; returns the manifest."""
    check_dataset(dataset)
    directory.mkdir(parents=True, exist_ok=True)
    files = {
        COLLECTIVITES_FILE: _gzip_csv(COLLECTIVITE_COLUMNS, dataset.collectivites),
        MEMBERS_FILE: _gzip_csv(MEMBER_COLUMNS, dataset.members),
        AREAS_FILE: _gzip_csv(AREA_COLUMNS, dataset.areas),
        FORMER_CODES_FILE: _gzip_csv(FORMER_CODE_COLUMNS, sorted(dataset.former_codes.items())),
    }
    for name, content in files.items():
        (directory / name).write_bytes(content)
    manifest = {
        **manifest_extra,
        "cog_year": dataset.cog_year,
        "population_year": dataset.population_year,
        "counts": dataset.counts(),
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in files.items()},
    }
    (directory / MANIFEST_FILE).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return manifest
