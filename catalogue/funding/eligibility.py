"""What the registry says about an applicant group, for the eligibility rules.

The population is deduplicated over the lead and its co-applicants (``RegistryService.coverage``:
a commune in its own EPCI is counted once). A group covers a département when it covers every
current commune of it, or when one of its members exercises the départemental competences there
(the Département du Rhône counts for 69 although the Métropole de Lyon's communes are not its own).
"""

from __future__ import annotations

from collections.abc import Sequence

from catalogue.funding.rules import ApplicantFacts, GroupFacts, Rule, Verdict, evaluate
from store.registry.service import RegistryService


async def group_facts(registry: RegistryService, sirens: Sequence[str]) -> GroupFacts:
    """Facts about the group, the lead (first SIREN) first. Unknown SIRENs raise NotFound (404)."""
    ordered = list(dict.fromkeys(sirens))
    coverage = await registry.coverage(ordered)
    applicants = []
    departement_level = set(coverage.departement_level)
    covered = set(coverage.departements)
    for siren in ordered:
        view = await registry.get(siren)
        if siren in departement_level:
            covered.update(
                view.departement_codes or ([view.departement_code] if view.departement_code else [])
            )
        applicants.append(
            ApplicantFacts(
                siren=view.siren,
                name=view.name,
                kind=view.kind,
                population=view.population or 0,
                departement_code=view.departement_code,
                departement_codes=tuple(view.departement_codes),
            )
        )
    return GroupFacts(
        applicants=tuple(applicants), population=coverage.population, departements=tuple(sorted(covered))
    )


async def check_group(registry: RegistryService, rule: Rule | None, sirens: Sequence[str]) -> Verdict:
    return evaluate(rule, await group_facts(registry, sirens))
