"""Registry rules: SIREN validation, lookups, listing, and the population a group covers.

``coverage`` / ``population_of`` / ``departements_covered`` are what other domains use for the
"group covers ≥ 1 département or ≥ 500 000 inhabitants" rule of national calls and for vote
tallies. They expand every collectivité to the current communes it covers and count each commune
once:

- a commune covers itself;
- an EPCI or an EPT covers its member communes (a commune of the Grand Paris is in the Métropole
  du Grand Paris *and* in an EPT: counted once);
- a département covers the communes on which it exercises départemental competences — the
  Département du Rhône therefore excludes the communes of the Métropole de Lyon, and the
  Collectivité européenne d'Alsace covers 67 and 68;
- a région covers the communes of its région (a CTU — Corse, Martinique, Guyane — and Mayotte
  cover their territory once, whichever level they are asked as).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from store.kit.auth import Actor
from store.kit.errors import FieldError, InvalidInput, NotFound
from store.registry.dataset import KINDS
from store.registry.repository import RegistryRepository
from store.registry.schemas import (
    ActingFor,
    CollectivitePage,
    CollectiviteSummary,
    CollectiviteView,
    Coverage,
)
from store.registry.siren import fold, normalise_siren

MAX_PAGE_SIZE = 100
GROUP_KINDS = frozenset({"epci", "ept"})
DEPARTEMENT_LEVEL_SUBKINDS = frozenset({"CTU", "MET69", "CSP"})
_DEPARTEMENT = re.compile(r"^(?:\d{2}|2[AB]|97\d)$")


def parse_siren(value: str, field: str = "siren") -> str:
    """Nine Luhn-valid digits (spaces tolerated), or InvalidInput naming ``field``."""
    try:
        return normalise_siren(value)
    except ValueError as exc:
        raise InvalidInput(
            f"SIREN invalide : {exc}",
            code="invalid_siren",
            errors=[FieldError(field=field, message=str(exc))],
        ) from exc


class RegistryService:
    def __init__(self, repo: RegistryRepository | None = None) -> None:
        self.repo = repo or RegistryRepository()

    # Lookups -------------------------------------------------------------------------------------

    async def get(self, siren: str) -> CollectiviteView:
        """One collectivité by SIREN: 422 if the SIREN is malformed, 404 if nobody has it."""
        siren = parse_siren(siren)
        row = await self.repo.get_collectivite(siren)
        if row is None:
            raise NotFound(
                f"Aucune collectivité avec le SIREN {siren} dans le référentiel.",
                code="collectivite_not_found",
            )
        return await self._view(row, await self.repo.area_names())

    async def _view(self, row: dict[str, Any], areas: dict[tuple[str, str], str]) -> CollectiviteView:
        kind = row["kind"]
        members = await self.repo.member_sirens(row["siren"]) if kind in GROUP_KINDS else None
        if kind == "commune":
            departement_codes = [row["departement_code"]] if row["departement_code"] else []
            commune_count = None
        else:
            covered = await self.repo.covered_communes([row["siren"]])
            departement_codes = sorted({c["departement_code"] for c in covered})
            commune_count = len(covered)
        names = await self.repo.names([row["epci_siren"]]) if row["epci_siren"] else {}
        return CollectiviteView(
            siren=row["siren"],
            name=row["name"],
            kind=kind,
            subkind=row["subkind"],
            insee_code=row["insee_code"],
            population=row["population"],
            population_year=row["population_year"],
            cog_year=row["cog_year"],
            departement_code=row["departement_code"],
            departement_name=areas.get(("departement", row["departement_code"] or "")),
            region_code=row["region_code"],
            region_name=areas.get(("region", row["region_code"] or "")),
            epci_siren=row["epci_siren"],
            epci_name=names.get(row["epci_siren"] or ""),
            member_sirens=members,
            commune_count=commune_count,
            departement_codes=departement_codes,
            departement_siren=row["departement_siren"],
            region_siren=row["region_siren"],
            tax_regime=row["tax_regime"],
            active=bool(row["active"]),
            retired_cog_year=row["retired_cog_year"],
            successor_siren=row["successor_siren"],
        )

    async def list_collectivites(
        self,
        *,
        page: int = 1,
        page_size: int = 20,
        kind: str | None = None,
        departement: str | None = None,
        name: str | None = None,
    ) -> CollectivitePage:
        """Current collectivités, by folded name. ``departement`` keeps those whose territory touches
        it; ``name`` is a prefix, compared without accents, case or punctuation."""
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"Pagination invalide : page ≥ 1 et 1 ≤ page_size ≤ {MAX_PAGE_SIZE}.", code="invalid_page"
            )
        if kind is not None and kind not in KINDS:
            raise InvalidInput(
                f"Type de collectivité inconnu : « {kind} ».",
                code="invalid_kind",
                errors=[FieldError(field="kind", message="type inconnu")],
            )
        code = None
        if departement is not None:
            code = departement.strip().upper()
            known = {c for kind_, c in await self.repo.area_names() if kind_ == "departement"}
            if not _DEPARTEMENT.match(code) or code not in known:
                raise InvalidInput(
                    f"Département inconnu : « {departement} » (code INSEE attendu, par exemple 01, 2A, 974).",
                    code="invalid_departement",
                    errors=[FieldError(field="departement", message="code de département inconnu")],
                )
        prefix = None
        if name is not None:
            prefix = fold(name)
            if not prefix:
                raise InvalidInput(
                    "Le début de nom doit contenir au moins une lettre ou un chiffre.",
                    code="invalid_name_prefix",
                    errors=[FieldError(field="name", message="aucune lettre ni chiffre")],
                )
        total, rows = await self.repo.list_collectivites(
            kind=kind,
            departement=code,
            name_prefix=prefix,
            offset=(page - 1) * page_size,
            limit=page_size,
        )
        return CollectivitePage(
            items=[CollectiviteSummary(**{k: v for k, v in r.items() if k != "active"}) for r in rows],
            page=page,
            page_size=page_size,
            total=total,
            total_pages=math.ceil(total / page_size),
        )

    # Coverage ------------------------------------------------------------------------------------

    async def coverage(self, sirens: Iterable[str]) -> Coverage:
        """Deduplicated coverage of a group of collectivités (see the module docstring).

        Raises InvalidInput (422) if a SIREN is malformed and NotFound (404) if one is unknown. A
        collectivité retired by a later millésime (merged commune) covers nothing and is listed in
        ``retired_sirens``.
        """
        wanted = sorted({parse_siren(s, field=f"sirens[{i}]") for i, s in enumerate(sirens)})
        rows = await self.repo.collectivites(wanted)
        unknown = [s for s in wanted if s not in rows]
        if unknown:
            raise NotFound(
                "SIREN absents du référentiel : " + ", ".join(unknown) + ".", code="collectivite_not_found"
            )
        retired = tuple(s for s in wanted if not rows[s]["active"])
        active = [s for s in wanted if rows[s]["active"]]
        communes = await self.repo.covered_communes(active) if active else []
        per_departement: dict[str, int] = {}
        for commune in communes:
            per_departement[commune["departement_code"]] = (
                per_departement.get(commune["departement_code"], 0) + 1
            )
        totals = await self.repo.communes_per_departement() if per_departement else {}
        return Coverage(
            sirens=tuple(wanted),
            population=sum(c["population"] or 0 for c in communes),
            population_years=tuple(sorted({c["population_year"] for c in communes if c["population_year"]})),
            commune_count=len(communes),
            departements=tuple(sorted(d for d, n in per_departement.items() if n == totals.get(d))),
            departement_level=tuple(
                s
                for s in active
                if rows[s]["kind"] == "departement" or rows[s]["subkind"] in DEPARTEMENT_LEVEL_SUBKINDS
            ),
            retired_sirens=retired,
        )

    async def population_of(self, sirens: Iterable[str]) -> int:
        """Population municipale covered by a group of collectivités, each commune counted once.

        ``population_of(["200046977", "226900017"])`` (Métropole de Lyon + Département du Rhône) is
        the whole population of the Rhône INSEE département; a commune also in an EPCI of the group
        is not counted twice. Use ``coverage`` to also get the millésime(s) and départements.
        """
        return (await self.coverage(sirens)).population

    async def departements_covered(self, sirens: Iterable[str]) -> list[str]:
        """INSEE codes of the départements entirely covered by the group (every current commune).

        The Département du Rhône alone does not cover 69 (the Métropole de Lyon's communes are not
        its own); with the Métropole de Lyon it does. Paris covers 75, the CEA 67 and 68.
        """
        return list((await self.coverage(sirens)).departements)

    # The signed-in agent's collectivités -------------------------------------------------------

    async def acting_for(self, actor: Actor) -> list[ActingFor]:
        """Each collectivité the actor holds a mandate for, with real data; nobody else's."""
        mandates = [m for m in actor.mandates if m.kind == "collectivite"]
        if not mandates:
            return []
        rows = await self.repo.collectivites(m.org_id for m in mandates)
        areas = await self.repo.area_names()
        result = []
        for mandate in mandates:
            row = rows.get(mandate.org_id)
            if row is None:
                continue
            view = await self._view(row, areas)
            coverage = None if view.kind == "commune" else await self.coverage([view.siren])
            result.append(
                ActingFor(collectivite=view, role=mandate.role, can_sign=mandate.can_sign, coverage=coverage)
            )
        return result
