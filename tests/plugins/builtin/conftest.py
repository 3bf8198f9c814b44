"""First-party services published through the real pipeline, then deployed for the test tenants."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.builtin.seed import publish_builtin
from store.registry.siren import fold
from store.registry.tables import Collectivite

PETITE_COMMUNE = "210199998"
"""A fictitious commune under 3 500 inhabitants (Luhn-valid SIREN), added to the test registry."""


async def ensure_small_commune() -> None:
    if not await Collectivite.exists().where(Collectivite.siren == PETITE_COMMUNE):
        await Collectivite.insert(
            Collectivite(
                siren=PETITE_COMMUNE,
                kind="commune",
                subkind="",
                name="Villeneuve-sur-Test",
                name_search=fold("Villeneuve-sur-Test"),
                insee_code="01999",
                population=1_250,
                population_year=2023,
                cog_year=2026,
                departement_code="01",
                region_code="84",
                epci_siren="200071751",
            )
        )


@pytest.fixture
async def builtin(state: Any) -> list[str]:
    await ensure_small_commune()
    return await publish_builtin(state)
