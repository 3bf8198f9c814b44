"""``tstore seed-funding``: the funding demo (see ``catalogue.funding.demo``)."""

from __future__ import annotations

import click

from catalogue.funding.demo import seed_funding_demo
from store.kit.errors import DomainError


def register(cli: click.Group) -> None:
    @cli.command("seed-funding")
    @click.pass_context
    def seed_funding(ctx: click.Context) -> None:
        """Installe le plan France Relance (88 M€, trois axes, guichets départementaux), deux appels à
        projets et des candidatures à chaque étape (sans effet s'ils existent déjà)."""
        run_with_state = ctx.meta["run_with_state"]
        console = ctx.meta["console"]
        try:
            created = run_with_state(ctx.obj, seed_funding_demo)
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        if created.get("envelopes"):
            console.print(
                f"[green]Plan installé[/green] : {created['envelopes']} enveloppes (88 M€, trois axes)."
            )
        else:
            console.print("Le plan France Relance existe déjà.")
        if created.get("reservations"):
            console.print(f"{created['reservations']} réservations de la consultation inscrites sur l'axe 1.")
        if created.get("calls"):
            console.print(f"{created['calls']} appels à projets ouverts.")
        if created.get("applications"):
            console.print(
                f"{created['applications']} candidatures de démonstration (/curation/financements)."
            )
