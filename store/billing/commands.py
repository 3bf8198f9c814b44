"""Operator commands: ``tstore ledger verify``, ``tstore ledger expire``, ``tstore billing …``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table as RichTable

from store.billing.ledger.verify import CheckResult
from store.kit.errors import DomainError
from store.kit.money import format_eur
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
    run_with_state = ctx.meta["run_with_state"]
    try:
        return run_with_state(settings, work)
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc


def register(cli: click.Group) -> None:
    @cli.group()
    def ledger() -> None:
        """Grand livre : vérification, expiration des réservations."""

    register_billing(cli)

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


def register_billing(cli: click.Group) -> None:
    @cli.group()
    def billing() -> None:
        """Facturation : campagne, paiements, retards, clôture."""

    @billing.command("run")
    @click.option("--period", required=True, help="Mois facturé, AAAA-MM.")
    @click.option("--issue-date", default=None, help="Date d'émission (AAAA-MM-JJ), aujourd'hui par défaut.")
    @click.pass_context
    def run(ctx: click.Context, period: str, issue_date: str | None) -> None:
        """Lance ou reprend la facturation d'une période (rejouable sans double facturation)."""

        async def work(state: Any) -> Any:
            return await state.billing.run_billing(None, period, issue_date=issue_date)

        report = run_in_app(ctx, work)
        console.print(
            f"Période {report.period} : {report.issued}/{report.invoices} facture(s) émise(s), "
            f"{report.charges_planned} charge(s) facturée(s), {report.charges_blocked} bloquée(s)."
        )
        for line in report.blocked:
            console.print(f"  [yellow]bloquée[/yellow] {line}")

    @billing.command("import-payments")
    @click.argument("csv_file", type=click.File(encoding="utf-8"))
    @click.pass_context
    def import_payments(ctx: click.Context, csv_file: Any) -> None:
        """Importe un CSV d'ordres de paiement (numero_facture;montant;date_paiement;reference)."""
        text = csv_file.read()

        async def work(state: Any) -> Any:
            return await state.billing.import_payments(None, text)

        rows = run_in_app(ctx, work)
        table = RichTable(title="Import des paiements")
        for column in ("Ligne", "Référence", "Facture", "Résultat", "Détail"):
            table.add_column(column)
        for row in rows:
            table.add_row(str(row.line), row.reference, row.invoice_number, row.status, row.detail)
        console.print(table)
        if any(r.status == "error" for r in rows):
            ctx.exit(1)

    @billing.command("overdue")
    @click.pass_context
    def overdue(ctx: click.Context) -> None:
        """Liste les factures échues et impayées."""

        async def work(state: Any) -> Any:
            return await state.billing.overdue()

        invoices = run_in_app(ctx, work)
        table = RichTable(title="Factures en retard")
        for column in ("Numéro", "Payeur", "Échéance", "TTC"):
            table.add_column(column)
        for invoice in invoices:
            table.add_row(
                invoice.number or "",
                f"{invoice.payer_name} ({invoice.payer_siren})",
                invoice.due_date or "",
                format_eur(invoice.total_ttc),
            )
        console.print(table)

    @billing.command("close-period")
    @click.option("--period", required=True, help="Mois à clore, AAAA-MM.")
    @click.pass_context
    def close_period(ctx: click.Context, period: str) -> None:
        """Clôt un mois : plus aucune écriture datée dedans ; scellé dans la chaîne d'empreintes."""

        async def work(state: Any) -> int:
            return int(await state.billing.close_period(None, period))

        seq = run_in_app(ctx, work)
        console.print(f"Période {period} close et scellée (journal n° {seq}).")
