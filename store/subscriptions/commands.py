"""Operator commands: ``tstore subscriptions charges --period AAAA-MM``."""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console

from store.kit.errors import DomainError
from store.kit.money import format_eur
from store.kit.settings import Settings, load_settings

console = Console()


def register(cli: click.Group) -> None:
    @cli.group()
    def subscriptions() -> None:
        """Abonnements : charges mensuelles à facturer."""

    @subscriptions.command("charges")
    @click.option("--period", required=True, help="Mois terminé à facturer, AAAA-MM.")
    @click.option("--dry-run", is_flag=True, help="Affiche les charges sans les enregistrer.")
    @click.pass_context
    def charges(ctx: click.Context, period: str, dry_run: bool) -> None:
        """Calcule les charges du mois (au prorata des jours) et les transmet à la facturation ;
        rejouable : une charge déjà transmise n'est jamais comptée deux fois."""

        async def work(state: Any) -> tuple[int, int, int]:
            made = await state.subscription_charges.charges_for(period)
            fresh = 0 if dry_run or not made else await state.billing.add_charges(made)
            return len(made), fresh, sum(c.amount_ht for c in made)

        settings = ctx.find_object(Settings) or load_settings()
        try:
            count, fresh, total = ctx.meta["run_with_state"](settings, work)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        verb = "à transmettre" if dry_run else f"dont {fresh} nouvelle(s)"
        console.print(f"Période {period} : {count} charge(s) {verb}, {format_eur(total)} HT au total.")

    @subscriptions.command("reconcile")
    @click.pass_context
    def reconcile(ctx: click.Context) -> None:
        """Déploie les services des abonnements actifs qui ne tournent pas, retire ceux des abonnements
        suspendus ou résiliés (après un arrêt brutal entre une signature et son déploiement)."""

        async def work(state: Any) -> list[str]:
            return list(await state.subscriptions.reconcile())

        settings = ctx.find_object(Settings) or load_settings()
        try:
            done = ctx.meta["run_with_state"](settings, work)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        for line in done:
            console.print(f"  {line}")
        console.print(f"{len(done)} déploiement(s) remis en ordre.")
