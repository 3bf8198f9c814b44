"""The operators' and developers' commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from plugins.commands import plugins
from tests.support.plugins import demo_files


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "demo"
    for name, data in demo_files().items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    return source


def test_build_then_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(plugins, ["build", str(_source(tmp_path)), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    archive = tmp_path / "out" / "demo-service-1.0.0.zip"
    assert archive.exists()
    result = runner.invoke(plugins, ["validate", str(archive)])
    assert result.exit_code == 0, result.output


def test_build_reports_a_broken_manifest(tmp_path: Path) -> None:
    source = _source(tmp_path)
    (source / "territoires-plugin.toml").write_text('id = "demo-service"\nversion = "1"\n')
    result = CliRunner().invoke(plugins, ["build", str(source)])
    assert result.exit_code != 0
    assert "Manifeste invalide" in result.output


def test_validate_names_the_rule_of_a_refusal(tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    result = CliRunner().invoke(plugins, ["validate", str(bad)])
    assert result.exit_code != 0
    assert "archive_not_zip" in result.output
