"""Index settings, declared once per index and applied identically by every backend."""

from __future__ import annotations

from typing import Any

import msgspec

DEFAULT_RANKING_RULES = ("words", "typo", "proximity", "attribute", "sort", "exactness")


class IndexSettings(msgspec.Struct, frozen=True, kw_only=True):
    uid: str
    """Logical name (``services``); the Meilisearch backend prefixes it."""
    primary_key: str = "id"
    searchable: tuple[str, ...]
    """Ordered: the order is the ``attribute`` ranking rule."""
    filterable: tuple[str, ...] = ()
    """Also the attributes one may ask facets for."""
    sortable: tuple[str, ...] = ()
    ranking_rules: tuple[str, ...] = DEFAULT_RANKING_RULES
    """Meilisearch's default order, optionally followed by ``attribute:asc|desc`` custom rules."""
    synonyms: dict[str, tuple[str, ...]] = {}
    """One-way: a (folded, single-word) query word → what it also means (words or phrases)."""
    stop_words: tuple[str, ...] = ()
    one_typo: int = 5
    """Minimum word length for one typo."""
    two_typos: int = 9
    """Minimum word length for two typos."""
    max_values_per_facet: int = 100
    max_total_hits: int = 1000

    def renamed(self, uid: str) -> IndexSettings:
        return msgspec.structs.replace(self, uid=uid)

    def custom_rules(self) -> list[tuple[str, bool]]:
        """``[(attribute, descending)]`` for the ``attribute:asc|desc`` rules."""
        out = []
        for rule in self.ranking_rules:
            if ":" in rule:
                attribute, _, direction = rule.partition(":")
                out.append((attribute, direction == "desc"))
        return out

    def to_meili(self) -> dict[str, Any]:
        """The body of ``PATCH /indexes/{uid}/settings``."""
        return {
            "searchableAttributes": list(self.searchable),
            "filterableAttributes": list(self.filterable),
            "sortableAttributes": list(self.sortable),
            "rankingRules": list(self.ranking_rules),
            "synonyms": {k: list(v) for k, v in self.synonyms.items()},
            "stopWords": list(self.stop_words),
            "typoTolerance": {
                "enabled": True,
                "minWordSizeForTypos": {"oneTypo": self.one_typo, "twoTypos": self.two_typos},
            },
            "faceting": {"maxValuesPerFacet": self.max_values_per_facet, "sortFacetValuesBy": {"*": "alpha"}},
            "pagination": {"maxTotalHits": self.max_total_hits},
            "proximityPrecision": "byWord",
        }
