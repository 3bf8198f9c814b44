"""Every Piccolo app of the project, in dependency order: migrations and table binding use it."""

PICCOLO_APPS: tuple[str, ...] = (
    "store.kit.piccolo_app",
    "store.registry.piccolo_app",
    "store.accounts.piccolo_app",
    "catalogue.needs.piccolo_app",
    "catalogue.votes.piccolo_app",
    "catalogue.listings.piccolo_app",
    "store.billing.piccolo_app",
    "plugins.piccolo_app",
    "store.subscriptions.piccolo_app",
    "catalogue.funding.piccolo_app",
)
