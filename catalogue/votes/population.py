"""Deduplicated population covered by a set of collectivités, from the registry.

A commune counts once however many of its groups also support. A group (EPCI, EPT, syndicat)
expands to its member communes known to the registry, plus the remainder of its own population
that those members do not explain (so partial membership data still gives the group's total). A
département or région expands to its communes the same way.

``population_of`` is the seam: once ``store.registry.service.population_of`` lands, it can
replace this module's loader without touching the tallies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from store.registry.tables import Collectivite, CollectiviteMember

GROUP_KINDS = {"epci", "ept", "syndicat", "other"}


class CoverageIndex:
    """The registry facts about a set of voters, to compute coverage of any subset in memory."""

    def __init__(self, info: dict[str, dict[str, Any]], units: dict[str, dict[str, int]]) -> None:
        self.info = info
        self.units = units

    def population(self, sirens: Iterable[str]) -> int:
        covered: dict[str, int] = {}
        for siren in sirens:
            covered.update(self.units.get(siren, {}))
        return sum(covered.values())

    @property
    def population_year(self) -> int | None:
        years = [i["population_year"] for i in self.info.values() if i.get("population_year")]
        return max(years) if years else None


_COLUMNS = (
    Collectivite.siren,
    Collectivite.name,
    Collectivite.kind,
    Collectivite.population,
    Collectivite.population_year,
    Collectivite.departement_code,
    Collectivite.region_code,
)


async def load_coverage(sirens: Iterable[str]) -> CoverageIndex:
    wanted = sorted(set(sirens))
    if not wanted:
        return CoverageIndex({}, {})
    info = {
        r["siren"]: r for r in await Collectivite.select(*_COLUMNS).where(Collectivite.siren.is_in(wanted))
    }
    groups = [s for s, r in info.items() if r["kind"] in GROUP_KINDS]
    members: dict[str, set[str]] = {g: set() for g in groups}
    if groups:
        for row in await CollectiviteMember.select(CollectiviteMember.group, CollectiviteMember.member).where(
            CollectiviteMember.group.is_in(groups)
        ):
            members[row["group"]].add(row["member"])
        for row in await Collectivite.select(Collectivite.siren, Collectivite.epci_siren).where(
            Collectivite.epci_siren.is_in(groups) & (Collectivite.kind == "commune")
        ):
            members[row["epci_siren"]].add(row["siren"])
    for kind, column in (
        ("departement", Collectivite.departement_code),
        ("region", Collectivite.region_code),
    ):
        for siren, row in info.items():
            code = row["departement_code"] if kind == "departement" else row["region_code"]
            if row["kind"] == kind and code:
                communes = await Collectivite.select(Collectivite.siren).where(
                    (column == code) & (Collectivite.kind == "commune")
                )
                members[siren] = {c["siren"] for c in communes}
    all_members = sorted({m for ms in members.values() for m in ms})
    member_population: dict[str, int] = {}
    for start in range(0, len(all_members), 500):
        chunk = all_members[start : start + 500]
        for row in await Collectivite.select(Collectivite.siren, Collectivite.population).where(
            Collectivite.siren.is_in(chunk)
        ):
            member_population[row["siren"]] = row["population"] or 0
    units: dict[str, dict[str, int]] = {}
    for siren, row in info.items():
        own = row["population"] or 0
        if siren not in members:
            units[siren] = {siren: own}
            continue
        expanded = {m: member_population.get(m, 0) for m in members[siren]}
        remainder = own - sum(expanded.values())
        if remainder > 0:
            expanded[f"reste:{siren}"] = remainder
        units[siren] = expanded
    return CoverageIndex(info, units)


async def population_of(sirens: Iterable[str]) -> int:
    """The deduplicated population of a group of collectivités."""
    wanted = list(sirens)
    return (await load_coverage(wanted)).population(wanted)
