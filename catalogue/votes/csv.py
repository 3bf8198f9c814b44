"""CSV exports, shaped as catalogue.needs.csv (a sibling cannot import it): UTF-8 with a BOM, semicolons."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from litestar.response import Response


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # Formula injection: a cell must never start like a spreadsheet formula.
    return "'" + text if text[:1] in {"=", "+", "-", "@"} else text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response[bytes]:
    return Response(
        content=csv_bytes(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
