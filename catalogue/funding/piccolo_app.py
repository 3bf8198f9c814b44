"""Funding: envelope tree, calls for projects, applications, reservations, payments."""

import os

from piccolo.conf.apps import AppConfig

from catalogue.funding.tables import Application, Call, Envelope, ListingGrant, Payment, Reservation

APP_CONFIG = AppConfig(
    app_name="funding",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Envelope, Call, Application, Reservation, Payment, ListingGrant],
    migration_dependencies=["store.billing.piccolo_app"],
    commands=[],
)
