"""French text as Meilisearch 1.21 (charabia, Latin pipeline) sees it.

Lower case, ``œ/æ`` → ``oe/ae``, NFKD with the combining marks removed; every character that is not a
letter or a digit separates words (apostrophes and hyphens included, so ``l'école`` gives ``l`` and
``ecole``). There is no stemming and no camel-case split. Positions grow by 1 across a soft separator
and by 8 across a hard one (sentence punctuation), which is what the proximity rule measures.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ﬁ": "fi", "ﬂ": "fl"})
TOKEN = re.compile(r"[^\W_]+")
_HARD = re.compile(r"[.;:!?…()\[\]{}\n\r\t]")
HARD_GAP = 8
"""Position distance across a hard separator (and between the items of an array)."""


def fold(text: str) -> str:
    """``Saint-Étienne`` → ``saint-etienne``: case, ligatures and accents folded, separators kept."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    return fold(word)


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return [fold_word(w) for w in TOKEN.findall(text)]


def positioned_words(
    text: str, start: int = 0, stop_words: frozenset[str] = frozenset()
) -> tuple[list[tuple[str, int]], int]:
    """``[(word, position)]`` from ``start``; returns the next free position as well.

    A stop word keeps its position but is left out. As in Meilisearch, the check is made on the word
    as written: ``des`` is a stop word, ``Des`` at the start of a sentence is indexed.
    """
    out: list[tuple[str, int]] = []
    position = start - 1
    last_end = 0
    seen = False
    for match in TOKEN.finditer(text):
        if seen:
            gap = text[last_end : match.start()]
            position += HARD_GAP if _HARD.search(gap) else 1
        else:
            position = start
            seen = True
        last_end = match.end()
        original = match.group()
        if original in stop_words:
            continue
        out.append((fold_word(original), position))
    return out, (position + HARD_GAP if seen else start)


def raw_words(text: str) -> list[str]:
    """The words of ``text`` as written (not folded)."""
    return TOKEN.findall(text)


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, folded word)`` for each word of ``text`` (used to highlight the original)."""
    for match in TOKEN.finditer(text):
        yield match.start(), match.end(), fold_word(match.group())


def original_prefix_length(original: str, folded_length: int) -> int:
    """How many characters of ``original`` fold to the first ``folded_length`` folded characters."""
    produced = 0
    for index, char in enumerate(original):
        if produced >= folded_length:
            return index
        produced += len(fold(char))
    return len(original)
