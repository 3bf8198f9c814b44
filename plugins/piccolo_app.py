import os

from piccolo.conf.apps import AppConfig

from plugins.registry.tables import Plugin, PluginRelease
from plugins.runtime.tables import Deployment, PluginDocument, PluginFile

APP_CONFIG = AppConfig(
    app_name="plugins",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Plugin, PluginRelease, Deployment, PluginDocument, PluginFile],
    migration_dependencies=["store.registry.piccolo_app", "store.accounts.piccolo_app"],
    commands=[],
)
