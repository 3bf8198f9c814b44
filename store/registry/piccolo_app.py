import os

from piccolo.conf.apps import AppConfig

from store.registry.tables import AdminArea, Collectivite, CollectiviteMember, Publisher, RegistryImport

APP_CONFIG = AppConfig(
    app_name="registry",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Collectivite, CollectiviteMember, AdminArea, RegistryImport, Publisher],
    migration_dependencies=["store.kit.piccolo_app"],
    commands=[],
)
