import os

from piccolo.conf.apps import AppConfig

from store.kit.tables import AuditEntry, KeyValue, OutboxDelivery, OutboxEvent

APP_CONFIG = AppConfig(
    app_name="kit",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[OutboxEvent, OutboxDelivery, AuditEntry, KeyValue],
    migration_dependencies=[],
    commands=[],
)
