"""Results: supports and the deduplicated population covered, per proposal, département and kind.

Temporary supports (voters below the minimum) are not counted. Supports inform the committee;
they decide nothing. Populations come from the registry (``catalogue.votes.population``): every
set of voters a tally needs is gathered first and asked in one go.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from catalogue.votes.population import Populations
from catalogue.votes.ports import SEE_VOTES
from catalogue.votes.schemas import Bucket, ConsultationResults, ProposalResult
from catalogue.votes.service.base import VotesBase
from store.kit.auth import Actor
from store.kit.errors import Forbidden

BUCKET_KEYS = ("departement_code", "voter_kind")


def _groups(supports: Iterable[dict[str, Any]], key: str) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for support in supports:
        groups[support[key] or "—"].append(support)
    return dict(sorted(groups.items()))


def _voter_sets(supports: list[dict[str, Any]]) -> list[frozenset[str]]:
    """Every set of voters a tally of ``supports`` asks the population of: all, and each bucket."""
    sets = [frozenset(s["voter"] for s in supports)]
    for key in BUCKET_KEYS:
        sets.extend(frozenset(r["voter"] for r in rows) for rows in _groups(supports, key).values())
    return sets


def _buckets(supports: Iterable[dict[str, Any]], key: str, populations: Populations) -> list[Bucket]:
    return [
        Bucket(
            key=name,
            supports=len(rows),
            voters=len({r["voter"] for r in rows}),
            population=populations.population(r["voter"] for r in rows),
        )
        for name, rows in _groups(supports, key).items()
    ]


class ResultsService(VotesBase):
    async def counted_supports(self, consultation_id: int) -> list[dict[str, Any]]:
        return [s for s in await self.repo.supports(consultation_id) if not s["temporary"]]

    async def results(self, actor: Actor | None, consultation_id: int) -> ConsultationResults:
        facts = await self.consultation(consultation_id, actor)
        if not (actor is not None and actor.is_curator) and SEE_VOTES not in facts.allowed:
            raise Forbidden("Les résultats du vote ne sont pas publics pour l'instant.", code="votes_hidden")
        supports = await self.counted_supports(consultation_id)
        titles = await self.directory.proposal_titles(consultation_id)
        by_proposal: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for support in supports:
            by_proposal[support["proposal_id"]].append(support)
        populations = await self.population.resolve(
            [*_voter_sets(supports), *(s for rows in by_proposal.values() for s in _voter_sets(rows))]
        )
        threshold = facts.threshold_per_proposal
        proposals = [
            ProposalResult(
                proposal_id=proposal_id,
                title=titles.get(proposal_id, ""),
                supports=len(rows),
                population=populations.population(r["voter"] for r in rows),
                threshold_reached=bool(threshold) and len(rows) >= threshold,
                by_departement=_buckets(rows, "departement_code", populations),
                by_kind=_buckets(rows, "voter_kind", populations),
            )
            for proposal_id, rows in by_proposal.items()
        ]
        proposals.sort(key=lambda p: (-p.supports, -p.population, p.proposal_id))
        voters = {s["voter"] for s in supports}
        return ConsultationResults(
            consultation_id=consultation_id,
            supports=len(supports),
            voters=len(voters),
            population=populations.population(voters),
            population_year=populations.population_year(voters),
            threshold_per_proposal=threshold,
            proposals=proposals,
            by_departement=_buckets(supports, "departement_code", populations),
            by_kind=_buckets(supports, "voter_kind", populations),
        )

    async def snapshot(self, consultation_id: int, proposal_id: int) -> tuple[int, int, int | None]:
        """Counted supports, covered population and its latest millésime for one proposal, asked now."""
        rows = [s for s in await self.counted_supports(consultation_id) if s["proposal_id"] == proposal_id]
        voters = {r["voter"] for r in rows}
        if not voters:
            return 0, 0, None
        coverage = await self.population.fresh(voters)
        years = coverage.population_years
        return len(rows), coverage.population, max(years) if years else None
