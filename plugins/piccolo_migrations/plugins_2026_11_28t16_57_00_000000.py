"""Constraints Piccolo cannot declare portably (see store.kit.migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from store.kit.migrations import check, raw_sql, unique_index

ID = "2026-11-28T16:57:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "constraints"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="plugins", description=DESCRIPTION)
    manager.add_raw(
        raw_sql(
            unique_index("plugin_release_version", "plugin_release", "plugin, version"),
            unique_index("plugin_deployment_tenant_plugin", "plugin_deployment", "tenant, plugin"),
            unique_index("plugin_document_key", "plugin_document", "tenant, plugin, collection, doc_id"),
            unique_index("plugin_file_name", "plugin_file", "tenant, plugin, name"),
            check("plugin_status_known", "plugin", "status IN ('active', 'suspended')"),
            check("plugin_release_state_known", "plugin_release", "state IN ('pending', 'approved', 'rejected', 'deleted')"),
            check("plugin_release_size_positive", "plugin_release", "size >= 0"),
            check("plugin_deployment_state_known", "plugin_deployment", "state IN ('active', 'failed', 'deprovisioned')"),
            check("plugin_file_size_positive", "plugin_file", "size >= 0"),
        )
    )
    return manager
