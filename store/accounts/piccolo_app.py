import os

from piccolo.conf.apps import AppConfig

from store.accounts.tables import Account, ApiToken, LoginAttempt, Mandate

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Account, Mandate, ApiToken, LoginAttempt],
    migration_dependencies=["store.registry.piccolo_app"],
    commands=[],
)
