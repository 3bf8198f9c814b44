"""Prepare the database of the browser tests' server: migrate, load the registry fixture, create one
account per role. Run in a subprocess with the server's TS_* environment (never the test session's).

    python tests/browser/prepare.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from store.app import create_app
from store.kit.migrate import migrate_database
from store.kit.settings import load_settings
from tests.browser.personas import PERSONAS
from tests.support.registry import load_reference_fixture
from tests.support.routes import make_publisher


async def main() -> None:
    settings = load_settings()
    await migrate_database(settings)
    app = create_app(settings)
    state = app.state
    await state.db.start()
    try:
        await load_reference_fixture()
        for persona in PERSONAS.values():
            if persona.publisher:
                await make_publisher(persona.publisher[0], persona.publisher[1])
            await state.accounts.create_account(
                email=persona.email,
                password=persona.password,
                display_name=persona.name,
                is_curator=persona.curator,
            )
            if persona.collectivite:
                await state.accounts.grant_mandate(
                    None,
                    account_email=persona.email,
                    kind="collectivite",
                    siren=persona.collectivite,
                    role="agent",
                )
            if persona.publisher:
                await state.accounts.grant_mandate(
                    None,
                    account_email=persona.email,
                    kind="publisher",
                    siren=persona.publisher[0],
                    role="admin",
                )
    finally:
        await state.dispatcher.drain()
        await state.db.stop()


if __name__ == "__main__":
    asyncio.run(main())
