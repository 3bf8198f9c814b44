"""``tstore subscriptions charges`` and ``reconcile`` are wired to the app's services."""

from __future__ import annotations

import os
from typing import Any

import pytest
from click.testing import CliRunner


def test_commands_run_against_the_database(app: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.cli import COMMAND_MODULES, cli
    from store.subscriptions import commands

    assert "store.subscriptions.commands" in COMMAND_MODULES
    environment = {
        "TS_DATABASE_URL": settings.database_url,
        "TS_DATA_DIR": settings.data_dir,
        "TS_SECRET_KEY": settings.secret_key,
        "TS_LOG_LEVEL": "warning",
        "COLUMNS": "160",
    }
    for key in [k for k in os.environ if k.startswith("TS_") and k not in environment]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    if "subscriptions" not in cli.commands:
        commands.register(cli)
    past = CliRunner().invoke(cli, ["subscriptions", "charges", "--period", "2020-01"])
    assert past.exit_code == 0, past.output
    assert "Période 2020-01 : 0 charge(s)" in past.output
    future = CliRunner().invoke(cli, ["subscriptions", "charges", "--period", "2099-01", "--dry-run"])
    assert future.exit_code == 1
    assert "n'est pas terminé" in future.output
    reconciled = CliRunner().invoke(cli, ["subscriptions", "reconcile"])
    assert reconciled.exit_code == 0, reconciled.output
    assert "0 déploiement(s) remis en ordre." in reconciled.output
