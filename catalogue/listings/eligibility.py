"""Who may subscribe to a listing: collectivité kind and population limits.

The rule comes from La Suite territoriale (st-home ``sync.py``): a commune is eligible when its
population is at most the commune limit, **or** when its EPCI's population is at most the EPCI
limit; an EPCI when its population is at most the EPCI limit. Limits are inclusive ("jusqu'à
3 500 habitants"). A missing limit means no limit. Other kinds have no population limit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    kind: str
    population: int | None
    epci_population: int | None = None
    """For a commune: the population of its EPCI à fiscalité propre, when it has one."""


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    reason: str
    """A French sentence a buyer reads on the listing page."""


def _under(population: int | None, limit: int | None) -> bool:
    return population is not None and limit is not None and population <= limit


def check_eligibility(
    candidate: Candidate,
    *,
    target_kinds: list[str],
    commune_max_population: int | None,
    epci_max_population: int | None,
) -> Verdict:
    if target_kinds and candidate.kind not in target_kinds:
        return Verdict(False, "Ce service ne s'adresse pas à ce type de collectivité.")
    if candidate.kind == "commune":
        if commune_max_population is None:
            return Verdict(True, "Aucune limite de population pour les communes.")
        if _under(candidate.population, commune_max_population):
            return Verdict(True, "La population de la commune est sous la limite du service.")
        if _under(candidate.epci_population, epci_max_population):
            return Verdict(True, "La population de l'intercommunalité de la commune est sous la limite.")
        return Verdict(False, "La commune et son intercommunalité dépassent les limites de population.")
    if candidate.kind == "epci":
        if epci_max_population is None or _under(candidate.population, epci_max_population):
            return Verdict(True, "La population de l'intercommunalité est dans la limite du service.")
        return Verdict(False, "L'intercommunalité dépasse la limite de population du service.")
    return Verdict(True, "Aucune limite de population pour ce type de collectivité.")
