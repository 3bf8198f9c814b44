"""The 2021 consultation, scaled down: themes and proportions from the real one.

2021: 476 contributions (81 reoriented, 4 rejected, 391 merged into 67 proposals), 531 supports,
17 proposals selected on 3 May 2021. Here about a fifth: ~100 contributions, 20 proposals,
~150 supports, 6 selected.
"""

from __future__ import annotations

# (title, thématique, kind, selected funding in euros or 0, decision)
PROPOSALS: list[tuple[str, str, str, int, str]] = [
    (
        "Améliorer la gestion de la relation usagers",
        "Démarches administratives / aides financières",
        "nouveau_service",
        1_200_000,
        "selected",
    ),
    (
        "Organiser des instances délibératives en ligne",
        "Citoyenneté / démocratie participative",
        "nouveau_service",
        800_000,
        "selected",
    ),
    (
        "Faciliter le signalement d'incidents",
        "Patrimoine / équipements publics",
        "acceleration_service_existant",
        600_000,
        "selected",
    ),
    (
        "Communiquer avec les usagers par serveur vocal interactif",
        "Démarches administratives / aides financières",
        "nouveau_service",
        500_000,
        "selected",
    ),
    (
        "Structurer et exploiter les informations géographiques",
        "Urbanisme / logement / aménagement",
        "nouveau_service",
        700_000,
        "selected",
    ),
    (
        "Rechercher et gérer des financements",
        "Économie locale / circuits courts",
        "acceleration_service_existant",
        400_000,
        "selected",
    ),
    (
        "Collaborer en transversalité et à distance",
        "Données publiques / dématérialisation",
        "nouveau_service",
        0,
        "deferred",
    ),
    (
        "Gérer électroniquement les documents",
        "Données publiques / dématérialisation",
        "nouveau_service",
        0,
        "deferred",
    ),
    (
        "Visualiser et piloter par la donnée",
        "Données publiques / dématérialisation",
        "nouveau_service",
        0,
        "not_selected",
    ),
    (
        "Faciliter l'intervention des agents",
        "Patrimoine / équipements publics",
        "nouveau_service",
        0,
        "not_selected",
    ),
    (
        "Faciliter la participation citoyenne",
        "Citoyenneté / démocratie participative",
        "acceleration_service_existant",
        0,
        "deferred",
    ),
    (
        "Ouvrir et mettre à jour des données",
        "Données publiques / dématérialisation",
        "nouveau_service",
        0,
        "not_selected",
    ),
    (
        "Mutualiser, recycler et réserver des ressources",
        "Patrimoine / équipements publics",
        "nouveau_service",
        0,
        "not_selected",
    ),
    ("Faciliter la transition écologique", "Énergies / déchets", "nouveau_service", 0, "not_selected"),
    (
        "Structurer et exploiter les données commerces",
        "Économie locale / circuits courts",
        "nouveau_service",
        0,
        "not_selected",
    ),
    ("Bénéficier d'un diagnostic numérique", "Inclusion numérique", "nouveau_service", 0, "not_selected"),
    (
        "Faciliter l'accompagnement social",
        "Solidarité / accessibilité",
        "acceleration_service_existant",
        0,
        "not_selected",
    ),
    (
        "Réserver les équipements sportifs en ligne",
        "Culture / Sport / Tourisme",
        "nouveau_service",
        0,
        "not_selected",
    ),
    ("Organiser le transport à la demande", "Mobilité / transports", "nouveau_service", 0, "not_selected"),
    (
        "Instruire les demandes d'urbanisme en ligne",
        "Urbanisme / logement / aménagement",
        "nouveau_service",
        0,
        "not_selected",
    ),
]

EXISTING_SERVICES = [
    ("https://www.rdv-solidarites.fr", "https://github.com/betagouv/rdv-solidarites.fr", "AGPL-3.0-or-later"),
    ("https://histologe.beta.gouv.fr", "https://github.com/MTES-MCT/histologe", "MIT"),
    ("https://aidantsconnect.beta.gouv.fr", "https://github.com/betagouv/Aidants_Connect", "MIT"),
]

REORIENTATIONS = [
    "Relève du guichet départemental de l'axe 3 : rapprochez-vous de votre préfecture.",
    "Un appel à projets national (axe 2) couvre ce besoin : candidature groupée conseillée.",
    "Service déjà disponible gratuitement : voir le catalogue de l'État (DINUM).",
]
REJECTION = "Le matériel informatique et les infrastructures sont hors du champ du fonds."

MILESTONES = [
    ("Investigation", 1),
    ("Conception avec les territoires référents", 2),
    ("Développement", 4),
    ("Déploiement", 3),
]

COUNTS = {"contributions": 100, "reoriented": 17, "rejected": 1, "voters": 60}

# The live consultation (left in its regroupement phase for the demo's visitors to carry on):
# (title, thématique), each contributed by one or two collectivités.
LIVE_NEEDS: list[tuple[str, str]] = [
    ("Publier les délibérations et les arrêtés en ligne", "Données publiques / dématérialisation"),
    ("Mettre en ligne les comptes rendus du conseil municipal", "Données publiques / dématérialisation"),
    ("Réserver les salles communales en ligne", "Patrimoine / équipements publics"),
    ("Prêter du matériel entre communes voisines", "Patrimoine / équipements publics"),
    ("Signaler un dépôt sauvage ou un nid-de-poule", "Environnement / nature / agriculture"),
    ("Prévenir les habitants par SMS en cas d'alerte météo", "Solidarité / accessibilité"),
    ("Inscrire les enfants à la cantine et au périscolaire", "Éducation / formation / emploi"),
    ("Payer la cantine en ligne", "Démarches administratives / aides financières"),
    ("Organiser le covoiturage vers le bourg-centre", "Mobilité / transports"),
    ("Accompagner les habitants éloignés du numérique", "Inclusion numérique"),
    ("Recenser les locaux commerciaux vacants", "Tiers-lieux / revitalisation"),
    ("Suivre la consommation énergétique des bâtiments communaux", "Énergies / déchets"),
]
