"""Bucket sort, as Meilisearch does it: each ranking rule splits the bucket the previous rules left
into ordered sub-buckets, and only as many buckets are opened as the requested page needs.

A rule splits with bitmaps when it can (typo, attribute, exactness counts, sort by value groups) and
per document otherwise (proximity, word positions of multi-word queries). A small bucket is sorted
per document on all its remaining rules at once. Ties end on the slot (Meilisearch's document id).
"""

from __future__ import annotations

import heapq
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from pyroaring import BitMap

from search.embedded.index import MAX_POSITION, POSITION_BITS, Index, bucketed_position
from search.embedded.terms import INFINITY, Term

SMALL = 48
MAX_VALUE_GROUPS = 256
MAX_PROXIMITY = 8

Splitter = Callable[[BitMap], list[tuple[int, BitMap]]]


def sum_buckets(bucket: BitMap, splitters: list[Splitter]) -> list[BitMap]:
    """Sub-buckets ordered by the sum over terms of a per-term cost (typos, fid, exact words…)."""
    states: dict[int, BitMap] = {0: bucket}
    for split in splitters:
        new: dict[int, BitMap] = {}
        for total, bitmap in states.items():
            for cost, part in split(bitmap):
                key = total + cost
                if key in new:
                    new[key] |= part
                else:
                    new[key] = part
        states = new
    return [states[k] for k in sorted(states)]


def partition(parts: list[tuple[int, BitMap]]) -> Splitter:
    """A splitter from disjoint ``(cost, bitmap)`` classes; documents in none get the worst cost."""

    def split(bitmap: BitMap) -> list[tuple[int, BitMap]]:
        out = []
        rest = bitmap
        for cost, part in parts:
            sub = rest & part
            if sub:
                out.append((cost, sub))
                rest = rest - sub
                if not rest:
                    return out
        if rest:
            out.append((INFINITY, rest))
        return out

    return split


def facet_order(text: str) -> bytes:
    """Meilisearch 1.21 orders string facet values by the bytes of their lower-cased NFD form."""
    return unicodedata.normalize("NFD", text.lower()).encode()


def ordered_strings(index: Index, attribute: str) -> list[str]:
    """The string values of ``attribute`` in facet order (cached until the next write)."""
    cache = index.cache("ordered_strings")
    found: list[str] | None = cache.get(attribute)
    if found is None:
        found = cache[attribute] = sorted(index.fields[attribute].strings, key=facet_order)
    return found


class Context:
    """What the rules of one words-bucket share: its terms and per-document positions."""

    def __init__(self, index: Index, terms: list[Term]) -> None:
        self.index = index
        self.terms = terms
        self._positions: dict[int, list[list[int]]] = {}

    def positions(self, slot: int) -> list[list[int]]:
        found = self._positions.get(slot)
        if found is None:
            found = [term.positions_in(slot) for term in self.terms]
            self._positions[slot] = found
        return found


class Rule:
    def buckets(self, bucket: BitMap) -> Iterable[BitMap] | None:
        """Ordered sub-buckets, or ``None`` to be sorted per document with ``key``."""
        return None

    def key(self, slot: int) -> Any:
        raise NotImplementedError


class TypoRule(Rule):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def buckets(self, bucket: BitMap) -> list[BitMap]:
        return sum_buckets(bucket, [partition(list(enumerate(t.best))) for t in self.ctx.terms])

    def key(self, slot: int) -> int:
        return sum(t.typos_in(slot) for t in self.ctx.terms)


class ProximityRule(Rule):
    """Sum over adjacent query terms of their distance (1–7, 8 when farther or in another attribute);
    terms that were not adjacent in the query (a stop word between them) are not compared."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        terms = ctx.terms
        self.pairs = [
            i for i in range(len(terms) - 1) if terms[i + 1].query_position == terms[i].query_position + 1
        ]

    def key(self, slot: int) -> int:
        positions = self.ctx.positions(slot)
        total = 0
        for i in self.pairs:
            best = MAX_PROXIMITY
            for a in positions[i]:
                for b in positions[i + 1]:
                    if a >> POSITION_BITS != b >> POSITION_BITS:
                        continue
                    distance = b - a if b >= a else a - b + 1
                    if distance < best:
                        best = distance
            total += best
        return total


class FidRule(Rule):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def buckets(self, bucket: BitMap) -> list[BitMap]:
        splitters = []
        for term in self.ctx.terms:
            fids = term.fid_sets()
            splitters.append(partition([(fid, fids[fid]) for fid in sorted(fids)]))
        return sum_buckets(bucket, splitters)

    def key(self, slot: int) -> int:
        return sum(min((p >> POSITION_BITS for p in ps), default=INFINITY) for ps in self.ctx.positions(slot))


def position_cost(distance: int) -> int:
    """Meilisearch's cost of a word found ``distance`` positions away from the query word's own."""
    if distance <= 1:
        return distance
    for limit, cost in ((4, 2), (7, 3), (11, 4), (16, 5), (24, 6), (64, 7), (256, 8), (1024, 9)):
        if distance <= limit:
            return cost
    return 10


class PositionRule(Rule):
    """Sum over terms of how far (bucketed) each is found from its place in the query."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def buckets(self, bucket: BitMap) -> list[BitMap]:
        splitters = []
        for term in self.ctx.terms:
            by_cost: dict[int, list[BitMap]] = {}
            for position, docs in term.position_sets().items():
                by_cost.setdefault(position_cost(abs(position - term.query_position)), []).append(docs)
            parts = [(cost, BitMap.union(*by_cost[cost])) for cost in sorted(by_cost)]
            splitters.append(partition(parts))
        return sum_buckets(bucket, splitters)

    def key(self, slot: int) -> int:
        total = 0
        for term, found in zip(self.ctx.terms, self.ctx.positions(slot), strict=True):
            q = term.query_position
            total += min(
                (position_cost(abs(bucketed_position(p & MAX_POSITION) - q)) for p in found), default=INFINITY
            )
        return total


class ExactAttributeRule(Rule):
    """Documents where an attribute is exactly the query, then where one starts with it."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        words = ctx.index.words
        entries = [words.get(t.text) for t in ctx.terms]
        self.possible = all(e is not None for e in entries) and len(ctx.terms) < 16
        self.candidates = BitMap()
        if self.possible:
            self.candidates = BitMap.intersection(
                *[e.positions.get(i, BitMap()) for i, e in enumerate(entries) if e is not None]
            )

    def buckets(self, bucket: BitMap) -> list[BitMap]:
        inside = bucket & self.candidates
        if not inside:
            return [bucket]
        if len(inside) <= SMALL:
            groups: dict[int, BitMap] = {}
            for slot in inside:
                groups.setdefault(self.key(slot), BitMap()).add(slot)
            groups[2] = groups.get(2, BitMap()) | (bucket - inside)
            return [groups[k] for k in sorted(groups) if groups[k]]
        exact = inside & self.exact_sets()
        return [b for b in (exact, inside - exact, bucket - inside) if b]

    def exact_sets(self) -> BitMap:
        """Documents with an attribute of exactly k words holding the k query words."""
        index = self.ctx.index
        k = len(self.ctx.terms)
        entries = [index.words[t.text] for t in self.ctx.terms]
        found = []
        for (fid, count), docs in index.field_count.items():
            if count == k:
                found.append(BitMap.intersection(docs, *[e.fids.get(fid, BitMap()) for e in entries]))
        return BitMap.union(*found) if found else BitMap()

    def key(self, slot: int) -> int:
        if not self.possible or slot not in self.candidates:
            return 2
        text = self.ctx.index.texts[slot]
        assert text is not None
        k = len(self.ctx.terms)
        best = 2
        for fid in text.counts:
            base = fid << POSITION_BITS
            if all(base + i in text.words.get(t.text, ()) for i, t in enumerate(self.ctx.terms)):
                if text.counts[fid] == k:
                    return 0
                best = 1
        return best


class ExactWordsRule(Rule):
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    def buckets(self, bucket: BitMap) -> list[BitMap]:
        return sum_buckets(bucket, [partition([(0, t.exact)]) for t in self.ctx.terms])

    def key(self, slot: int) -> int:
        return sum(0 if slot in t.exact else INFINITY for t in self.ctx.terms)


class ValueRule(Rule):
    """``sort`` and the ``attribute:asc|desc`` custom rules: numbers, then strings, then missing."""

    def __init__(self, index: Index, attribute: str, descending: bool) -> None:
        self.index = index
        self.attribute = attribute
        self.descending = descending
        self.values = index.fields[attribute]

    def buckets(self, bucket: BitMap) -> Iterator[BitMap] | None:
        values = self.values
        if len(values.numbers) + len(values.strings) > MAX_VALUE_GROUPS:
            return None  # many distinct values: per document, through the cached ranks
        return self._groups(bucket)

    def _groups(self, bucket: BitMap) -> Iterator[BitMap]:
        values = self.values
        numbers = values.sorted_numbers()
        groups = [values.numbers[n] for n in (reversed(numbers) if self.descending else numbers)]
        strings = (
            sorted(values.strings, key=facet_order, reverse=True)
            if self.descending
            else ordered_strings(self.index, self.attribute)
        )
        groups += [values.strings[s] for s in strings]
        seen = BitMap()
        for group in groups:
            sub = (bucket & group) - seen
            if sub:
                seen |= sub
                yield sub
                if len(seen) == len(bucket):
                    return
        rest = bucket - seen
        if rest:
            yield rest

    def key(self, slot: int) -> int:
        return self.ranks()[slot]

    def order(self) -> list[int]:
        """Every live slot in this attribute's order, ties by slot (cached until the next write)."""
        cache = self.index.cache("order")
        found: list[int] | None = cache.get((self.attribute, self.descending))
        if found is None:
            index = self.index
            keys = {slot: self._value_key(index.document(slot).get(self.attribute)) for slot in index.alive}
            found = sorted(keys, key=keys.__getitem__)
            cache[(self.attribute, self.descending)] = found
            ranks = [0] * len(index.docs)
            place = -1
            previous: Any = object()
            for slot in found:
                if keys[slot] != previous:
                    place += 1
                    previous = keys[slot]
                ranks[slot] = place
            index.cache("ranks")[(self.attribute, self.descending)] = ranks
        return found

    def ranks(self) -> list[int]:
        """Every slot's place in this attribute's order (equal values share a place)."""
        found: list[int] | None = self.index.cache("ranks").get((self.attribute, self.descending))
        if found is None:
            self.order()
            found = self.index.cache("ranks")[(self.attribute, self.descending)]
        return found

    def best(self, bucket: BitMap, count: int) -> list[int]:
        """The first ``count`` slots of ``bucket`` in this order: walk the global order (dense
        buckets end early) or sort the bucket's ranks, whichever costs less."""
        order = self.order()
        if len(bucket) * 8 >= len(order):
            picked = []
            for slot in order:
                if slot in bucket:
                    picked.append(slot)
                    if len(picked) == count:
                        break
            return picked
        return heapq.nsmallest(count, bucket, key=self.ranks().__getitem__)

    def _value_key(self, value: Any) -> tuple[int, Any]:
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, bool) or value is None or isinstance(value, dict):
            return (3, 0)
        if isinstance(value, int | float):
            return (0, -value if self.descending else value)
        order = facet_order(str(value))
        return (1, _Reversed(order) if self.descending else order)


class _Reversed:
    __slots__ = ("value",)

    def __init__(self, value: bytes) -> None:
        self.value = value

    def __lt__(self, other: _Reversed) -> bool:
        return self.value > other.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value

    def __hash__(self) -> int:
        return hash(self.value)


def bucket_sort(rules: list[Rule], bucket: BitMap, needed: int, out: list[int]) -> None:
    """Append to ``out`` the best ``needed`` slots of ``bucket`` in rule order."""

    def per_document(level: int, current: BitMap, remaining: int) -> None:
        tail = rules[level:]
        if len(tail) == 1 and isinstance(tail[0], ValueRule):
            out.extend(tail[0].best(current, remaining))
            return
        lexicographic(tail, list(current), remaining)

    def lexicographic(tail: list[Rule], slots: list[int], remaining: int) -> None:
        """The best ``remaining`` of ``slots`` (ascending) by the keys of ``tail`` in turn, slot last:
        what one ``nsmallest`` over the list of every key gives, with a later rule's key computed
        only for the documents still tied when it is needed."""
        key: Callable[[int], Any] = tail[0].key
        if len(tail) == 1:
            # nsmallest is stable: equal keys stay in slot order, Meilisearch's last tie-break.
            out.extend(heapq.nsmallest(remaining, slots, key=key))
            return
        groups: dict[Any, list[int]] = {}
        for slot in slots:
            groups.setdefault(key(slot), []).append(slot)
        for value in sorted(groups):
            left = needed - len(out)
            if left <= 0:
                return
            group = groups[value]
            if len(group) == 1:
                out.append(group[0])
            else:
                lexicographic(tail[1:], group, min(left, remaining))

    def visit(level: int, current: BitMap) -> None:
        remaining = needed - len(out)
        if remaining <= 0 or not current:
            return
        if level == len(rules) or len(current) == 1:
            out.extend(islice(current, remaining))
            return
        if len(current) <= SMALL:
            per_document(level, current, remaining)
            return
        rule = rules[level]
        subs = rule.buckets(current)
        if subs is None:
            if isinstance(rule, ValueRule) or level == len(rules) - 1:
                per_document(level, current, remaining)
                return
            groups: dict[Any, list[int]] = {}
            for slot in current:
                groups.setdefault(rule.key(slot), []).append(slot)
            subs = [BitMap(groups[k]) for k in sorted(groups)]
        for sub in subs:
            visit(level + 1, sub)
            if len(out) >= needed:
                return

    visit(0, bucket)


def iter_slots(bitmap: BitMap, limit: int) -> Iterator[int]:
    return islice(bitmap, limit)
