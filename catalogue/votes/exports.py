"""CSV exports of every vote table a curator sees (UTF-8 with BOM, semicolons, cents for money)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response

from catalogue.votes.csv import csv_response
from catalogue.votes.service import DeploymentService, InterestService, ResultsService, SelectionService
from store.kit.auth import Scope, actor_of, requires

CURATOR = [requires(Scope.AdminConsultationsWrite)]


class VotesExportController(Controller):
    path = "/api/v1/consultations"
    tags = ["Votes et sélection"]

    # Exports -----------------------------------------------------------------------------------

    @get("/{consultation_id:int}/exports/supports.csv", guards=CURATOR, operation_id="ExportSupports")
    async def export_supports(
        self,
        consultation_id: FromPath[int],
        results: NamedDependency[ResultsService],
    ) -> Response[bytes]:
        """Tous les soutiens (retirés compris), en CSV."""
        rows = await results.repo.supports(consultation_id, live_only=False)
        return csv_response(
            f"soutiens-{consultation_id}.csv",
            [
                "id",
                "proposition",
                "siren",
                "collectivite",
                "departement",
                "type",
                "provisoire",
                "le",
                "retire_le",
            ],
            [
                [
                    r["id"],
                    r["proposal_id"],
                    r["voter"],
                    r["voter_name"],
                    r["departement_code"],
                    r["voter_kind"],
                    "oui" if r["temporary"] else "non",
                    r["created_at"].isoformat(),
                    r["withdrawn_at"].isoformat() if r["withdrawn_at"] else "",
                ]
                for r in rows
            ],
        )

    @get("/{consultation_id:int}/exports/results.csv", guards=CURATOR, operation_id="ExportResults")
    async def export_results(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        results: NamedDependency[ResultsService],
    ) -> Response[bytes]:
        """Le décompte par proposition et par département, en CSV."""
        view = await results.results(actor_of(request), consultation_id)
        lines: list[list[object]] = []
        for p in view.proposals:
            lines.append([p.proposal_id, p.title, "total", "", p.supports, p.population])
            lines.extend(
                [p.proposal_id, p.title, "departement", b.key, b.supports, b.population]
                for b in p.by_departement
            )
            lines.extend([p.proposal_id, p.title, "type", b.key, b.supports, b.population] for b in p.by_kind)
        return csv_response(
            f"resultats-{consultation_id}.csv",
            ["proposition", "titre", "niveau", "cle", "soutiens", "population_couverte"],
            lines,
        )

    @get("/{consultation_id:int}/exports/decisions.csv", guards=CURATOR, operation_id="ExportDecisions")
    async def export_decisions(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        selection: NamedDependency[SelectionService],
    ) -> Response[bytes]:
        """Les décisions du comité, en CSV (montants en centimes)."""
        rows = await selection.decisions(actor_of(request), consultation_id)
        return csv_response(
            f"decisions-{consultation_id}.csv",
            [
                "proposition",
                "decision",
                "motif",
                "seance",
                "financement_centimes",
                "enveloppe",
                "fiche",
                "capacite_pilotes",
                "soutiens",
                "population",
                "millesime",
                "le",
            ],
            [
                [
                    d.proposal_id,
                    d.decision,
                    d.rationale,
                    d.committee_session,
                    d.funding_amount_cents,
                    d.envelope_code,
                    d.listing_slug,
                    d.pilot_capacity,
                    d.supports_at_decision,
                    d.population_at_decision,
                    d.population_year or "",
                    d.decided_at.isoformat(),
                ]
                for d in rows
            ],
        )

    @get("/{consultation_id:int}/exports/interests.csv", guards=CURATOR, operation_id="ExportInterests")
    async def export_interests(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        interests: NamedDependency[InterestService],
    ) -> Response[bytes]:
        """Les positionnements, en CSV (montants en centimes)."""
        rows = await interests.all(actor_of(request), consultation_id)
        return csv_response(
            f"positionnements-{consultation_id}.csv",
            [
                "id",
                "proposition",
                "siren",
                "collectivite",
                "departement",
                "role",
                "cofinancement_centimes",
                "etat",
                "motif",
                "le",
            ],
            [
                [
                    i.id,
                    i.proposal_id,
                    i.collectivite_siren,
                    i.collectivite_name,
                    i.departement_code or "",
                    i.role,
                    i.cofunding_amount_cents,
                    i.state,
                    i.review_reason,
                    i.created_at.isoformat(),
                ]
                for i in rows
            ],
        )

    @get("/{consultation_id:int}/exports/milestones.csv", guards=CURATOR, operation_id="ExportMilestones")
    async def export_milestones(
        self,
        consultation_id: FromPath[int],
        deployment: NamedDependency[DeploymentService],
    ) -> Response[bytes]:
        """Les jalons de déploiement, en CSV."""
        decisions = await deployment.repo.decisions(consultation_id)
        rows = await deployment.repo.milestones(d["proposal_id"] for d in decisions)
        return csv_response(
            f"jalons-{consultation_id}.csv",
            ["id", "proposition", "titre", "poids", "avancement", "echeance"],
            [
                [
                    m["id"],
                    m["proposal_id"],
                    m["title"],
                    m["weight"],
                    m["progress"],
                    m["due_on"].isoformat() if m["due_on"] else "",
                ]
                for m in rows
            ],
        )
