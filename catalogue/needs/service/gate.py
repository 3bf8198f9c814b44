"""Phase gating: what the active phase allows now, and the French refusal when it does not."""

from __future__ import annotations

import datetime as dt
from typing import Any

from catalogue.needs.phases import PHASE_LABELS, Action, allowed_actions
from catalogue.needs.schemas import ConsultationFacts
from store.kit.errors import Conflict


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def is_open(phase: dict[str, Any], now: dt.datetime) -> bool:
    return bool(phase["active"]) and phase["starts_at"] <= now < phase["ends_at"]


def facts_of(
    consultation: dict[str, Any], phases: list[dict[str, Any]], now: dt.datetime
) -> ConsultationFacts:
    active = next((p for p in phases if p["active"]), None)
    published = consultation["published_at"] is not None
    allowed: frozenset[str] = frozenset()
    if published and active is not None and is_open(active, now):
        allowed = frozenset(a.value for a in allowed_actions(active["settings"]))
    elif published and active is not None and not active["settings"].votes_hidden:
        allowed = frozenset({Action.see_votes.value})
    return ConsultationFacts(
        consultation_id=consultation["id"],
        slug=consultation["slug"],
        title=consultation["title"],
        published=published,
        phase_kind=active["kind"] if active else None,
        phase_label=PHASE_LABELS[active["kind"]] if active else "",
        phase_starts_at=active["starts_at"] if active else None,
        phase_ends_at=active["ends_at"] if active else None,
        allowed=allowed,
        vote_limit=consultation["vote_limit"],
        minimum_votes_per_voter=consultation["minimum_votes_per_voter"],
        threshold_per_proposal=consultation["threshold_per_proposal"],
        can_accumulate_beyond_threshold=bool(consultation["can_accumulate_beyond_threshold"]),
        default_pilot_capacity=consultation["default_pilot_capacity"],
        envelope_code=consultation["envelope_code"],
        checked_at=now,
    )


def require(facts: ConsultationFacts, action: Action | str) -> None:
    message = facts.refusal(str(action))
    if message is not None:
        raise Conflict(message, code="phase_closed")
