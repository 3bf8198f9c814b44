"""Constraints Piccolo cannot declare portably (see store.kit.migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:37:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="registry", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("collectivite_member_pair", "collectivite_member", "\"group\", member"),
            check("collectivite_population_not_negative", "collectivite", "population IS NULL OR population >= 0"),
        )
    )
    return manager
