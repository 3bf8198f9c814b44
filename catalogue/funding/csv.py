"""CSV exports of the curator tables, shaped as the other modules' (UTF-8 with a BOM, semicolons;
amounts in integer cents, so that a spreadsheet never rounds them)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from litestar.response import Response

from catalogue.funding.schemas import (
    ApplicationView,
    DepartementRow,
    EnvelopeRow,
    ListingGrantView,
    ReservationView,
)

FIGURES = [
    "alloue_centimes",
    "reserve_centimes",
    "engage_centimes",
    "consomme_centimes",
    "disponible_centimes",
]


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


def csv_response(filename: str, content: bytes) -> Response[bytes]:
    return Response(
        content=content,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def envelopes_csv(rows: Iterable[EnvelopeRow]) -> bytes:
    header = [
        "code",
        "libelle",
        "niveau",
        "parent",
        "departement",
        "profondeur",
        *FIGURES,
        "delegue_centimes",
    ]
    return csv_bytes(
        header,
        (
            [
                r.code,
                r.label,
                r.kind,
                r.parent_code,
                r.departement,
                r.depth,
                r.figures.allocated,
                r.figures.reserved,
                r.figures.committed,
                r.figures.consumed,
                r.figures.available,
                r.delegated,
            ]
            for r in rows
        ),
    )


def departements_csv(rows: Iterable[DepartementRow]) -> bytes:
    header = ["departement", "nom", "enveloppes", *FIGURES, "candidatures", "attribue_aux_porteurs_centimes"]
    return csv_bytes(
        header,
        (
            [
                r.departement,
                r.name,
                r.envelopes,
                r.figures.allocated,
                r.figures.reserved,
                r.figures.committed,
                r.figures.consumed,
                r.figures.available,
                r.applications,
                r.awarded_to_applicants,
            ]
            for r in rows
        ),
    )


def applications_csv(rows: Iterable[ApplicationView]) -> bytes:
    header = [
        "id",
        "appel",
        "porteur_siren",
        "porteur",
        "co_demandeurs",
        "titre",
        "contact",
        "courriel",
        "budget_centimes",
        "demande_centimes",
        "etat",
        "eligible",
        "attribue_centimes",
        "consomme_centimes",
        "motif_refus",
    ]
    return csv_bytes(
        header,
        (
            [
                a.id,
                a.call_title,
                a.lead_siren,
                a.lead_name,
                " ".join(a.co_applicants),
                a.title,
                a.contact_name,
                a.contact_email,
                a.budget_cents,
                a.requested_cents,
                a.state_label,
                "" if a.eligibility is None else ("oui" if a.eligibility.ok else "non"),
                a.awarded_cents,
                a.consumed_cents,
                a.decline_reason,
            ]
            for a in rows
        ),
    )


def reservations_csv(rows: Iterable[ReservationView]) -> bytes:
    header = ["id", "projet", "reference", "enveloppe", "reserve_centimes", "etat", "engage_centimes", "date"]
    return csv_bytes(
        header,
        (
            [
                r.id,
                r.label,
                r.reference,
                r.envelope_code,
                r.amount_cents,
                r.state,
                r.committed_cents,
                r.created_at.date().isoformat(),
            ]
            for r in rows
        ),
    )


def listing_grants_csv(rows: Iterable[ListingGrantView]) -> bytes:
    header = [
        "financement",
        "service",
        "libelle",
        "enveloppe",
        "taux_bp",
        "engage_centimes",
        "consomme_centimes",
        "du",
        "au",
    ]
    return csv_bytes(
        header,
        (
            [
                g.grant_id,
                g.listing_id,
                g.label,
                g.envelope_code,
                g.cap_bp,
                g.amount_cents,
                g.consumed_cents,
                g.from_period,
                g.until_period,
            ]
            for g in rows
        ),
    )
