"""Reference lists for contributions: thématiques (the 2021 mode d'emploi) and accepted licences."""

from __future__ import annotations

THEMATIQUES: tuple[str, ...] = (
    "Citoyenneté / démocratie participative",
    "Culture / Sport / Tourisme",
    "Démarches administratives / aides financières",
    "Données publiques / dématérialisation",
    "Économie locale / circuits courts",
    "Éducation / formation / emploi",
    "Énergies / déchets",
    "Environnement / nature / agriculture",
    "Patrimoine / équipements publics",
    "Inclusion numérique",
    "Mobilité / transports",
    "Solidarité / accessibilité",
    "Tiers-lieux / revitalisation",
    "Urbanisme / logement / aménagement",
)

OPEN_LICENCES: frozenset[str] = frozenset(
    {
        # The licences French administrations may use for their source code (code.gouv.fr),
        # as SPDX identifiers, with their "-only" / "-or-later" spellings.
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "CECILL-2.1",
        "CECILL-B",
        "CECILL-C",
        "MIT",
        "MPL-2.0",
        "EPL-2.0",
        "EUPL-1.2",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
    }
)

CONTRIBUTION_KIND_LABELS = {"besoin": "Besoin", "service_existant": "Service existant à financer"}
PROPOSAL_KIND_LABELS = {
    "nouveau_service": "Nouveau service",
    "acceleration_service_existant": "Accélération d'un service existant",
}
CONTRIBUTION_STATE_LABELS = {
    "draft": "Brouillon",
    "published": "Déposée, en attente d'analyse",
    "reoriented": "Réorientée",
    "rejected": "Non retenue",
    "merged": "Regroupée dans une proposition",
}
