"""The registry used by tests: a real subset of the committed dataset, loaded by the real importer.

Kept (with every département and région): all communes of the Ain (01) and of the Rhône (69), the
Métropole de Lyon, the Métropole du Grand Paris with its 11 EPT, every EPCI of those communes with
all its members, and homonyms in other départements (Saint-Denis 93/974, Valence 26/82,
Sainte-Croix 01/26) and Saint-Étienne (42) with their EPCIs, and a few EPCIs elsewhere
(EXTRA_GROUPS). About 1 500 rows: < 1 s.
"""

from __future__ import annotations

import functools
from typing import Any

from store.kit.db import Database
from store.registry.dataset import Dataset, read_dataset
from store.registry.importer import ImportReport, RegistryImporter
from store.registry.tables import Collectivite

BOURG_EN_BRESSE = "210100533"
CA_BASSIN_DE_BOURG = "200071751"
AMBERIEU_EN_BUGEY = "210100046"
METROPOLE_DE_LYON = "200046977"
LYON = "216901231"
DEPARTEMENT_DU_RHONE = "226900017"
DEPARTEMENT_DE_L_AIN = "220100010"
METROPOLE_DU_GRAND_PARIS = "200054781"
PLAINE_COMMUNE = "200057867"
PARIS = "217500016"
REGION_AURA = "200053767"
SEED_DEPARTEMENTS = {"01", "69"}
HOMONYM_INSEE_CODES = {"93066", "97411", "26362", "82186", "01342", "26299", "42218"}
# EPCIs (with all their communes) that consultation tests and tallies use across several départements.
EXTRA_GROUPS = {
    "243500139",  # Rennes Métropole
    "242100410",  # Dijon Métropole
    "246300701",  # Clermont Auvergne Métropole
    "243300316",  # Bordeaux Métropole
    "200040715",  # Grenoble-Alpes-Métropole
    "248000531",  # CA Amiens Métropole
    "244400404",  # Nantes Métropole
    "200006930",  # CC du Haut Allier Margeride
    "200041556",  # CC Portes de la Creuse en Marche
    "200044014",  # CC Creuse Grand Sud
}


@functools.cache
def full_dataset() -> Dataset:
    return read_dataset()


@functools.cache
def reference_subset() -> Dataset:
    dataset = full_dataset()
    by_siren = {r.siren: r for r in dataset.collectivites}
    members: dict[str, set[str]] = {}
    for group, member in dataset.members:
        members.setdefault(group, set()).add(member)
    communes = {
        r.siren
        for r in dataset.collectivites
        if r.kind == "commune"
        and (r.departement_code in SEED_DEPARTEMENTS or r.insee_code in HOMONYM_INSEE_CODES)
    }
    groups = {by_siren[s].epci_siren for s in communes} - {None}
    groups |= {METROPOLE_DE_LYON, METROPOLE_DU_GRAND_PARIS} | EXTRA_GROUPS
    groups |= {g for g, row in by_siren.items() if row.kind == "ept"}
    for group in groups:
        communes |= members[group]  # type: ignore[index]
    keep = communes | groups
    return dataset.subset(lambda row: row.siren in keep)


class _BoundDatabase:
    """The engine the test session bound the tables to, seen the way the importer expects a database."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def write_transaction(self) -> Any:
        return Database.write_transaction(self)  # type: ignore[arg-type]


async def load_reference_fixture() -> ImportReport:
    """Import the subset into the bound database (a no-op when it is already there)."""
    importer = RegistryImporter(_BoundDatabase(Collectivite._meta.db))  # type: ignore[arg-type]
    return await importer.run(reference_subset())
