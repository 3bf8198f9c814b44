"""``tstore plugins …``: build, validate and publish releases; deploy services per collectivité."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import msgspec
from rich.console import Console

from store.kit.settings import Settings, load_settings

console = Console(stderr=True)
T = TypeVar("T")
TOKEN_ENV = "TERRITOIRES_TOKEN"  # noqa: S105 - the name of a variable, not a secret


@contextlib.asynccontextmanager
async def plugin_services(settings: Settings) -> AsyncIterator[dict[str, Any]]:
    """The plugins services on the configured database and storage, without serving HTTP."""
    from plugins.wiring import build_plugin_services
    from store.apps import PICCOLO_APPS
    from store.kit.db import Database
    from store.kit.storage import build_storage
    from store.kit.uow import UnitOfWorkFactory

    db = Database(settings)
    for module in PICCOLO_APPS:
        db.bind(importlib.import_module(module).APP_CONFIG.table_classes)
    await db.start()
    try:
        yield build_plugin_services(settings, db, UnitOfWorkFactory(db), build_storage(settings))
    finally:
        await db.stop()


def _run(ctx: click.Context, work: Callable[[dict[str, Any]], Awaitable[T]]) -> T:
    from store.kit.errors import DomainError

    settings = ctx.find_object(Settings) or load_settings()

    async def main() -> T:
        async with plugin_services(settings) as services:
            return await work(services)

    try:
        return asyncio.run(main())
    except DomainError as exc:
        raise click.ClickException(f"{exc.detail} [{exc.code}]") from exc


def register(cli: click.Group) -> None:
    cli.add_command(plugins)


@click.group()
def plugins() -> None:
    """Services (plugins) : construction, publication, déploiement."""


@plugins.command()
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), default=None, help="Fichier .zip ou dossier."
)
def build(source: Path, output: Path | None) -> None:
    """Construit l'archive d'une version à partir du dossier d'un service, puis la vérifie."""
    from plugins.registry.validation import Limits, validate_release
    from plugins.sdk.build import BuildError, build_release
    from plugins.sdk.manifest import ManifestProblem
    from store.kit.errors import DomainError

    try:
        archive = build_release(source, output)
        report = validate_release(archive, Limits()).report
    except (BuildError, ManifestProblem, DomainError) as exc:
        raise click.ClickException(str(exc)) from exc
    for check in report.warnings:
        console.print(f"[yellow]avertissement[/yellow] {check.message}")
    console.print(f"[green]Archive prête[/green] : {archive} ({archive.stat().st_size} octets)")


@plugins.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def validate(archive: Path) -> None:
    """Applique à une archive les contrôles de la place de marché (sans rien exécuter)."""
    from plugins.registry.validation import Limits, validate_release
    from store.kit.errors import DomainError

    try:
        report = validate_release(archive, Limits()).report
    except DomainError as exc:
        raise click.ClickException(f"refusée [{exc.code}] : {exc.detail}") from exc
    for check in report.checks:
        colour = {"ok": "green", "warning": "yellow"}.get(check.status, "red")
        console.print(f"[{colour}]{check.status:<8}[/{colour}] {check.rule} — {check.message}")


@plugins.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--server", required=True, help="Adresse de la place de marché (https://…).")
@click.option(
    "--token", default=lambda: os.environ.get(TOKEN_ENV, ""), help=f"Jeton d'API (ou ${TOKEN_ENV})."
)
@click.option("--publisher", default=None, help="SIREN de l'éditeur (premier dépôt d'un service).")
def publish(archive: Path, server: str, token: str, publisher: str | None) -> None:
    """Dépose une version sur la place de marché avec un jeton d'API (intégration continue)."""
    import zipfile

    import httpx

    from plugins.sdk.manifest import MANIFEST_NAME, parse_manifest

    if not token:
        raise click.ClickException(f"Jeton d'API manquant (--token ou ${TOKEN_ENV}).")
    with zipfile.ZipFile(archive) as zipped:
        manifest = parse_manifest(zipped.read(MANIFEST_NAME))
    with archive.open("rb") as handle:
        response = httpx.post(
            f"{server.rstrip('/')}/api/v1/plugins/{manifest.id}/releases",
            files={"archive": (archive.name, handle, "application/zip")},
            data={"publisher": publisher} if publisher else None,
            headers={"authorization": f"Bearer {token}"},
            timeout=300,
        )
    if response.status_code >= 400:
        problem = response.json() if "json" in response.headers.get("content-type", "") else {}
        raise click.ClickException(
            f"refusée ({response.status_code} {problem.get('code', '')}) : "
            f"{problem.get('detail', response.text)}"
        )
    body = response.json()
    console.print(f"[green]Déposée[/green] : {body['plugin_id']} {body['version']} — en attente d'examen.")


@plugins.command()
@click.argument("siren")
@click.argument("plugin_id")
@click.option("--version", default=None, help="Version approuvée précise (épinglée) ; sinon la dernière.")
@click.option("--config", "config_json", default=None, help="Configuration JSON.")
@click.pass_context
def deploy(
    ctx: click.Context, siren: str, plugin_id: str, version: str | None, config_json: str | None
) -> None:
    """Déploie (ou met à jour, ramène, reconfigure) un service pour une collectivité."""
    config = json.loads(config_json) if config_json else None

    async def work(services: dict[str, Any]) -> Any:
        return await services["plugin_deployments"].deploy(
            None, siren, plugin_id, version=version, config=config
        )

    view = _run(ctx, work)
    console.print(f"[green]Déployé[/green] : {plugin_id} {view.version} pour {siren} → {view.url}")


@plugins.command()
@click.argument("siren")
@click.argument("plugin_id")
@click.pass_context
def undeploy(ctx: click.Context, siren: str, plugin_id: str) -> None:
    """Retire un service d'une collectivité (ses données restent exportables)."""

    async def work(services: dict[str, Any]) -> Any:
        return await services["plugin_deployments"].undeploy(None, siren, plugin_id)

    _run(ctx, work)
    console.print(f"Service {plugin_id} retiré pour {siren}.")


@plugins.command("deployments")
@click.option("--siren", default=None)
@click.pass_context
def list_deployments(ctx: click.Context, siren: str | None) -> None:
    """Liste les déploiements et leur santé."""

    async def work(services: dict[str, Any]) -> Any:
        return await services["plugin_deployments"].list(None, tenant=siren)

    for view in _run(ctx, work):
        health = view.health.status if view.health else "?"
        console.print(
            f"{view.tenant_siren} {view.plugin_id:<24} {view.version:<10} {view.state:<14} {health}"
        )


@plugins.command("export")
@click.argument("siren")
@click.argument("plugin_id")
@click.pass_context
def export(ctx: click.Context, siren: str, plugin_id: str) -> None:
    """Exporte en JSON les données d'un service pour une collectivité."""

    async def work(services: dict[str, Any]) -> Any:
        return await services["plugin_deployments"].export(None, siren, plugin_id)

    click.echo(msgspec.json.encode(_run(ctx, work)).decode())


@plugins.command("seed-builtin")
@click.pass_context
def seed_builtin(ctx: click.Context) -> None:
    """Publie et approuve les services de l'ANCT (conseil municipal, orientation, serveur vocal)."""
    from plugins.builtin.seed import publish_builtin

    async def work(services: dict[str, Any]) -> Any:
        return await publish_builtin(services)

    released = _run(ctx, work)
    console.print(f"[green]{len(released)} service(s) de l'ANCT publiés et approuvés.[/green]")
