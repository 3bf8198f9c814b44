"""Declarative eligibility rules of a call for projects, and their evaluation.

A call stores its rules as a small tree (a msgspec tagged union, ``{"type": "min_population_covered",
"population": 500000}``), never as code. Evaluation is a pure function of ``GroupFacts`` — what the
registry says about the lead applicant and its co-applicants — so that the same rules give the same
verdict in the API, the pages and the tests. Every verdict carries its reasons in French.

National calls of the plan: ``any_of(min_departements_covered(1), min_population_covered(500 000))``.
A departmental guichet reserved to small communes: ``all_of(kinds_allowed(["commune"]),
max_population_per_applicant(3 500), in_departements(["63"]))``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Kind = Literal["commune", "epci", "ept", "departement", "region"]
KIND_LABELS: dict[str, str] = {
    "commune": "commune",
    "epci": "EPCI",
    "ept": "établissement public territorial",
    "departement": "département",
    "region": "région",
}
Departement = Annotated[str, msgspec.Meta(pattern=r"^(?:\d{2}|2[AB]|97\d)$")]
MAX_DEPTH = 4


class ApplicantFacts(msgspec.Struct, frozen=True, kw_only=True):
    siren: str
    name: str
    kind: str
    population: int
    departement_code: str | None
    departement_codes: tuple[str, ...] = ()
    """Every département its territory touches."""


class GroupFacts(msgspec.Struct, frozen=True, kw_only=True):
    """The applicant group as the registry sees it: the lead first, then the co-applicants."""

    applicants: tuple[ApplicantFacts, ...]
    population: int
    """Deduplicated population municipale covered by the whole group."""
    departements: tuple[str, ...]
    """Départements covered by the group: every commune of the INSEE département, or a member that
    exercises the départemental competences there (a département, the Ville de Paris…)."""


class Verdict(msgspec.Struct, frozen=True, kw_only=True):
    ok: bool
    message: str
    children: tuple[Verdict, ...] = ()


class MinDepartementsCovered(
    msgspec.Struct, frozen=True, tag="min_departements_covered", forbid_unknown_fields=True
):
    count: Annotated[int, msgspec.Meta(ge=1, le=101)]


class MinPopulationCovered(
    msgspec.Struct, frozen=True, tag="min_population_covered", forbid_unknown_fields=True
):
    population: Annotated[int, msgspec.Meta(ge=1, le=100_000_000)]


class KindsAllowed(msgspec.Struct, frozen=True, tag="kinds_allowed", forbid_unknown_fields=True):
    kinds: Annotated[tuple[Kind, ...], msgspec.Meta(min_length=1, max_length=5)]


class MaxPopulationPerApplicant(
    msgspec.Struct, frozen=True, tag="max_population_per_applicant", forbid_unknown_fields=True
):
    population: Annotated[int, msgspec.Meta(ge=1, le=100_000_000)]
    kinds: tuple[Kind, ...] = ()
    """Only applicants of these kinds are bounded (all when empty)."""


class InDepartements(msgspec.Struct, frozen=True, tag="in_departements", forbid_unknown_fields=True):
    """Every applicant's territory lies in one of these départements (a departmental guichet)."""

    codes: Annotated[tuple[Departement, ...], msgspec.Meta(min_length=1, max_length=110)]


class MaxApplicants(msgspec.Struct, frozen=True, tag="max_applicants", forbid_unknown_fields=True):
    count: Annotated[int, msgspec.Meta(ge=1, le=1000)]


class AllOf(msgspec.Struct, frozen=True, tag="all_of", forbid_unknown_fields=True):
    rules: Annotated[tuple[Rule, ...], msgspec.Meta(min_length=1, max_length=20)]


class AnyOf(msgspec.Struct, frozen=True, tag="any_of", forbid_unknown_fields=True):
    rules: Annotated[tuple[Rule, ...], msgspec.Meta(min_length=1, max_length=20)]


Rule = (
    MinDepartementsCovered
    | MinPopulationCovered
    | KindsAllowed
    | MaxPopulationPerApplicant
    | InDepartements
    | MaxApplicants
    | AllOf
    | AnyOf
)


def depth(rule: Rule) -> int:
    if isinstance(rule, AllOf | AnyOf):
        return 1 + max(depth(r) for r in rule.rules)
    return 1


def decode_rule(raw: bytes | str) -> Rule | None:
    """A stored rule (JSON), or None when the call has no rule ("null")."""
    return msgspec.json.decode(raw, type=Rule | None)


def encode_rule(rule: Rule | None) -> str:
    return msgspec.json.encode(rule).decode()


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def evaluate(rule: Rule | None, facts: GroupFacts) -> Verdict:
    """The verdict of ``rule`` on the group, with a French reason for every condition."""
    if rule is None:
        return Verdict(ok=True, message="Aucune condition d'éligibilité particulière.")
    match rule:
        case AllOf(rules=rules):
            children = tuple(evaluate(r, facts) for r in rules)
            ok = all(c.ok for c in children)
            message = (
                "Toutes les conditions sont remplies."
                if ok
                else "Toutes les conditions suivantes sont requises."
            )
            return Verdict(ok=ok, message=message, children=children)
        case AnyOf(rules=rules):
            children = tuple(evaluate(r, facts) for r in rules)
            ok = any(c.ok for c in children)
            message = (
                "Au moins une des conditions est remplie."
                if ok
                else "Au moins une des conditions suivantes est requise."
            )
            return Verdict(ok=ok, message=message, children=children)
        case MinDepartementsCovered(count=count):
            covered = facts.departements
            ok = len(covered) >= count
            what = (
                "Le groupement ne couvre entièrement aucun département"
                if not covered
                else f"Le groupement couvre {_plural(len(covered), 'département')} ({', '.join(covered)})"
            )
            return Verdict(ok=ok, message=f"{what} : au moins {_plural(count, 'département')} requis.")
        case MinPopulationCovered(population=minimum):
            ok = facts.population >= minimum
            return Verdict(
                ok=ok,
                message=(
                    f"Le groupement couvre {_thousands(facts.population)} habitants (chaque commune comptée "
                    f"une fois) : au moins {_thousands(minimum)} requis."
                ),
            )
        case KindsAllowed(kinds=kinds):
            wrong = [a for a in facts.applicants if a.kind not in kinds]
            allowed = ", ".join(KIND_LABELS[k] for k in kinds)
            if not wrong:
                return Verdict(ok=True, message=f"Chaque demandeur est d'une catégorie admise ({allowed}).")
            names = ", ".join(f"{a.name} ({KIND_LABELS.get(a.kind, a.kind)})" for a in wrong)
            return Verdict(
                ok=False, message=f"Catégorie non admise pour {names} : seules {allowed} peuvent candidater."
            )
        case MaxPopulationPerApplicant(population=maximum, kinds=kinds):
            bounded = [a for a in facts.applicants if not kinds or a.kind in kinds]
            over = [a for a in bounded if a.population > maximum]
            scope = "" if not kinds else " (" + ", ".join(KIND_LABELS[k] for k in kinds) + ")"
            if not over:
                return Verdict(
                    ok=True,
                    message=f"Chaque demandeur{scope} compte au plus {_thousands(maximum)} habitants.",
                )
            names = ", ".join(f"{a.name} ({_thousands(a.population)} habitants)" for a in over)
            return Verdict(
                ok=False, message=f"Population au-delà de {_thousands(maximum)} habitants : {names}."
            )
        case InDepartements(codes=codes):
            outside = [
                a
                for a in facts.applicants
                if not a.departement_codes or not set(a.departement_codes) <= set(codes)
            ]
            where = ", ".join(codes)
            if not outside:
                return Verdict(
                    ok=True, message=f"Chaque demandeur est situé dans le territoire du guichet ({where})."
                )
            names = ", ".join(a.name for a in outside)
            return Verdict(ok=False, message=f"Hors du territoire du guichet ({where}) : {names}.")
        case MaxApplicants(count=count):
            n = len(facts.applicants)
            return Verdict(ok=n <= count, message=f"{_plural(n, 'demandeur')} : au plus {count} admis.")
    raise AssertionError(f"unknown rule {rule!r}")


def describe(rule: Rule | None) -> str:
    """The rule in one French sentence, for the call's page."""
    if rule is None:
        return "Aucune condition particulière."
    match rule:
        case AllOf(rules=rules):
            return "toutes ces conditions : " + " ; ".join(describe(r) for r in rules)
        case AnyOf(rules=rules):
            return "au moins une de ces conditions : " + " ; ou ".join(describe(r) for r in rules)
        case MinDepartementsCovered(count=count):
            return f"le groupement couvre au moins {_plural(count, 'département')}"
        case MinPopulationCovered(population=population):
            return f"le groupement couvre au moins {_thousands(population)} habitants (sans double compte)"
        case KindsAllowed(kinds=kinds):
            return "demandeurs : " + ", ".join(KIND_LABELS[k] for k in kinds)
        case MaxPopulationPerApplicant(population=population, kinds=kinds):
            scope = ", ".join(KIND_LABELS[k] for k in kinds) if kinds else "chaque demandeur"
            return f"{scope} : {_thousands(population)} habitants au plus"
        case InDepartements(codes=codes):
            return "demandeurs situés dans : " + ", ".join(codes)
        case MaxApplicants(count=count):
            return f"{_plural(count, 'demandeur')} au plus"
    raise AssertionError(f"unknown rule {rule!r}")


def sentence(rule: Rule | None) -> str:
    """``describe`` as a sentence: a capital first, a full stop last."""
    text = describe(rule)
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."
