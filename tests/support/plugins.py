"""Release archives for tests, built in memory, and the people who publish and review them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import httpx

from plugins.registry.repository import PluginRepository
from store.kit.auth import Actor
from tests.support.people import Persona, make_account, make_publisher_member, sign_in

PUBLISHER = "443061841"
OTHER_PUBLISHER = "802954784"
BOURG = "210100533"
AMBERIEU = "210100046"
AGGLO = "200071751"

DEMO_CODE = """\
from litestar import get

from plugins.sdk import Ctx, HealthReport, hookimpl


@get("/")
async def index(ctx: Ctx) -> dict[str, object]:
    return {"version": ctx.version, "module": __name__, "tenant": ctx.tenant.siren}


@hookimpl
def register_routes():
    return [index]


@hookimpl
async def provision(ctx):
    await ctx.documents.put("journal", "provision", {"version": ctx.version})


@hookimpl
async def upgrade(ctx, previous_version):
    await ctx.documents.put("journal", "upgrade-" + ctx.version, {"from": previous_version})


@hookimpl
def health(ctx):
    return HealthReport(status="ok")
"""


def manifest(
    plugin_id: str = "demo-service",
    version: str = "1.0.0",
    *,
    permissions: tuple[str, ...] = ("tenant:documents",),
    entry_point: str = "demo_service.plugin",
    store_api: str = ">=1.0, <2.0",
    extra: str = "",
) -> str:
    perms = ", ".join(f'"{p}"' for p in permissions)
    return (
        f'id = "{plugin_id}"\nname = "Service de démonstration"\nversion = "{version}"\n'
        f'summary = "Un service pour les tests."\nstore_api = "{store_api}"\n'
        f'entry_point = "{entry_point}"\npermissions = [{perms}]\n{extra}\n'
        f'[[changelog]]\nversion = "{version}"\nnotes = "Version {version}."\n'
    )


def demo_files(version: str = "1.0.0", *, code: str = DEMO_CODE, **manifest_args: Any) -> dict[str, bytes]:
    return {
        "territoires-plugin.toml": manifest(version=version, **manifest_args).encode(),
        "demo_service/__init__.py": b"",
        "demo_service/plugin.py": code.encode(),
    }


def zip_bytes(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = compression
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def demo_zip(version: str = "1.0.0", **kwargs: Any) -> bytes:
    return zip_bytes(demo_files(version, **kwargs))


async def make_publisher(siren: str = PUBLISHER, name: str = "Éditeur de test") -> None:
    await PluginRepository().ensure_publisher(siren, name, dt.datetime.now(dt.UTC))


async def publisher_dev(
    state: Any, client: httpx.AsyncClient, siren: str = PUBLISHER, email: str = ""
) -> Persona:
    await make_publisher(siren)
    persona = await make_publisher_member(state, email or f"dev-{siren}@editeur.fr", siren)
    await sign_in(client, persona)
    return persona


async def curator(state: Any, email: str = "curatrice@anct.gouv.fr") -> Actor:
    persona = await make_account(state, email, curator=True, name="Claire Curatrice")
    return await state.accounts.load_actor(persona.account_id)


async def token_for(state: Any, persona: Persona, scopes: list[str]) -> str:
    actor = await state.accounts.load_actor(persona.account_id)
    created = await state.accounts.create_token(actor, name="ci", scopes=scopes, expires_in_days=30)
    return str(created.token)


async def upload(
    client: httpx.AsyncClient,
    data: bytes,
    plugin_id: str = "demo-service",
    *,
    headers: dict[str, str] | None = None,
    publisher: str | None = None,
) -> httpx.Response:
    from tests.support.people import csrf_headers

    all_headers = {**(await csrf_headers(client)), **(headers or {})}
    form = {"publisher": publisher} if publisher else None
    return await client.post(
        f"/api/v1/plugins/{plugin_id}/releases",
        files={"archive": ("release.zip", data, "application/zip")},
        data=form,
        headers=all_headers,
    )


async def publish(
    state: Any, data: bytes, tmp_path: Any, *, approve: bool = True, publisher: str = PUBLISHER
) -> str:
    """Publish through the same pipeline as the API (operator), and approve as a curator."""
    await make_publisher(publisher)
    path = tmp_path / f"release-{len(data)}-{hash(data) & 0xFFFF}.zip"
    path.write_bytes(data)
    view = await state.plugin_publishing.publish(None, path, publisher_siren=publisher)
    if approve:
        reviewer = await curator(state, f"curateur-{view.id[:8]}@anct.gouv.fr")
        await state.plugin_curation.approve(reviewer, view.id)
    return str(view.id)


def plugin_zip(
    plugin_id: str, version: str, code: str, permissions: tuple[str, ...], extra: str = ""
) -> bytes:
    package = plugin_id.replace("-", "_")
    return zip_bytes(
        {
            "territoires-plugin.toml": manifest(
                plugin_id, version, permissions=permissions, entry_point=f"{package}.plugin", extra=extra
            ).encode(),
            f"{package}/__init__.py": b"",
            f"{package}/plugin.py": code.encode(),
        }
    )
