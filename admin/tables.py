"""A curators' table: columns that know how to show a value, rows, and the same table as CSV.

One shape for every table of the curators' dashboards, so that each table on a page has its CSV
(semicolons, UTF-8 with a BOM, money in cents, as every other export of the store) by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import msgspec

from catalogue.votes.csv import csv_bytes

Cell = str | int
ColumnKind = Literal["text", "int", "cents", "percent"]


class Column(msgspec.Struct, frozen=True):
    key: str
    """The CSV header (snake_case French, as the other exports)."""
    label: str
    """The column title on the page."""
    kind: ColumnKind = "text"


class Table(msgspec.Struct, frozen=True):
    name: str
    """Stable slug: the CSV is ``<name>.csv``."""
    caption: str
    columns: list[Column]
    rows: list[list[Cell]]

    def csv(self) -> bytes:
        return csv_bytes([c.key for c in self.columns], self.rows)

    def column(self, key: str) -> list[Cell]:
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]

    def total(self, key: str) -> int:
        return sum(int(v) for v in self.column(key))


def table(name: str, caption: str, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> Table:
    width = len(columns)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"table {name}: a row has {len(row)} cells for {width} columns")
    return Table(name=name, caption=caption, columns=list(columns), rows=[list(r) for r in rows])
