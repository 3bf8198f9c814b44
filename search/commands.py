"""``tstore reindex``: rebuild the search indexes from the database, with a progress bar."""

from __future__ import annotations

from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from search.service import SearchService
from store.kit.settings import Settings
from store.registry.tables import Collectivite


def register(cli: click.Group) -> None:
    @cli.command("reindex")
    @click.option(
        "--index",
        "which",
        type=click.Choice(["collectivites", "all"]),
        default="all",
        help="Index à reconstruire (les services suivront le catalogue).",
    )
    @click.pass_context
    def reindex(ctx: click.Context, which: str) -> None:
        """Reconstruit les index de recherche depuis la base, sans interruption (échange d'index)."""
        run_with_state = ctx.meta["run_with_state"]
        console = ctx.meta["console"]

        async def work(state: Any) -> int:
            search: SearchService = state.search
            total = await Collectivite.count()
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task("Collectivités", total=total)
                return await search.reindex_collectivites(lambda n: progress.advance(task, n))

        count = run_with_state(ctx.find_object(Settings), work)
        console.print(f"[green]Index reconstruit[/green] : {count} collectivité(s).")
