import os

from piccolo.conf.apps import AppConfig

from catalogue.listings.tables import (
    Listing,
    ListingPilot,
    ListingPlan,
    ListingProposal,
    ListingThematique,
    Thematique,
)

APP_CONFIG = AppConfig(
    app_name="listings",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Thematique, Listing, ListingThematique, ListingPlan, ListingProposal, ListingPilot],
    migration_dependencies=["store.registry.piccolo_app"],
    commands=[],
)
