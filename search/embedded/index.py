"""The embedded engine's data structures for one index.

Documents live in dense slots (a slot is Meilisearch's internal document id: ties are broken by it,
a replaced document keeps its slot, a freed slot is reused lowest first). Everything that selects
documents is a roaring bitmap of slots, as in Meilisearch:

* per word: the documents containing it, and the same split by attribute (``fids``) and by bucketed
  position (``positions``);
* a sorted vocabulary, walked as an implicit trie by the typo automaton (see ``terms.py``);
* per filterable/sortable attribute: a bitmap per lower-cased string value and per number, plus
  "exists", "null" and "empty" bitmaps;
* per document: its words with their absolute positions (``fid << 16 | position``), for the
  proximity and exactness rules and for highlighting, and the word count of each attribute.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterable, Mapping
from typing import Any

from pyroaring import BitMap

from search.settings import IndexSettings
from search.text import HARD_GAP, positioned_words

POSITION_BITS = 16
MAX_POSITION = (1 << POSITION_BITS) - 1


def bucketed_position(relative: int) -> int:
    """Meilisearch's position buckets: exact below 16, then logarithmic."""
    if relative < 16:
        return relative
    if relative < 24:
        return 16
    return 17 + max(relative - 25, 0).bit_length()


class WordEntry:
    __slots__ = ("docs", "fids", "positions")

    def __init__(self) -> None:
        self.docs = BitMap()
        self.fids: dict[int, BitMap] = {}
        self.positions: dict[int, BitMap] = {}


class FieldValues:
    """Filter, facet and sort structures of one attribute."""

    __slots__ = ("_sorted_numbers", "display", "empty", "exists", "null", "numbers", "strings")

    def __init__(self) -> None:
        self.strings: dict[str, BitMap] = {}
        self.display: dict[str, str] = {}
        self.numbers: dict[float, BitMap] = {}
        self.exists = BitMap()
        self.null = BitMap()
        self.empty = BitMap()
        self._sorted_numbers: list[float] | None = None

    def sorted_numbers(self) -> list[float]:
        if self._sorted_numbers is None:
            self._sorted_numbers = sorted(self.numbers)
        return self._sorted_numbers

    def add(self, slot: int, value: Any) -> None:
        self.exists.add(slot)
        if value is None:
            self.null.add(slot)
            return
        if value == "" or value == [] or value == {}:
            self.empty.add(slot)
            return
        for item in value if isinstance(value, list) else [value]:
            if item is None or item == "" or isinstance(item, dict | list):
                continue  # an empty string is "empty", not a value, even inside an array
            if isinstance(item, bool):
                self._add_string(slot, "true" if item else "false")
            elif isinstance(item, int | float):
                number = float(item)
                bitmap = self.numbers.get(number)
                if bitmap is None:
                    self.numbers[number] = bitmap = BitMap()
                    self._sorted_numbers = None
                bitmap.add(slot)
            else:
                self._add_string(slot, str(item))

    def _add_string(self, slot: int, text: str) -> None:
        key = text.lower()
        bitmap = self.strings.get(key)
        if bitmap is None:
            self.strings[key] = bitmap = BitMap()
            self.display.setdefault(key, text)
        bitmap.add(slot)

    def discard(self, slot: int, value: Any) -> None:
        """Undo ``add(slot, value)``."""
        for bm in (self.exists, self.null, self.empty):
            bm.discard(slot)
        if value is None or value == "" or value == [] or value == {}:
            return
        for item in value if isinstance(value, list) else [value]:
            if item is None or item == "" or isinstance(item, dict | list):
                continue  # an empty string is "empty", not a value, even inside an array
            if isinstance(item, bool):
                self._discard_string(slot, "true" if item else "false")
            elif isinstance(item, int | float):
                bitmap = self.numbers.get(float(item))
                if bitmap is not None:
                    bitmap.discard(slot)
                    if not bitmap:
                        del self.numbers[float(item)]
                        self._sorted_numbers = None
            else:
                self._discard_string(slot, str(item))

    def _discard_string(self, slot: int, text: str) -> None:
        key = text.lower()
        bitmap = self.strings.get(key)
        if bitmap is not None:
            bitmap.discard(slot)
            if not bitmap:
                del self.strings[key]
                self.display.pop(key, None)


class DocText:
    """One document's searchable words: ``{word: (absolute positions…)}`` and words per attribute."""

    __slots__ = ("counts", "words")

    def __init__(self, words: dict[str, tuple[int, ...]], counts: dict[int, int]) -> None:
        self.words = words
        self.counts = counts


class Index:
    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.primary_key = settings.primary_key
        self.searchable = list(settings.searchable)
        self.stop_words = frozenset(settings.stop_words)
        self.docs: list[dict[str, Any] | None] = []
        self.texts: list[DocText | None] = []
        self.slot_of: dict[str, int] = {}
        self.free: list[int] = []
        self.alive = BitMap()
        self.words: dict[str, WordEntry] = {}
        self.field_count: dict[tuple[int, int], BitMap] = {}
        value_fields = set(settings.filterable) | set(settings.sortable)
        value_fields |= {attribute for attribute, _ in settings.custom_rules()}
        self.fields: dict[str, FieldValues] = {name: FieldValues() for name in sorted(value_fields)}
        self._vocab: list[str] | None = None
        self.caches: dict[str, dict[Any, Any]] = {}
        self.generation = 0

    # -- reading ----------------------------------------------------------------------------------

    @property
    def vocab(self) -> list[str]:
        """Every indexed word, sorted: the implicit trie."""
        if self._vocab is None:
            self._vocab = sorted(self.words)
        return self._vocab

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        vocab = self.vocab
        lo = bisect.bisect_left(vocab, prefix)
        hi = bisect.bisect_left(vocab, prefix + "\U0010ffff", lo)
        return lo, hi

    def cache(self, name: str) -> dict[Any, Any]:
        """A per-index memo, emptied by every write."""
        found = self.caches.get(name)
        if found is None:
            self.caches[name] = found = {}
        return found

    def __len__(self) -> int:
        return len(self.alive)

    def document(self, slot: int) -> dict[str, Any]:
        doc = self.docs[slot]
        assert doc is not None
        return doc

    # -- writing ----------------------------------------------------------------------------------

    def _changed(self) -> None:
        self.caches.clear()
        self.generation += 1

    def upsert(self, documents: Iterable[Mapping[str, Any]]) -> int:
        count = 0
        for document in documents:
            key = str(document[self.primary_key])
            slot = self.slot_of.get(key)
            if slot is not None:
                self._unindex(slot)
            elif self.free:
                slot = heapq.heappop(self.free)
            else:
                slot = len(self.docs)
                self.docs.append(None)
                self.texts.append(None)
            self.slot_of[key] = slot
            self._index(slot, dict(document))
            count += 1
        self._changed()
        _ = self.vocab
        return count

    def delete(self, keys: Iterable[str]) -> int:
        count = 0
        for key in keys:
            slot = self.slot_of.pop(str(key), None)
            if slot is None:
                continue
            self._unindex(slot)
            self.docs[slot] = None
            self.texts[slot] = None
            heapq.heappush(self.free, slot)
            count += 1
        if count:
            self._changed()
        return count

    def clear(self) -> None:
        self.__init__(self.settings)  # type: ignore[misc]

    def _index(self, slot: int, document: dict[str, Any]) -> None:
        self.docs[slot] = document
        self.alive.add(slot)
        doc_words: dict[str, list[int]] = {}
        counts: dict[int, int] = {}
        for fid, attribute in enumerate(self.searchable):
            value = document.get(attribute)
            if value is None:
                continue
            position = 0
            number = 0
            for item in value if isinstance(value, list) else [value]:
                if item is None or isinstance(item, dict | list):
                    continue
                text = ("true" if item else "false") if isinstance(item, bool) else str(item)
                pairs, after = positioned_words(text, position, self.stop_words)
                number += len(pairs)
                position = after
                for word, pos in pairs:
                    if pos > MAX_POSITION:
                        break
                    doc_words.setdefault(word, []).append(fid << POSITION_BITS | pos)
            if number:
                counts[fid] = number
                bitmap = self.field_count.get((fid, number))
                if bitmap is None:
                    self.field_count[(fid, number)] = bitmap = BitMap()
                bitmap.add(slot)
        for word, positions in doc_words.items():
            entry = self.words.get(word)
            if entry is None:
                self.words[word] = entry = WordEntry()
                if self._vocab is not None:
                    bisect.insort(self._vocab, word)
            entry.docs.add(slot)
            for absolute in positions:
                fid = absolute >> POSITION_BITS
                fid_bitmap = entry.fids.get(fid)
                if fid_bitmap is None:
                    entry.fids[fid] = fid_bitmap = BitMap()
                fid_bitmap.add(slot)
                bucket = bucketed_position(absolute & MAX_POSITION)
                pos_bitmap = entry.positions.get(bucket)
                if pos_bitmap is None:
                    entry.positions[bucket] = pos_bitmap = BitMap()
                pos_bitmap.add(slot)
        self.texts[slot] = DocText({w: tuple(p) for w, p in doc_words.items()}, counts)
        for name, values in self.fields.items():
            if name in document:
                values.add(slot, document[name])

    def _unindex(self, slot: int) -> None:
        text = self.texts[slot]
        if text is not None:
            for word in text.words:
                entry = self.words.get(word)
                if entry is None:
                    continue
                entry.docs.discard(slot)
                if not entry.docs:
                    del self.words[word]
                    if self._vocab is not None:
                        position = bisect.bisect_left(self._vocab, word)
                        del self._vocab[position]
                    continue
                for absolute in text.words[word]:
                    for group, key in (
                        (entry.fids, absolute >> POSITION_BITS),
                        (entry.positions, bucketed_position(absolute & MAX_POSITION)),
                    ):
                        bitmap = group.get(key)
                        if bitmap is not None:
                            bitmap.discard(slot)
                            if not bitmap:
                                del group[key]
            for fid, number in text.counts.items():
                bitmap = self.field_count.get((fid, number))
                if bitmap is not None:
                    bitmap.discard(slot)
        document = self.docs[slot]
        if document is not None:
            for name, values in self.fields.items():
                if name in document:
                    values.discard(slot, document[name])
        self.alive.discard(slot)


__all__ = ["HARD_GAP", "MAX_POSITION", "POSITION_BITS", "DocText", "Index", "bucketed_position"]
