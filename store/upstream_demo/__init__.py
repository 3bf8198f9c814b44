"""Demo replay of a consultation shaped like the 2021 one, so that every phase has data.

``tstore seed-consultation`` (``seed_consultation_demo(state)``) replays it through the services
(the same rules as HTTP) with a simulated clock: collecte five months ago, then regroupement, vote,
sélection, positionnement, and déploiement open now. About sixty real collectivités of the registry
act (45 communes, 15 EPCI and two communes of one of them), each through its own agent account.

A second consultation (``services-petites-communes-2022``) is left in its regroupement phase with
its contributions waiting, so that every form can be tried in the browser, phase after phase.

Demo accounts (all with the password ``Demo-Territoires-2021!``, printed by the command):

- the main demo's curator (``seed-demo``): ANCT curator (dashboard, regroupement, sélection,
  positionnements, déploiement);
- ``agent.<SIREN>@demo.territoires-store.fr``: the agent of each acting collectivité, with a
  mandate for it and a signing delegation (its contributions, supports and positionings);
- ``agent.mutualise@demo.territoires-store.fr``: an agent of an EPCI's shared services acting for
  the EPCI and two of its communes (it chooses which one on each page).

Idempotent: accounts and mandates are created once, and a second run finds the consultation and
replays nothing. Refused in production.
"""

from __future__ import annotations

import random
from typing import Any

import click
import msgspec

from store.registry.tables import Collectivite
from store.upstream_demo.accounts import (
    CURATOR_EMAIL,
    DEMO_PASSWORD,
    GROUPEMENT_EMAIL,
    DemoAccount,
    DemoAccounts,
)
from store.upstream_demo.live import LIVE_SLUG, seed_live
from store.upstream_demo.replay import SLUG, Replay, replay

__all__ = [
    "CURATOR_EMAIL",
    "DEMO_PASSWORD",
    "GROUPEMENT_EMAIL",
    "LIVE_SLUG",
    "SLUG",
    "DemoReport",
    "seed_consultation_demo",
]

COMMUNES, EPCIS = 45, 15
"""The acting collectivités (plus two member communes of the groupement agent's EPCI)."""


class DemoReport(msgspec.Struct, kw_only=True):
    created: dict[str, int]
    """What the replay created (empty when the consultation already existed)."""
    accounts: list[DemoAccount]


async def _collectivites() -> list[dict[str, Any]]:
    rows = (
        await Collectivite.select(
            Collectivite.siren,
            Collectivite.name,
            Collectivite.kind,
            Collectivite.departement_code,
            Collectivite.epci_siren,
        )
        .where(Collectivite.kind.is_in(["commune", "epci"]) & (Collectivite.active == True))  # noqa: E712
        .order_by(Collectivite.siren)
    )
    if len(rows) < 40:
        raise click.ClickException(
            "Le référentiel des collectivités est presque vide : lancez d'abord « import-registry »."
        )
    return list(rows)


def _pool(
    rng: random.Random, rows: list[dict[str, Any]], members: dict[str, list[dict[str, Any]]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The acting collectivités, and the groupement agent's EPCI with two of its communes."""
    communes = [r for r in rows if r["kind"] == "commune"]
    epcis = [r for r in rows if r["kind"] == "epci"]
    pool = rng.sample(communes, min(COMMUNES, len(communes))) + rng.sample(epcis, min(EPCIS, len(epcis)))
    groupement = next(
        (e for e in pool if e["kind"] == "epci" and len(members.get(e["siren"], [])) >= 2), None
    )
    if groupement is None:
        raise click.ClickException("Le référentiel ne contient aucun EPCI avec ses communes membres.")
    shared = [groupement, *members[groupement["siren"]][:2]]
    known = {r["siren"] for r in pool}
    return pool + [r for r in shared if r["siren"] not in known], shared


async def seed_consultation_demo(state: Any, *, hash_once: bool = True) -> DemoReport:
    """Create the demo accounts (once) and replay the consultation (once).

    ``hash_once=False`` hashes the demo password for each account (the benchmark compares both)."""
    if state.settings.env == "prod":
        raise click.ClickException("La démonstration ne s'installe pas en production.")
    rng = random.Random(2021)
    rows = await _collectivites()
    members: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        if row["epci_siren"]:
            members.setdefault(row["epci_siren"], []).append(row)
    pool, shared = _pool(rng, rows, members)

    accounts = DemoAccounts(state, hash_once=hash_once)
    curator = await accounts.curator()
    agents = await accounts.agents(pool)
    await accounts.groupement_agent(shared)
    report = DemoReport(created={}, accounts=accounts.made)
    if await state.consultations.repo.consultation_by_slug(SLUG) is None:
        real_clock = state.consultations.clock
        clock = Replay(real_clock() - Replay.SPAN)
        state.consultations.clock = clock
        try:
            report.created = await replay(state, rng, clock, curator, pool, agents, members)
        finally:
            state.consultations.clock = real_clock
    waiting = await seed_live(state, random.Random(2022), curator, pool, agents)
    if waiting:
        report.created["live_contributions"] = waiting
    return report


def register(cli: click.Group) -> None:
    @cli.command("seed-consultation")
    @click.option("--tous-les-comptes", "all_accounts", is_flag=True, help="Liste chaque compte d'agent.")
    @click.pass_context
    def seed_consultation(ctx: click.Context, all_accounts: bool) -> None:
        """Rejoue une consultation de démonstration (façon 2021) : chaque phase a ses données.

        Réutilise la curatrice de « seed-demo » et crée les comptes des collectivités (mot de passe
        commun : Demo-Territoires-2021!) : agent.<SIREN>@demo.territoires-store.fr pour chaque
        collectivité qui agit, agent.mutualise@demo.territoires-store.fr pour un EPCI et deux communes.
        """
        from store.cli import console, run_with_state, settings_from

        report = run_with_state(settings_from(ctx), seed_consultation_demo)
        created = report.created
        if "consultation" in created:
            console.print(
                f"[green]Consultation rejouée[/green] ({SLUG}) : {created['contributions']} contributions, "
                f"{created['proposals']} propositions, {created['supports']} soutiens, "
                f"{created['selected']} retenues, {created['interests']} positionnements."
            )
        else:
            console.print(f"La consultation de démonstration « {SLUG} » existe déjà.")
        if "live_contributions" in created:
            console.print(
                f"[green]Consultation en cours[/green] ({LIVE_SLUG}) : {created['live_contributions']} "
                "contributions attendent leur regroupement (/curation/consultations/" + LIVE_SLUG + ")."
            )
        console.print(f"Comptes de démonstration (mot de passe : [bold]{DEMO_PASSWORD}[/bold]) :")
        agents = [a for a in report.accounts if a.email not in {CURATOR_EMAIL, GROUPEMENT_EMAIL}]
        shown = [a for a in report.accounts if a.email in {CURATOR_EMAIL, GROUPEMENT_EMAIL}]
        shown += agents if all_accounts else agents[:5]
        for account in shown:
            console.print(f"  {account.email} — {account.label}")
        if not all_accounts and len(agents) > 5:
            console.print(f"  … et {len(agents) - 5} autres agents (--tous-les-comptes pour la liste).")
