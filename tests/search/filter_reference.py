"""Test-only references for the filter language: a parser for the Meilisearch syntax that
``to_meili_filter`` writes, and a document-by-document evaluator with Meilisearch 1.21's semantics."""

from __future__ import annotations

import math
import re
from typing import Any

from search.query import And, Eq, Exists, Filter, In, IsEmpty, IsNull, Not, Or, Range

_TOKEN = re.compile(
    r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?P<op>!=|>=|<=|=|>|<)|(?P<p>[()\[\],])|(?P<word>[^\s()\[\],=!<>'"]+))"""
)


def lex(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    pos = 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        assert m, f"cannot lex at {pos}: {text[pos : pos + 20]!r}"
        assert m.end() > pos
        pos = m.end()
        if m.group("str") is not None:
            out.append(("str", re.sub(r"\\(.)", r"\1", m.group("str")[1:-1])))
        elif m.group("op"):
            out.append(("op", m.group("op")))
        elif m.group("p"):
            out.append(("p", m.group("p")))
        else:
            word = m.group("word")
            if word in {"AND", "OR", "NOT", "IN", "EXISTS", "IS", "NULL", "EMPTY", "TO"}:
                out.append(("kw", word))
            else:
                try:
                    out.append(("num", int(word) if re.fullmatch(r"-?\d+", word) else float(word)))
                except ValueError:
                    out.append(("word", word))
    return out


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens = lex(text)
        self.i = 0

    def peek(self) -> tuple[str, Any]:
        return self.tokens[self.i] if self.i < len(self.tokens) else ("end", None)

    def take(self, kind: str, value: Any = None) -> Any:
        token = self.peek()
        assert token[0] == kind, (token, kind)
        assert value is None or token[1] == value, (token, value)
        self.i += 1
        return token[1]

    def parse(self) -> Filter:
        node = self.or_()
        assert self.peek()[0] == "end", self.peek()
        return node

    def or_(self) -> Filter:
        items = [self.and_()]
        while self.peek() == ("kw", "OR"):
            self.i += 1
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Filter:
        items = [self.not_()]
        while self.peek() == ("kw", "AND"):
            self.i += 1
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self) -> Filter:
        if self.peek() == ("kw", "NOT"):
            self.i += 1
            return Not(self.not_())
        if self.peek() == ("p", "("):
            self.i += 1
            node = self.or_()
            self.take("p", ")")
            return node
        return self.condition()

    def value(self) -> Any:
        kind, value = self.peek()
        assert kind in ("str", "num"), (kind, value)
        self.i += 1
        return value

    def condition(self) -> Filter:
        field = self.take("word")
        kind, value = self.peek()
        if kind == "op":
            self.i += 1
            operand = self.value()
            if value == "=":
                return Eq(field, operand)
            bound = float(operand)
            return Range(field, **{{">=": "gte", ">": "gt", "<=": "lte", "<": "lt"}[value]: bound})
        self.i += 1
        if value == "IN":
            self.take("p", "[")
            values = [self.value()]
            while self.peek() == ("p", ","):
                self.i += 1
                values.append(self.value())
            self.take("p", "]")
            return In(field, tuple(values))
        if value == "EXISTS":
            return Exists(field)
        assert value == "IS"
        what = self.take("kw")
        return IsNull(field) if what == "NULL" else IsEmpty(field)


def parse(text: str) -> Filter:
    return Parser(text).parse()


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _equal(doc_value: Any, wanted: Any) -> bool:
    if doc_value is None or doc_value == "" or isinstance(doc_value, dict | list):
        return False  # an empty string is "empty", not a value
    if isinstance(doc_value, bool):
        doc_value = "true" if doc_value else "false"
    if isinstance(wanted, bool):
        wanted = "true" if wanted else "false"
    if isinstance(doc_value, int | float):
        try:
            number = float(wanted)
        except ValueError:
            return False
        return math.isfinite(number) and float(doc_value) == number
    return str(doc_value).lower() == (repr(wanted) if isinstance(wanted, float) else str(wanted)).lower()


def evaluate(node: Filter, doc: dict[str, Any]) -> bool:
    if isinstance(node, And):
        return all(evaluate(i, doc) for i in node.items)
    if isinstance(node, Or):
        return any(evaluate(i, doc) for i in node.items)
    if isinstance(node, Not):
        return not evaluate(node.expr, doc)
    present = node.field in doc
    value = doc.get(node.field)
    if isinstance(node, Exists):
        return present
    if isinstance(node, IsNull):
        return present and value is None
    if isinstance(node, IsEmpty):
        return present and value in ("", [], {})
    if isinstance(node, Eq):
        return any(_equal(v, node.value) for v in _items(value))
    if isinstance(node, In):
        return any(_equal(v, w) for v in _items(value) for w in node.values)
    assert isinstance(node, Range)
    numbers = [float(v) for v in _items(value) if isinstance(v, int | float) and not isinstance(v, bool)]
    checks = [
        (node.gte, lambda x, b: x >= b),
        (node.gt, lambda x, b: x > b),
        (node.lte, lambda x, b: x <= b),
        (node.lt, lambda x, b: x < b),
    ]
    # Each bound is a condition of its own: on an array, different elements may satisfy them.
    return all(any(check(x, bound) for x in numbers) for bound, check in checks if bound is not None)
