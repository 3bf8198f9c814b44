"""Apply Piccolo migrations for the database the settings name, on SQLite or PostgreSQL."""

from __future__ import annotations

import importlib
import os

from store.kit.db import build_engine
from store.kit.settings import Settings


async def migrate_database(settings: Settings) -> int:
    """Run every pending migration; returns how many ran. Idempotent."""
    os.environ["TS_DATABASE_URL"] = settings.database_url
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    # Piccolo's runner finds its engine in piccolo_conf.DB: point it (and its own table) at ours.
    conf = importlib.import_module(os.environ["PICCOLO_CONF"])
    engine = build_engine(settings, pooled=False)
    setattr(conf, "DB", engine)  # noqa: B010 - module attribute read by Piccolo's Finder
    from piccolo.apps.migrations.commands.check import CheckMigrationManager
    from piccolo.apps.migrations.commands.forwards import run_forwards
    from piccolo.apps.migrations.tables import Migration

    Migration._meta.db = engine
    statuses = await CheckMigrationManager(app_name="all").get_migration_statuses()
    pending = sum(1 for row in statuses if not row.has_ran)
    result = await run_forwards(app_name="all", migration_id="all")
    if not result.success:
        raise RuntimeError(f"Échec des migrations : {result.message}")
    return pending
