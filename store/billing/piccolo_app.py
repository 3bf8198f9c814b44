import os

from piccolo.conf.apps import AppConfig

from store.billing.tables import BILLING_TABLES, LEDGER_TABLES

APP_CONFIG = AppConfig(
    app_name="billing",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[*LEDGER_TABLES, *BILLING_TABLES],
    migration_dependencies=["store.accounts.piccolo_app"],
    commands=[],
)
