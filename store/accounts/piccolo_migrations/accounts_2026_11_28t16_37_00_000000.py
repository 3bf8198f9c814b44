"""Constraints Piccolo cannot declare portably (see store.kit.migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:37:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("mandate_account_collectivite", "mandate", "account, collectivite", where="collectivite IS NOT NULL"),
            unique_index("mandate_account_publisher", "mandate", "account, publisher", where="publisher IS NOT NULL"),
            check("mandate_exactly_one_organisation", "mandate", "(collectivite IS NULL AND publisher IS NOT NULL) OR (collectivite IS NOT NULL AND publisher IS NULL)"),
        )
    )
    return manager
