"""Reading a services search from a query string (the API and the page share it): every name and
value is checked, unknown ones are a 400 with a French detail."""

from __future__ import annotations

from search.errors import SearchQueryError
from search.schemas import SERVICE_SORTS, ServiceSearchParams
from store.kit.auth import Actor, Scope

SERVICE_PARAMS = frozenset(
    {
        "q",
        "thematique",
        "kind",
        "pricing",
        "maturity",
        "deployment",
        "publisher",
        "departement",
        "cofunding",
        "state",
        "sort",
        "page",
        "per_page",
    }
)


def is_curator(actor: Actor) -> bool:
    """Curator powers need the curation scope too (a limited API token of a curator stays limited)."""
    return actor.is_curator and actor.has(Scope.AdminCurationWrite)


def service_params(query: dict[str, list[str]]) -> ServiceSearchParams:
    """The page and the API share this reading of the query string; unknown names are a 400."""
    unknown = sorted(set(query) - SERVICE_PARAMS)
    if unknown:
        raise SearchQueryError(
            f"Paramètre de recherche inconnu : {', '.join(unknown[:3])}.", code="unknown_parameter"
        )

    def one(name: str, default: str = "") -> str:
        values = query.get(name) or [default]
        if len(values) > 1:
            raise SearchQueryError(
                f"Le paramètre {name} ne peut être donné qu'une fois.", code="repeated_parameter"
            )
        return values[0]

    def number(name: str, default: int) -> int:
        text = one(name, str(default)).strip()
        if not text.isdigit() or len(text) > 5:
            raise SearchQueryError(
                f"Le paramètre {name} doit être un nombre entier positif.", code="invalid_page"
            )
        return int(text)

    def many(name: str) -> tuple[str, ...]:
        values = [v.strip() for v in query.get(name, []) if v.strip()]
        if len(values) > 30:
            raise SearchQueryError(f"Trop de valeurs pour {name} (30 au plus).", code="too_many_values")
        return tuple(dict.fromkeys(values))

    cofunding_text = one("cofunding").strip().lower()
    if cofunding_text not in ("", "true", "false"):
        raise SearchQueryError("Le paramètre cofunding vaut true ou false.", code="unknown_facet_value")
    sort = one("sort", "pertinence").strip() or "pertinence"
    if sort not in SERVICE_SORTS:
        raise SearchQueryError(
            f"Tri inconnu : {sort[:40]} (attendu : {', '.join(SERVICE_SORTS)}).", code="unknown_sort"
        )
    return ServiceSearchParams(
        q=one("q"),
        thematiques=many("thematique"),
        kinds=many("kind"),
        pricing=many("pricing"),
        maturities=many("maturity"),
        deployment_modes=many("deployment"),
        publishers=many("publisher"),
        departements=many("departement"),
        cofunding=None if not cofunding_text else cofunding_text == "true",
        states=many("state"),
        sort=sort,  # type: ignore[arg-type]
        page=number("page", 1),
        per_page=number("per_page", 20),
    )
