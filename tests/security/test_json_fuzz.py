"""Schema-driven fuzzing of every JSON route, without extra tools: from each request body schema of
/schema/openapi.json, build a plausible body, then replace one field at a time with hostile values
(wrong types, huge numbers, huge or control-character strings, injection strings). Nothing may
produce a 5xx; every 4xx is problem+json.

A new JSON route is fuzzed without touching this file. The caller is the curator (every scope), so
requests reach validation and services instead of stopping at the guard.
"""

from __future__ import annotations

import re
from typing import Any

from tests.security.test_bad_input import PLACEHOLDER
from tests.support.routes import build_world

HOSTILE: list[Any] = [
    None,
    0,
    -1,
    10**30,
    -(10**30),
    1.5,
    float("1e308"),
    True,
    "",
    " ",
    "x" * 100_000,
    "\u0000\u0001\u001f",
    "é" * 300,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    [],
    [None],
    {},
    {"$ref": "#/x"},
]


def resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            options = [resolve(s, components) for s in schema[key]]
            return next((s for s in options if s.get("type") != "null"), options[0])
    return schema


def example(schema: dict[str, Any], components: dict[str, Any], depth: int = 0) -> Any:
    schema = resolve(schema, components)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {name: example(sub, components, depth + 1) for name, sub in properties.items() if depth < 4}
    if kind == "array":
        count = max(1, schema.get("minItems", 1))
        return [example(schema.get("items", {}), components, depth + 1) for _ in range(count)]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return float(max(1, schema.get("minimum", 1)))
    if kind == "boolean":
        return False
    if kind == "string":
        if schema.get("format") == "email":
            return "fuzz@example.fr"
        if schema.get("format") == "date-time":
            return "2026-01-01T00:00:00Z"
        length = max(schema.get("minLength", 1), 1)
        return ("a@b.fr" if "@" in schema.get("pattern", "") else "x" * length)[: schema.get("maxLength", 64)]
    return "x"


async def json_operations(client) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:  # type: ignore[no-untyped-def]
    document = (await client.get("/schema/openapi.json")).json()
    components = document.get("components", {}).get("schemas", {})
    operations = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                concrete = re.sub(r"\{[^}]+\}", PLACEHOLDER, path)
                operations.append((method.upper(), concrete, resolve(body["schema"], components), components))
    return operations


async def test_hostile_field_values_never_cause_a_5xx(client, state) -> None:
    world = await build_world(state, client)
    headers = await world.as_role("curator")
    failures = []
    operations = await json_operations(client)
    assert operations
    for method, path, schema, components in operations:
        base = example(schema, components)
        bodies: list[Any] = [base]
        if isinstance(base, dict):
            bodies += [{**base, field: value} for field in base for value in HOSTILE]
        for body in bodies:
            response = await client.request(method, path, json=body, headers=headers)
            status = response.status_code
            problem = response.headers.get("content-type", "").startswith("application/problem+json")
            if status >= 500 or (status >= 400 and not problem):
                failures.append(f"{method} {path} {str(body)[:120]} → {status} {response.text[:160]}")
            if status == 429:  # sign-in throttling is a fine answer; start over with a fresh client
                headers = await world.as_role("curator")
    assert not failures, "\n".join(failures)
