"""The filter tree evaluated on bitmaps, with Meilisearch 1.21's semantics: string equality is
case-insensitive but accent-sensitive, a value that reads as a number also matches numbers, strings
are never coerced to numbers, ``!=``/``NOT`` include documents without the attribute, and ``=`` on an
array matches when any element does."""

from __future__ import annotations

import bisect
import math

from pyroaring import BitMap

from search.embedded.index import FieldValues, Index
from search.errors import SearchQueryError
from search.query import And, Eq, Exists, Filter, In, IsEmpty, IsNull, Not, Or, Range, Scalar


def _number(value: Scalar) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        number = float(value.strip())
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _equals(values: FieldValues, value: Scalar) -> BitMap:
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    found = BitMap(values.strings.get(text.lower(), BitMap()))
    number = _number(value)
    if number is not None and number in values.numbers:
        found |= values.numbers[number]
    return found


def _range(values: FieldValues, node: Range) -> BitMap:
    """Each bound is its own condition (as written for Meilisearch): on an array, one element may
    satisfy ``>=`` and another ``<``."""
    numbers = values.sorted_numbers()
    result: BitMap | None = None
    for bound, lo_of, hi_of in (
        (node.gte, lambda b: bisect.bisect_left(numbers, b), None),
        (node.gt, lambda b: bisect.bisect_right(numbers, b), None),
        (node.lte, None, lambda b: bisect.bisect_right(numbers, b)),
        (node.lt, None, lambda b: bisect.bisect_left(numbers, b)),
    ):
        if bound is None:
            continue
        lo = lo_of(bound) if lo_of else 0
        hi = hi_of(bound) if hi_of else len(numbers)
        part = BitMap.union(*[values.numbers[numbers[i]] for i in range(lo, hi)]) if hi > lo else BitMap()
        result = part if result is None else result & part
    return result if result is not None else BitMap()


def check_filterable(index: Index, field: str) -> FieldValues:
    if field not in index.settings.filterable:
        available = ", ".join(f"`{a}`" for a in sorted(index.settings.filterable))
        raise SearchQueryError(
            f"L'attribut « {field} » n'est pas filtrable. Attributs filtrables : {available}.",
            code="invalid_search_filter",
        )
    return index.fields[field]


def evaluate(index: Index, node: Filter) -> BitMap:
    """The slots of live documents selected by ``node``."""
    if isinstance(node, And):
        result = evaluate(index, node.items[0])
        for item in node.items[1:]:
            if not result:
                break
            result &= evaluate(index, item)
        return result
    if isinstance(node, Or):
        return BitMap.union(*[evaluate(index, item) for item in node.items])
    if isinstance(node, Not):
        return index.alive - evaluate(index, node.expr)
    values = check_filterable(index, node.field)
    if isinstance(node, Eq):
        return _equals(values, node.value)
    if isinstance(node, In):
        return BitMap.union(*[_equals(values, v) for v in node.values])
    if isinstance(node, Range):
        return _range(values, node)
    if isinstance(node, Exists):
        return BitMap(values.exists)
    if isinstance(node, IsNull):
        return BitMap(values.null)
    if isinstance(node, IsEmpty):
        return BitMap(values.empty)
    raise SearchQueryError("Filtre invalide.", code="invalid_search_filter")
