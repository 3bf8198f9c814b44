"""CSV of the curators' other tables: the listings review queue, listings by state, publishers,
the plugin releases waiting for review, the consultations and the audit log.

Each is an ``admin.tables.Table`` (the same shape as the consultation dashboard's), so the CSV
format is the store's one: semicolons, UTF-8 with a BOM, cells that could start a formula quoted.
"""

from __future__ import annotations

import json

from admin.curation.audit import MAX_PER_PAGE, AuditLog, AuditQuery
from admin.tables import Column, Table, table
from catalogue.listings.schemas import ListingSummary
from catalogue.listings.service import ListingService
from catalogue.listings.states import STATE_LABELS as LISTING_STATE_LABELS
from catalogue.needs.service import ConsultationService
from plugins.registry.curation import CurationService
from store.kit.auth import Actor, require_curator
from store.registry.publishers import PublisherService

AUDIT_EXPORT_LIMIT = 50_000
"""Rows of the audit CSV at most (newest first); narrow the filters for older history."""
LISTING_PAGE = 200

LISTING_COLUMNS = [
    Column("slug", "Identifiant"),
    Column("nom", "Service"),
    Column("etat", "État"),
    Column("editeur_siren", "SIREN de l'éditeur"),
    Column("editeur", "Éditeur"),
    Column("editeur_verifie", "Éditeur vérifié"),
    Column("thematiques", "Thématiques"),
    Column("dernier_message", "Dernier message"),
    Column("mis_a_jour_le", "Mis à jour le"),
]


class CurationExports:
    def __init__(
        self,
        *,
        listings: ListingService,
        publishers: PublisherService,
        plugin_curation: CurationService,
        consultations: ConsultationService,
        audit_log: AuditLog,
    ) -> None:
        self.listings = listings
        self.publishers = publishers
        self.plugin_curation = plugin_curation
        self.consultations = consultations
        self.audit_log = audit_log

    SERVICES = ("listings", "publishers", "plugin_curation", "consultations", "audit_log")
    """The app services it reads, by their name in the app state."""

    async def review_queue(self, actor: Actor) -> Table:
        items = await self.listings.review_queue(actor)
        return table("file-de-revue", "Services soumis, du plus ancien au plus récent", LISTING_COLUMNS,
                     [_listing_row(i) for i in items])  # fmt: skip

    async def listings_in_state(self, actor: Actor, state: str) -> Table:
        rows: list[list[str | int]] = []
        page = 1
        while True:
            found = await self.listings.curate_list(actor, state=state, page=page, per_page=LISTING_PAGE)
            rows.extend(_listing_row(i) for i in found.items)
            if page >= found.total_pages:
                break
            page += 1
        label = LISTING_STATE_LABELS.get(state, state)
        return table(f"services-{state}", f"Services : {label.lower()}", LISTING_COLUMNS, rows)

    async def publisher_list(self, actor: Actor) -> Table:
        require_curator(actor)
        return table(
            "editeurs",
            "Éditeurs",
            [Column("siren", "SIREN"), Column("nom", "Éditeur"), Column("site", "Site"),
             Column("contact", "Contact"), Column("verifie", "Vérifié"),
             Column("verifie_le", "Vérifié le"), Column("cree_le", "Créé le")],
            [
                [p.siren, p.name, p.website, p.contact_email, "oui" if p.verified else "non",
                 p.verified_at.isoformat() if p.verified_at else "", p.created_at.isoformat()]
                for p in await self.publishers.list_all()
            ],
        )  # fmt: skip

    async def plugin_queue(self, actor: Actor) -> Table:
        releases = await self.plugin_curation.queue(actor, "pending")
        return table(
            "versions-en-attente",
            "Versions de services à examiner",
            [Column("id", "Identifiant"), Column("service", "Service"), Column("version", "Version"),
             Column("deposee_le", "Déposée le"), Column("par", "Par"),
             Column("permissions", "Permissions"), Column("taille_octets", "Taille", "int"),
             Column("sha256", "SHA-256")],
            [
                [r.id, r.plugin_id, r.version, r.uploaded_at.isoformat(), r.uploaded_by,
                 ", ".join(r.permissions), r.size, r.sha256]
                for r in releases
            ],
        )  # fmt: skip

    async def consultation_list(self, actor: Actor) -> Table:
        require_curator(actor)
        rows: list[list[str | int]] = []
        for c in await self.consultations.list(actor):
            active = next((p for p in c.phases if p.active), None)
            rows.append([
                c.id, c.slug, c.title, c.published_at.isoformat() if c.published_at else "",
                active.label if active else "", active.ends_at.isoformat() if active else "",
                c.phases[0].starts_at.isoformat() if c.phases else "",
                c.phases[-1].ends_at.isoformat() if c.phases else "", c.envelope_code,
            ])  # fmt: skip
        return table(
            "consultations",
            "Consultations (brouillons compris)",
            [Column("id", "N°", "int"), Column("slug", "Identifiant"), Column("titre", "Consultation"),
             Column("publiee_le", "Publiée le"), Column("phase", "Phase en cours"),
             Column("fin_de_phase", "Fin de la phase"), Column("debut", "Début"), Column("fin", "Fin"),
             Column("enveloppe", "Enveloppe")],
            rows,
        )  # fmt: skip

    async def audit(self, actor: Actor, query: AuditQuery) -> Table:
        rows: list[list[str | int]] = []
        page = 1
        while len(rows) < AUDIT_EXPORT_LIMIT:
            found = await self.audit_log.search(actor, query, page=page, per_page=MAX_PER_PAGE)
            rows.extend(
                [e.id, e.at.isoformat(), e.action, e.subject_type, e.subject_id, e.actor_id or "",
                 e.actor_label, e.from_state or "", e.to_state or "", e.reason or "",
                 json.dumps(e.data, ensure_ascii=False, sort_keys=True, default=str)]
                for e in found.items
            )  # fmt: skip
            if page * MAX_PER_PAGE >= found.total:
                break
            page += 1
        return table(
            "journal",
            "Journal d'audit, du plus récent au plus ancien",
            [Column("id", "N°", "int"), Column("le", "Date"), Column("action", "Action"),
             Column("sujet_type", "Type d'objet"), Column("sujet_id", "Objet"),
             Column("acteur_id", "Compte"), Column("acteur", "Par"), Column("de", "État avant"),
             Column("vers", "État après"), Column("motif", "Motif"), Column("donnees", "Données")],
            rows[:AUDIT_EXPORT_LIMIT],
        )  # fmt: skip


def _listing_row(item: ListingSummary) -> list[str | int]:
    return [
        item.slug,
        item.name,
        LISTING_STATE_LABELS.get(item.state, item.state),
        item.publisher.siren,
        item.publisher.name,
        "oui" if item.publisher.verified else "non",
        ", ".join(t.label for t in item.thematiques),
        item.review_note or "",
        item.updated_at.isoformat(),
    ]
