"""Semantic versions (semver.org 2.0.0) and version ranges such as ``>=1.0, <2.0`` or ``^1.2``.

A range is a comma-separated list of comparators, all of which must hold: ``>=``, ``>``, ``<=``,
``<``, ``==``, ``!=``, ``^`` (same major; for 0.x, same minor) and ``~`` (same minor). Versions in a
range may be partial (``1``, ``1.2``): missing parts are zeros.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

_SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
_PARTIAL = re.compile(r"^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?(?:\.(0|[1-9]\d*))?(?:-([0-9A-Za-z.-]+))?$")
_COMPARATOR = re.compile(r"^(>=|<=|==|!=|>|<|\^|~)?\s*(.+)$")
MAX_PART = 10**9


class VersionError(ValueError):
    """Not a semantic version, or not a valid range."""


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str = ""

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _SEMVER.match(text.strip()) if len(text) <= 64 else None
        if match is None:
            raise VersionError(f"« {text[:64]} » n'est pas une version sémantique (MAJEUR.MINEUR.CORRECTIF).")
        major, minor, patch = (int(match[i]) for i in (1, 2, 3))
        if max(major, minor, patch) > MAX_PART:
            raise VersionError(f"« {text} » : numéro de version trop grand.")
        return cls(major, minor, patch, tuple(match[4].split(".")) if match[4] else (), match[5] or "")

    def _key(self) -> tuple[Any, ...]:
        # A pre-release sorts before its release; numeric identifiers before alphanumeric ones.
        pre = tuple((0, int(p)) if p.isdigit() else (1, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        if self.build:
            text += "+" + self.build
        return text


def _partial(text: str) -> tuple[Version, int]:
    match = _PARTIAL.match(text.strip())
    if match is None:
        raise VersionError(f"« {text} » n'est pas une version.")
    parts = [match[1], match[2], match[3]]
    given = sum(1 for p in parts if p is not None)
    major, minor, patch = (int(p) if p is not None else 0 for p in parts)
    pre = tuple(match[4].split(".")) if match[4] else ()
    return Version(major, minor, patch, pre), given


@dataclass(frozen=True, slots=True)
class VersionRange:
    text: str
    bounds: tuple[tuple[str, Version], ...]

    @classmethod
    def parse(cls, text: str) -> VersionRange:
        if not text.strip() or len(text) > 100:
            raise VersionError("Intervalle de versions vide ou trop long.")
        bounds: list[tuple[str, Version]] = []
        for raw in text.split(","):
            match = _COMPARATOR.match(raw.strip())
            if match is None or not raw.strip():
                raise VersionError(f"Comparateur invalide : « {raw.strip()} ».")
            op, version_text = match[1] or "==", match[2]
            version, given = _partial(version_text)
            if op == "^":
                bounds.append((">=", version))
                if version.major > 0 or given == 1:
                    bounds.append(("<", Version(version.major + 1, 0, 0)))
                elif version.minor > 0 or given == 2:
                    bounds.append(("<", Version(0, version.minor + 1, 0)))
                else:
                    bounds.append(("<", Version(0, 0, version.patch + 1)))
            elif op == "~":
                bounds.append((">=", version))
                if given == 1:
                    bounds.append(("<", Version(version.major + 1, 0, 0)))
                else:
                    bounds.append(("<", Version(version.major, version.minor + 1, 0)))
            else:
                bounds.append((op, version))
        return cls(text.strip(), tuple(bounds))

    def contains(self, version: Version) -> bool:
        checks = {
            ">=": lambda v, b: v >= b,
            ">": lambda v, b: v > b,
            "<=": lambda v, b: v <= b,
            "<": lambda v, b: v < b,
            "==": lambda v, b: v == b,
            "!=": lambda v, b: v != b,
        }
        return all(checks[op](version, bound) for op, bound in self.bounds)

    def __str__(self) -> str:
        return self.text
