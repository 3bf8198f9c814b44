"""Consultation phases as data: their order, what each allows, and the date arithmetic.

A consultation runs seven phases in a fixed order. Exactly one is *active* once the consultation
is open (an explicit switch, as Decidim's ``active`` step and CONSUL's ``budget.phase``; a partial
unique index forbids two). What an action needs is the active phase's settings *and* that phase
still being open (``starts_at <= now < ends_at``): deadlines hold without a scheduler, and the
curator moves on with an explicit switch that also records the real boundary date.
"""

from __future__ import annotations

import datetime as dt
import itertools
from enum import StrEnum

import msgspec


class PhaseKind(StrEnum):
    collecte = "collecte"
    regroupement = "regroupement"
    vote = "vote"
    selection = "selection"
    positionnement = "positionnement"
    deploiement = "deploiement"
    terminee = "terminee"


PHASE_ORDER: tuple[PhaseKind, ...] = tuple(PhaseKind)

PHASE_LABELS: dict[str, str] = {
    "collecte": "Collecte des besoins",
    "regroupement": "Regroupement",
    "vote": "Vote",
    "selection": "Sélection",
    "positionnement": "Positionnement",
    "deploiement": "Déploiement",
    "terminee": "Terminée",
}


class PhaseSettings(msgspec.Struct, frozen=True, forbid_unknown_fields=True, kw_only=True):
    """What a phase allows (Decidim step settings). Every flag defaults to off."""

    creation_enabled: bool = False
    """Collectivités may submit and publish contributions."""
    curation_enabled: bool = False
    """Curators may merge, split, reorient and reject contributions."""
    votes_enabled: bool = False
    """Collectivités may support proposals and withdraw their supports."""
    votes_blocked: bool = False
    """Votes are frozen for a while (still counted, neither added nor withdrawn)."""
    votes_hidden: bool = False
    """Tallies are hidden from the public (curators still see them)."""
    selection_enabled: bool = False
    """The committee records its decisions."""
    interest_enabled: bool = False
    """Collectivités declare interest in selected services."""
    interest_review_enabled: bool = False
    """Curators accept or decline interest declarations."""
    progress_enabled: bool = False
    """Curators record deployment milestones and progress."""


DEFAULT_SETTINGS: dict[PhaseKind, PhaseSettings] = {
    PhaseKind.collecte: PhaseSettings(creation_enabled=True),
    PhaseKind.regroupement: PhaseSettings(curation_enabled=True),
    PhaseKind.vote: PhaseSettings(votes_enabled=True),
    PhaseKind.selection: PhaseSettings(selection_enabled=True),
    PhaseKind.positionnement: PhaseSettings(interest_enabled=True, interest_review_enabled=True),
    PhaseKind.deploiement: PhaseSettings(interest_review_enabled=True, progress_enabled=True),
    PhaseKind.terminee: PhaseSettings(),
}


class Action(StrEnum):
    """Things a phase may allow; services ask for one of these."""

    contribute = "contribute"
    curate = "curate"
    vote = "vote"
    see_votes = "see_votes"
    select = "select"
    declare_interest = "declare_interest"
    review_interest = "review_interest"
    report_progress = "report_progress"


ACTION_LABELS: dict[str, str] = {
    "contribute": "déposer une contribution",
    "curate": "regrouper les contributions",
    "vote": "soutenir une proposition",
    "see_votes": "consulter les résultats",
    "select": "enregistrer une décision du comité",
    "declare_interest": "se positionner sur un service",
    "review_interest": "examiner les positionnements",
    "report_progress": "suivre le déploiement",
}


def allowed_actions(settings: PhaseSettings) -> frozenset[Action]:
    allowed: set[Action] = set()
    if settings.creation_enabled:
        allowed.add(Action.contribute)
    if settings.curation_enabled:
        allowed.add(Action.curate)
    if settings.votes_enabled and not settings.votes_blocked:
        allowed.add(Action.vote)
    if not settings.votes_hidden:
        allowed.add(Action.see_votes)
    if settings.selection_enabled:
        allowed.add(Action.select)
    if settings.interest_enabled:
        allowed.add(Action.declare_interest)
    if settings.interest_review_enabled:
        allowed.add(Action.review_interest)
    if settings.progress_enabled:
        allowed.add(Action.report_progress)
    return frozenset(allowed)


class Window(msgspec.Struct, frozen=True):
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def contiguous_windows(starts_at: dt.datetime, ends: list[dt.datetime]) -> list[Window]:
    """Seven phases from a start and seven ends; raises ValueError unless strictly increasing."""
    if len(ends) != len(PHASE_ORDER):
        raise ValueError(f"Il faut une date de fin pour chacune des {len(PHASE_ORDER)} phases.")
    windows: list[Window] = []
    start = starts_at
    for kind, end in zip(PHASE_ORDER, ends, strict=True):
        if end <= start:
            raise ValueError(
                f"La phase « {PHASE_LABELS[kind]} » doit finir après son début ({start:%d/%m/%Y %H:%M})."
            )
        windows.append(Window(kind.value, start, end))
        start = end
    return windows


def move_end(windows: list[Window], kind: str, new_end: dt.datetime) -> list[Window]:
    """CONSUL ``adjust_date_ranges``: a phase's new end is the next phase's new start."""
    index = next(i for i, w in enumerate(windows) if w.kind == kind)
    moved = list(windows)
    current = moved[index]
    if new_end <= current.starts_at:
        raise ValueError(f"La phase « {PHASE_LABELS[kind]} » doit finir après son début.")
    moved[index] = Window(current.kind, current.starts_at, new_end)
    if index + 1 < len(moved):
        following = moved[index + 1]
        if following.ends_at <= new_end:
            raise ValueError(
                f"La phase suivante « {PHASE_LABELS[following.kind]} » finirait avant de commencer : "
                "reportez d'abord sa date de fin."
            )
        moved[index + 1] = Window(following.kind, new_end, following.ends_at)
    return moved


def is_contiguous(windows: list[Window]) -> bool:
    return all(a.ends_at == b.starts_at for a, b in itertools.pairwise(windows)) and all(
        w.starts_at < w.ends_at for w in windows
    )
