"""``tstore reindex``: rebuild the search indexes from the database, with a progress bar."""

from __future__ import annotations

from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from search.listings_source import ListingSource
from search.service import SearchService
from store.kit.settings import Settings
from store.registry.tables import Collectivite


def register(cli: click.Group) -> None:
    @cli.command("reindex")
    @click.option(
        "--index",
        "which",
        type=click.Choice(["collectivites", "services", "all"]),
        default="all",
        help="Index à reconstruire.",
    )
    @click.pass_context
    def reindex(ctx: click.Context, which: str) -> None:
        """Reconstruit les index de recherche depuis la base, sans interruption (échange d'index)."""
        run_with_state = ctx.meta["run_with_state"]
        console = ctx.meta["console"]

        async def work(state: Any) -> dict[str, int]:
            search: SearchService = state.search
            counts: dict[str, int] = {}
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                if which in ("collectivites", "all"):
                    task = progress.add_task("Collectivités", total=await Collectivite.count())
                    counts["collectivité(s)"] = await search.reindex_collectivites(
                        lambda n: progress.advance(task, n)
                    )
                if which in ("services", "all"):
                    task = progress.add_task("Services", total=await ListingSource().count())
                    counts["service(s)"] = await search.reindex_services_from_database(
                        lambda n: progress.advance(task, n)
                    )
            return counts

        counts = run_with_state(ctx.find_object(Settings), work)
        done = ", ".join(f"{n} {what}" for what, n in counts.items())
        console.print(f"[green]Index reconstruit(s)[/green] : {done}.")
