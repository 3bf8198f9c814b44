"""Demo replay of a consultation shaped like the 2021 one, so that every phase has data.

``seed_consultation_demo(state)`` replays it through the services (the same rules as HTTP), with
a simulated clock: collecte five months ago, then regroupement, vote, sélection, positionnement,
and déploiement open now. Idempotent: a second run finds the consultation and does nothing.
Voters are real collectivités of the registry (a sample of real ones is added when the registry is
nearly empty). The votes are cast by one demo account acting under each collectivité's mandate.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import click

from catalogue.needs.phases import PHASE_ORDER
from catalogue.needs.reference import THEMATIQUES
from catalogue.needs.schemas import (
    ConsultationCreate,
    ContributionCreate,
    MergeRequest,
    PhaseInput,
    ProposalDraft,
)
from catalogue.votes.schemas import DecisionRequest, InterestRequest, MilestoneRequest, ReviewRequest
from store.demo.data import PEOPLE
from store.kit.auth import Actor, MandateInfo, scopes_for
from store.kit.errors import DomainError
from store.registry.tables import Collectivite
from store.upstream_demo import scenario

SLUG = "transformation-numerique-2021"
CURATOR = next(person for person in PEOPLE if person.kind == "curator")
"""The main demo's curator (``seed-demo``) runs this consultation too: one curator account for both."""
CURATOR_EMAIL = CURATOR.email
AGENT_EMAIL = "agent@demo.territoires-store.fr"
"""Not a person's login: the account the replay records as author of the simulated contributions."""
DEMO_PASSWORD = "Demo-Territoires-2021!"  # noqa: S105 - a demo login, refused in production


class Replay:
    """A clock the services read while the replay moves through five months."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def at(self, days: float) -> None:
        self.now = self.now + dt.timedelta(days=days)


async def _account(state: Any, email: str, name: str, curator: bool, password: str = DEMO_PASSWORD) -> str:
    found = await state.accounts.repo.get_by_email(email)
    if found is not None:
        return str(found.id)
    return str(
        await state.accounts.create_account(
            email=email, password=password, display_name=name, is_curator=curator
        )
    )


def _acting_for(account_id: str, row: dict[str, Any]) -> Actor:
    mandate = MandateInfo(
        kind="collectivite", org_id=row["siren"], org_name=row["name"], role="elu_executif", can_sign=True
    )
    return Actor(
        account_id=account_id,
        display_name=f"Démo — {row['name']}",
        mandates=(mandate,),
        scopes=scopes_for(False, [mandate]),
    )


async def _voters() -> list[dict[str, Any]]:
    rows = (
        await Collectivite.select(
            Collectivite.siren,
            Collectivite.name,
            Collectivite.kind,
            Collectivite.departement_code,
            Collectivite.epci_siren,
        )
        .where(Collectivite.kind.is_in(["commune", "epci"]))
        .order_by(Collectivite.siren)
    )
    if len(rows) < 40:
        raise click.ClickException(
            "Le référentiel des collectivités est presque vide : lancez d'abord « import-registry »."
        )
    return list(rows)


async def seed_consultation_demo(state: Any) -> dict[str, int]:
    """Replay the consultation; returns what it created (empty when it already existed)."""
    existing = await state.consultations.repo.consultation_by_slug(SLUG)
    if existing is not None:
        return {}
    if state.settings.env == "prod":
        raise click.ClickException("La démonstration ne s'installe pas en production.")
    rng = random.Random(2021)
    collectivites = await _voters()
    epcis = [c for c in collectivites if c["kind"] == "epci"]
    members: dict[str, list[dict[str, Any]]] = {}
    for c in collectivites:
        if c["epci_siren"]:
            members.setdefault(c["epci_siren"], []).append(c)

    # Created as seed-demo would create her, whichever of the two demos runs first.
    curator_id = await _account(state, CURATOR.email, CURATOR.name, True, CURATOR.password)
    agent_id = await _account(state, AGENT_EMAIL, "Agent (démo)", False)
    curator = await state.accounts.load_actor(curator_id)

    real_clock = state.consultations.clock
    start = real_clock() - dt.timedelta(days=150)
    clock = Replay(start)
    state.consultations.clock = clock
    try:
        return await _replay(state, rng, clock, curator, agent_id, collectivites, epcis, members)
    finally:
        state.consultations.clock = real_clock


async def _replay(
    state: Any,
    rng: random.Random,
    clock: Replay,
    curator: Actor,
    agent_id: str,
    collectivites: list[dict[str, Any]],
    epcis: list[dict[str, Any]],
    members: dict[str, list[dict[str, Any]]],
) -> dict[str, int]:
    lengths = [40, 20, 30, 15, 30, 210, 60]  # days, from 150 days ago: déploiement is open today
    ends, total = [], 0
    for days in lengths:
        total += days
        ends.append(clock() + dt.timedelta(days=total))
    view = await state.consultations.create(
        curator,
        ConsultationCreate(
            slug=SLUG,
            title="Transformation numérique des territoires",
            summary="Besoins des collectivités, soutiens, sélection, territoires référents.",
            description=(
                "Rejeu de démonstration de la consultation de 2021 (plan de relance, axe 1 : 30 M€ pour une "
                "dizaine de services co-construits avec les collectivités)."
            ),
            starts_at=clock(),
            phases=[PhaseInput(kind=k.value, ends_at=e) for k, e in zip(PHASE_ORDER, ends, strict=True)],
            vote_limit=5,
            envelope_code="relance-axe-1",
            default_pilot_capacity=3,
        ),
    )
    cid = view.id
    await state.consultations.publish(curator, cid)

    # Collecte: ~100 contributions, some by groupements on behalf of members, some existing services.
    contributions: list[tuple[int, int]] = []  # (contribution id, intended proposal index or -1/-2)
    plan = [i % len(scenario.PROPOSALS) for i in range(scenario.COUNTS["contributions"])]
    rng.shuffle(plan)
    outcomes = [-1] * scenario.COUNTS["reoriented"] + [-2] * scenario.COUNTS["rejected"]
    plan = outcomes + plan[len(outcomes) :]
    for n, target in enumerate(plan):
        clock.at(0.35)
        author = rng.choice(collectivites)
        on_behalf: list[str] = []
        if author["kind"] == "epci" and members.get(author["siren"]):
            on_behalf = [
                m["siren"]
                for m in rng.sample(members[author["siren"]], min(2, len(members[author["siren"]])))
            ]
        title, theme, _, _, _ = (
            scenario.PROPOSALS[target]
            if target >= 0
            else (
                "Équiper les écoles en tablettes" if target == -2 else "Raccorder les écoles à la fibre",
                THEMATIQUES[n % len(THEMATIQUES)],
                "",
                0,
                "",
            )
        )
        existing = target >= 0 and n % 9 == 0
        url, repo, licence = scenario.EXISTING_SERVICES[n % 3] if existing else ("", "", "")
        created = await state.contributions.submit(
            _acting_for(agent_id, author),
            cid,
            ContributionCreate(
                collectivite_siren=author["siren"],
                kind="service_existant" if existing else "besoin",
                title=f"{title} ({author['name']})"[:200],
                body=f"{author['name']} souhaite : {title.lower()}. Exprimé par ses services.",
                thematique=theme,
                service_url=url,
                repository_url=repo,
                licence=licence,
                on_behalf_of=on_behalf,
            ),
        )
        contributions.append((created.id, target))

    # Regroupement.
    clock.at(5)
    await state.consultations.advance(curator, cid, "regroupement")
    proposal_ids: list[int] = []
    for index, (title, theme, kind, _, _) in enumerate(scenario.PROPOSALS):
        clock.at(0.5)
        ids = [c for c, t in contributions if t == index]
        proposal = await state.regroupement.merge(
            curator,
            cid,
            MergeRequest(
                contribution_ids=ids,
                proposal=ProposalDraft(
                    title=title,
                    summary=f"Regroupe {len(ids)} contribution(s) : {title.lower()}.",
                    thematique=theme,
                    kind=kind,  # type: ignore[arg-type]
                ),
            ),
        )
        proposal_ids.append(proposal.id)
    for n, (contribution_id, target) in enumerate(c for c in contributions if c[1] < 0):
        if target == -2:
            await state.regroupement.reject(curator, contribution_id, scenario.REJECTION)
        else:
            await state.regroupement.reorient(curator, contribution_id, scenario.REORIENTATIONS[n % 3])

    # Vote: about 150 supports from 60 collectivités, popular proposals first.
    clock.at(10)
    await state.consultations.advance(curator, cid, "vote")
    weights = [1.0 / (i + 1) ** 0.7 for i in range(len(proposal_ids))]
    supports = 0
    for voter in rng.sample(collectivites, min(scenario.COUNTS["voters"], len(collectivites))):
        clock.at(0.4)
        chosen: set[int] = set()
        for _ in range(rng.choice([1, 2, 2, 3, 3, 4, 5])):
            chosen.add(rng.choices(proposal_ids, weights=weights)[0])
        for proposal_id in chosen:
            await state.supports.support(_acting_for(agent_id, voter), proposal_id, voter["siren"])
            supports += 1

    # Sélection: the committee decides; supports inform it.
    clock.at(5)
    await state.consultations.advance(curator, cid, "selection")
    selected: list[int] = []
    for proposal_id, (_, _, _, euros, decision) in zip(proposal_ids, scenario.PROPOSALS, strict=True):
        clock.at(0.2)
        rationale = {
            "selected": "Besoin partagé par de nombreux territoires ; des territoires référents sont prêts.",
            "deferred": "À réexaminer à l'automne avec une seconde consultation.",
            "not_selected": "Besoin couvert par une offre existante ou trop peu partagé.",
        }[decision]
        await state.selection.decide(
            curator,
            proposal_id,
            DecisionRequest(
                decision=decision,  # type: ignore[arg-type]
                rationale=rationale,
                funding_amount_cents=euros * 100,
                committee_session="Comité de sélection du 3 mai 2021",
            ),
        )
        if decision == "selected":
            selected.append(proposal_id)

    # Positionnement: pilots (three per service at most), early adopters, co-funders, observers.
    clock.at(5)
    await state.consultations.advance(curator, cid, "positionnement")
    interests = 0
    for proposal_id in selected:
        candidates = rng.sample(collectivites, 7)
        roles = ["territoire_referent"] * 4 + ["early_adopter", "cofinanceur", "observateur"]
        for who, role in zip(candidates, roles, strict=True):
            clock.at(0.1)
            declared = await state.interests.declare(
                _acting_for(agent_id, who),
                proposal_id,
                InterestRequest(
                    collectivite_siren=who["siren"],
                    role=role,  # type: ignore[arg-type]
                    commitment_text="Une équipe projet et un terrain d'expérimentation.",
                    cofunding_amount_cents=rng.choice([20_000, 50_000, 80_000]) * 100
                    if role == "cofinanceur"
                    else 0,
                ),
            )
            interests += 1
            try:
                await state.interests.review(curator, declared.id, ReviewRequest(accept=True))
            except DomainError:  # the fourth pilot finds the service full
                await state.interests.review(
                    curator,
                    declared.id,
                    ReviewRequest(accept=False, reason="Capacité de territoires référents atteinte."),
                )

    # Déploiement, open today: weighted milestones.
    clock.at(25)
    await state.consultations.advance(curator, cid, "deploiement")
    for rank, proposal_id in enumerate(selected):
        for step, (title, weight) in enumerate(scenario.MILESTONES):
            progress = max(0, min(100, 100 - (step * 35) + rank * 10))
            await state.deployment.add(
                curator, proposal_id, MilestoneRequest(title=title, weight=weight, progress=progress)
            )
    return {
        "consultation": cid,
        "contributions": len(contributions),
        "proposals": len(proposal_ids),
        "supports": supports,
        "selected": len(selected),
        "interests": interests,
    }


def register(cli: click.Group) -> None:
    @cli.command("seed-consultation")
    @click.pass_context
    def seed_consultation(ctx: click.Context) -> None:
        """Rejoue une consultation de démonstration (façon 2021) : chaque phase a ses données."""
        from store.cli import console, run_with_state, settings_from

        created = run_with_state(settings_from(ctx), seed_consultation_demo)
        if not created:
            console.print(f"La consultation de démonstration « {SLUG} » existe déjà.")
            return
        console.print(
            f"[green]Consultation rejouée[/green] : {created['contributions']} contributions, "
            f"{created['proposals']} propositions, {created['supports']} soutiens, "
            f"{created['selected']} retenues, "
            f"{created['interests']} positionnements. Connexion curatrice : {CURATOR_EMAIL}."
        )
