"""Matrix rows of the curators' dashboards and exports: the CSV of every table a curator sees is for
curators only (see tests/security/test_route_matrix.py for how rows are read)."""

from __future__ import annotations

from tests.security.consultation_world import in_phase
from tests.security.matrix import Rows, only
from tests.security.matrix_consultations import is_csv

ROWS: dict[str, Rows] = {
    "GET /api/v1/consultations/{consultation_id:int}/exports/tableau-de-bord/{table:str}": only(
        "curator", check=is_csv, setup=in_phase("deploiement", table="positionnements-par-service.csv")
    ),
    "GET /api/v1/admin/exports/file-de-revue.csv": only("curator", check=is_csv),
    "GET /api/v1/admin/exports/services.csv": only("curator", check=is_csv, query={"etat": "draft"}),
    "GET /api/v1/admin/exports/editeurs.csv": only("curator", check=is_csv),
    "GET /api/v1/admin/exports/versions-en-attente.csv": only("curator", check=is_csv),
    "GET /api/v1/admin/exports/consultations.csv": only("curator", check=is_csv),
    "GET /api/v1/admin/exports/journal.csv": only("curator", check=is_csv, query={"subject_type": "listing"}),
}
