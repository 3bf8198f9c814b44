"""Constraints for the registry's second schema (areas, kinds), which Piccolo cannot declare portably."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:48:20:000000"
VERSION = "1.38.0"
DESCRIPTION = "registry areas constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("admin_area_kind_code", "admin_area", "kind, code"),
            check(
                "collectivite_kind_known",
                "collectivite",
                "kind IN ('commune', 'epci', 'ept', 'departement', 'region')",
            ),
            check("collectivite_siren_nine_chars", "collectivite", "length(siren) = 9"),
            check("admin_area_kind_known", "admin_area", "kind IN ('departement', 'region')"),
        )
    )
    return manager
