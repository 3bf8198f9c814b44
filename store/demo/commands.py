"""``seed-demo``: the demo catalogue and accounts, printed in a table; ``demo-accounts``: the
accounts to sign in with, one per role, as ``make run`` prints them before serving."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.table import Table

from catalogue.listings.states import STATE_LABELS
from store.cli import _domain_call, run_with_state, settings_from
from store.demo.data import PEOPLE, DemoPerson, publishers
from store.demo.seed import RegistryMissing, SeedReport, _resolve_people, seed_demo
from store.upstream_demo import SLUG as CONSULTATION_SLUG


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


MAIN_DEVELOPER = "editeur@atelier-communs.example"
"""The publisher account shown first (the others share its password)."""


async def existing_demo_accounts(state: Any) -> tuple[list[DemoPerson], list[DemoPerson], bool]:
    """The demo people whose account exists: one per role, then the other publishers' developers;
    and whether the consultation demo is there."""
    try:
        people = list(await _resolve_people())
    except RegistryMissing:
        people = list(PEOPLE)
    developers = [p.person() for p in publishers()]
    main_developer = next((d for d in developers if d.email == MAIN_DEVELOPER), developers[0])
    found = [p for p in [*people, main_developer] if await state.accounts.repo.get_by_email(p.email)]
    others = [
        d for d in developers if d is not main_developer and await state.accounts.repo.get_by_email(d.email)
    ]
    consultation = await state.consultations.repo.consultation_by_slug(CONSULTATION_SLUG)
    return found, others, consultation is not None


def print_accounts(found: list[DemoPerson], others: list[DemoPerson], consultation: bool, url: str) -> None:
    if not found:
        click.echo(" Pas encore de comptes de démonstration : python -m store seed-demo (voir README).")
        return
    click.echo(" Comptes de démonstration (un par rôle) :")
    width = max(len(p.role_label) for p in found)
    email_width = max(len(p.email) for p in found)
    for person in found:
        click.echo(
            f"   {person.role_label.ljust(width)}  {person.email.ljust(email_width)}  {person.password}"
        )
    if others:
        password = others[0].password
        click.echo(
            f"   Autres éditeurs (même mot de passe, {password}) : " + ", ".join(p.email for p in others)
        )
    if consultation:
        click.echo(f" Consultation de démonstration : {url.rstrip('/')}/consultations/{CONSULTATION_SLUG}")


def register(cli: click.Group) -> None:
    @cli.command("demo-accounts")
    @click.pass_context
    def demo_accounts_command(ctx: click.Context) -> None:
        """Affiche les comptes de démonstration existants (un par rôle) et leurs mots de passe."""
        settings = settings_from(ctx)
        found, others, consultation = run_with_state(settings, existing_demo_accounts)
        print_accounts(found, others, consultation, settings.public_url)

    @cli.command("seed-demo")
    @click.pass_context
    def seed_demo_command(ctx: click.Context) -> None:
        """Crée le catalogue et les comptes de démonstration (sans effet s'ils existent déjà)."""
        report = _domain_call(lambda: run_with_state(settings_from(ctx), seed_demo))
        print_report(report, Console())
