"""Settings come from TS_* variables only; a typo or a bad value stops the process with a clear message."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from store.kit.settings import Settings, SettingsError, load_settings


def env(tmp_path: Path, **values: str) -> dict[str, str]:
    return {"TS_DATA_DIR": str(tmp_path), **{f"TS_{k.upper()}": v for k, v in values.items()}}


def test_defaults_describe_the_embedded_setup(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    assert settings.env == "dev"
    assert settings.is_sqlite
    assert settings.port == 8000
    assert settings.search_backend == "embedded"
    assert settings.storage_backend == "local"


def test_values_are_converted_from_strings(tmp_path: Path) -> None:
    settings = load_settings(
        env(tmp_path, port="9001", cookie_secure="true", outbox_poll_seconds="0.5", log_format="json")
    )
    assert settings.port == 9001
    assert settings.cookie_secure is True
    assert settings.outbox_poll_seconds == 0.5
    assert settings.log_format == "json"


def test_other_variables_are_ignored(tmp_path: Path) -> None:
    settings = load_settings({**env(tmp_path), "PATH": "/bin", "TSX_PORT": "1", "HOME": "/root"})
    assert settings.port == 8000


def test_an_unknown_ts_variable_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="prot"):
        load_settings(env(tmp_path, prot="9000"))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("port", "abc"),
        ("port", "0"),
        ("port", "70000"),
        ("workers", "0"),
        ("env", "production"),
        ("log_level", "verbose"),
        ("cookie_secure", "peut-être"),
        ("max_body_bytes", "-1"),
        ("db_pool_min", "0"),
        ("database_url", "mysql://localhost/db"),
        ("public_url", "127.0.0.1:8000"),
        ("search_backend", "elastic"),
        ("storage_backend", "ftp"),
    ],
)
def test_bad_values_are_rejected_with_the_variable_named(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env(tmp_path, **{name: value}))
    assert name in str(raised.value) or f"TS_{name.upper()}" in str(raised.value)


def test_pool_bounds_must_be_ordered(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="TS_DB_POOL"):
        load_settings(env(tmp_path, db_pool_min="8", db_pool_max="4"))


def test_production_requires_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="TS_SECRET_KEY"):
        load_settings(env(tmp_path, env="prod"))


def test_production_refuses_a_short_secret_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="TS_SECRET_KEY"):
        load_settings(env(tmp_path, env="prod", secret_key="short"))


def test_production_turns_on_secure_cookies_unless_told_otherwise(tmp_path: Path) -> None:
    secret = "x" * 48
    assert load_settings(env(tmp_path, env="prod", secret_key=secret)).cookie_secure is True
    relaxed = load_settings(env(tmp_path, env="prod", secret_key=secret, cookie_secure="false"))
    assert relaxed.cookie_secure is False


def test_outside_production_a_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load_settings(env(tmp_path))
    second = load_settings(env(tmp_path))
    assert len(first.secret_key) >= 32
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = load_settings(env(tmp_path))
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]


def test_settings_built_in_code_are_checked_too() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"port": 0}, Settings)


def test_public_url_follows_the_served_address_unless_given(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = {"TS_DATA_DIR": str(tmp_path)}
    assert load_settings({**base, "TS_PORT": "8011"}).public_url == "http://127.0.0.1:8011"
    given = {**base, "TS_PORT": "8011", "TS_PUBLIC_URL": "https://store.example.fr"}
    assert load_settings(given).public_url == "https://store.example.fr"
