import os

from piccolo.conf.apps import AppConfig

from store.subscriptions.tables import (
    Subscription,
    SubscriptionCommand,
    SubscriptionCoverage,
    SubscriptionSegment,
)

APP_CONFIG = AppConfig(
    app_name="subscriptions",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Subscription, SubscriptionCoverage, SubscriptionSegment, SubscriptionCommand],
    migration_dependencies=["catalogue.listings.piccolo_app", "store.registry.piccolo_app"],
    commands=[],
)
