"""Dashboards: per département (the guichets and what their collectivités were awarded)."""

from __future__ import annotations

from catalogue.funding.schemas import DepartementRow, Figures
from catalogue.funding.service.base import curator
from catalogue.funding.service.envelopes import ZERO, EnvelopeOps, _add
from store.kit.auth import Actor


class DashboardOps(EnvelopeOps):
    async def per_departement(self, actor: Actor | None) -> list[DepartementRow]:
        """One row per département that has an envelope or an applicant. Envelope figures count the
        highest node of the département (its guichet) with its subtree, so nothing counts twice."""

        curator(actor)
        rows = await self.tree()
        by_code = {r.code: r for r in rows}
        figures: dict[str, Figures] = {}
        envelopes: dict[str, int] = {}
        for row in rows:
            if row.departement is None:
                continue
            envelopes[row.departement] = envelopes.get(row.departement, 0) + 1
            parent = by_code.get(row.parent_code or "")
            if parent is not None and parent.departement == row.departement:
                continue
            figures[row.departement] = _add(figures.get(row.departement, ZERO), row.figures)
        applications: dict[str, int] = {}
        awarded: dict[str, int] = {}
        for application in await self.repo.applications():
            dep = application["lead_departement"]
            if dep is None:
                continue
            applications[dep] = applications.get(dep, 0) + 1
            if application["state"] == "awarded":
                awarded[dep] = awarded.get(dep, 0) + application["awarded_cents"]
        areas = await self.registry.repo.area_names()
        codes = sorted(set(figures) | set(applications) | set(envelopes))
        return [
            DepartementRow(
                departement=code,
                name=areas.get(("departement", code), code),
                envelopes=envelopes.get(code, 0),
                figures=figures.get(code, ZERO),
                applications=applications.get(code, 0),
                awarded_to_applicants=awarded.get(code, 0),
            )
            for code in codes
        ]
