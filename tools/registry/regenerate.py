"""Regenerate ``store/registry/data/`` from the npm package and the hand-curated territorial list.

Run by hand from the repository root, with Node/npm on the PATH (not in CI, not at run time)::

    .venv/bin/python -m tools.registry.regenerate            # npm pack into a temporary folder
    .venv/bin/python -m tools.registry.regenerate --tarball etalab-decoupage-administratif-6.0.0.tgz

The tarball's sha256 is checked before anything is read. Every SIREN must pass the Luhn check and
every count must match the pinned version: any surprise stops the script with a message, and the
committed files are left untouched. To move to a new millésime, bump PACKAGE_VERSION,
TARBALL_SHA256, the years and EXPECTED_COUNTS together, review the diff, then import it
(``python -m store import-registry``): communes that disappeared are retired, not deleted.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from store.registry.dataset import (
    DATA_DIR,
    AreaRecord,
    CollectiviteRecord,
    Dataset,
    DatasetError,
    write_dataset,
)
from store.registry.siren import is_valid_siren

PACKAGE = "@etalab/decoupage-administratif"
PACKAGE_VERSION = "6.0.0"
TARBALL_SHA256 = "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"
COG_YEAR = 2026
POPULATION_YEAR = 2023
"""INSEE populations de référence millésime 2023, in force on 1 January 2026 (INSEE page 8680726)."""
POPULATION_YEAR_BY_DEPARTEMENT = {"976": 2017}
"""Mayotte is not in the 2023 figures: the package carries its 2017 census population."""
ZONES = ("metro", "drom")
EXPECTED_COUNTS = {"communes": 34_875, "epci": 1_255, "ept": 11, "departements": 101, "regions": 18}
METROPOLE_DE_LYON = "200046977"
CURATED = Path(__file__).with_name("collectivites_territoriales.csv")


class RegenerationError(SystemExit):
    def __init__(self, message: str) -> None:
        super().__init__(f"ÉCHEC de la régénération : {message}")


def fetch_tarball(workdir: Path) -> Path:
    spec = f"{PACKAGE}@{PACKAGE_VERSION}"
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        ["npm", "pack", spec, "--pack-destination", str(workdir), "--silent"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    name = completed.stdout.strip().splitlines()[-1]
    return workdir / name


def read_package(tarball: Path) -> dict[str, Any]:
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        raise RegenerationError(f"sha256 du paquet {digest} ≠ attendu {TARBALL_SHA256}.")
    data: dict[str, Any] = {}
    with tarfile.open(tarball, "r:gz") as archive:
        for name in ("communes", "epci", "ept", "departements", "regions"):
            member = archive.extractfile(f"package/data/{name}.json")
            if member is None:
                raise RegenerationError(f"package/data/{name}.json absent du paquet.")
            data[name] = json.load(member)
    return data


def read_curated() -> list[dict[str, str]]:
    with CURATED.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    bad = [f"{r['siren']} ({r['name']})" for r in rows if not is_valid_siren(r["siren"])]
    if bad:
        raise RegenerationError(
            "SIREN invalides dans la liste des collectivités territoriales : " + ", ".join(bad)
        )
    return rows


def _main_code(weights: dict[str, int]) -> str | None:
    """The code holding most of the population (ties: the smallest code)."""
    if not weights:
        return None
    return sorted(weights.items(), key=lambda item: (-item[1], item[0]))[0][0]


def build(data: dict[str, Any], curated: list[dict[str, str]]) -> Dataset:
    communes = [c for c in data["communes"] if c["type"] == "commune-actuelle" and c["zone"] in ZONES]
    missing = [c["code"] for c in communes if not c.get("siren")]
    if missing:
        raise RegenerationError(f"communes sans SIREN : {missing[:10]}…")
    by_siren = {c["siren"]: c for c in communes}
    departements = [d for d in data["departements"] if d["zone"] in ZONES]
    regions = [r for r in data["regions"] if r["zone"] in ZONES]
    groups = [(g, "epci") for g in data["epci"]] + [(g, "ept") for g in data["ept"]]
    counts = {
        "communes": len(communes),
        "epci": len(data["epci"]),
        "ept": len(data["ept"]),
        "departements": len(departements),
        "regions": len(regions),
    }
    if counts != EXPECTED_COUNTS:
        raise RegenerationError(f"effectifs {counts} ≠ attendus {EXPECTED_COUNTS}.")

    members: list[tuple[str, str]] = []
    epci_of: dict[str, str] = {}
    siren_by_code = {c["code"]: c["siren"] for c in communes}
    for group, kind in groups:
        for member in group["membres"]:
            # One EPT member (Saint-Denis, 93066, a commune nouvelle) comes without its SIREN: take
            # it from the commune list of the same package, by INSEE code — never compute it.
            siren = member.get("siren") or siren_by_code.get(member["code"], "")
            if siren not in by_siren or by_siren[siren]["code"] != member["code"]:
                raise RegenerationError(f"{group['nom']} : membre {member} inconnu.")
            members.append((group["code"], siren))
            if kind == "epci":
                if siren in epci_of:
                    raise RegenerationError(f"commune {siren} dans deux EPCI.")
                epci_of[siren] = group["code"]
    lyon_members = {m for g, m in members if g == METROPOLE_DE_LYON}

    # Who exercises départemental and régional competences on each area.
    departement_claims: dict[str, list[dict[str, str]]] = defaultdict(list)
    region_claims: dict[str, dict[str, str]] = {}
    for row in curated:
        for code in row["departement_codes"].split():
            departement_claims[code].append(row)
        for code in row["region_codes"].split():
            if code in region_claims:
                raise RegenerationError(f"région {code} revendiquée deux fois.")
            region_claims[code] = row
    main_departement: dict[str, str] = {}
    for departement in departements:
        code = departement["code"]
        mains = [r["siren"] for r in departement_claims.get(code, []) if r["kind"] != "epci"]
        if len(mains) != 1:
            raise RegenerationError(f"département {code} : {len(mains)} collectivité(s) au lieu d'une.")
        main_departement[code] = mains[0]
    unknown_areas = set(departement_claims) - set(main_departement)
    unknown_areas |= set(region_claims) - {r["code"] for r in regions}
    if unknown_areas or {r["code"] for r in regions} - set(region_claims):
        raise RegenerationError(f"codes de territoire incohérents : {sorted(unknown_areas)}.")
    if departement_claims["69"] and METROPOLE_DE_LYON not in {r["siren"] for r in departement_claims["69"]}:
        raise RegenerationError("la Métropole de Lyon doit être déclarée sur le 69.")

    def population_year(code: str) -> int:
        return POPULATION_YEAR_BY_DEPARTEMENT.get(code, POPULATION_YEAR)

    records: dict[str, CollectiviteRecord] = {}
    curated_by_siren = {r["siren"]: r for r in curated}
    for commune in communes:
        siren, departement = commune["siren"], commune["departement"]
        overseer = METROPOLE_DE_LYON if siren in lyon_members else main_departement[departement]
        records[siren] = CollectiviteRecord(
            siren=siren,
            kind="commune",
            subkind=curated_by_siren.get(siren, {}).get("subkind", ""),
            name=commune["nom"],
            insee_code=commune["code"],
            population=int(commune["population"]),
            population_year=population_year(departement),
            departement_code=departement,
            region_code=commune["region"],
            epci_siren=epci_of.get(siren),
            departement_siren=overseer,
            region_siren=region_claims[commune["region"]]["siren"],
            tax_regime="",
        )

    def aggregate(sirens: list[str]) -> tuple[int, int | None, dict[str, int], dict[str, int]]:
        population, years = 0, set[int]()
        by_departement: Counter[str] = Counter()
        by_region: Counter[str] = Counter()
        for siren in sirens:
            row = records[siren]
            people = row.population or 0
            population += people
            years.add(row.population_year or POPULATION_YEAR)
            by_departement[row.departement_code or ""] += people
            by_region[row.region_code or ""] += people
        return population, min(years, default=None), dict(by_departement), dict(by_region)

    members_of: dict[str, list[str]] = defaultdict(list)
    for group_siren, member_siren in members:
        members_of[group_siren].append(member_siren)
    for group, kind in groups:
        siren = group["code"]
        population, year, by_departement, by_region = aggregate(members_of[siren])
        records[siren] = CollectiviteRecord(
            siren=siren,
            kind=kind,
            subkind=group["type"] if kind == "epci" else "",
            name=group["nom"],
            insee_code=None,
            population=population,
            population_year=year,
            departement_code=_main_code(by_departement),
            region_code=_main_code(by_region),
            epci_siren=None,
            departement_siren=None,
            region_siren=None,
            tax_regime=group.get("modeFinancement", "") if kind == "epci" else "",
        )

    communes_under: dict[str, list[str]] = defaultdict(list)
    for row in list(records.values()):
        if row.kind == "commune":
            communes_under[row.departement_siren or ""].append(row.siren)
            if row.region_siren != row.departement_siren:
                communes_under[row.region_siren or ""].append(row.siren)
    for row in curated:
        siren, kind = row["siren"], row["kind"]
        if kind in {"commune", "epci"}:
            existing = records.get(siren)
            if existing is None or existing.kind != kind or existing.subkind != row["subkind"]:
                raise RegenerationError(f"{row['name']} ({siren}) absente ou différente dans le paquet.")
            continue
        population, year, by_departement, by_region = aggregate(communes_under[siren])
        departement_codes = row["departement_codes"].split()
        region_codes = row["region_codes"].split()
        own_codes = departement_codes if kind == "departement" else region_codes
        records[siren] = CollectiviteRecord(
            siren=siren,
            kind=kind,
            subkind=row["subkind"],
            name=row["name"],
            insee_code=own_codes[0] if len(own_codes) == 1 else None,
            population=population,
            population_year=year,
            departement_code=_main_code(by_departement) if departement_codes else None,
            region_code=_main_code(by_region),
            epci_siren=None,
            departement_siren=None,
            region_siren=None,
            tax_regime="",
        )

    areas = [
        AreaRecord("departement", d["code"], d["nom"], d["region"], d["zone"], main_departement[d["code"]])
        for d in departements
    ] + [
        AreaRecord("region", r["code"], r["nom"], None, r["zone"], region_claims[r["code"]]["siren"])
        for r in regions
    ]

    former_codes: dict[str, str] = {}
    current_codes = {c["code"] for c in communes}
    for commune in communes:
        for code in commune.get("anciensCodes", []):
            if code in current_codes:
                continue
            if former_codes.get(code, commune["siren"]) != commune["siren"]:
                raise RegenerationError(f"ancien code {code} rattaché à deux communes.")
            former_codes[code] = commune["siren"]

    invalid = [r.siren for r in records.values() if not is_valid_siren(r.siren)]
    if invalid:
        raise RegenerationError(f"SIREN invalides (Luhn) : {invalid[:20]}.")
    order = {"region": 0, "departement": 1, "epci": 2, "ept": 3, "commune": 4}
    return Dataset(
        cog_year=COG_YEAR,
        population_year=POPULATION_YEAR,
        source=f"npm {PACKAGE}@{PACKAGE_VERSION}",
        checksum=TARBALL_SHA256,
        collectivites=sorted(records.values(), key=lambda r: (order[r.kind], r.siren)),
        members=sorted(members),
        areas=areas,
        former_codes=former_codes,
    )


SOURCES_TEMPLATE = Path(__file__).with_name("SOURCES.template.md")


def write_sources(directory: Path, manifest: dict[str, Any]) -> None:
    counts = manifest["counts"]
    n_collectivites = sum(counts[k] for k in ("commune", "epci", "ept", "departement", "region"))
    text = SOURCES_TEMPLATE.read_text(encoding="utf-8").format(
        cog_year=manifest["cog_year"],
        population_year=manifest["population_year"],
        package=manifest["source"]["package"],
        version=manifest["source"]["version"],
        tarball_sha256=manifest["source"]["tarball_sha256"],
        total=n_collectivites,
        n_collectivites=n_collectivites,
        communes=counts["commune"],
        epci=counts["epci"],
        ept=counts["ept"],
        departement=counts["departement"],
        region=counts["region"],
        members=counts["members"],
        areas=counts["areas_departement"] + counts["areas_region"],
        areas_departement=counts["areas_departement"],
        areas_region=counts["areas_region"],
        former=manifest["former_codes_count"],
    )
    (directory / "SOURCES.md").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="an already downloaded package tarball")
    parser.add_argument("--output", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    curated = read_curated()
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        data = read_package(tarball)
    try:
        dataset = build(data, curated)
        manifest = write_dataset(
            dataset,
            args.output,
            {
                "source": {"package": PACKAGE, "version": PACKAGE_VERSION, "tarball_sha256": TARBALL_SHA256},
                "licence": "Licence Ouverte 2.0 (Etalab)",
                "population_year_by_departement": POPULATION_YEAR_BY_DEPARTEMENT,
                "former_codes_count": len(dataset.former_codes),
            },
        )
    except DatasetError as exc:
        raise RegenerationError(str(exc)) from exc
    write_sources(args.output, manifest)
    size = sum(p.stat().st_size for p in args.output.iterdir() if p.is_file())
    print(json.dumps({"counts": manifest["counts"], "bytes": size}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
