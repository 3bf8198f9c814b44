"""Matrix rows of the curators' dashboards: the CSV of every dashboard table is for curators only
(see tests/security/test_route_matrix.py for how rows are read)."""

from __future__ import annotations

from tests.security.consultation_world import in_phase
from tests.security.matrix import Rows, only
from tests.security.matrix_consultations import is_csv

ROWS: dict[str, Rows] = {
    "GET /api/v1/consultations/{consultation_id:int}/exports/tableau-de-bord/{table:str}": only(
        "curator", check=is_csv, setup=in_phase("deploiement", table="positionnements-par-service.csv")
    ),
}
