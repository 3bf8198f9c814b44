"""Search and facet search over one embedded index: Meilisearch 1.21's page-mode semantics."""

from __future__ import annotations

import functools
import math
import time
from typing import Any

from pyroaring import BitMap

from search.embedded.filters import evaluate
from search.embedded.index import Index
from search.embedded.ranking import (
    Context,
    ExactAttributeRule,
    ExactWordsRule,
    FidRule,
    PositionRule,
    ProximityRule,
    Rule,
    TypoRule,
    ValueRule,
    bucket_sort,
    ordered_strings,
)
from search.embedded.terms import Term
from search.errors import SearchQueryError
from search.query import FacetSearchQuery, Filter, MatchingStrategy, SearchQuery
from search.results import FacetHit, FacetSearchResult, SearchResult
from search.text import TOKEN, fold_word, original_prefix_length, raw_words, spans, words

MAX_QUERY_WORDS = 10
MAX_FACET_HITS = 100


class Prepared:
    """A query's terms and the documents it selects, before ranking."""

    def __init__(self, index: Index, q: str, flt: Filter | None, strategy: MatchingStrategy) -> None:
        self.index = index
        allowed = evaluate(index, flt) if flt is not None else BitMap(index.alive)
        self.terms = self._terms(q)
        self.placeholder = not self.terms and not words(q)
        self.words_buckets: list[tuple[int, BitMap]] = []
        if self.placeholder:
            self.universe = allowed
            return
        if not self.terms:  # only stop words: Meilisearch answers nothing
            self.universe = BitMap()
            return
        chain = [allowed & self.terms[0].docs]
        for term in self.terms[1:]:
            chain.append(chain[-1] & term.docs if chain[-1] else BitMap())
        n = len(self.terms)
        if strategy == "all":
            self.universe = chain[-1]
            self.words_buckets = [(n, chain[-1])]
        else:
            self.universe = chain[0]
            chain.append(BitMap())
            self.words_buckets = [(k, chain[k - 1] - chain[k]) for k in range(n, 0, -1)]

    def _terms(self, q: str) -> list[Term]:
        index = self.index
        stop = index.stop_words
        tokens = raw_words(q)[:MAX_QUERY_WORDS]
        ends_in_word = bool(q) and bool(TOKEN.fullmatch(q[-1]))
        last = len(tokens) - 1
        # A stop word (as written) is ignored, except as the last word still being typed (a prefix).
        kept = [(i, t) for i, t in enumerate(tokens) if t not in stop or (i == last and ends_in_word)]
        synonyms = _synonyms(index)
        out = []
        for i, original in kept:
            text = fold_word(original)
            out.append(Term(index, text, ends_in_word and i == last, synonyms.get(text, ()), i))
        return out


def _synonyms(index: Index) -> dict[str, tuple[tuple[str, ...], ...]]:
    cache = index.cache("synonyms")
    found = cache.get("all")
    if found is None:
        found = {}
        for key, values in index.settings.synonyms.items():
            folded = words(key)
            if len(folded) == 1:
                found[folded[0]] = tuple(tuple(words(v)) for v in values if words(v))
        cache["all"] = found
    return found


def _rules(index: Index, ctx: Context | None, sort: list[tuple[str, bool]]) -> list[Rule]:
    rules: list[Rule] = []
    for name in index.settings.ranking_rules:
        if name == "sort":
            rules.extend(ValueRule(index, attribute, desc) for attribute, desc in sort)
        elif ":" in name:
            attribute, _, direction = name.partition(":")
            rules.append(ValueRule(index, attribute, direction == "desc"))
        elif ctx is None:
            continue
        elif name == "typo":
            rules.append(TypoRule(ctx))
        elif name == "proximity" and len(ctx.terms) > 1:
            rules.append(ProximityRule(ctx))
        elif name == "attribute":
            rules.extend([FidRule(ctx), PositionRule(ctx)])
        elif name == "exactness":
            rules.extend([ExactAttributeRule(ctx), ExactWordsRule(ctx)])
    return rules


def _sort_spec(index: Index, sort: tuple[str, ...]) -> list[tuple[str, bool]]:
    spec = []
    for item in sort:
        attribute, _, direction = item.partition(":")
        if direction not in ("asc", "desc"):
            raise SearchQueryError(
                f"Tri invalide « {item} » : attendu « attribut:asc » ou « attribut:desc ».",
                code="invalid_search_sort",
            )
        if attribute not in index.settings.sortable:
            available = ", ".join(sorted(index.settings.sortable))
            raise SearchQueryError(
                f"L'attribut « {attribute} » n'est pas triable. Attributs triables : {available}.",
                code="invalid_search_sort",
            )
        spec.append((attribute, direction == "desc"))
    return spec


def rank(prepared: Prepared, sort: list[tuple[str, bool]], needed: int) -> list[int]:
    index = prepared.index
    out: list[int] = []
    if needed <= 0:
        return out
    if prepared.placeholder:
        bucket_sort(_rules(index, None, sort), prepared.universe, needed, out)
        return out
    for k, bucket in prepared.words_buckets:
        if not bucket:
            continue
        ctx = Context(index, prepared.terms[:k])
        bucket_sort(_rules(index, ctx, sort), bucket, needed, out)
        if len(out) >= needed:
            break
    return out


def search(index: Index, query: SearchQuery) -> SearchResult:
    started = time.perf_counter()
    if query.page < 1:
        raise SearchQueryError("Le numéro de page commence à 1.", code="invalid_search_page")
    if query.hits_per_page < 0:
        raise SearchQueryError(
            "Le nombre de résultats par page est invalide.", code="invalid_search_hits_per_page"
        )
    sort = _sort_spec(index, query.sort)
    for facet in query.facets:
        if facet not in index.settings.filterable:
            raise SearchQueryError(
                f"L'attribut « {facet} » ne peut pas servir de facette.", code="invalid_search_facets"
            )
    prepared = Prepared(index, query.q, query.filter, query.matching_strategy)
    cap = index.settings.max_total_hits
    total = min(len(prepared.universe), cap)
    hpp = query.hits_per_page
    start = (query.page - 1) * hpp
    end = min(start + hpp, cap)
    ranked = rank(prepared, sort, end) if end > start else []
    lengths: dict[str, int | None] = {}  # one query's match length per folded word
    hits = [format_hit(index, slot, query, prepared.terms, lengths) for slot in ranked[start:end]]
    distribution, stats = facets(index, prepared.universe, query.facets)
    return SearchResult(
        hits=hits,
        query=query.q,
        processing_time_ms=int((time.perf_counter() - started) * 1000),
        total_hits=total,
        total_pages=math.ceil(total / hpp) if hpp else 0,
        page=query.page,
        hits_per_page=hpp,
        facet_distribution=distribution,
        facet_stats=stats,
    )


def format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)


def facets(
    index: Index, universe: BitMap, names: tuple[str, ...]
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, float]]]:
    distribution: dict[str, dict[str, int]] = {}
    stats: dict[str, dict[str, float]] = {}
    limit = index.settings.max_values_per_facet
    for name in names:
        values = index.fields[name]
        counts: dict[str, int] = {}
        numbers = values.sorted_numbers()
        present = [n for n in numbers if universe.intersect(values.numbers[n])] if numbers else []
        for number in present:
            if len(counts) >= limit:
                break
            counts[format_number(number)] = universe.intersection_cardinality(values.numbers[number])
        if len(counts) < limit:
            for key in ordered_strings(index, name):
                count = universe.intersection_cardinality(values.strings[key])
                if count:
                    counts[values.display[key]] = count
                    if len(counts) >= limit:
                        break
        distribution[name] = counts
        if present:
            stats[name] = {"min": present[0], "max": present[-1]}
    return distribution, stats


def format_hit(
    index: Index,
    slot: int,
    query: SearchQuery,
    terms: list[Term],
    lengths: dict[str, int | None] | None = None,
) -> dict[str, Any]:
    document = index.document(slot)
    retrieve = query.attributes_to_retrieve
    hit = dict(document) if "*" in retrieve else {k: document[k] for k in retrieve if k in document}
    if query.attributes_to_highlight:
        everything = "*" in query.attributes_to_highlight
        chosen = set(query.attributes_to_highlight)
        pre, post = query.highlight_pre_tag, query.highlight_post_tag
        shown = document if everything else {**hit, **{k: document[k] for k in chosen if k in document}}
        memo = {} if lengths is None else lengths
        hit["_formatted"] = {
            key: _formatted(value, terms, pre, post, memo) if everything or key in chosen else _plain(value)
            for key, value in shown.items()
        }
    return hit


def _plain(value: Any) -> Any:
    """``_formatted`` without highlighting: strings as they are, other scalars as text."""
    kind = type(value)
    if kind is str:
        return value
    if kind is list:
        return [v if type(v) is str else _plain(v) for v in value]
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value)


def _formatted(value: Any, terms: list[Term], pre: str, post: str, lengths: dict[str, int | None]) -> Any:
    if type(value) is str:
        return highlight(value, terms, pre, post, lengths) if terms else value
    if isinstance(value, list):
        return [_formatted(v, terms, pre, post, lengths) for v in value]
    if isinstance(value, dict):
        return {k: _formatted(v, terms, pre, post, lengths) for k, v in value.items()}
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        return str(value)
    return highlight(value, terms, pre, post, lengths) if terms else value


@functools.lru_cache(maxsize=8192)
def _spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """The folded words of a text (a pure function of it): shown hits repeat from query to query."""
    return tuple(spans(text))


def highlight(
    text: str, terms: list[Term], pre: str, post: str, lengths: dict[str, int | None] | None = None
) -> str:
    """``lengths``: a memo of ``_match_length`` by folded word, valid for these ``terms`` only."""
    memo: dict[str, int | None] = {} if lengths is None else lengths
    parts: list[str] = []
    cursor = 0
    for start, end, word in _spans(text):
        if word in memo:
            length = memo[word]
        else:
            length = memo[word] = _match_length(word, terms)
        if length is None:
            continue
        original = text[start:end]
        cut = end if length >= len(word) else start + original_prefix_length(original, length)
        parts.append(text[cursor:start])
        parts.append(pre + text[start:cut] + post)
        cursor = cut
    parts.append(text[cursor:])
    return "".join(parts)


def _match_length(word: str, terms: list[Term]) -> int | None:
    best: int | None = None
    for term in terms:
        cost = term.cost_of(word)
        in_phrase = any(word in phrase for phrase in term.phrases)
        if cost is None and not in_phrase:
            continue
        length = len(word)
        if cost is not None and term.is_prefix and len(word) > len(term.text) and word != term.text:
            length = len(term.text)
        best = length if best is None else max(best, length)
    return best


def facet_search(index: Index, query: FacetSearchQuery) -> FacetSearchResult:
    started = time.perf_counter()
    if query.facet not in index.settings.filterable:
        raise SearchQueryError(
            f"L'attribut « {query.facet} » ne peut pas servir de facette.",
            code="invalid_facet_search_facet_name",
        )
    prepared = Prepared(index, query.q, query.filter, query.matching_strategy)
    first = words(query.facet_query)[:1]
    needle = first[0] if first else ""
    values = index.fields[query.facet]
    hits: list[FacetHit] = []
    for key in ordered_strings(index, query.facet):
        display = values.display[key]
        if needle and not " ".join(words(display)).startswith(needle):
            continue
        count = prepared.universe.intersection_cardinality(values.strings[key])
        if count:
            hits.append(FacetHit(value=display, count=count))
            if len(hits) >= MAX_FACET_HITS:
                break
    return FacetSearchResult(
        facet_hits=hits,
        facet_query=query.facet_query,
        processing_time_ms=int((time.perf_counter() - started) * 1000),
    )
