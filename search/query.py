"""The one query model: a typed filter tree and a search request, and the ONLY place that writes
Meilisearch filter syntax.

Clients never send filter strings: controllers build these nodes from structured parameters, the
service ANDs visibility rules into them, and each backend consumes the tree (the embedded engine
evaluates it, the Meilisearch backend sends ``to_meili_filter(tree)``).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import msgspec

Scalar = str | int | float | bool
FieldName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,63}$")]


class Eq(msgspec.Struct, frozen=True, tag="eq"):
    """``field = value``: case-insensitive, accent-sensitive, no string/number coercion."""

    field: FieldName
    value: Scalar


class In(msgspec.Struct, frozen=True, tag="in"):
    field: FieldName
    values: Annotated[tuple[Scalar, ...], msgspec.Meta(min_length=1, max_length=500)]


class Range(msgspec.Struct, frozen=True, tag="range"):
    """Numeric bounds; at least one of them. Range filters on text attributes are not supported."""

    field: FieldName
    gte: float | None = None
    gt: float | None = None
    lte: float | None = None
    lt: float | None = None

    def __post_init__(self) -> None:
        bounds = (self.gte, self.gt, self.lte, self.lt)
        if all(b is None for b in bounds):
            raise ValueError("Range needs at least one bound")
        if any(b is not None and not math.isfinite(b) for b in bounds):
            raise ValueError("Range bounds must be finite numbers")


class Exists(msgspec.Struct, frozen=True, tag="exists"):
    field: FieldName


class IsNull(msgspec.Struct, frozen=True, tag="is_null"):
    field: FieldName


class IsEmpty(msgspec.Struct, frozen=True, tag="is_empty"):
    field: FieldName


class Not(msgspec.Struct, frozen=True, tag="not"):
    expr: Filter


class And(msgspec.Struct, frozen=True, tag="and"):
    items: Annotated[tuple[Filter, ...], msgspec.Meta(min_length=1, max_length=64)]


class Or(msgspec.Struct, frozen=True, tag="or"):
    items: Annotated[tuple[Filter, ...], msgspec.Meta(min_length=1, max_length=64)]


Filter = Eq | In | Range | Exists | IsNull | IsEmpty | Not | And | Or

MatchingStrategy = Literal["last", "all"]


class SearchQuery(msgspec.Struct, frozen=True, kw_only=True):
    """One search, in Meilisearch page mode."""

    q: str = ""
    filter: Filter | None = None
    facets: tuple[str, ...] = ()
    sort: tuple[str, ...] = ()
    """``"attribute:asc"`` or ``"attribute:desc"``."""
    page: int = 1
    hits_per_page: int = 20
    attributes_to_retrieve: tuple[str, ...] = ("*",)
    attributes_to_highlight: tuple[str, ...] = ()
    highlight_pre_tag: str = "<mark>"
    highlight_post_tag: str = "</mark>"
    matching_strategy: MatchingStrategy = "last"


class FacetSearchQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Prefix search over the values of one facet, among the documents matching ``q``/``filter``."""

    facet: str
    facet_query: str = ""
    q: str = ""
    filter: Filter | None = None
    matching_strategy: MatchingStrategy = "last"


def walk(node: Filter) -> list[Filter]:
    """Every node of the tree, depth first."""
    out: list[Filter] = [node]
    if isinstance(node, Not):
        out.extend(walk(node.expr))
    elif isinstance(node, And | Or):
        for item in node.items:
            out.extend(walk(item))
    return out


def fields_of(node: Filter) -> set[str]:
    return {n.field for n in walk(node) if not isinstance(n, Not | And | Or)}


def depth(node: Filter) -> int:
    if isinstance(node, Not):
        return 1 + depth(node.expr)
    if isinstance(node, And | Or):
        return 1 + max(depth(i) for i in node.items)
    return 1


def and_(*nodes: Filter | None) -> Filter | None:
    """AND the given nodes, skipping ``None``; ``None`` when nothing is left."""
    items = tuple(n for n in nodes if n is not None)
    if not items:
        return None
    return items[0] if len(items) == 1 else And(items)


# -- Meilisearch filter syntax: written here and nowhere else -------------------------------------


def quote(value: str) -> str:
    """A Meilisearch string literal: always single-quoted, backslash and quotes escaped."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace('"', '\\"')
    return f"'{escaped}'"


def literal(value: Scalar) -> str:
    if isinstance(value, bool):
        return quote("true" if value else "false")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("filter values must be finite numbers")
        return repr(value)
    return quote(value)


def to_meili_filter(node: Filter) -> str:
    """The filter tree as a Meilisearch 1.21 filter expression (fully parenthesised)."""
    if isinstance(node, Eq):
        return f"{node.field} = {literal(node.value)}"
    if isinstance(node, In):
        return f"{node.field} IN [{', '.join(literal(v) for v in node.values)}]"
    if isinstance(node, Range):
        parts = [
            f"{node.field} {op} {literal(float(bound))}"
            for op, bound in ((">=", node.gte), (">", node.gt), ("<=", node.lte), ("<", node.lt))
            if bound is not None
        ]
        return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"
    if isinstance(node, Exists):
        return f"{node.field} EXISTS"
    if isinstance(node, IsNull):
        return f"{node.field} IS NULL"
    if isinstance(node, IsEmpty):
        return f"{node.field} IS EMPTY"
    if isinstance(node, Not):
        return f"NOT ({to_meili_filter(node.expr)})"
    if isinstance(node, And):
        return " AND ".join(f"({to_meili_filter(i)})" for i in node.items)
    if isinstance(node, Or):
        return " OR ".join(f"({to_meili_filter(i)})" for i in node.items)
    raise TypeError(f"not a filter node: {node!r}")
