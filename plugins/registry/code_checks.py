"""Static checks of a release's Python code (AST only): forbidden modules and calls, absolute
imports of the plugin's own package, and capabilities used without the matching permission."""

from __future__ import annotations

import ast

from plugins.registry.errors import ReleaseRejected
from plugins.sdk.manifest import Manifest

NETWORK_MODULES = {
    "socket", "ssl", "http.client", "urllib.request", "urllib3", "httpx", "requests", "aiohttp",
    "smtplib", "ftplib", "poplib", "imaplib", "telnetlib", "asyncio.streams", "websockets",
}  # fmt: skip
FORBIDDEN_MODULES = {"subprocess", "ctypes", "cffi", "multiprocessing", "pty", "_thread", "sys.monitoring"}
FORBIDDEN_CALLS = {"exec", "eval", "compile", "__import__", "breakpoint"}
CONTEXT_PERMISSIONS = {"documents": "tenant:documents", "files": "tenant:files", "events": "events:emit"}


def _imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return []


def _matches(module: str, names: set[str]) -> str | None:
    return next((n for n in names if module == n or module.startswith(n + ".")), None)


def check_code(manifest: Manifest, trees: dict[str, ast.Module]) -> list[tuple[str, str]]:
    """Raise on forbidden code or undeclared capabilities; return (rule, message) advice."""
    declared = set(manifest.permissions)
    needed: dict[str, str] = {}
    own_package = manifest.entry_module.split(".")[0]
    for name, tree in trees.items():
        for node in ast.walk(tree):
            for module in _imported_modules(node):
                if bad := _matches(module, FORBIDDEN_MODULES):
                    raise ReleaseRejected(
                        "python_forbidden_code",
                        f"{name} importe « {bad} », interdit aux services.",
                        field=name,
                    )
                if _matches(module, NETWORK_MODULES):
                    needed.setdefault("network:outbound", f"{name} importe {module}")
                if module == own_package or module.startswith(own_package + "."):
                    raise ReleaseRejected(
                        "python_absolute_self_import",
                        f"{name} importe son propre paquet par son nom ; "
                        "utilisez un import relatif (from . import …).",
                        field=name,
                    )
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in FORBIDDEN_CALLS
            ):
                raise ReleaseRejected(
                    "python_forbidden_code",
                    f"{name}, ligne {node.lineno} : appel à {node.func.id}() interdit.",
                    field=name,
                )
            if (
                isinstance(node, ast.Attribute)
                and node.attr in CONTEXT_PERMISSIONS
                and isinstance(node.value, ast.Name)
                and node.value.id in {"ctx", "context"}
            ):
                needed.setdefault(
                    CONTEXT_PERMISSIONS[node.attr], f"{name}, ligne {node.lineno} : ctx.{node.attr}"
                )
            if (isinstance(node, ast.Name) and node.id == "PUBLIC") or (
                isinstance(node, ast.Attribute) and node.attr == "PUBLIC"
            ):
                needed.setdefault("routes:public", f"{name}, ligne {node.lineno} : route publique")
    for permission, where in sorted(needed.items()):
        if permission not in declared:
            raise ReleaseRejected(
                "permission_undeclared",
                f"Le code utilise une capacité non déclarée ({where}) : "
                f"ajoutez « {permission} » aux permissions.",
                field="permissions",
            )
    return [
        ("permission_unused", f"La permission « {unused} » est demandée mais ne semble pas utilisée.")
        for unused in sorted(declared - set(needed))
    ]
