"""Create the demo publishers, accounts and catalogue through the services (audited like real use).

Idempotent: an existing publisher, account, mandate or listing (by slug) is left as it is.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from catalogue.listings.states import Action, State
from store.demo.data import (
    AMBERIEU,
    BOURG_EN_BRESSE,
    GRAND_BOURG,
    PEOPLE,
    DemoPerson,
    DemoService,
    publishers,
    services,
)
from store.kit.auth import Actor
from store.kit.errors import Forbidden, NotFound
from store.registry.publishers import PublisherCreate
from store.registry.repository import RegistryRepository
from store.subscriptions.demo import seed_subscriptions

PATHS: dict[str, list[tuple[str, Action]]] = {
    State.draft: [],
    State.submitted: [("publisher", Action.submit)],
    State.changes_requested: [("publisher", Action.submit), ("curator", Action.request_changes)],
    State.published: [("publisher", Action.submit), ("curator", Action.approve)],
    State.suspended: [("publisher", Action.submit), ("curator", Action.approve), ("curator", Action.suspend)],
    State.rejected: [("publisher", Action.submit), ("curator", Action.reject)],
    State.retired: [("publisher", Action.submit), ("curator", Action.approve), ("curator", Action.retire)],
}


class RegistryMissing(NotFound):
    code = "registry_missing"


@dataclass
class SeedReport:
    created: Counter[str] = field(default_factory=Counter)
    existing: Counter[str] = field(default_factory=Counter)
    accounts: list[DemoPerson] = field(default_factory=list)
    states: dict[str, int] = field(default_factory=dict)


async def _resolve_people() -> tuple[DemoPerson, ...]:
    """The demo people, with the second collectivité taken from the registry actually loaded.

    Bourg-en-Bresse is in both the test fixture and the full import. The other agent acts for its
    EPCI (the CA du Bassin de Bourg-en-Bresse), or for Ambérieu-en-Bugey if that EPCI is missing.
    """
    registry = RegistryRepository()
    bourg = await registry.get_collectivite(BOURG_EN_BRESSE)
    if bourg is None:
        raise RegistryMissing(
            f"La collectivité {BOURG_EN_BRESSE} (Bourg-en-Bresse) est absente du référentiel : importez "
            "d'abord le référentiel des collectivités (ou le jeu de test), puis relancez seed-demo."
        )
    other = None
    for siren in (bourg.get("epci_siren"), GRAND_BOURG, AMBERIEU):
        if siren and (other := await registry.get_collectivite(siren)) is not None:
            break
    if other is None:
        raise RegistryMissing("Aucune seconde collectivité de démonstration dans le référentiel.")
    people = []
    for person in PEOPLE:
        if person.siren == GRAND_BOURG:
            label = f"Agent, {other['name']}"
            person = dataclasses.replace(person, siren=other["siren"], role_label=label)
        people.append(person)
    return tuple(people)


async def _ensure_person(state: Any, person: DemoPerson, report: SeedReport) -> Actor:
    accounts = state.accounts
    record = await accounts.repo.get_by_email(person.email)
    if record is None:
        account_id = await accounts.create_account(
            email=person.email,
            password=person.password,
            display_name=person.name,
            is_curator=person.kind == "curator",
        )
        report.created["comptes"] += 1
    else:
        account_id = record.id
        report.existing["comptes"] += 1
    actor: Actor = await accounts.load_actor(account_id)
    if person.siren and not any(m.org_id == person.siren and m.kind == person.kind for m in actor.mandates):
        await accounts.grant_mandate(
            None,
            account_email=person.email,
            kind=person.kind,
            siren=person.siren,
            role=person.role or "agent",
            can_sign=person.can_sign,
        )
        report.created["mandats"] += 1
        actor = await accounts.load_actor(account_id)
    report.accounts.append(person)
    return actor


async def _ensure_listing(
    state: Any, spec: DemoService, dev: Actor, curator: Actor, report: SeedReport
) -> None:
    try:
        await state.listings.get(curator, spec.slug)
    except NotFound:
        pass
    else:
        report.existing["services"] += 1
        return
    await state.listings.create(dev, spec.to_create())
    for who, action in PATHS[spec.state]:
        reason = spec.note or "Décision de démonstration."
        await state.listings.transition(dev if who == "publisher" else curator, spec.slug, action, reason)
    report.created["services"] += 1


async def seed_demo(state: Any) -> SeedReport:
    if state.settings.env == "prod":
        raise Forbidden(
            "La démonstration ne s'installe pas en production (TS_ENV=prod).", code="demo_in_prod"
        )
    everyone = await _resolve_people()
    report = SeedReport()
    for publisher in publishers():
        try:
            await state.publishers.get(publisher.siren)
        except NotFound:
            await state.publishers.create(
                None,
                PublisherCreate(
                    siren=publisher.siren,
                    name=publisher.name,
                    website=publisher.website,
                    contact_email=publisher.contact_email,
                    description=publisher.description,
                    verified=publisher.verified,
                ),
            )
            report.created["éditeurs"] += 1
        else:
            report.existing["éditeurs"] += 1
    people = {person.email: await _ensure_person(state, person, report) for person in everyone}
    curator = people[everyone[0].email]
    developers = {p.key: await _ensure_person(state, p.person(), report) for p in publishers()}
    for spec in services():
        await _ensure_listing(state, spec, developers[spec.publisher], curator, report)
    by_role = {(p.siren, p.can_sign): people[p.email] for p in everyone if p.kind == "collectivite"}
    await seed_subscriptions(
        state,
        curator=curator,
        mayor=by_role[(BOURG_EN_BRESSE, True)],
        agent=by_role[(BOURG_EN_BRESSE, False)],
        other=next(a for (siren, _), a in by_role.items() if siren != BOURG_EN_BRESSE),
        created=report.created,
        existing=report.existing,
    )
    report.states = await state.listings.count_by_state()
    return report
