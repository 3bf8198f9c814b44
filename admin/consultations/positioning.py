"""The positioning tables of the consultation dashboard: per selected service and per département.

Only live declarations count (submitted or accepted): a withdrawn or declined one commits nobody.
"""

from __future__ import annotations

from collections import defaultdict

from admin.tables import Column, Table, table
from catalogue.votes.schemas import DecisionView, InterestView

LIVE_INTERESTS = ("submitted", "accepted")
PILOT, EARLY, COFUNDER, OBSERVER = "territoire_referent", "early_adopter", "cofinanceur", "observateur"


def _count(rows: list[InterestView], role: str, state: str | None = None) -> int:
    return sum(1 for i in rows if i.role == role and (state is None or i.state == state))


def _offered(rows: list[InterestView], state: str | None = None) -> int:
    return sum(
        i.cofunding_amount_cents for i in rows if i.role == COFUNDER and (state is None or i.state == state)
    )


def _live(interests: list[InterestView]) -> list[InterestView]:
    return [i for i in interests if i.state in LIVE_INTERESTS]


def positioning_by_service(
    selected: list[DecisionView], interests: list[InterestView], titles: dict[int, str]
) -> Table:
    by_proposal: dict[int, list[InterestView]] = defaultdict(list)
    for i in _live(interests):
        by_proposal[i.proposal_id].append(i)
    return table(
        "positionnements-par-service",
        "Positionnements par service retenu (hors retraits et refus)",
        [
            Column("proposition", "N°", "int"),
            Column("titre", "Service"),
            Column("pilotes_acceptes", "Pilotes acceptés", "int"),
            Column("pilotes_en_attente", "Pilotes en attente", "int"),
            Column("early_adopters", "Early adopters", "int"),
            Column("cofinanceurs", "Co-financeurs", "int"),
            Column("cofinancement_propose_centimes", "Co-financement proposé", "cents"),
            Column("cofinancement_accepte_centimes", "Co-financement accepté", "cents"),
            Column("observateurs", "Observateurs", "int"),
        ],
        [
            [
                d.proposal_id,
                titles.get(d.proposal_id, ""),
                _count(rows, PILOT, "accepted"),
                _count(rows, PILOT, "submitted"),
                _count(rows, EARLY),
                _count(rows, COFUNDER),
                _offered(rows),
                _offered(rows, "accepted"),
                _count(rows, OBSERVER),
            ]
            for d in selected
            for rows in [by_proposal[d.proposal_id]]
        ],
    )


def positioning_by_departement(interests: list[InterestView], names: dict[str, str]) -> Table:
    by_departement: dict[str, list[InterestView]] = defaultdict(list)
    for i in _live(interests):
        by_departement[i.departement_code or "—"].append(i)
    return table(
        "positionnements-par-departement",
        "Positionnements par département (hors retraits et refus)",
        [
            Column("departement", "Code"),
            Column("nom", "Département"),
            Column("pilotes", "Pilotes", "int"),
            Column("early_adopters", "Early adopters", "int"),
            Column("cofinanceurs", "Co-financeurs", "int"),
            Column("observateurs", "Observateurs", "int"),
            Column("positionnements", "Positionnements", "int"),
            Column("cofinancement_propose_centimes", "Co-financement proposé", "cents"),
        ],
        [
            [
                code,
                names.get(code, ""),
                _count(rows, PILOT),
                _count(rows, EARLY),
                _count(rows, COFUNDER),
                _count(rows, OBSERVER),
                len(rows),
                _offered(rows),
            ]
            for code, rows in sorted(by_departement.items())
        ],
    )
