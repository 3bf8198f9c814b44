"""Curators' CSV exports of the tables their pages show (review queues, publishers, audit log…)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery, QueryParameter
from litestar.response import Response

from admin.curation.audit import AuditQuery
from admin.curation.exports import CurationExports
from admin.tables import Table
from catalogue.listings.states import State
from catalogue.votes.csv import csv_response
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import FieldError, InvalidInput


def _csv(found: Table) -> Response[bytes]:
    return csv_response(f"{found.name}.csv", [c.key for c in found.columns], found.rows)


class CurationExportController(Controller):
    path = "/api/v1/admin/exports"
    tags = ["Curation"]

    @get(
        "/file-de-revue.csv",
        guards=[requires(Scope.AdminCurationWrite)],
        operation_id="ExportReviewQueue",
    )
    async def review_queue(
        self, request: Request[Any, Any, Any], curation_exports: NamedDependency[CurationExports]
    ) -> Response[bytes]:
        """La file de revue des services, en CSV."""
        return _csv(await curation_exports.review_queue(actor_of(request)))

    @get("/services.csv", guards=[requires(Scope.AdminCurationWrite)], operation_id="ExportListingsInState")
    async def listings(
        self,
        request: Request[Any, Any, Any],
        curation_exports: NamedDependency[CurationExports],
        listing_state: Annotated[str, QueryParameter(name="etat", max_length=40)] = "published",
    ) -> Response[bytes]:
        """Les services dans un état (``etat``, « published » par défaut), en CSV."""
        if listing_state not in State.__members__:
            raise InvalidInput(
                f"État de service inconnu : « {listing_state} ».",
                code="unknown_state",
                errors=[FieldError("etat", "inconnu")],
            )
        return _csv(await curation_exports.listings_in_state(actor_of(request), listing_state))

    @get("/editeurs.csv", guards=[requires(Scope.AdminCurationWrite)], operation_id="ExportPublishers")
    async def publishers(
        self, request: Request[Any, Any, Any], curation_exports: NamedDependency[CurationExports]
    ) -> Response[bytes]:
        """Les éditeurs et leur vérification, en CSV."""
        return _csv(await curation_exports.publisher_list(actor_of(request)))

    @get(
        "/versions-en-attente.csv",
        guards=[requires(Scope.AdminPluginsWrite)],
        operation_id="ExportPendingReleases",
    )
    async def plugin_queue(
        self, request: Request[Any, Any, Any], curation_exports: NamedDependency[CurationExports]
    ) -> Response[bytes]:
        """Les versions de services en attente d'examen, en CSV."""
        return _csv(await curation_exports.plugin_queue(actor_of(request)))

    @get(
        "/consultations.csv",
        guards=[requires(Scope.AdminConsultationsWrite)],
        operation_id="ExportConsultations",
    )
    async def consultations(
        self, request: Request[Any, Any, Any], curation_exports: NamedDependency[CurationExports]
    ) -> Response[bytes]:
        """Les consultations (brouillons compris) et leur phase en cours, en CSV."""
        return _csv(await curation_exports.consultation_list(actor_of(request)))

    @get("/journal.csv", guards=[requires(Scope.AdminAuditRead)], operation_id="ExportAuditLog")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        curation_exports: NamedDependency[CurationExports],
        subject_type: FromQuery[str | None] = None,
        subject_id: FromQuery[str | None] = None,
        action: FromQuery[str | None] = None,
    ) -> Response[bytes]:
        """Le journal d'audit (mêmes filtres que sa lecture), du plus récent au plus ancien, en CSV."""
        query = AuditQuery(subject_type=subject_type, subject_id=subject_id, action_prefix=action)
        return _csv(await curation_exports.audit(actor_of(request), query))
