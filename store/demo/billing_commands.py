"""``seed-billing``: the demo's billing history (see ``store.demo.billing``), then the ledger check."""

from __future__ import annotations

from typing import Any

import click

from store.billing.ledger.verify import CheckResult
from store.demo.billing import BillingDemoReport, seed_billing_demo
from store.kit.errors import DomainError


async def seed_and_verify(state: Any) -> tuple[BillingDemoReport, list[CheckResult]]:
    report = await seed_billing_demo(state)
    return report, list(await state.billing.verify())


def register(cli: click.Group) -> None:
    @cli.command("seed-billing")
    @click.pass_context
    def seed_billing(ctx: click.Context) -> None:
        """Facture les mois écoulés des abonnements de démonstration (un service cofinancé par l'État,
        des paiements, une facture en retard, un avoir), puis vérifie le grand livre (sans effet si
        c'est déjà fait)."""
        run_with_state = ctx.meta["run_with_state"]
        console = ctx.meta["console"]
        try:
            report, checks = run_with_state(ctx.obj, seed_and_verify)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        made = report.created
        if not report.billed:
            console.print("Aucun mois écoulé à facturer pour les abonnements de démonstration.")
        elif made["campagnes"]:
            console.print(
                f"[green]Facturation de démonstration[/green] : {made['campagnes']} mois facturé(s) "
                f"({report.billed[0]} → {report.billed[-1]}), {made['factures']} facture(s), "
                f"{made['paiements']} paiement(s), {made['avoirs']} avoir(s)."
            )
        else:
            console.print(f"Mois déjà facturés : {report.billed[0]} → {report.billed[-1]}.")
        failed = [c for c in checks if not c.ok]
        if failed:
            raise click.ClickException(
                "Grand livre : " + "; ".join(f"{c.invariant} {c.detail}" for c in failed)
            )
        console.print("Grand livre vérifié : tous les invariants sont respectés.")
