"""Constraints Piccolo cannot declare portably (see store.kit.migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:37:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="kit", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("outbox_delivery_event_consumer", "outbox_delivery", "event, consumer"),
        )
    )
    return manager
