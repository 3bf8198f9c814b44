"""Every query on consultations, phases, contributions and proposals."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

import msgspec

from catalogue.needs.phases import PhaseSettings, Window
from catalogue.needs.tables import (
    Consultation,
    Contribution,
    ContributionBeneficiary,
    Phase,
    Proposal,
    ProposalSource,
)
from store.registry.tables import Collectivite, CollectiviteMember


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def decode_settings(raw: Any) -> PhaseSettings:
    if isinstance(raw, str | bytes):
        return msgspec.json.decode(raw, type=PhaseSettings)
    return msgspec.convert(raw or {}, PhaseSettings)


class NeedsRepository:
    # Consultations ----------------------------------------------------------------------------

    async def insert_consultation(self, values: dict[str, Any], *, by: str | None, now: dt.datetime) -> int:
        rows = await Consultation.insert(
            Consultation(**values, created_at=now, created_by=_uuid(by))
        ).returning(Consultation.id)
        return int(rows[0]["id"])

    async def consultation(self, consultation_id: int) -> dict[str, Any] | None:
        return await Consultation.select().where(Consultation.id == consultation_id).first()

    async def consultation_by_slug(self, slug: str) -> dict[str, Any] | None:
        return await Consultation.select().where(Consultation.slug == slug).first()

    async def slug_taken(self, slug: str) -> bool:
        return await Consultation.exists().where(Consultation.slug == slug)

    async def consultations(self, *, published_only: bool) -> list[dict[str, Any]]:
        query = Consultation.select().order_by(Consultation.created_at, ascending=False)
        if published_only:
            query = query.where(Consultation.published_at.is_not_null())
        return list(await query)

    async def update_consultation(self, consultation_id: int, values: dict[Any, Any]) -> None:
        if values:
            await Consultation.update(values, use_auto_update=False).where(Consultation.id == consultation_id)

    # Phases -----------------------------------------------------------------------------------

    async def insert_phases(
        self, consultation_id: int, windows: list[Window], settings: list[PhaseSettings]
    ) -> None:
        await Phase.insert(
            *[
                Phase(
                    consultation=consultation_id,
                    kind=w.kind,
                    position=index,
                    starts_at=w.starts_at,
                    ends_at=w.ends_at,
                    active=False,
                    settings=msgspec.json.encode(s).decode(),
                )
                for index, (w, s) in enumerate(zip(windows, settings, strict=True))
            ]
        )

    async def phases(self, consultation_id: int) -> list[dict[str, Any]]:
        rows = await Phase.select().where(Phase.consultation == consultation_id).order_by(Phase.position)
        for row in rows:
            row["settings"] = decode_settings(row["settings"])
            row["active"] = bool(row["active"])
        return list(rows)

    async def phases_of(self, consultation_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
        ids = list(consultation_ids)
        result: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        if not ids:
            return result
        rows = await Phase.select().where(Phase.consultation.is_in(ids)).order_by(Phase.position)
        for row in rows:
            row["settings"] = decode_settings(row["settings"])
            row["active"] = bool(row["active"])
            result[row["consultation"]].append(row)
        return result

    async def activate_phase(self, consultation_id: int, kind: str) -> None:
        # Deactivate first: the partial unique index allows one active phase at any moment.
        await Phase.update({Phase.active: False}).where(
            (Phase.consultation == consultation_id) & (Phase.active == True)  # noqa: E712
        )
        await Phase.update({Phase.active: True}).where(
            (Phase.consultation == consultation_id) & (Phase.kind == kind)
        )

    async def update_phase(
        self,
        consultation_id: int,
        kind: str,
        *,
        starts_at: dt.datetime | None = None,
        ends_at: dt.datetime | None = None,
        settings: PhaseSettings | None = None,
    ) -> None:
        values: dict[Any, Any] = {}
        if starts_at is not None:
            values[Phase.starts_at] = starts_at
        if ends_at is not None:
            values[Phase.ends_at] = ends_at
        if settings is not None:
            values[Phase.settings] = msgspec.json.encode(settings).decode()
        if values:
            await Phase.update(values).where((Phase.consultation == consultation_id) & (Phase.kind == kind))

    # Registry lookups -------------------------------------------------------------------------

    async def collectivites(self, sirens: Iterable[str]) -> dict[str, dict[str, Any]]:
        wanted = sorted(set(sirens))
        if not wanted:
            return {}
        rows = await Collectivite.select(
            Collectivite.siren,
            Collectivite.name,
            Collectivite.kind,
            Collectivite.departement_code,
            Collectivite.epci_siren,
        ).where(Collectivite.siren.is_in(wanted))
        return {r["siren"]: r for r in rows}

    async def members_of(self, group_siren: str, candidates: Iterable[str]) -> set[str]:
        """Which candidates belong to the group: registry memberships, or a commune's EPCI."""
        wanted = sorted(set(candidates))
        if not wanted:
            return set()
        listed = await CollectiviteMember.select(CollectiviteMember.member).where(
            (CollectiviteMember.group == group_siren) & CollectiviteMember.member.is_in(wanted)
        )
        by_epci = await Collectivite.select(Collectivite.siren).where(
            (Collectivite.epci_siren == group_siren) & Collectivite.siren.is_in(wanted)
        )
        return {r["member"] for r in listed} | {r["siren"] for r in by_epci}

    # Contributions ----------------------------------------------------------------------------

    async def insert_contribution(self, values: dict[str, Any], beneficiaries: list[str]) -> int:
        rows = await Contribution.insert(Contribution(**values)).returning(Contribution.id)
        contribution_id = int(rows[0]["id"])
        if beneficiaries:
            await ContributionBeneficiary.insert(
                *[
                    ContributionBeneficiary(contribution=contribution_id, collectivite=s)
                    for s in beneficiaries
                ]
            )
        return contribution_id

    async def contribution(self, contribution_id: int) -> dict[str, Any] | None:
        return await Contribution.select().where(Contribution.id == contribution_id).first()

    async def contributions(
        self,
        consultation_id: int,
        *,
        ids: Iterable[int] | None = None,
        sirens: Iterable[str] | None = None,
        states: Iterable[str] | None = None,
    ) -> list[dict[str, Any]]:
        query = Contribution.select().where(Contribution.consultation == consultation_id)
        if ids is not None:
            query = query.where(Contribution.id.is_in(list(ids) or [-1]))
        if sirens is not None:
            wanted = sorted(set(sirens)) or [""]
            on_behalf = await ContributionBeneficiary.select(ContributionBeneficiary.contribution).where(
                ContributionBeneficiary.collectivite.is_in(wanted)
            )
            extra = [r["contribution"] for r in on_behalf] or [-1]
            query = query.where(Contribution.collectivite.is_in(wanted) | Contribution.id.is_in(extra))
        if states is not None:
            query = query.where(Contribution.state.is_in(list(states)))
        return list(await query.order_by(Contribution.id))

    async def beneficiaries(self, contribution_ids: Iterable[int]) -> dict[int, list[str]]:
        ids = list(contribution_ids)
        result: dict[int, list[str]] = {i: [] for i in ids}
        if ids:
            rows = await ContributionBeneficiary.select(
                ContributionBeneficiary.contribution, ContributionBeneficiary.collectivite
            ).where(ContributionBeneficiary.contribution.is_in(ids))
            for row in rows:
                result[row["contribution"]].append(row["collectivite"])
        return result

    async def update_contribution(self, contribution_id: int, values: dict[Any, Any]) -> None:
        await Contribution.update(values, use_auto_update=False).where(Contribution.id == contribution_id)

    async def set_contribution_state(
        self,
        contribution_ids: list[int],
        *,
        state: str,
        from_states: Iterable[str],
        message: str = "",
        by: str | None = None,
        now: dt.datetime,
    ) -> int:
        """Compare-and-set: returns how many rows moved (fewer means someone else moved first)."""
        rows = (
            await Contribution.update(
                {
                    Contribution.state: state,
                    Contribution.outcome_message: message,
                    Contribution.decided_at: now,
                    Contribution.decided_by: _uuid(by),
                }
            )
            .where(Contribution.id.is_in(contribution_ids) & Contribution.state.is_in(list(from_states)))
            .returning(Contribution.id)
        )
        return len(rows)

    async def count_contributions(self, consultation_id: int) -> dict[str, int]:
        rows = await Contribution.raw(
            "SELECT state, COUNT(*) AS n FROM contribution WHERE consultation = {} GROUP BY state",
            consultation_id,
        )
        return {r["state"]: int(r["n"]) for r in rows}

    # Proposals --------------------------------------------------------------------------------

    async def insert_proposal(self, values: dict[str, Any]) -> int:
        rows = await Proposal.insert(Proposal(**values)).returning(Proposal.id)
        return int(rows[0]["id"])

    async def proposal(self, proposal_id: int) -> dict[str, Any] | None:
        return await Proposal.select().where(Proposal.id == proposal_id).first()

    async def proposals(
        self, consultation_id: int, *, published_only: bool, ids: Iterable[int] | None = None
    ) -> list[dict[str, Any]]:
        query = Proposal.select().where(Proposal.consultation == consultation_id)
        if published_only:
            query = query.where(Proposal.state == "published")
        if ids is not None:
            query = query.where(Proposal.id.is_in(list(ids) or [-1]))
        return list(await query.order_by(Proposal.id))

    async def update_proposal(self, proposal_id: int, values: dict[Any, Any]) -> None:
        if values:
            await Proposal.update(values, use_auto_update=False).where(Proposal.id == proposal_id)

    async def link_sources(self, proposal_id: int, contribution_ids: Iterable[int]) -> None:
        ids = sorted(set(contribution_ids))
        existing = await ProposalSource.select(ProposalSource.contribution).where(
            (ProposalSource.proposal == proposal_id) & ProposalSource.contribution.is_in(ids or [-1])
        )
        fresh = [i for i in ids if i not in {r["contribution"] for r in existing}]
        if fresh:
            await ProposalSource.insert(
                *[ProposalSource(proposal=proposal_id, contribution=i) for i in fresh]
            )

    async def proposals_of_contributions(
        self, contribution_ids: Iterable[int]
    ) -> dict[int, list[dict[str, Any]]]:
        ids = list(contribution_ids)
        result: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
        if ids:
            rows = await ProposalSource.select(
                ProposalSource.contribution,
                ProposalSource.proposal.id.as_alias("proposal_id"),
                ProposalSource.proposal.title.as_alias("title"),
            ).where(ProposalSource.contribution.is_in(ids))
            for row in rows:
                result[row["contribution"]].append({"id": row["proposal_id"], "title": row["title"]})
        return result

    async def sources_of_proposals(self, proposal_ids: Iterable[int]) -> dict[int, list[str]]:
        """Names of the contributing collectivités of each proposal."""
        ids = list(proposal_ids)
        result: dict[int, list[str]] = {i: [] for i in ids}
        if ids:
            rows = await ProposalSource.select(
                ProposalSource.proposal,
                ProposalSource.contribution.collectivite.name.as_alias("name"),  # type: ignore[union-attr]
            ).where(ProposalSource.proposal.is_in(ids))
            for row in rows:
                if row["name"] not in result[row["proposal"]]:
                    result[row["proposal"]].append(row["name"])
        return result

    async def source_counts(self, proposal_ids: Iterable[int]) -> dict[int, int]:
        ids = list(proposal_ids)
        result = dict.fromkeys(ids, 0)
        if ids:
            rows = await ProposalSource.select(ProposalSource.proposal).where(
                ProposalSource.proposal.is_in(ids)
            )
            for row in rows:
                result[row["proposal"]] += 1
        return result
