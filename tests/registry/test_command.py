"""``python -m store import-registry`` end to end, on a throwaway SQLite database."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from store.cli import cli
from store.registry.commands import register
from store.registry.piccolo_app import APP_CONFIG


def test_import_registry_command_loads_then_reports_up_to_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "import-registry" not in cli.commands:
        register(cli)
    monkeypatch.setenv("TS_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("TS_DATA_DIR", str(tmp_path))
    bindings = {table: table._meta.db for table in APP_CONFIG.table_classes}
    try:
        runner = CliRunner()
        assert runner.invoke(cli, ["migrate"]).exit_code == 0
        first = runner.invoke(cli, ["import-registry"])
        assert first.exit_code == 0, first.output
        text = " ".join(first.output.split())  # the console wraps long lines
        assert "Référentiel importé" in text
        assert "34875 communes, 1255 EPCI, 11 EPT, 95 départements, 17 régions" in text
        assert "Ajoutées 36253" in text
        second = runner.invoke(cli, ["import-registry"])
        assert second.exit_code == 0, second.output
        assert "déjà à jour" in " ".join(second.output.split())
    finally:
        for table, engine in bindings.items():
            table._meta.db = engine
