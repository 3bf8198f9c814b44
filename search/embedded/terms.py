"""Query terms and their derivations, the way Meilisearch 1.21 computes them.

A term of length < ``one_typo`` allows no typo, < ``two_typos`` one, else two (Damerau distance).
A derivation whose first letter differs from the term's costs 2 (so it needs a two-typo budget and
at most one edit). The last query word is also a prefix. Caps, in the vocabulary's order: 50
zero-typo prefix words (unless the prefix has at most 4 letters and at least 100 words, which
Meilisearch keeps in its prefix database: then all of them), 150 one-typo and 50 two-typo words.

Typo candidates come from a bit-parallel Levenshtein automaton (Wu–Manber, with transpositions)
walked over the sorted vocabulary as an implicit trie: a node is a prefix and the range of
vocabulary words that share it; its children are found by bisection, so the trie costs no memory.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator

from pyroaring import BitMap

from search.embedded.index import MAX_POSITION, POSITION_BITS, Index, bucketed_position

MAX_ZERO_TYPO_PREFIX = 50
MAX_ONE_TYPO = 150
MAX_TWO_TYPOS = 50
PREFIX_DB_MAX_LENGTH = 4
PREFIX_DB_THRESHOLD = 100
INFINITY = 99


def typo_budget(word: str, one_typo: int, two_typos: int) -> int:
    length = len(word)
    return 0 if length < one_typo else (1 if length < two_typos else 2)


def _children(vocab: list[str], lo: int, hi: int, depth: int, prefix: str) -> Iterator[tuple[str, int, int]]:
    i = lo
    if i < hi and len(vocab[i]) == depth:
        i += 1
    while i < hi:
        char = vocab[i][depth]
        j = bisect.bisect_left(vocab, prefix + chr(ord(char) + 1), i, hi)
        yield char, i, j
        i = j


def typo_derivations(vocab: list[str], term: str, budget: int, is_prefix: bool) -> dict[str, int]:
    """Words at 1 or 2 typos from ``term`` (or from one of their prefixes), capped as Meilisearch does."""
    m = len(term)
    final = 1 << m
    mask = (1 << (m + 1)) - 1
    pattern: dict[str, int] = {}
    for i, char in enumerate(term):
        pattern[char] = pattern.get(char, 0) | (1 << i)
    found: dict[str, int] = {}
    counts = [0, 0, 0]
    caps = [0, MAX_ONE_TYPO, MAX_TWO_TYPOS if budget >= 2 else 0]

    def full() -> bool:
        return counts[1] >= caps[1] and counts[2] >= caps[2]

    def emit(word: str, cost: int) -> None:
        if cost == 0 or cost > budget or counts[cost] >= caps[cost]:
            return
        found[word] = cost
        counts[cost] += 1

    # Walk: (prefix, lo, hi, states, previous states, previous char, max errors, first-letter penalty,
    # inherited prefix cost). Children are pushed in reverse so that words come out in order.
    def walk(
        prefix: str,
        lo: int,
        hi: int,
        states: tuple[int, ...],
        before: tuple[int, ...],
        last: str,
        penalty: bool,
        inherited: int,
    ) -> None:
        if full():
            return
        k = len(states) - 1
        accepted = INFINITY
        for e in range(k + 1):
            if states[e] & final:
                accepted = e
                break
        if penalty and accepted != INFINITY:
            accepted = 2
        cost = min(inherited, accepted) if is_prefix else accepted
        if is_prefix and cost != INFINITY:
            improvable = not penalty and any(states[e] for e in range(min(cost, k + 1)))
            if not improvable:
                for index in range(lo, hi):
                    emit(vocab[index], cost)
                    if full():
                        return
                return
        if lo < hi and len(vocab[lo]) == len(prefix) and cost != INFINITY:
            emit(vocab[lo], cost)
        if not any(states):
            return
        depth = len(prefix)
        for char, i, j in _children(vocab, lo, hi, depth, prefix):
            b = pattern.get(char, 0)
            bprev = pattern.get(last, 0) >> 1 if last else 0
            new: list[int] = []
            for e in range(k + 1):
                value = (states[e] & b) << 1
                if e:
                    prev = states[e - 1]
                    value |= prev | (prev << 1) | (new[e - 1] << 1)
                    value |= (before[e - 1] & b & bprev) << 2
                new.append(value & mask)
            walk(prefix + char, i, j, tuple(new), states, char, penalty, cost if is_prefix else INFINITY)
            if full():
                return

    for char, i, j in _children(vocab, 0, len(vocab), 0, ""):
        if char == term[0]:
            k = budget
            penalty = False
        elif budget >= 2:
            k = 1
            penalty = True
        else:
            continue
        initial = tuple((1 << (e + 1)) - 1 for e in range(k + 1))
        b = pattern.get(char, 0)
        states: list[int] = []
        for e in range(k + 1):
            value = (initial[e] & b) << 1
            if e:
                prev = initial[e - 1]
                value |= prev | (prev << 1) | (states[e - 1] << 1)
            states.append(value & mask)
        walk(char, i, j, tuple(states), initial, char, penalty, INFINITY)
        if full():
            break
    return found


class Term:
    """One query word, its derivations and the documents they select (lazily, per attribute/position)."""

    def __init__(
        self,
        index: Index,
        text: str,
        is_prefix: bool,
        synonyms: tuple[tuple[str, ...], ...],
        query_position: int = 0,
    ) -> None:
        self.index = index
        self.text = text
        self.query_position = query_position
        """Where the word stands in the query (stop words counted)."""
        self.is_prefix = is_prefix
        settings = index.settings
        self.budget = typo_budget(text, settings.one_typo, settings.two_typos)
        self.words: dict[str, int] = {}
        """Derived word → typos (0 for the word itself, its prefix words and single-word synonyms)."""
        self.prefix_db: str | None = None
        """Set when every word starting with ``text`` matches (Meilisearch's prefix database)."""
        self.phrases: list[tuple[str, ...]] = [p for p in synonyms if len(p) > 1]
        self.prefix_words: set[str] = set()
        self._derive([p[0] for p in synonyms if len(p) == 1])
        self._phrase_positions: dict[int, list[int]] | None = None
        self._fids: dict[int, BitMap] | None = None
        self._positions: dict[int, BitMap] | None = None
        self.best: list[BitMap] = self._best()
        self.has_typos = bool(self.best[1] or self.best[2])
        self.docs = BitMap.union(*self.best)
        exact = index.words.get(text)
        self.exact = BitMap(exact.docs) if exact is not None else BitMap()
        for synonym in synonyms:
            if len(synonym) == 1 and synonym[0] in index.words:
                self.exact |= index.words[synonym[0]].docs
        if self.phrases:
            self.exact |= BitMap(self.phrase_positions())

    def _derive(self, single_synonyms: list[str]) -> None:
        index = self.index
        text = self.text
        cache = index.cache("derivations")
        key = (text, self.is_prefix)
        cached = cache.get(key)
        if cached is None:
            words: dict[str, int] = {}
            prefix_db = None
            prefix_words: set[str] = set()
            if text in index.words:
                words[text] = 0
            if self.is_prefix:
                lo, hi = index.prefix_range(text)
                if len(text) <= PREFIX_DB_MAX_LENGTH and hi - lo >= PREFIX_DB_THRESHOLD:
                    prefix_db = text
                else:
                    vocab = index.vocab
                    taken = 0
                    for position in range(lo, hi):
                        word = vocab[position]
                        if word == text:
                            continue
                        words[word] = 0
                        prefix_words.add(word)
                        taken += 1
                        if taken >= MAX_ZERO_TYPO_PREFIX:
                            break
            if self.budget:
                for word, cost in typo_derivations(index.vocab, text, self.budget, self.is_prefix).items():
                    words.setdefault(word, cost)
            cached = (words, prefix_db, prefix_words)
            cache[key] = cached
        words, self.prefix_db, self.prefix_words = cached
        self.words = dict(words)
        for synonym in single_synonyms:
            if synonym in index.words:
                self.words[synonym] = 0

    def _best(self) -> list[BitMap]:
        index = self.index
        groups: list[list[BitMap]] = [[], [], []]
        for word, cost in self.words.items():
            entry = index.words.get(word)
            if entry is not None:
                groups[cost].append(entry.docs)
        if self.prefix_db is not None:
            groups[0].append(prefix_union(index, self.prefix_db))
        if self.phrases:
            groups[0].append(BitMap(self.phrase_positions()))
        best = [BitMap.union(*g) if g else BitMap() for g in groups]
        best[1] -= best[0]
        best[2] -= best[0] | best[1]
        return best

    # -- per document --------------------------------------------------------------------------------

    def cost_of(self, word: str) -> int | None:
        cost = self.words.get(word)
        if cost is None and self.prefix_db is not None and word.startswith(self.prefix_db):
            return 0
        return cost

    def positions_in(self, slot: int) -> list[int]:
        """Absolute positions where this term matches in the document (phrases: their first word).

        As in Meilisearch, once the typo rule has placed the document, only the derivations with its
        number of typos count for the following rules.
        """
        text = self.index.texts[slot]
        assert text is not None
        best = self.typos_in(slot) if self.has_typos else 0
        out: list[int] = []
        words = self.words
        prefix_db = self.prefix_db if best == 0 else None
        if prefix_db is None and len(words) <= len(text.words):
            found = text.words.get
            for word, cost in words.items():
                if cost == best:
                    hit = found(word)
                    if hit:
                        out.extend(hit)
        else:
            for word, positions in text.words.items():
                derived = words.get(word)
                if derived == best or (
                    prefix_db is not None and derived is None and word.startswith(prefix_db)
                ):
                    out.extend(positions)
        if self.phrases and best == 0:
            out.extend(self.phrase_positions().get(slot, ()))
        return out

    def typos_in(self, slot: int) -> int:
        for cost, bitmap in enumerate(self.best):
            if slot in bitmap:
                return cost
        return INFINITY

    def phrase_positions(self) -> dict[int, list[int]]:
        """Documents containing a multi-word synonym as a phrase → where each occurrence starts."""
        if self._phrase_positions is not None:
            return self._phrase_positions
        index = self.index
        found: dict[int, list[int]] = {}
        for phrase in self.phrases:
            entries = [index.words.get(w) for w in phrase if w not in index.stop_words]
            kept = [(offset, w) for offset, w in enumerate(phrase) if w not in index.stop_words]
            if not kept or any(e is None for e in entries):
                continue
            candidates = BitMap.intersection(*[e.docs for e in entries if e is not None])
            for slot in candidates:
                text = index.texts[slot]
                assert text is not None
                first_offset, first_word = kept[0]
                for start in text.words[first_word]:
                    origin = start - first_offset
                    if all(origin + offset in text.words[w] for offset, w in kept[1:]):
                        found.setdefault(slot, []).append(start)
        self._phrase_positions = found
        return found

    # -- per attribute / position (bitmaps) --------------------------------------------------------------

    def fid_sets(self) -> dict[int, BitMap]:
        if self._fids is None:
            self._fids = self._split("fids", lambda absolute: absolute >> POSITION_BITS)
        return self._fids

    def position_sets(self) -> dict[int, BitMap]:
        if self._positions is None:
            self._positions = self._split(
                "positions", lambda absolute: bucketed_position(absolute & MAX_POSITION)
            )
        return self._positions

    def _split(self, attribute: str, key_of: Callable[[int], int]) -> dict[int, BitMap]:
        """Documents by fid (or bucketed position) of their best-typo derivations."""
        index = self.index
        parts: dict[int, list[BitMap]] = {}
        by_cost: list[dict[int, list[BitMap]]] = [{}, {}, {}]
        for word, cost in self.words.items():
            entry = index.words.get(word)
            if entry is not None:
                for key, bitmap in getattr(entry, attribute).items():
                    by_cost[cost].setdefault(key, []).append(bitmap)
        if self.prefix_db is not None:
            for key, bitmap in prefix_split(index, self.prefix_db, attribute).items():
                by_cost[0].setdefault(key, []).append(bitmap)
        if self.phrases:
            for slot, starts in self.phrase_positions().items():
                for absolute in starts:
                    by_cost[0].setdefault(key_of(absolute), []).append(BitMap([slot]))
        for cost, groups in enumerate(by_cost):
            for key, bitmaps in groups.items():
                restricted = BitMap.union(*bitmaps) & self.best[cost]
                if restricted:
                    parts.setdefault(key, []).append(restricted)
        return {key: BitMap.union(*bitmaps) for key, bitmaps in parts.items()}


def prefix_union(index: Index, prefix: str) -> BitMap:
    cache = index.cache("prefix_docs")
    found = cache.get(prefix)
    if found is None:
        lo, hi = index.prefix_range(prefix)
        vocab = index.vocab
        found = BitMap.union(*[index.words[vocab[i]].docs for i in range(lo, hi)]) if hi > lo else BitMap()
        cache[prefix] = found
    return found


def prefix_split(index: Index, prefix: str, attribute: str) -> dict[int, BitMap]:
    cache = index.cache("prefix_" + attribute)
    found = cache.get(prefix)
    if found is None:
        lo, hi = index.prefix_range(prefix)
        vocab = index.vocab
        parts: dict[int, list[BitMap]] = {}
        for i in range(lo, hi):
            for key, bitmap in getattr(index.words[vocab[i]], attribute).items():
                parts.setdefault(key, []).append(bitmap)
        found = {key: BitMap.union(*bitmaps) for key, bitmaps in parts.items()}
        cache[prefix] = found
    return found
