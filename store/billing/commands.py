"""Operator commands: ``tstore ledger verify``, ``tstore ledger expire``, ``tstore billing …``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table as RichTable

from store.billing.ledger.verify import CheckResult
from store.kit.errors import DomainError
from store.kit.settings import Settings, load_settings

T = TypeVar("T")

console = Console()


def render_checks(checks: list[CheckResult]) -> RichTable:
    table = RichTable(title="Vérification du grand livre", show_lines=False)
    table.add_column("Invariant")
    table.add_column("Contrôle")
    table.add_column("Vérifiés", justify="right")
    table.add_column("Résultat")
    table.add_column("Détail")
    for check in checks:
        table.add_row(
            check.invariant,
            check.name,
            str(check.checked),
            "[green]OK[/green]" if check.ok else "[bold red]ÉCHEC[/bold red]",
            check.detail,
        )
    return table


def run_in_app(ctx: click.Context, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``work(state)`` with the application's services; domain errors become CLI errors."""
    settings = ctx.find_object(Settings) or load_settings()
    run_with_state = ctx.meta["store.run_with_state"]
    try:
        return run_with_state(settings, work)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc


def register(cli: click.Group) -> None:
    @cli.group()
    def ledger() -> None:
        """Grand livre : vérification, expiration des réservations."""

    @ledger.command("verify")
    @click.pass_context
    def verify(ctx: click.Context) -> None:
        """Re-vérifie chaque invariant et la chaîne d'empreintes ; code de sortie 1 en cas d'échec."""

        async def work(state: Any) -> list[CheckResult]:
            return list(await state.billing.verify())

        checks = run_in_app(ctx, work)
        console.print(render_checks(checks))
        failed = [c for c in checks if not c.ok]
        if failed:
            console.print(f"[bold red]{len(failed)} contrôle(s) en échec.[/bold red]")
            ctx.exit(1)
        console.print("[green]Tous les invariants sont respectés.[/green]")

    @ledger.command("expire")
    @click.pass_context
    def expire(ctx: click.Context) -> None:
        """Libère les réservations arrivées à échéance."""

        async def work(state: Any) -> int:
            return int(await state.ledger.expire_due())

        count = run_in_app(ctx, work)
        console.print(f"{count} réservation(s) expirée(s).")
