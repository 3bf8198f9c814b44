"""The curators' dashboard of one consultation: every figure as a table (and so as a CSV).

Contributions by thématique and state; supports and the population they cover by département and
by kind of collectivité; selections with their funding; positioning per selected service (pilots,
early adopters, co-funders and the amounts they offer); deployment progress per funded project
(weighted milestones rolled up into a percentage). Read-only: it only calls the consultation
services, as a curator.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import msgspec

from admin.consultations.positioning import positioning_by_departement, positioning_by_service
from admin.tables import Column, Table, table
from catalogue.needs.reference import CONTRIBUTION_STATE_LABELS, THEMATIQUES
from catalogue.needs.schemas import ConsultationView, ContributionView
from catalogue.needs.service import ConsultationService, ContributionService, RegroupementService
from catalogue.votes.schemas import ConsultationResults, DecisionView, InterestView
from catalogue.votes.service import (
    DeploymentService,
    InterestService,
    ResultsService,
    SelectionService,
)
from catalogue.votes.service.deployment import rolled_up
from store.kit.auth import Actor, require_curator
from store.kit.errors import NotFound
from store.registry.service import RegistryService
from store.registry.siren import fold

KIND_LABELS = {
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "ept": "Établissement public territorial",
    "departement": "Département",
    "region": "Région",
}
SHOWN_STATES = ("published", "reoriented", "rejected", "merged")
"""Curators never see drafts (they are the collectivité's until deposited)."""
TABLE_NAMES = (
    "phases",
    "contributions-par-thematique",
    "soutiens-par-proposition",
    "soutiens-par-departement",
    "soutiens-par-type",
    "selection",
    "positionnements-par-service",
    "positionnements-par-departement",
    "deploiement",
)


class Dashboard(msgspec.Struct, frozen=True, kw_only=True):
    consultation: ConsultationView
    contributions: list[ContributionView]
    titles: dict[int, str]
    """Proposal titles by id."""
    results: ConsultationResults
    decisions: list[DecisionView]
    interests: list[InterestView]
    progress: dict[int, int]
    """Rolled-up deployment percentage per selected proposal."""
    tables: dict[str, Table]

    @property
    def supports_by_departement(self) -> dict[str, int]:
        return {b.key: b.supports for b in self.results.by_departement if b.key != "—"}

    @property
    def positionings_by_departement(self) -> dict[str, int]:
        found = self.tables["positionnements-par-departement"]
        pairs = zip(found.column("departement"), found.column("positionnements"), strict=True)
        return {str(code): int(n) for code, n in pairs if code != "—"}


class ConsultationDashboard:
    """Builds the dashboard of a consultation from the consultation services."""

    SERVICES = (
        "consultations",
        "contributions",
        "regroupement",
        "results",
        "selection",
        "interests",
        "deployment",
        "registry",
    )
    """The app services it reads, by their name in the app state."""

    def __init__(
        self,
        *,
        consultations: ConsultationService,
        contributions: ContributionService,
        regroupement: RegroupementService,
        results: ResultsService,
        selection: SelectionService,
        interests: InterestService,
        deployment: DeploymentService,
        registry: RegistryService,
    ) -> None:
        self.consultations = consultations
        self.contributions = contributions
        self.regroupement = regroupement
        self.results = results
        self.selection = selection
        self.interests = interests
        self.deployment = deployment
        self.registry = registry

    async def build(self, actor: Actor, consultation_id: int) -> Dashboard:
        require_curator(actor)
        consultation = await self.consultations.get(consultation_id, actor)
        contributions = await self.contributions.all(actor, consultation_id)
        titles = {p.id: p.title for p in await self.regroupement.proposals(consultation_id, actor)}
        results = await self.results.results(actor, consultation_id)
        decisions = await self.selection.decisions(actor, consultation_id)
        interests = await self.interests.all(actor, consultation_id)
        selected = [d for d in decisions if d.decision == "selected"]
        milestones = await self.deployment.repo.milestones([d.proposal_id for d in selected])
        by_proposal: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for m in milestones:
            by_proposal[m["proposal_id"]].append(m)
        progress = {d.proposal_id: rolled_up(by_proposal[d.proposal_id]) for d in selected}
        names = {
            code: name
            for (kind, code), name in (await self.registry.repo.area_names()).items()
            if kind == "departement"
        }
        themes: dict[str, Counter[str]] = defaultdict(Counter)
        for c in contributions:
            themes[c.thematique or "—"][c.state] += 1
        tables = [
            table(
                "phases",
                "Phases de la consultation (dates UTC)",
                [
                    Column("phase", "Phase"),
                    Column("debut", "Début"),
                    Column("fin", "Fin"),
                    Column("etat", "État"),
                ],
                [
                    [
                        p.label,
                        p.starts_at.isoformat(),
                        p.ends_at.isoformat(),
                        ("en cours" if p.open else "close") if p.active else "",
                    ]
                    for p in consultation.phases
                ],
            ),
            table(
                "contributions-par-thematique",
                "Contributions par thématique et par état",
                [
                    Column("thematique", "Thématique"),
                    *(Column(s, CONTRIBUTION_STATE_LABELS[s], "int") for s in SHOWN_STATES),
                    Column("total", "Total", "int"),
                ],
                [
                    [theme, *(counts[s] for s in SHOWN_STATES), sum(counts.values())]
                    for theme, counts in sorted(themes.items(), key=_theme_order)
                ],
            ),
            table(
                "soutiens-par-proposition",
                "Soutiens et population couverte par proposition",
                [
                    Column("proposition", "N°", "int"),
                    Column("titre", "Proposition"),
                    Column("soutiens", "Soutiens", "int"),
                    Column("population_couverte", "Population couverte", "int"),
                    Column("seuil_atteint", "Seuil atteint"),
                ],
                [
                    [
                        p.proposal_id,
                        p.title,
                        p.supports,
                        p.population,
                        "oui" if p.threshold_reached else "non",
                    ]
                    for p in results.proposals
                ],
            ),
            table(
                "soutiens-par-departement",
                "Soutiens et population couverte par département",
                [
                    Column("departement", "Code"),
                    Column("nom", "Département"),
                    Column("soutiens", "Soutiens", "int"),
                    Column("collectivites", "Collectivités", "int"),
                    Column("population_couverte", "Population couverte", "int"),
                ],
                [
                    [b.key, names.get(b.key, ""), b.supports, b.voters, b.population]
                    for b in results.by_departement
                ],
            ),
            table(
                "soutiens-par-type",
                "Soutiens et population couverte par type de collectivité",
                [
                    Column("type", "Code"),
                    Column("libelle", "Type de collectivité"),
                    Column("soutiens", "Soutiens", "int"),
                    Column("collectivites", "Collectivités", "int"),
                    Column("population_couverte", "Population couverte", "int"),
                ],
                [
                    [b.key, KIND_LABELS.get(b.key, b.key), b.supports, b.voters, b.population]
                    for b in results.by_kind
                ],
            ),
            table(
                "selection",
                "Décisions du comité et financements",
                [
                    Column("proposition", "N°", "int"),
                    Column("titre", "Proposition"),
                    Column("decision", "Décision"),
                    Column("financement_centimes", "Financement", "cents"),
                    Column("enveloppe", "Enveloppe"),
                    Column("soutiens", "Soutiens à la décision", "int"),
                    Column("population", "Population à la décision", "int"),
                ],
                [
                    [
                        d.proposal_id,
                        titles.get(d.proposal_id, ""),
                        d.decision_label,
                        d.funding_amount_cents,
                        d.envelope_code,
                        d.supports_at_decision,
                        d.population_at_decision,
                    ]
                    for d in decisions
                ],
            ),
            positioning_by_service(selected, interests, titles),
            positioning_by_departement(interests, names),
            table(
                "deploiement",
                "Déploiement des projets financés (jalons pondérés)",
                [
                    Column("proposition", "N°", "int"),
                    Column("titre", "Projet"),
                    Column("financement_centimes", "Financement", "cents"),
                    Column("jalons", "Jalons", "int"),
                    Column("jalons_termines", "Jalons terminés", "int"),
                    Column("avancement_pourcent", "Avancement", "percent"),
                ],
                [
                    [
                        d.proposal_id,
                        titles.get(d.proposal_id, ""),
                        d.funding_amount_cents,
                        len(by_proposal[d.proposal_id]),
                        sum(1 for m in by_proposal[d.proposal_id] if m["progress"] >= 100),
                        progress[d.proposal_id],
                    ]
                    for d in selected
                ],
            ),
        ]
        return Dashboard(
            consultation=consultation,
            contributions=contributions,
            titles=titles,
            results=results,
            decisions=decisions,
            interests=interests,
            progress=progress,
            tables={t.name: t for t in tables},
        )

    async def table(self, actor: Actor, consultation_id: int, name: str) -> Table:
        if name not in TABLE_NAMES:
            raise NotFound(f"Tableau « {name} » inconnu.", code="dashboard_table_not_found")
        return (await self.build(actor, consultation_id)).tables[name]


def _theme_order(item: tuple[str, object]) -> tuple[int, str]:
    """The reference order of the thématiques, then any other one (older data) by folded name."""
    theme = item[0]
    return (THEMATIQUES.index(theme), "") if theme in THEMATIQUES else (len(THEMATIQUES), fold(theme))
