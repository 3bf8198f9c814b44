"""The filter tree: the one Meilisearch writer (golden strings, escaping, round trip) and the embedded
evaluator against a document-by-document reference (hypothesis)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyroaring import BitMap

from search.embedded.filters import evaluate as evaluate_bitmaps
from search.embedded.index import Index
from search.errors import SearchQueryError
from search.query import And, Eq, Exists, Filter, In, IsEmpty, IsNull, Not, Or, Range, quote, to_meili_filter
from search.settings import IndexSettings
from tests.search.filter_reference import evaluate, parse

FIELDS = ("tags", "kind", "price", "flag")
SETTINGS = IndexSettings(uid="t", searchable=("title",), filterable=FIELDS)


def test_golden_strings() -> None:
    assert to_meili_filter(Eq("kind", "commune")) == "kind = 'commune'"
    assert to_meili_filter(Eq("price", 49)) == "price = 49"
    assert to_meili_filter(In("kind", ("a", "b"))) == "kind IN ['a', 'b']"
    assert to_meili_filter(Range("price", gte=10, lt=20)) == "(price >= 10.0 AND price < 20.0)"
    assert to_meili_filter(Not(Exists("flag"))) == "NOT (flag EXISTS)"
    assert to_meili_filter(Or((IsNull("kind"), IsEmpty("tags")))) == "(kind IS NULL) OR (tags IS EMPTY)"
    assert to_meili_filter(And((Eq("kind", "x"), Eq("flag", True)))) == "(kind = 'x') AND (flag = 'true')"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Resa'Com", r"'Resa\'Com'"),
        ('say "hi"', r"""'say \"hi\"'"""),
        ("back\\slash", r"'back\\slash'"),
        ("x' OR kind EXISTS OR kind = 'y", r"'x\' OR kind EXISTS OR kind = \'y'"),
        ("AND", "'AND'"),
    ],
)
def test_values_are_always_quoted_and_escaped(value: str, expected: str) -> None:
    assert quote(value) == expected
    assert parse(to_meili_filter(Eq("kind", value))) == Eq("kind", value)


def test_the_tree_is_validated_at_the_edge() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"type": "in", "field": "kind", "values": []}, Filter)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"type": "eq", "field": "kind = 'x' OR 1", "value": "x"}, Filter)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"type": "range", "field": "price"}, Filter)
    node = msgspec.convert({"type": "and", "items": [{"type": "eq", "field": "kind", "value": "x"}]}, Filter)
    assert node == And((Eq("kind", "x"),))


def test_unknown_attributes_are_rejected() -> None:
    index = Index(SETTINGS)
    with pytest.raises(SearchQueryError) as error:
        evaluate_bitmaps(index, Eq("title", "x"))
    assert error.value.code == "invalid_search_filter"


# -- hypothesis -----------------------------------------------------------------------------------

text = st.text(alphabet=st.sampled_from(list("aAéÉbB '\"\\-_ xX1")), max_size=6)
scalars = st.one_of(text, st.integers(-5, 5), st.sampled_from([True, False, 1.5, 2.0]))
fields = st.sampled_from(FIELDS)
leaves = st.one_of(
    st.builds(Eq, fields, scalars),
    st.builds(In, fields, st.lists(scalars, min_size=1, max_size=3).map(tuple)),
    st.builds(Range, fields, gte=st.sampled_from([None, -1.0, 0.0, 2.0]), lt=st.sampled_from([3.0, 5.5])),
    st.builds(Exists, fields),
    st.builds(IsNull, fields),
    st.builds(IsEmpty, fields),
)
trees = st.recursive(
    leaves,
    lambda children: st.one_of(
        st.builds(Not, children),
        st.builds(And, st.lists(children, min_size=1, max_size=3).map(tuple)),
        st.builds(Or, st.lists(children, min_size=1, max_size=3).map(tuple)),
    ),
    max_leaves=8,
)
values = st.one_of(st.none(), scalars, st.lists(scalars, max_size=3), st.just(""), st.just([]))
documents = st.lists(
    st.dictionaries(fields, values, max_size=4),
    min_size=1,
    max_size=12,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(trees, documents)
def test_written_filters_mean_what_the_tree_means(tree: Filter, docs: list[dict[str, Any]]) -> None:
    """parse(to_meili_filter(tree)) selects the same documents as the tree itself."""
    reparsed = parse(to_meili_filter(tree))
    for doc in docs:
        assert evaluate(reparsed, doc) == evaluate(tree, doc)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(trees, documents)
def test_embedded_bitmaps_agree_with_the_reference(tree: Filter, docs: list[dict[str, Any]]) -> None:
    index = Index(SETTINGS)
    index.upsert({"id": str(i), "title": "t", **doc} for i, doc in enumerate(docs))
    expected = BitMap(i for i, doc in enumerate(docs) if evaluate(tree, doc))
    assert evaluate_bitmaps(index, tree) == expected


@given(text)
def test_injection_attempts_stay_literal(value: str) -> None:
    written = to_meili_filter(Eq("kind", value + "' OR kind EXISTS"))
    assert parse(written) == Eq("kind", value + "' OR kind EXISTS")
