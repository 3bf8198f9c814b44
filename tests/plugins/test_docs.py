"""The SDK documentation covers every hook, context member, store method, permission and rule."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from plugins.sdk import hookspecs
from plugins.sdk.config import ConfigType
from plugins.sdk.context import (
    DocumentStore,
    EventEmitter,
    FileStore,
    PluginContext,
    Resources,
    Tenant,
    Viewer,
)
from plugins.sdk.manifest import PERMISSIONS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "plugins.md").read_text()


def _hooks() -> list[str]:
    specs = []
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction):
        if hasattr(function, hookspecs.PROJECT + "_spec"):
            args = ", ".join(inspect.signature(function).parameters)
            specs.append(f"{name}({args})")
    return specs


def _public(cls: type) -> list[str]:
    names = {n for n in getattr(cls, "__slots__", ()) if not n.startswith("_")}
    names |= {n for n, _ in inspect.getmembers(cls) if not n.startswith("_")}
    return sorted(names)


def _protocol_methods(cls: type) -> list[str]:
    return sorted(n for n, v in vars(cls).items() if not n.startswith("_") and callable(v))


@pytest.mark.parametrize("hook", _hooks())
def test_every_hook_is_documented_with_its_signature(hook: str) -> None:
    assert f"`{hook}`" in DOC, f"hook non documenté : {hook}"


def test_there_are_hooks() -> None:
    assert {h.split("(")[0] for h in _hooks()} >= {
        "provision",
        "upgrade",
        "deprovision",
        "health",
        "register_routes",
    }


@pytest.mark.parametrize("member", _public(PluginContext))
def test_every_context_member_is_documented(member: str) -> None:
    assert f"ctx.{member}" in DOC, f"membre du contexte non documenté : ctx.{member}"


@pytest.mark.parametrize(
    ("prefix", "protocol"),
    [
        ("ctx.documents", DocumentStore),
        ("ctx.files", FileStore),
        ("ctx.events", EventEmitter),
        ("ctx.resources", Resources),
    ],
)
def test_every_store_method_is_documented(prefix: str, protocol: type) -> None:
    for method in _protocol_methods(protocol):
        assert f"{prefix}.{method}(" in DOC or f"{prefix}.{method}()" in DOC, (
            f"{prefix}.{method} non documenté"
        )


@pytest.mark.parametrize(("prefix", "struct"), [("ctx.tenant", Tenant), ("ctx.viewer", Viewer)])
def test_tenant_and_viewer_fields_are_documented(prefix: str, struct: type) -> None:
    for field in struct.__struct_fields__:  # type: ignore[attr-defined]
        assert f"{prefix}.{field}" in DOC, f"{prefix}.{field} non documenté"


def test_permissions_and_config_types_are_documented() -> None:
    for permission in PERMISSIONS:
        assert f"`{permission}`" in DOC
    for kind in ConfigType.__args__:  # type: ignore[attr-defined]
        assert f"`{kind}`" in DOC


def test_every_validation_rule_is_documented() -> None:
    sources = "".join(p.read_text() for p in (ROOT / "plugins").rglob("*.py"))
    codes = set(re.findall(r"(?:ReleaseRejected|ManifestProblem)\(\s*\"([a-z0-9_]+)\"", sources))
    codes |= {"archive_too_large", "version_exists", "version_deleted"}
    assert len(codes) > 30
    missing = sorted(c for c in codes if f"`{c}`" not in DOC)
    assert not missing, f"règles non documentées : {missing}"
