"""The listing life cycle: which action moves a listing from which state to which, and who may act.

    draft ──submit──▶ submitted ──approve──▶ published ──suspend──▶ suspended
      ▲                 │  │                    │   ▲                 │
      │                 │  └─reject─▶ rejected  │   └───reinstate─────┘
      └─ changes_requested ◀─request_changes    └──retire──▶ retired ◀──retire── (suspended)

``submit`` is also legal from ``changes_requested``. ``rejected`` and ``retired`` are final: a
rejected service comes back as a new listing (with a new slug). Pure data and functions, no I/O, so
that the rules can be tested exhaustively.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal


class State(StrEnum):
    draft = "draft"
    submitted = "submitted"
    changes_requested = "changes_requested"
    published = "published"
    suspended = "suspended"
    retired = "retired"
    rejected = "rejected"


class Action(StrEnum):
    submit = "submit"
    request_changes = "request_changes"
    approve = "approve"
    reject = "reject"
    suspend = "suspend"
    reinstate = "reinstate"
    retire = "retire"


Role = Literal["publisher", "curator"]
"""``publisher``: a member of the publisher that owns the listing. ``curator``: an ANCT curator."""


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[State]
    target: State
    roles: frozenset[Role]
    reason_required_for: frozenset[Role] = frozenset()
    past: str = ""
    """Past tense of the action, used in event topics (``catalogue:listing:<past>``)."""


def _t(
    action: Action,
    sources: set[State],
    target: State,
    roles: set[Role],
    past: str,
    reason_for: set[Role] | None = None,
) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(roles), frozenset(reason_for or ()), past)


TRANSITIONS: Final[dict[Action, Transition]] = {
    t.action: t
    for t in (
        _t(
            Action.submit, {State.draft, State.changes_requested}, State.submitted, {"publisher"}, "submitted"
        ),
        _t(
            Action.request_changes,
            {State.submitted},
            State.changes_requested,
            {"curator"},
            "changes_requested",
            {"curator"},
        ),
        _t(Action.approve, {State.submitted}, State.published, {"curator"}, "published"),
        _t(Action.reject, {State.submitted}, State.rejected, {"curator"}, "rejected", {"curator"}),
        _t(Action.suspend, {State.published}, State.suspended, {"curator"}, "suspended", {"curator"}),
        _t(Action.reinstate, {State.suspended}, State.published, {"curator"}, "published"),
        _t(
            Action.retire,
            {State.published, State.suspended},
            State.retired,
            {"publisher", "curator"},
            "retired",
            {"curator"},
        ),
    )
}

EDITABLE_BY_PUBLISHER: Final[frozenset[State]] = frozenset({State.draft, State.changes_requested})
"""A publisher edits its listing only before publication; a published listing changes through a curator."""

EDITABLE_BY_CURATOR: Final[frozenset[State]] = frozenset(State) - {State.retired, State.rejected}
"""Curators correct any listing that is still alive (edits of a published one emit ``ListingUpdated``)."""

PUBLIC_STATES: Final[frozenset[State]] = frozenset({State.published})
FINAL_STATES: Final[frozenset[State]] = frozenset({State.retired, State.rejected})

STATE_LABELS: Final[dict[str, str]] = {
    State.draft: "Brouillon",
    State.submitted: "En revue",
    State.changes_requested: "Modifications demandées",
    State.published: "Publié",
    State.suspended: "Suspendu",
    State.retired: "Retiré",
    State.rejected: "Refusé",
}

STATE_BADGES: Final[dict[str, str]] = {
    State.draft: "fr-badge--info",
    State.submitted: "fr-badge--new",
    State.changes_requested: "fr-badge--warning",
    State.published: "fr-badge--success",
    State.suspended: "fr-badge--warning",
    State.retired: "",
    State.rejected: "fr-badge--error",
}

ACTION_LABELS: Final[dict[str, str]] = {
    Action.submit: "Soumettre pour revue",
    Action.request_changes: "Demander des modifications",
    Action.approve: "Approuver et publier",
    Action.reject: "Refuser",
    Action.suspend: "Suspendre",
    Action.reinstate: "Republier",
    Action.retire: "Retirer du catalogue",
}


def transition_for(action: Action, source: State) -> Transition | None:
    """The transition ``action`` performs from ``source``, or None when it is illegal there."""
    transition = TRANSITIONS[action]
    return transition if source in transition.sources else None


def actions_from(source: State, role: Role) -> list[Action]:
    """What ``role`` may do to a listing in ``source`` (for buttons and API hints)."""
    return [t.action for t in TRANSITIONS.values() if source in t.sources and role in t.roles]
