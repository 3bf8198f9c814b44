"""``seed-demo``: the demo catalogue and accounts, printed in a table."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from catalogue.listings.states import STATE_LABELS
from store.cli import _domain_call, run_with_state, settings_from
from store.demo.seed import SeedReport, seed_demo


def print_report(report: SeedReport, console: Console) -> None:
    created = ", ".join(f"{n} {what}" for what, n in sorted(report.created.items())) or "rien de nouveau"
    console.print(f"[green]Démo prête[/green] — créé : {created}.")
    states = ", ".join(f"{STATE_LABELS[s]} : {n}" for s, n in sorted(report.states.items()))
    console.print(f"Catalogue — {states}.")
    table = Table(title="Comptes de démonstration")
    table.add_column("Adresse électronique", style="bold", no_wrap=True)
    table.add_column("Mot de passe", no_wrap=True)
    table.add_column("Rôle")
    for person in report.accounts:
        table.add_row(person.email, person.password, person.role_label)
    console.print(table)


def register(cli: click.Group) -> None:
    @cli.command("seed-demo")
    @click.pass_context
    def seed_demo_command(ctx: click.Context) -> None:
        """Crée le catalogue et les comptes de démonstration (sans effet s'ils existent déjà)."""
        report = _domain_call(lambda: run_with_state(settings_from(ctx), seed_demo))
        print_report(report, Console())
