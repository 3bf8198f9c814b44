"""Results: supports and the deduplicated population covered, per proposal, département and kind.

Temporary supports (voters below the minimum) are not counted. Supports inform the committee;
they decide nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from catalogue.votes.population import CoverageIndex, load_coverage
from catalogue.votes.ports import SEE_VOTES
from catalogue.votes.schemas import Bucket, ConsultationResults, ProposalResult
from catalogue.votes.service.base import VotesBase
from store.kit.auth import Actor
from store.kit.errors import Forbidden


def _buckets(supports: Iterable[dict[str, Any]], key: str, index: CoverageIndex) -> list[Bucket]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for support in supports:
        groups[support[key] or "—"].append(support)
    return [
        Bucket(
            key=name,
            supports=len(rows),
            voters=len({r["voter"] for r in rows}),
            population=index.population({r["voter"] for r in rows}),
        )
        for name, rows in sorted(groups.items())
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
        index = await load_coverage({s["voter"] for s in supports})
        by_proposal: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for support in supports:
            by_proposal[support["proposal_id"]].append(support)
        threshold = facts.threshold_per_proposal
        proposals = [
            ProposalResult(
                proposal_id=proposal_id,
                title=titles.get(proposal_id, ""),
                supports=len(rows),
                population=index.population(r["voter"] for r in rows),
                threshold_reached=bool(threshold) and len(rows) >= threshold,
                by_departement=_buckets(rows, "departement_code", index),
                by_kind=_buckets(rows, "voter_kind", index),
            )
            for proposal_id, rows in by_proposal.items()
        ]
        proposals.sort(key=lambda p: (-p.supports, -p.population, p.proposal_id))
        voters = {s["voter"] for s in supports}
        return ConsultationResults(
            consultation_id=consultation_id,
            supports=len(supports),
            voters=len(voters),
            population=index.population(voters),
            population_year=index.population_year,
            threshold_per_proposal=threshold,
            proposals=proposals,
            by_departement=_buckets(supports, "departement_code", index),
            by_kind=_buckets(supports, "voter_kind", index),
        )

    async def snapshot(self, consultation_id: int, proposal_id: int) -> tuple[int, int, int | None]:
        """Counted supports, covered population and its millésime for one proposal, now."""
        rows = [s for s in await self.counted_supports(consultation_id) if s["proposal_id"] == proposal_id]
        voters = {r["voter"] for r in rows}
        index = await load_coverage(voters)
        return len(rows), index.population(voters), index.population_year
