"""Services search: structured parameters → a filter tree (visibility added here, server-side),
facet counts with French labels, highlighted hits. Unknown values are a 400 with a French detail."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from typing import Any

import markupsafe
import msgspec

from catalogue.listings.reference import DEPLOYMENT_MODES, KINDS, MATURITIES, PLAN_KINDS, THEMATIQUES
from catalogue.listings.states import STATE_LABELS, State
from search.backend import SearchBackend
from search.errors import SearchQueryError
from search.indexes import SERVICES
from search.listings_source import departement_names, publisher_names
from search.query import Eq, Filter, In, SearchQuery, and_
from search.schemas import (
    DEPARTEMENT_PATTERN,
    SERVICE_SORTS,
    Facet,
    FacetValue,
    ServiceHit,
    ServiceSearchPage,
    ServiceSearchParams,
)
from store.kit.errors import Forbidden

MAX_QUERY_LENGTH = 200
MAX_PER_PAGE = 50
MAX_VALUES = 20
PUBLISHER_NAMES_TTL_S = 60.0
"""Publisher names are read again after this delay (a new SIREN in the facets reads them at once)."""
_PRE, _POST = "\x02", "\x03"
THEMATIQUE_LABELS = dict(THEMATIQUES)
THEMATIQUE_SLUGS = {label: slug for slug, label in THEMATIQUES}
COFUNDING_LABELS = {"true": "Cofinancement possible", "false": "Sans cofinancement"}

# (query parameter, index attribute, French label) — the facets shown, in this order.
FACETS: tuple[tuple[str, str, str], ...] = (
    ("thematique", "thematiques", "Thématique"),
    ("kind", "target_kinds", "Collectivités visées"),
    ("pricing", "pricing", "Tarification"),
    ("maturity", "maturity", "Maturité"),
    ("deployment", "deployment_modes", "Mode de déploiement"),
    ("publisher", "publisher_siren", "Éditeur"),
    ("departement", "pilot_departements", "Département des territoires pilotes"),
    ("cofunding", "cofunding_available", "Cofinancement"),
)
CURATOR_FACET = ("state", "status", "État")
HIT_ATTRIBUTES = (
    "id",
    "slug",
    "title",
    "action",
    "summary",
    "thematiques",
    "target_kinds",
    "pricing",
    "yearly_price_cents",
    "maturity",
    "deployment_modes",
    "publisher_siren",
    "publisher_name",
    "pilot_departements",
    "cofunding_available",
    "status",
)
"""What ``_hit`` reads: the engine neither copies nor formats the rest (description, keywords…)."""


def highlight(text: str) -> str:
    escaped = str(markupsafe.escape(text))
    return escaped.replace(_PRE, "<mark>").replace(_POST, "</mark>")


def _check(values: Sequence[str], known: Any, what: str) -> None:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise SearchQueryError(f"{what} inconnu(e) : {', '.join(unknown[:3])}.", code="unknown_facet_value")


def validate(params: ServiceSearchParams) -> None:
    """Every value comes from a closed list (or has the shape of one): a 400 otherwise."""
    if params.page < 1 or not 1 <= params.per_page <= MAX_PER_PAGE:
        raise SearchQueryError(
            f"Pagination invalide : page ≥ 1 et 1 à {MAX_PER_PAGE} résultats par page.", code="invalid_page"
        )
    if params.sort not in SERVICE_SORTS:
        raise SearchQueryError(
            f"Tri inconnu : {params.sort} (attendu : {', '.join(SERVICE_SORTS)}).", code="unknown_sort"
        )
    _check(params.thematiques, THEMATIQUE_LABELS, "Thématique")
    _check(params.kinds, KINDS, "Type de collectivité")
    _check(params.pricing, PLAN_KINDS, "Tarification")
    _check(params.maturities, MATURITIES, "Maturité")
    _check(params.deployment_modes, DEPLOYMENT_MODES, "Mode de déploiement")
    _check(params.states, STATE_LABELS, "État")
    _check([p for p in params.publishers if not (p.isdigit() and len(p) == 9)], (), "SIREN d'éditeur")
    _check([d for d in params.departements if not re.match(DEPARTEMENT_PATTERN, d)], (), "Département")


def clauses(params: ServiceSearchParams, *, curator: bool) -> dict[str, Filter | None]:
    """One filter per facet parameter (values of one facet: any of them); ``state`` is visibility:
    the public only ever sees published listings, curators every state unless they pick some."""
    if params.states and not curator:
        raise Forbidden(
            "Seuls les curateurs de l'ANCT peuvent chercher parmi les services non publiés.",
            code="curator_only",
        )

    def any_of(field: str, values: Sequence[str]) -> Filter | None:
        return In(field, tuple(values)) if values else None

    return {
        "state": any_of("status", params.states) if curator else Eq("status", State.published.value),
        "thematique": any_of("thematiques", [THEMATIQUE_LABELS[s] for s in params.thematiques]),
        "kind": any_of("target_kinds", params.kinds),
        "pricing": any_of("pricing", params.pricing),
        "maturity": any_of("maturity", params.maturities),
        "deployment": any_of("deployment_modes", params.deployment_modes),
        "publisher": any_of("publisher_siren", params.publishers),
        "departement": any_of("pilot_departements", params.departements),
        "cofunding": Eq("cofunding_available", params.cofunding) if params.cofunding is not None else None,
    }


def build_filter(params: ServiceSearchParams, *, curator: bool, without: str | None = None) -> Filter | None:
    """Every clause ANDed (``without``: all but that facet's own, for its disjunctive counts)."""
    return and_(*(c for p, c in clauses(params, curator=curator).items() if p != without))


def _selected(params: ServiceSearchParams) -> dict[str, set[str]]:
    return {
        "thematique": set(params.thematiques),
        "kind": set(params.kinds),
        "pricing": set(params.pricing),
        "maturity": set(params.maturities),
        "deployment": set(params.deployment_modes),
        "publisher": set(params.publishers),
        "departement": set(params.departements),
        "cofunding": {"true" if params.cofunding else "false"} if params.cofunding is not None else set(),
        "state": set(params.states),
    }


class ServiceSearch:
    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend
        self._departements: dict[str, str] | None = None
        self._publishers: dict[str, str] = {}
        self._publishers_asked: set[str] = set()  # SIRENs known, or looked for, at the last read
        self._publishers_read_at = 0.0

    async def run(self, params: ServiceSearchParams, *, curator: bool = False) -> ServiceSearchPage:
        params = _normalised(params)
        validate(params)
        facets = FACETS + ((CURATOR_FACET,) if curator else ())
        result = await self.backend.search(
            SERVICES,
            SearchQuery(
                q=params.q,
                filter=build_filter(params, curator=curator),
                facets=tuple(attribute for _, attribute, _ in facets),
                sort=SERVICE_SORTS[params.sort][1],
                page=params.page,
                hits_per_page=params.per_page,
                attributes_to_retrieve=HIT_ATTRIBUTES,
                attributes_to_highlight=("title", "summary"),
                highlight_pre_tag=_PRE,
                highlight_post_tag=_POST,
            ),
        )
        selected = _selected(params)
        distribution = dict(result.facet_distribution)
        for param, attribute, _ in facets:
            # Disjunctive counts: a ticked facet counts its values as if it were not ticked, so
            # that its other values stay visible with what ticking them too would add.
            if selected[param] and (curator or param != "state"):
                others = await self.backend.search(
                    SERVICES,
                    SearchQuery(
                        q=params.q,
                        filter=build_filter(params, curator=curator, without=param),
                        facets=(attribute,),
                        hits_per_page=0,  # counts only: no ranking, no hit
                    ),
                )
                distribution[attribute] = others.facet_distribution.get(attribute, {})
        labels = await self._labels(distribution)
        groups = []
        for param, attribute, label in facets:
            counts = distribution.get(attribute, {})
            chosen, label_of = selected[param], labels[param]
            # (value, label, count, selected): only the MAX_VALUES shown become FacetValues.
            rows = [
                (value, label_of(value), count, value in chosen)
                for value, count in counts.items()
                for value in [_facet_param_value(param, value)]
            ]
            shown = {row[0] for row in rows}
            rows += [(v, label_of(_index_value(param, v)), 0, True) for v in sorted(chosen - shown)]
            rows.sort(key=lambda r: (not r[3], -r[2], r[1]))
            values = [
                FacetValue(value=v, label=lb, count=c, selected=sel) for v, lb, c, sel in rows[:MAX_VALUES]
            ]
            groups.append(Facet(param=param, label=label, values=values))
        return ServiceSearchPage(
            query=params.q,
            sort=params.sort,
            hits=[_hit(h) for h in result.hits],
            total_hits=result.total_hits,
            total_pages=result.total_pages,
            page=result.page,
            per_page=params.per_page,
            facets=groups,
            processing_time_ms=result.processing_time_ms,
        )

    async def _labels(self, distribution: dict[str, dict[str, int]]) -> dict[str, Callable[[str], str]]:
        if self._departements is None:
            self._departements = await departement_names()
        departements = self._departements
        sirens = set(distribution.get("publisher_siren", {}))
        stale = time.monotonic() - self._publishers_read_at > PUBLISHER_NAMES_TTL_S
        # A SIREN without a publisher row is remembered as looked for: not read again every request.
        if stale or not sirens <= self._publishers_asked:
            self._publishers, self._publishers_read_at = await publisher_names(), time.monotonic()
            self._publishers_asked = set(self._publishers) | sirens
        publishers = self._publishers
        return {
            "thematique": lambda v: THEMATIQUE_LABELS.get(v, v),
            "kind": lambda v: KINDS.get(v, v),
            "pricing": lambda v: PLAN_KINDS.get(v, v),
            "maturity": lambda v: MATURITIES.get(v, v),
            "deployment": lambda v: DEPLOYMENT_MODES.get(v, v),
            "publisher": lambda v: publishers.get(v, v),
            "departement": lambda v: f"{departements[v]} ({v})" if v in departements else v,
            "cofunding": lambda v: COFUNDING_LABELS.get(v, v),
            "state": lambda v: STATE_LABELS.get(v, v),
        }


def _facet_param_value(param: str, value: str) -> str:
    """Index values → query parameter values (thématiques are indexed by label, sent by slug)."""
    if param == "thematique":
        return THEMATIQUE_SLUGS.get(value, value)
    return value


def _index_value(param: str, value: str) -> str:
    return THEMATIQUE_LABELS.get(value, value) if param == "thematique" else value


def _normalised(params: ServiceSearchParams) -> ServiceSearchParams:
    q = " ".join(params.q.split())
    if len(q) > MAX_QUERY_LENGTH:
        raise SearchQueryError(
            f"La recherche est trop longue ({MAX_QUERY_LENGTH} caractères au plus).", code="query_too_long"
        )
    return msgspec.structs.replace(params, q=q, departements=tuple(d.upper() for d in params.departements))


def _hit(h: dict[str, Any]) -> ServiceHit:
    formatted = h.get("_formatted", {})
    return ServiceHit(
        id=str(h["id"]),
        slug=h["slug"],
        url=f"/catalogue/{h['slug']}",
        title=h["title"],
        action=h.get("action", ""),
        summary=h.get("summary", ""),
        highlighted_title=highlight(formatted.get("title", h["title"])),
        highlighted_summary=highlight(formatted.get("summary", h.get("summary", ""))),
        thematiques=h.get("thematiques", []),
        target_kinds=h.get("target_kinds", []),
        pricing=h.get("pricing", []),
        yearly_price_cents=h.get("yearly_price_cents"),
        maturity=h.get("maturity", ""),
        deployment_modes=h.get("deployment_modes", []),
        publisher_siren=h.get("publisher_siren", ""),
        publisher_name=h.get("publisher_name", ""),
        pilot_departements=h.get("pilot_departements", []),
        cofunding_available=bool(h.get("cofunding_available")),
        status=h.get("status", ""),
    )
