"""The listing vocabulary: every closed list a listing uses, with its French label.

Identifiers are stable (they are stored, sent in events and accepted by the API); labels are what
users read. The thématiques themselves live in the ``thematique`` table (seeded by a migration from
``THEMATIQUES``), so that other domains (needs, votes) can reference them by foreign key.
"""

from __future__ import annotations

from typing import Final, Literal

THEMATIQUES: Final[tuple[tuple[str, str], ...]] = (
    ("citoyennete-democratie-participative", "Citoyenneté / démocratie participative"),
    ("culture-sport-tourisme", "Culture / sport / tourisme"),
    ("demarches-administratives-aides", "Démarches administratives / aides financières"),
    ("donnees-publiques-dematerialisation", "Données publiques / dématérialisation"),
    ("economie-locale-circuits-courts", "Économie locale / circuits courts"),
    ("education-formation-emploi", "Éducation / formation / emploi"),
    ("energies-dechets", "Énergies / déchets"),
    ("environnement-nature-agriculture", "Environnement / nature / agriculture"),
    ("patrimoine-equipements-publics", "Patrimoine / équipements publics"),
    ("inclusion-numerique", "Inclusion numérique"),
    ("mobilite-transports", "Mobilité / transports"),
    ("solidarite-accessibilite", "Solidarité / accessibilité"),
    ("tiers-lieux-revitalisation", "Tiers-lieux / revitalisation"),
    ("urbanisme-logement-amenagement", "Urbanisme / logement / aménagement"),
)
"""The common thématiques of the ANCT 2021 national consultation (mode d'emploi), in its order."""

CollectiviteKind = Literal["commune", "epci", "ept", "departement", "region"]
KINDS: Final[dict[str, str]] = {
    "commune": "Communes",
    "epci": "Intercommunalités (EPCI)",
    "ept": "Établissements publics territoriaux",
    "departement": "Départements",
    "region": "Régions",
}

Maturity = Literal["alpha", "beta", "stable", "deprecated"]
MATURITIES: Final[dict[str, str]] = {
    "alpha": "Expérimentation",
    "beta": "Bêta",
    "stable": "Stable",
    "deprecated": "Obsolète",
}
"""The La Suite territoriale (st-deploycenter) list: it describes the product, not the team's phase."""

DeploymentMode = Literal["saas_mutualise", "operator_hosted", "on_premise"]
DEPLOYMENT_MODES: Final[dict[str, str]] = {
    "saas_mutualise": "En ligne, mutualisé (SaaS)",
    "operator_hosted": "Hébergé par un opérateur public de services numériques",
    "on_premise": "Installé sur les serveurs de la collectivité",
}

ProcurementRoute = Literal[
    "gratuit",
    "cooperation_public_public",
    "in_house",
    "centrale_achat",
    "groupement_commandes",
    "dispense",
    "mapa",
    "procedure_formalisee",
]
PROCUREMENT_ROUTES: Final[dict[str, str]] = {
    "gratuit": "Gratuit : convention ou acceptation des conditions d'utilisation",
    "cooperation_public_public": "Coopération public-public (CCP L2511-6)",
    "in_house": "Quasi-régie (« in house ») avec un opérateur dont la collectivité est membre",
    "centrale_achat": "Centrale d'achat (CCP L2113-2 et suivants)",
    "groupement_commandes": "Groupement de commandes (CCP L2113-6 et suivants)",
    "dispense": "Marché sans publicité ni mise en concurrence (sous le seuil de dispense)",
    "mapa": "Marché à procédure adaptée (MAPA)",
    "procedure_formalisee": "Procédure formalisée (appel d'offres)",
}

Accessibility = Literal["totalement_conforme", "partiellement_conforme", "non_conforme", "non_evalue"]
ACCESSIBILITY: Final[dict[str, str]] = {
    "totalement_conforme": "Totalement conforme au RGAA",
    "partiellement_conforme": "Partiellement conforme au RGAA",
    "non_conforme": "Non conforme au RGAA",
    "non_evalue": "Accessibilité non évaluée",
}

PlanKind = Literal["free", "flat", "per_inhabitant", "tiered"]
PLAN_KINDS: Final[dict[str, str]] = {
    "free": "Gratuit",
    "flat": "Forfait annuel",
    "per_inhabitant": "Prix par habitant",
    "tiered": "Tarif par tranche de population",
}

LICENCES: Final[dict[str, str]] = {
    # Licences of décret 2017-638 (administrations' own code), then other common SPDX ids.
    "AGPL-3.0-only": "GNU AGPL v3",
    "AGPL-3.0-or-later": "GNU AGPL v3 ou ultérieure",
    "Apache-2.0": "Apache 2.0",
    "BSD-2-Clause": "BSD 2 clauses",
    "BSD-3-Clause": "BSD 3 clauses",
    "CECILL-2.1": "CeCILL 2.1",
    "CECILL-B": "CeCILL-B",
    "CECILL-C": "CeCILL-C",
    "EUPL-1.2": "EUPL 1.2",
    "GPL-3.0-only": "GNU GPL v3",
    "GPL-3.0-or-later": "GNU GPL v3 ou ultérieure",
    "LGPL-3.0-only": "GNU LGPL v3",
    "LGPL-3.0-or-later": "GNU LGPL v3 ou ultérieure",
    "MIT": "MIT",
    "MPL-2.0": "Mozilla Public License 2.0",
    "EUPL-1.1": "EUPL 1.1",
    "GPL-2.0-only": "GNU GPL v2",
    "GPL-2.0-or-later": "GNU GPL v2 ou ultérieure",
    "LGPL-2.1-only": "GNU LGPL v2.1",
    "LGPL-2.1-or-later": "GNU LGPL v2.1 ou ultérieure",
    "ISC": "ISC",
    "Unlicense": "Unlicense",
    "CC0-1.0": "CC0 1.0",
    "LicenseRef-Proprietary": "Licence propriétaire (code non publié)",
}
"""SPDX identifiers accepted for ``licence``; ``LicenseRef-Proprietary`` marks closed source."""

OPEN_SOURCE_LICENCES: Final[frozenset[str]] = frozenset(LICENCES) - {"LicenseRef-Proprietary"}
