"""The catalogue demo and the consultation demo share their curator, in whichever order they run,
and ``demo-accounts`` prints one account per role (what ``make run`` shows before serving)."""

from __future__ import annotations

import os
from types import SimpleNamespace
from typing import Any

import msgspec
import pytest
from click.testing import CliRunner

from store.accounts.tables import Account
from store.demo.data import PEOPLE
from store.demo.seed import seed_demo
from store.kit.errors import Forbidden
from store.upstream_demo import SLUG, seed_consultation_demo

CURATOR = PEOPLE[0]


async def curators() -> list[str]:
    return [row["email"] for row in await Account.select(Account.email).where(Account.is_curator.eq(True))]


async def test_the_consultation_demo_first_then_the_catalogue_demo_one_curator(state) -> None:
    assert await seed_consultation_demo(state)
    assert await curators() == [CURATOR.email]
    report = await seed_demo(state)
    assert report.created["comptes"] == len(report.accounts) - 1  # the curator was already there
    assert await curators() == [CURATOR.email]
    curator = await state.accounts.authenticate(CURATOR.email, CURATOR.password)
    consultation = await state.consultations.get_by_slug(SLUG, curator)
    assert consultation.published_at is not None
    assert (await seed_consultation_demo(state)).created == {}
    assert sum((await seed_demo(state)).created.values()) == 0


async def test_the_catalogue_demo_first_then_the_consultation_demo_one_curator(state) -> None:
    await seed_demo(state)
    assert await seed_consultation_demo(state)
    assert await curators() == [CURATOR.email]
    await state.accounts.authenticate(CURATOR.email, CURATOR.password)


async def test_no_demo_in_production(state) -> None:
    production = SimpleNamespace(**{name: state[name] for name in ("accounts", "publishers", "listings")})
    production.settings = msgspec.structs.replace(state.settings, env="prod", secret_key="x" * 40)
    with pytest.raises(Forbidden):
        await seed_demo(production)
    assert await Account.count() == 0


def test_demo_accounts_prints_one_account_per_role(
    app, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store.cli import cli
    from store.demo import commands

    environment = {
        "TS_DATABASE_URL": settings.database_url,
        "TS_DATA_DIR": settings.data_dir,
        "TS_SECRET_KEY": settings.secret_key,
        "TS_ARGON2_TIME_COST": "1",
        "TS_ARGON2_MEMORY_KIB": "8",
        "TS_LOG_LEVEL": "warning",
    }
    for key in [k for k in os.environ if k.startswith("TS_") and k not in environment]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    if "demo-accounts" not in cli.commands:
        commands.register(cli)
    empty = CliRunner().invoke(cli, ["demo-accounts"])
    assert empty.exit_code == 0, empty.output
    assert "Pas encore de comptes de démonstration" in empty.output
    assert CliRunner().invoke(cli, ["seed-demo"]).exit_code == 0
    result = CliRunner().invoke(cli, ["demo-accounts"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for person in PEOPLE:
        assert any(person.email in line and person.password in line for line in lines), person.email
    assert commands.MAIN_DEVELOPER in result.output
    assert "Consultation de démonstration" not in result.output
