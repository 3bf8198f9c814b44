"""Every query on ballots, supports, tallies, decisions, interest declarations and milestones."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from piccolo.columns.combination import Combinable

from catalogue.votes.tables import (
    Ballot,
    InterestDeclaration,
    Milestone,
    ProposalTally,
    SelectionDecision,
    Support,
)
from store.registry.tables import Collectivite


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


_LOCK = " FOR UPDATE"
"""Row locks exist on PostgreSQL only; SQLite serialises writers with BEGIN IMMEDIATE instead."""


def _is_postgres() -> bool:
    return Ballot._meta.db.engine_type == "postgres"


class VotesRepository:
    # Ballots and supports ---------------------------------------------------------------------

    async def lock_ballot(self, consultation_id: int, voter: str, now: dt.datetime) -> int:
        """Create the voter's ballot row if needed, then lock it until the transaction ends.

        On SQLite the whole write transaction already holds the database lock (BEGIN IMMEDIATE);
        on PostgreSQL concurrent supports of one voter queue on this row (CONSUL ``ballot.lock!``).
        """
        await Ballot.insert(Ballot(consultation_id=consultation_id, voter=voter, created_at=now)).on_conflict(
            action="DO NOTHING"
        )
        query = "SELECT id FROM ballot WHERE consultation_id = {} AND voter = {}"
        rows = await Ballot.raw(query + _LOCK if _is_postgres() else query, consultation_id, voter)
        return int(rows[0]["id"])

    async def live_supports(self, consultation_id: int, voter: str) -> list[dict[str, Any]]:
        return list(
            await Support.select(Support.id, Support.proposal_id, Support.temporary, Support.created_at)
            .where(
                (Support.consultation_id == consultation_id)
                & (Support.voter == voter)
                & Support.withdrawn_at.is_null()
            )
            .order_by(Support.id)
        )

    async def insert_support(
        self,
        *,
        consultation_id: int,
        proposal_id: int,
        voter: str,
        by: str | None,
        temporary: bool,
        now: dt.datetime,
    ) -> int:
        rows = await Support.insert(
            Support(
                consultation_id=consultation_id,
                proposal_id=proposal_id,
                voter=voter,
                cast_by=_uuid(by),
                temporary=temporary,
                created_at=now,
            )
        ).returning(Support.id)
        return int(rows[0]["id"])

    async def withdraw_support(self, support_id: int, by: str | None, now: dt.datetime) -> bool:
        rows = (
            await Support.update({Support.withdrawn_at: now, Support.withdrawn_by: _uuid(by)})
            .where((Support.id == support_id) & Support.withdrawn_at.is_null())
            .returning(Support.id)
        )
        return bool(rows)

    async def set_temporary(self, consultation_id: int, voter: str, temporary: bool) -> None:
        await Support.update({Support.temporary: temporary}).where(
            (Support.consultation_id == consultation_id)
            & (Support.voter == voter)
            & Support.withdrawn_at.is_null()
        )

    async def lock_tally(self, consultation_id: int, proposal_id: int) -> int:
        await ProposalTally.insert(
            ProposalTally(proposal_id=proposal_id, consultation_id=consultation_id, supports=0)
        ).on_conflict(action="DO NOTHING")
        query = "SELECT supports FROM proposal_tally WHERE proposal_id = {}"
        rows = await ProposalTally.raw(query + _LOCK if _is_postgres() else query, proposal_id)
        return int(rows[0]["supports"])

    async def bump_tally(self, proposal_id: int, delta: int) -> None:
        await ProposalTally.raw(
            "UPDATE proposal_tally SET supports = supports + {} WHERE proposal_id = {}", delta, proposal_id
        )

    async def tallies(self, consultation_id: int) -> dict[int, int]:
        rows = await ProposalTally.select(ProposalTally.proposal_id, ProposalTally.supports).where(
            ProposalTally.consultation_id == consultation_id
        )
        return {r["proposal_id"]: r["supports"] for r in rows}

    async def supports(self, consultation_id: int, *, live_only: bool = True) -> list[dict[str, Any]]:
        query = Support.select(
            Support.id,
            Support.proposal_id,
            Support.voter,
            Support.temporary,
            Support.created_at,
            Support.withdrawn_at,
            Support.voter.name.as_alias("voter_name"),
            Support.voter.departement_code.as_alias("departement_code"),
            Support.voter.kind.as_alias("voter_kind"),
        ).where(Support.consultation_id == consultation_id)
        if live_only:
            query = query.where(Support.withdrawn_at.is_null())
        return list(await query.order_by(Support.id))

    # Decisions --------------------------------------------------------------------------------

    async def decision(self, proposal_id: int, *, lock: bool = False) -> dict[str, Any] | None:
        if lock and _is_postgres():
            rows = await SelectionDecision.raw(
                "SELECT id FROM selection_decision WHERE proposal_id = {} FOR UPDATE", proposal_id
            )
            if not rows:
                return None
        return await SelectionDecision.select().where(SelectionDecision.proposal_id == proposal_id).first()

    async def decisions(self, consultation_id: int) -> list[dict[str, Any]]:
        return list(
            await SelectionDecision.select()
            .where(SelectionDecision.consultation_id == consultation_id)
            .order_by(SelectionDecision.proposal_id)
        )

    async def selected_for_listing(self, slug: str, proposal_ids: list[int]) -> list[dict[str, Any]]:
        """The selected proposals whose decision names this catalogue listing, or that fed it."""
        names: Combinable = SelectionDecision.listing_slug == slug
        if proposal_ids:
            names = names | SelectionDecision.proposal_id.is_in(proposal_ids)
        return list(
            await SelectionDecision.select()
            .where(names & (SelectionDecision.decision == "selected"))
            .order_by(SelectionDecision.decided_at, SelectionDecision.proposal_id)
        )

    async def save_decision(self, existing_id: int | None, values: dict[str, Any]) -> int:
        if existing_id is None:
            rows = await SelectionDecision.insert(SelectionDecision(**values)).returning(SelectionDecision.id)
            return int(rows[0]["id"])
        await SelectionDecision.update(values, use_auto_update=False).where(  # type: ignore[arg-type]
            SelectionDecision.id == existing_id
        )
        return existing_id

    # Interest declarations --------------------------------------------------------------------

    _INTEREST_COLUMNS = [
        *InterestDeclaration.all_columns(),
        InterestDeclaration.collectivite.name.as_alias("collectivite_name"),
        InterestDeclaration.collectivite.kind.as_alias("collectivite_kind"),
        InterestDeclaration.collectivite.departement_code.as_alias("departement_code"),
    ]

    async def insert_interest(self, values: dict[str, Any]) -> int:
        rows = await InterestDeclaration.insert(InterestDeclaration(**values)).returning(
            InterestDeclaration.id
        )
        return int(rows[0]["id"])

    async def interest(self, interest_id: int) -> dict[str, Any] | None:
        return (
            await InterestDeclaration.select(*self._INTEREST_COLUMNS)
            .where(InterestDeclaration.id == interest_id)
            .first()
        )

    async def interests(
        self,
        consultation_id: int,
        *,
        proposal_id: int | None = None,
        sirens: Iterable[str] | None = None,
        states: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        query = InterestDeclaration.select(*self._INTEREST_COLUMNS).where(
            InterestDeclaration.consultation_id == consultation_id
        )
        if proposal_id is not None:
            query = query.where(InterestDeclaration.proposal_id == proposal_id)
        if sirens is not None:
            query = query.where(InterestDeclaration.collectivite.is_in(sorted(set(sirens)) or [""]))
        if states is not None:
            query = query.where(InterestDeclaration.state.is_in(list(states)))
        return list(await query.order_by(InterestDeclaration.id))

    async def count_accepted(self, proposal_id: int, role: str) -> int:
        return await InterestDeclaration.count().where(
            (InterestDeclaration.proposal_id == proposal_id)
            & (InterestDeclaration.role == role)
            & (InterestDeclaration.state == "accepted")
        )

    async def move_interest(
        self, interest_id: int, *, to: str, from_states: Iterable[str], values: dict[Any, Any]
    ) -> bool:
        rows = (
            await InterestDeclaration.update({InterestDeclaration.state: to, **values})
            .where(
                (InterestDeclaration.id == interest_id) & InterestDeclaration.state.is_in(list(from_states))
            )
            .returning(InterestDeclaration.id)
        )
        return bool(rows)

    # Milestones -------------------------------------------------------------------------------

    async def insert_milestone(self, values: dict[str, Any]) -> int:
        rows = await Milestone.insert(Milestone(**values)).returning(Milestone.id)
        return int(rows[0]["id"])

    async def milestone(self, milestone_id: int) -> dict[str, Any] | None:
        return await Milestone.select().where(Milestone.id == milestone_id).first()

    async def milestones(self, proposal_ids: Iterable[int]) -> list[dict[str, Any]]:
        ids = list(proposal_ids)
        if not ids:
            return []
        return list(
            await Milestone.select()
            .where(Milestone.proposal_id.is_in(ids))
            .order_by(Milestone.proposal_id, Milestone.position, Milestone.id)
        )

    async def update_milestone(self, milestone_id: int, values: dict[Any, Any]) -> None:
        await Milestone.update(values, use_auto_update=False).where(Milestone.id == milestone_id)

    # Registry ---------------------------------------------------------------------------------

    async def collectivite(self, siren: str) -> dict[str, Any] | None:
        return (
            await Collectivite.select(
                Collectivite.siren, Collectivite.name, Collectivite.kind, Collectivite.departement_code
            )
            .where(Collectivite.siren == siren)
            .first()
        )
