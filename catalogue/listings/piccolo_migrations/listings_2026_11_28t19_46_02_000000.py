"""A collectivité is a pilot of a listing once per role."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import raw_sql, unique_index

ID = "2026-11-28T19:46:02:000000"
VERSION = "1.38.0"
DESCRIPTION = "one pilot row per listing, collectivité and role"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="listings", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(unique_index("listing_pilot_once", "listing_pilot", "listing, collectivite_siren, role"))
    )
    return manager
