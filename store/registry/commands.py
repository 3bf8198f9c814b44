"""``import-registry``: load the committed collectivités dataset into the database."""

from __future__ import annotations

import asyncio

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from store.kit.db import Database
from store.kit.settings import Settings, SettingsError, load_settings
from store.registry.dataset import DATA_DIR, DatasetError, read_dataset
from store.registry.importer import ImportReport, RegistryImporter
from store.registry.piccolo_app import APP_CONFIG

console = Console(stderr=True)


class _RichProgress:
    """The importer's progress, drawn as one bar per phase."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def phase(self, description: str, total: int) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[-1].total)
        self.task = self.progress.add_task(description, total=max(total, 1))
        if total == 0:
            self.progress.update(self.task, completed=1)

    def advance(self, amount: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, amount)


async def import_registry(settings: Settings, *, force: bool, progress: _RichProgress | None) -> ImportReport:
    dataset = read_dataset(DATA_DIR)
    db = Database(settings)
    db.bind(APP_CONFIG.table_classes)
    await db.start()
    try:
        return await RegistryImporter(db).run(dataset, force=force, progress=progress)
    finally:
        await db.stop()


def register(cli: click.Group) -> None:
    @cli.command("import-registry")
    @click.option("--force", is_flag=True, help="Compare ligne à ligne même si ce jeu a déjà été importé.")
    @click.pass_context
    def import_registry_command(ctx: click.Context, force: bool) -> None:
        """Importe le référentiel des collectivités (INSEE COG via Etalab) ; idempotent."""
        try:
            settings = ctx.find_object(Settings) or load_settings()
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        try:
            with Progress(*columns, console=console, transient=False) as bar:
                report = asyncio.run(import_registry(settings, force=force, progress=_RichProgress(bar)))
        except DatasetError as exc:
            raise click.ClickException(str(exc)) from exc
        counts = report.counts
        if not report.skipped and not report.changed:
            console.print(
                f"[green]Référentiel déjà à jour[/green] : {report.unchanged} collectivités identiques."
            )
            return
        if report.skipped:
            console.print(
                f"[green]Référentiel déjà à jour[/green] (COG {report.cog_year}, "
                f"{report.unchanged} collectivités ; --force pour tout comparer)."
            )
            return
        console.print(
            f"[green]Référentiel importé[/green] en {report.seconds:.1f} s — COG {report.cog_year}, "
            f"populations {report.population_year} : {counts['commune']} communes, {counts['epci']} EPCI, "
            f"{counts['ept']} EPT, {counts['departement']} départements, {counts['region']} régions.\n"
            f"Ajoutées {report.inserted}, modifiées {report.updated}, retirées {report.retired}, "
            f"inchangées {report.unchanged} ; adhésions +{report.members_added} −{report.members_removed}."
        )
