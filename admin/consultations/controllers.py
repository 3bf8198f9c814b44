"""CSV of every table of the curators' consultation dashboard (the same rows as the page)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from admin.consultations.dashboard import ConsultationDashboard
from catalogue.votes.csv import csv_response
from store.kit.auth import Scope, actor_of, requires

CURATOR = [requires(Scope.AdminConsultationsWrite)]


class DashboardExportController(Controller):
    path = "/api/v1/consultations"
    tags = ["Votes et sélection"]

    @get(
        "/{consultation_id:int}/exports/tableau-de-bord/{table:str}",
        guards=CURATOR,
        operation_id="ExportDashboardTable",
    )
    async def export_table(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        table: FromPath[str],
        consultation_dashboard: NamedDependency[ConsultationDashboard],
    ) -> Response[bytes]:
        """Un tableau du tableau de bord de la consultation (``<nom>.csv``), en CSV (montants en centimes)."""
        name = table.removesuffix(".csv")
        found = await consultation_dashboard.table(actor_of(request), consultation_id, name)
        return csv_response(f"{name}-{consultation_id}.csv", [c.key for c in found.columns], found.rows)
