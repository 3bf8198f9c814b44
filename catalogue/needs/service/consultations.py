"""Consultations and their schedule: creation, settings, phases (dates, settings, the switch)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from catalogue.needs.events import ConsultationPhaseChanged
from catalogue.needs.phases import (
    DEFAULT_SETTINGS,
    PHASE_LABELS,
    PHASE_ORDER,
    PhaseKind,
    Window,
    contiguous_windows,
    move_end,
)
from catalogue.needs.repository import NeedsRepository
from catalogue.needs.schemas import (
    ConsultationCreate,
    ConsultationFacts,
    ConsultationUpdate,
    ConsultationView,
    PhaseUpdate,
    PhaseView,
    ProposalFacts,
)
from catalogue.needs.service.gate import facts_of, is_open, utcnow
from store.kit.auth import Actor, require_curator
from store.kit.errors import Conflict, InvalidInput, NotFound
from store.kit.events import AuditRecord
from store.kit.uow import UnitOfWorkFactory


def audit(actor: Actor, action: str, subject_type: str, subject_id: object, **kw: Any) -> AuditRecord:
    return AuditRecord(
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor_id=actor.account_id,
        actor_label=actor.display_name,
        **kw,
    )


class ConsultationService:
    def __init__(self, uow: UnitOfWorkFactory, repo: NeedsRepository | None = None) -> None:
        self.uow = uow
        self.repo = repo or NeedsRepository()
        self.clock: Callable[[], dt.datetime] = utcnow

    # Reading ----------------------------------------------------------------------------------

    async def _load(self, consultation_id: int, actor: Actor | None) -> dict[str, Any]:
        row = await self.repo.consultation(consultation_id)
        if row is None or (row["published_at"] is None and not (actor and actor.is_curator)):
            raise NotFound("Consultation introuvable.", code="consultation_not_found")
        return row

    def _view(self, row: dict[str, Any], phases: list[dict[str, Any]], now: dt.datetime) -> ConsultationView:
        facts = facts_of(row, phases, now)
        return ConsultationView(
            id=row["id"],
            slug=row["slug"],
            title=row["title"],
            summary=row["summary"],
            description=row["description"],
            published_at=row["published_at"],
            vote_limit=row["vote_limit"],
            minimum_votes_per_voter=row["minimum_votes_per_voter"],
            threshold_per_proposal=row["threshold_per_proposal"],
            can_accumulate_beyond_threshold=bool(row["can_accumulate_beyond_threshold"]),
            default_pilot_capacity=row["default_pilot_capacity"],
            envelope_code=row["envelope_code"],
            phases=[
                PhaseView(
                    kind=p["kind"],
                    label=PHASE_LABELS[p["kind"]],
                    position=p["position"],
                    starts_at=p["starts_at"],
                    ends_at=p["ends_at"],
                    active=p["active"],
                    open=is_open(p, now),
                    settings=p["settings"],
                )
                for p in phases
            ],
            active_phase=facts.phase_kind,
            allowed_actions=sorted(facts.allowed),
        )

    async def get(self, consultation_id: int, actor: Actor | None = None) -> ConsultationView:
        row = await self._load(consultation_id, actor)
        return self._view(row, await self.repo.phases(row["id"]), self.clock())

    async def get_by_slug(self, slug: str, actor: Actor | None = None) -> ConsultationView:
        row = await self.repo.consultation_by_slug(slug)
        if row is None:
            raise NotFound("Consultation introuvable.", code="consultation_not_found")
        return await self.get(row["id"], actor)

    async def list(self, actor: Actor | None = None) -> list[ConsultationView]:
        rows = await self.repo.consultations(published_only=not (actor and actor.is_curator))
        phases = await self.repo.phases_of(r["id"] for r in rows)
        now = self.clock()
        return [self._view(r, phases[r["id"]], now) for r in rows]

    async def facts(self, consultation_id: int) -> ConsultationFacts | None:
        """The port catalogue.votes reads (through the composition root)."""
        row = await self.repo.consultation(consultation_id)
        if row is None:
            return None
        return facts_of(row, await self.repo.phases(consultation_id), self.clock())

    async def proposal_facts(self, proposal_id: int) -> ProposalFacts | None:
        proposal = await self.repo.proposal(proposal_id)
        if proposal is None:
            return None
        facts = await self.facts(proposal["consultation"])
        assert facts is not None
        return ProposalFacts(
            proposal_id=proposal["id"],
            state=proposal["state"],
            title=proposal["title"],
            summary=proposal["summary"],
            thematique=proposal["thematique"],
            kind=proposal["kind"],
            listing_slug=proposal["listing_slug"],
            consultation=facts,
        )

    async def proposal_titles(self, consultation_id: int) -> dict[int, str]:
        rows = await self.repo.proposals(consultation_id, published_only=False)
        return {r["id"]: r["title"] for r in rows}

    # Curators ---------------------------------------------------------------------------------

    async def create(self, actor: Actor, data: ConsultationCreate) -> ConsultationView:
        require_curator(actor)
        kinds = [p.kind for p in data.phases]
        if kinds != [k.value for k in PHASE_ORDER]:
            raise InvalidInput(
                "Les phases doivent être, dans l'ordre : " + ", ".join(k.value for k in PHASE_ORDER) + ".",
                code="phases_out_of_order",
            )
        try:
            windows = contiguous_windows(data.starts_at, [p.ends_at for p in data.phases])
        except ValueError as exc:
            raise InvalidInput(str(exc), code="phase_dates_invalid") from exc
        settings = [p.settings or DEFAULT_SETTINGS[PhaseKind(p.kind)] for p in data.phases]
        if await self.repo.slug_taken(data.slug):
            raise Conflict("Une consultation porte déjà cet identifiant.", code="slug_taken")
        values = {
            "slug": data.slug,
            "title": data.title.strip(),
            "summary": data.summary.strip(),
            "description": data.description.strip(),
            "vote_limit": data.vote_limit,
            "minimum_votes_per_voter": data.minimum_votes_per_voter,
            "threshold_per_proposal": data.threshold_per_proposal,
            "can_accumulate_beyond_threshold": data.can_accumulate_beyond_threshold,
            "default_pilot_capacity": data.default_pilot_capacity,
            "envelope_code": data.envelope_code.strip(),
        }
        if data.vote_limit and data.minimum_votes_per_voter > data.vote_limit:
            raise InvalidInput(
                "Le minimum de votes par collectivité ne peut dépasser la limite de votes.",
                code="minimum_above_limit",
            )
        async with self.uow() as work:
            consultation_id = await self.repo.insert_consultation(
                values, by=actor.account_id, now=self.clock()
            )
            await self.repo.insert_phases(consultation_id, windows, settings)
            work.audit(
                audit(actor, "needs:consultation:create", "consultation", consultation_id, data=values)
            )
        return await self.get(consultation_id, actor)

    async def update(self, actor: Actor, consultation_id: int, data: ConsultationUpdate) -> ConsultationView:
        require_curator(actor)
        row = await self._load(consultation_id, actor)
        values = {k: v for k, v in _fields(data).items() if v is not None}
        limit = values.get("vote_limit", row["vote_limit"])
        minimum = values.get("minimum_votes_per_voter", row["minimum_votes_per_voter"])
        if limit and minimum > limit:
            raise InvalidInput(
                "Le minimum de votes par collectivité ne peut dépasser la limite de votes.",
                code="minimum_above_limit",
            )
        async with self.uow() as work:
            await self.repo.update_consultation(consultation_id, values)
            work.audit(
                audit(actor, "needs:consultation:update", "consultation", consultation_id, data=values)
            )
        return await self.get(consultation_id, actor)

    async def publish(self, actor: Actor, consultation_id: int) -> ConsultationView:
        """Open the consultation: it becomes public and its first phase becomes the active one."""
        require_curator(actor)
        row = await self._load(consultation_id, actor)
        if row["published_at"] is not None:
            raise Conflict("Cette consultation est déjà ouverte.", code="already_published")
        now = self.clock()
        phases = await self.repo.phases(consultation_id)
        if phases[0]["ends_at"] <= now:
            raise Conflict(
                "La collecte serait déjà close : reportez sa date de fin avant d'ouvrir la consultation.",
                code="phase_dates_invalid",
            )
        async with self.uow() as work:
            await self.repo.update_consultation(consultation_id, {"published_at": now})
            await self.repo.activate_phase(consultation_id, PHASE_ORDER[0].value)
            work.emit(
                ConsultationPhaseChanged(
                    consultation_id=consultation_id,
                    slug=row["slug"],
                    from_phase=None,
                    to_phase=PHASE_ORDER[0].value,
                )
            )
            work.audit(
                audit(
                    actor, "needs:consultation:publish", "consultation", consultation_id, to_state="collecte"
                )
            )
        return await self.get(consultation_id, actor)

    async def advance(self, actor: Actor, consultation_id: int, kind: str) -> ConsultationView:
        """Switch to the next phase now: the current phase ends and the next one starts at this moment."""
        require_curator(actor)
        row = await self._load(consultation_id, actor)
        now = self.clock()
        async with self.uow() as work:
            phases = await self.repo.phases(consultation_id)
            current = next((i for i, p in enumerate(phases) if p["active"]), None)
            if row["published_at"] is None or current is None:
                raise Conflict("Ouvrez d'abord la consultation.", code="not_published")
            if current + 1 >= len(phases) or phases[current + 1]["kind"] != kind:
                expected = phases[current + 1]["kind"] if current + 1 < len(phases) else None
                raise Conflict(
                    "On ne peut passer qu'à la phase suivante"
                    + (
                        f" (« {PHASE_LABELS[expected]} »)."
                        if expected
                        else " : la consultation est terminée."
                    ),
                    code="phase_not_next",
                )
            following = phases[current + 1]
            if now <= phases[current]["starts_at"]:
                raise Conflict("La phase en cours n'a pas encore commencé.", code="phase_not_started")
            if following["ends_at"] <= now:
                raise Conflict(
                    f"La phase « {PHASE_LABELS[kind]} » serait déjà close : reportez d'abord sa date de fin.",
                    code="phase_dates_invalid",
                )
            await self.repo.update_phase(consultation_id, phases[current]["kind"], ends_at=now)
            await self.repo.update_phase(consultation_id, kind, starts_at=now)
            await self.repo.activate_phase(consultation_id, kind)
            work.emit(
                ConsultationPhaseChanged(
                    consultation_id=consultation_id,
                    slug=row["slug"],
                    from_phase=phases[current]["kind"],
                    to_phase=kind,
                )
            )
            work.audit(
                audit(
                    actor,
                    "needs:phase:activate",
                    "consultation",
                    consultation_id,
                    from_state=phases[current]["kind"],
                    to_state=kind,
                )
            )
        return await self.get(consultation_id, actor)

    async def update_phase(
        self, actor: Actor, consultation_id: int, kind: str, data: PhaseUpdate
    ) -> ConsultationView:
        require_curator(actor)
        await self._load(consultation_id, actor)
        async with self.uow() as work:
            phases = await self.repo.phases(consultation_id)
            index = next((i for i, p in enumerate(phases) if p["kind"] == kind), None)
            if index is None:
                raise NotFound("Phase inconnue.", code="phase_not_found")
            active = next((i for i, p in enumerate(phases) if p["active"]), None)
            if data.ends_at is not None:
                if active is not None and index < active:
                    raise Conflict("Une phase passée ne se modifie plus.", code="phase_past")
                windows = [Window(p["kind"], p["starts_at"], p["ends_at"]) for p in phases]
                try:
                    moved = move_end(windows, kind, data.ends_at)
                except ValueError as exc:
                    raise InvalidInput(str(exc), code="phase_dates_invalid") from exc
                await self.repo.update_phase(consultation_id, kind, ends_at=data.ends_at)
                if index + 1 < len(moved):
                    await self.repo.update_phase(
                        consultation_id, moved[index + 1].kind, starts_at=data.ends_at
                    )
            if data.settings is not None:
                await self.repo.update_phase(consultation_id, kind, settings=data.settings)
            work.audit(
                audit(
                    actor,
                    "needs:phase:update",
                    "consultation",
                    consultation_id,
                    data={
                        "kind": kind,
                        "ends_at": data.ends_at.isoformat() if data.ends_at else None,
                        "settings": _fields(data.settings) if data.settings else None,
                    },
                )
            )
        return await self.get(consultation_id, actor)


def _fields(struct: Any) -> dict[str, Any]:
    return {f: getattr(struct, f) for f in struct.__struct_fields__}
