"""The small registry used by tests (replaced by a subset of the real data once it is imported)."""

from __future__ import annotations

from store.registry.tables import Collectivite

# Real SIRENs (Luhn-valid): Bourg-en-Bresse, its agglomération, and Ambérieu-en-Bugey.
FIXTURE = [
    dict(
        siren="210100533",
        kind="commune",
        name="Bourg-en-Bresse",
        insee_code="01053",
        population=42_159,
        departement_code="01",
        region_code="84",
        epci_siren="200071751",
    ),
    dict(
        siren="200071751",
        kind="epci",
        subkind="CA",
        name="CA du Bassin de Bourg-en-Bresse",
        population=135_282,
        departement_code="01",
        region_code="84",
    ),
    dict(
        siren="210100046",
        kind="commune",
        name="Ambérieu-en-Bugey",
        insee_code="01004",
        population=14_644,
        departement_code="01",
        region_code="84",
        epci_siren=None,
    ),
]


async def load_reference_fixture() -> None:
    from store.registry.siren import fold

    if await Collectivite.count() > 0:
        return
    await Collectivite.insert(
        *[
            Collectivite(
                **{
                    "subkind": "",
                    "population_year": 2023,
                    "cog_year": 2026,
                    **row,
                    "name_search": fold(row["name"]),
                }
            )
            for row in FIXTURE
        ]
    )
