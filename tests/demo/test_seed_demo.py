"""The demo seed: realistic, complete, idempotent, and usable with the documented passwords."""

from __future__ import annotations

import os
from typing import Any

import pytest
from click.testing import CliRunner

from catalogue.listings.tables import Listing, ListingPlan, ListingThematique
from store.accounts.passwords import password_problems
from store.accounts.tables import Account, Mandate
from store.demo.data import PEOPLE, publishers, services
from store.demo.seed import seed_demo
from store.kit.tables import AuditEntry, OutboxEvent
from store.registry.tables import Publisher

TABLES = (Publisher, Account, Mandate, Listing, ListingPlan, ListingThematique, AuditEntry, OutboxEvent)


async def counts() -> dict[str, int]:
    return {table._meta.tablename: await table.count() for table in TABLES}


async def test_seeding_twice_gives_the_same_database(state) -> None:
    first = await seed_demo(state)
    after_first = await counts()
    second = await seed_demo(state)
    assert await counts() == after_first
    assert sum(second.created.values()) == 0
    assert first.created["services"] == len(services()) >= 30
    assert first.created["éditeurs"] == len(publishers())
    assert first.states["published"] >= 30
    assert first.states["submitted"] >= 1
    assert first.states["draft"] >= 1


async def test_the_demo_catalogue_has_the_articles_three_services_and_every_thematique(client, state) -> None:
    await seed_demo(state)
    everything = (await client.get("/api/v1/listings?per_page=100")).json()["items"]
    names = {item["name"] for item in everything}
    assert {"Orientation des usagers", "Conseil municipal en ligne", "Serveur vocal interactif"} <= names
    thematiques = {t["slug"] for item in everything for t in item["thematiques"]}
    assert len(thematiques) == 14
    assert {k for item in everything for k in item["plan_kinds"]} == {
        "free",
        "flat",
        "per_inhabitant",
        "tiered",
    }
    assert len({item["publisher"]["siren"] for item in everything}) >= 5
    page = await client.get("/catalogue/serveur-vocal-interactif", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Au-delà de 100\u202f000 habitants" in page.text


async def test_demo_accounts_sign_in_with_their_documented_passwords(state) -> None:
    report = await seed_demo(state)
    assert {p.email for p in PEOPLE} <= {p.email for p in report.accounts}
    roles = set()
    for person in report.accounts:
        assert password_problems(person.password) == []
        actor = await state.accounts.authenticate(person.email, person.password)
        roles |= {r.value for r in actor.roles}
        if person.role == "elu_executif":
            assert actor.can_sign_for("210100533")
    assert roles == {"curator", "collectivite", "publisher"}


async def test_the_review_queue_has_something_to_review(state) -> None:
    await seed_demo(state)
    curator = await state.accounts.authenticate(PEOPLE[0].email, PEOPLE[0].password)
    queue = await state.listings.review_queue(curator)
    assert len(queue) >= 2


def test_seed_demo_command_prints_the_accounts(app, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.cli import COMMAND_MODULES, cli
    from store.demo import commands

    assert "store.demo.commands" in COMMAND_MODULES

    environment = {
        "TS_DATABASE_URL": settings.database_url,
        "TS_DATA_DIR": settings.data_dir,
        "TS_SECRET_KEY": settings.secret_key,
        "TS_ARGON2_TIME_COST": "1",
        "TS_ARGON2_MEMORY_KIB": "8",
        "TS_LOG_LEVEL": "warning",
        "COLUMNS": "160",
    }
    for key in [k for k in os.environ if k.startswith("TS_") and k not in environment]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    if "seed-demo" not in cli.commands:
        commands.register(cli)
    result = CliRunner().invoke(cli, ["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "curatrice@anct.example" in result.output
    assert "Maire-Bourg-2026" in result.output
    again = CliRunner().invoke(cli, ["seed-demo"])
    assert again.exit_code == 0
    assert "rien de nouveau" in again.output


async def test_without_the_registry_the_seed_says_what_to_do(state, monkeypatch: pytest.MonkeyPatch) -> None:
    from store.kit.errors import NotFound
    from store.registry.repository import RegistryRepository

    async def nothing(self: Any, siren: str) -> None:
        return None

    monkeypatch.setattr(RegistryRepository, "get_collectivite", nothing)
    with pytest.raises(NotFound) as error:
        await seed_demo(state)
    assert "importez d'abord le référentiel" in error.value.detail
    assert await Publisher.count() == 0
