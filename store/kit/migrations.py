"""Raw SQL steps for Piccolo migrations: composite and partial unique indexes, checks.

Piccolo adds table constraints with ``ALTER TABLE … ADD CONSTRAINT``, which SQLite lacks. Unique
indexes (``CREATE UNIQUE INDEX … [WHERE …]``) run unchanged on both engines; a CHECK becomes a
constraint on PostgreSQL and a pair of aborting triggers on SQLite. Put these steps in a migration
of their own, after the one that creates the tables (Piccolo runs raw steps first).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from piccolo.engine import engine_finder


def unique_index(name: str, table: str, columns: str, where: str | None = None) -> str:
    clause = f" WHERE {where}" if where else ""
    return f'CREATE UNIQUE INDEX IF NOT EXISTS {name} ON "{table}" ({columns}){clause}'


def check(name: str, table: str, condition: str) -> dict[str, list[str]]:
    """A CHECK constraint on both engines; a violation is an integrity error on both."""
    triggers = [
        f'CREATE TRIGGER IF NOT EXISTS {name}_{event.lower()} BEFORE {event} ON "{table}" '
        f"FOR EACH ROW WHEN NOT ({_new(condition)}) "
        f"BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
        for event in ("INSERT", "UPDATE")
    ]
    return {
        "postgres": [f'ALTER TABLE "{table}" ADD CONSTRAINT {name} CHECK ({condition})'],
        "sqlite": triggers,
    }


def _new(condition: str) -> str:
    """Column references in a trigger condition must read ``NEW.column``."""
    import re

    keywords = {"AND", "OR", "NOT", "NULL", "IS", "IN", "BETWEEN", "LIKE", "TRUE", "FALSE"}

    def qualify(match: re.Match[str]) -> str:
        word = match.group(0)
        return word if word.upper() in keywords else f"NEW.{word}"

    # Only bare identifiers outside quotes are qualified.
    parts = re.split(r"('(?:[^']|'')*')", condition)
    return "".join(
        part if part.startswith("'") else re.sub(r"(?<![\w.])[A-Za-z_]\w*\b(?!\s*\()", qualify, part)
        for part in parts
    )


def raw_sql(*steps: str | dict[str, list[str]]) -> Callable[[], Awaitable[None]]:
    """Statements to run as they are, or per engine (``{"postgres": [...], "sqlite": [...]}``)."""

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None, "no Piccolo engine configured"
        for step in steps:
            statements = step.get(engine.engine_type, []) if isinstance(step, dict) else [step]
            for statement in statements:
                await engine.run_ddl(statement)

    return run
