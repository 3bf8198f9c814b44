"""Operator commands: ``tstore …`` or ``python -m store …``.

Each domain adds its commands through ``register(group)`` in its ``commands.py``; this module only
assembles them, so the CLI and HTTP share the same services and rules.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

import click
from rich.console import Console

from store.kit.settings import Settings, SettingsError, load_settings

console = Console(stderr=True)
T = TypeVar("T")

COMMAND_MODULES: tuple[str, ...] = (
    "store.registry.commands",
    "store.upstream_demo",
    "search.commands",
    "store.demo.commands",
    "store.billing.commands",
    "plugins.commands",
    "store.subscriptions.commands",
    "catalogue.funding.commands",
    "store.demo.billing_commands",
)
"""Modules exposing ``register(cli: click.Group)``; domains append themselves here."""


@contextlib.asynccontextmanager
async def running_app(settings: Settings) -> AsyncIterator[Any]:
    """The application's state (services, db) without serving HTTP: what commands work with."""
    from store.app import create_app

    app = create_app(settings)
    await app.state.db.start()
    try:
        yield app.state
    finally:
        await app.state.dispatcher.drain()
        await app.state.db.stop()


def run_with_state(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    async def main() -> T:
        async with running_app(settings) as state:
            return await work(state)

    return asyncio.run(main())


def settings_from(ctx: click.Context) -> Settings:
    return ctx.find_object(Settings) or load_settings()


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Territoires Store : commandes d'exploitation."""
    try:
        ctx.obj = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    # Domain command modules sit below store.cli in the layers: they reach the app through ctx.meta.
    ctx.meta["run_with_state"] = run_with_state
    ctx.meta["console"] = console


@cli.command()
@click.pass_context
def migrate(ctx: click.Context) -> None:
    """Applique les migrations de la base (SQLite ou PostgreSQL)."""
    from store.kit.migrate import migrate_database

    settings = settings_from(ctx)
    applied = asyncio.run(migrate_database(settings))
    console.print(f"[green]Base à jour[/green] ({applied} migration(s) appliquée(s)).")


@cli.command("create-user")
@click.option("--email", required=True)
@click.option("--name", "display_name", default="")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--curator", is_flag=True, help="Compte curateur de l'ANCT.")
@click.pass_context
def create_user(ctx: click.Context, email: str, display_name: str, password: str, curator: bool) -> None:
    """Crée un compte."""

    async def work(state: Any) -> str:
        return str(
            await state.accounts.create_account(
                email=email, password=password, display_name=display_name, is_curator=curator
            )
        )

    account_id = _domain_call(lambda: run_with_state(settings_from(ctx), work))
    console.print(f"Compte créé : {email} ({account_id}).")


@cli.command("grant-mandate")
@click.option("--email", required=True)
@click.option("--kind", type=click.Choice(["collectivite", "publisher"]), required=True)
@click.option("--siren", required=True)
@click.option("--role", required=True)
@click.option("--can-sign", is_flag=True)
@click.option("--delegation", default="")
@click.pass_context
def grant_mandate(
    ctx: click.Context, email: str, kind: str, siren: str, role: str, can_sign: bool, delegation: str
) -> None:
    """Rattache un compte à une collectivité ou à un éditeur."""

    async def work(state: Any) -> str:
        return str(
            await state.accounts.grant_mandate(
                None,
                account_email=email,
                kind=kind,
                siren=siren,
                role=role,
                can_sign=can_sign,
                delegation_ref=delegation,
            )
        )

    _domain_call(lambda: run_with_state(settings_from(ctx), work))
    console.print("Mandat accordé.")


@cli.command()
@click.pass_context
def housekeeping(ctx: click.Context) -> None:
    """Purge les sessions expirées, les tentatives de connexion anciennes et les événements traités."""

    async def work(state: Any) -> dict[str, int]:
        result: dict[str, int] = await state.housekeeper.run_once()
        return result

    removed = run_with_state(settings_from(ctx), work)
    for name, count in removed.items():
        console.print(f"{name} : {count} ligne(s) supprimée(s)")


@cli.command()
@click.option("--workers", type=int, default=None)
@click.pass_context
def serve(ctx: click.Context, workers: int | None) -> None:
    """Sert l'application avec granian."""
    from granian import Granian
    from granian.constants import Interfaces

    settings = settings_from(ctx)
    console.print(f"Territoires Store sur [bold]{settings.public_url}[/bold]")
    Granian(
        "store.app:create_app",
        factory=True,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=workers or settings.workers,
        log_access=False,
    ).serve()


def _domain_call(call: Callable[[], T]) -> T:
    from store.kit.errors import DomainError

    try:
        return call()
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc


def main() -> None:
    for module_path in COMMAND_MODULES:
        importlib.import_module(module_path).register(cli)
    cli()
