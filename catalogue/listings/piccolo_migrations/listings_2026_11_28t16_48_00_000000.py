"""Constraints Piccolo cannot declare portably (see store.kit.migrations), and the thématiques."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:48:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints and thématiques of the 2021 national consultation"

THEMATIQUES = (
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

STATES = "'draft', 'submitted', 'changes_requested', 'published', 'suspended', 'retired', 'rejected'"


def _seed() -> str:
    values = ", ".join(
        "('{}', '{}', {})".format(slug, label.replace("'", "''"), position)
        for position, (slug, label) in enumerate(THEMATIQUES, start=1)
    )
    return f'INSERT INTO "thematique" (slug, label, position) VALUES {values} ON CONFLICT (slug) DO NOTHING'


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="listings", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("listing_thematique_pair", "listing_thematique", "listing, thematique"),
            check("listing_state_known", "listing", f"state IN ({STATES})"),
            check(
                "listing_population_limits_positive",
                "listing",
                "(commune_max_population IS NULL OR commune_max_population > 0) "
                "AND (epci_max_population IS NULL OR epci_max_population > 0)",
            ),
            check("listing_plan_kind_known", "listing_plan", "kind IN ('free', 'flat', 'per_inhabitant', 'tiered')"),
            check("listing_plan_vat_rate_range", "listing_plan", "vat_rate_bp >= 0 AND vat_rate_bp <= 10000"),
            check(
                "listing_plan_amounts_not_negative",
                "listing_plan",
                "(yearly_cents IS NULL OR yearly_cents >= 0) "
                "AND (per_inhabitant_cents IS NULL OR per_inhabitant_cents >= 0) "
                "AND (floor_cents IS NULL OR floor_cents >= 0) "
                "AND (cap_cents IS NULL OR cap_cents >= 0)",
            ),
            check(
                "listing_plan_floor_under_cap",
                "listing_plan",
                "floor_cents IS NULL OR cap_cents IS NULL OR floor_cents <= cap_cents",
            ),
            _seed(),
        )
    )
    return manager
