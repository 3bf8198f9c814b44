"""SDK building blocks: semantic versions, ranges, the config schema, the build command."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plugins.registry.validation import Limits, validate_release
from plugins.sdk.build import BuildError, build_release
from plugins.sdk.config import ConfigField, ConfigInvalid, normalise_phone, schema_problems, validate_config
from plugins.sdk.semver import Version, VersionError, VersionRange
from tests.support.plugins import demo_files

parts = st.integers(min_value=0, max_value=10_000)
versions = st.builds(Version, parts, parts, parts)


@given(versions, versions)
def test_version_order_is_the_numeric_order(a: Version, b: Version) -> None:
    assert (a < b) == ((a.major, a.minor, a.patch) < (b.major, b.minor, b.patch))
    assert Version.parse(str(a)) == a


def test_prereleases_sort_before_their_release() -> None:
    order = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-rc.1",
        "1.0.0",
    ]
    assert sorted(order, key=Version.parse) == order


@pytest.mark.parametrize("bad", ["1", "1.0", "01.0.0", "1.0.0.0", "v1.0.0", "1.0.0-", "", "1.0.0+"])
def test_invalid_versions_are_refused(bad: str) -> None:
    with pytest.raises(VersionError):
        Version.parse(bad)


@pytest.mark.parametrize(
    ("spec", "inside", "outside"),
    [
        (">=1.0, <2.0", ["1.0.0", "1.9.9"], ["0.9.9", "2.0.0"]),
        ("^1.2", ["1.2.0", "1.99.0"], ["1.1.9", "2.0.0"]),
        ("^0.3.1", ["0.3.1", "0.3.9"], ["0.4.0", "0.3.0"]),
        ("~1.2", ["1.2.0", "1.2.7"], ["1.3.0"]),
        ("==1.0.0", ["1.0.0"], ["1.0.1"]),
        (">=1, !=1.5.0", ["1.4.0", "3.0.0"], ["1.5.0", "0.1.0"]),
    ],
)
def test_ranges(spec: str, inside: list[str], outside: list[str]) -> None:
    parsed = VersionRange.parse(spec)
    assert all(parsed.contains(Version.parse(v)) for v in inside)
    assert not any(parsed.contains(Version.parse(v)) for v in outside)


SCHEMA = {
    "email": ConfigField(type="email", label="Courriel", required=True),
    "delai": ConfigField(type="integer", label="Délai", min=1, max=15, default=5),
    "mode": ConfigField(type="choice", label="Mode", choices=["simple", "complet"], default="simple"),
    "tel": ConfigField(type="phone", label="Téléphone"),
    "cle": ConfigField(type="string", label="Clé", secret=True, pattern=r"[A-Z0-9]{8}"),
}


def test_config_is_validated_with_defaults_and_normalised() -> None:
    clean = validate_config(SCHEMA, {"email": "mairie@bourg.fr", "tel": "04 74 45 71 99"})
    assert clean == {
        "email": "mairie@bourg.fr",
        "delai": 5,
        "mode": "simple",
        "tel": "0474457199",
        "cle": None,
    }


def test_config_errors_are_all_reported_in_french() -> None:
    with pytest.raises(ConfigInvalid) as caught:
        validate_config(SCHEMA, {"delai": 40, "mode": "autre", "tel": "4567", "cle": "abc", "inconnu": 1})
    fields = dict(caught.value.errors)
    assert set(fields) == {"email", "delai", "mode", "tel", "cle", "inconnu"}
    assert fields["email"] == "paramètre obligatoire"
    assert "au plus 15" in fields["delai"]


def test_schema_problems_are_found() -> None:
    bad = {
        "Bad-Name": ConfigField(type="string", label="x"),
        "choix": ConfigField(type="choice", label="Choix"),
        "borne": ConfigField(type="integer", label="B", min=5, max=1),
        "motif": ConfigField(type="string", label="M", pattern="("),
        "defaut": ConfigField(type="integer", label="D", default="cinq"),
    }
    assert {f for f, _ in schema_problems(bad)} == {
        "config.Bad-Name",
        "config.choix",
        "config.borne",
        "config.motif",
        "config.defaut",
    }


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("01 23 45 67 89", "0123456789"),
        ("+33 1 23 45 67 89", "+33123456789"),
        ("3939", "3939"),
        ("115", "115"),
    ],
)
def test_phone_numbers(raw: str, clean: str) -> None:
    assert normalise_phone(raw) == clean


def test_build_packs_a_directory_deterministically_and_the_result_validates(tmp_path: Path) -> None:
    source = tmp_path / "demo"
    for name, data in demo_files().items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    (source / "demo_service/__pycache__").mkdir()
    (source / "demo_service/__pycache__/plugin.cpython-311.pyc").write_bytes(b"\0")
    (source / ".git").mkdir()
    (source / ".git/config").write_text("x")
    first = build_release(source)
    assert first.name == "demo-service-1.0.0.zip"
    content = first.read_bytes()
    again = build_release(source, tmp_path / "out.zip")
    assert again.read_bytes() == content
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == [
            "territoires-plugin.toml",
            "demo_service/__init__.py",
            "demo_service/plugin.py",
        ]
    assert validate_release(first, Limits()).manifest.id == "demo-service"


def test_build_refuses_symlinks(tmp_path: Path) -> None:
    source = tmp_path / "demo"
    for name, data in demo_files().items():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_bytes(data)
    (source / "demo_service/lien").symlink_to("/etc/passwd")
    with pytest.raises(BuildError):
        build_release(source)
