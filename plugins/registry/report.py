"""The validation report kept with every accepted release and shown to publishers and curators."""

from __future__ import annotations

from typing import Literal

import msgspec

VALIDATOR_VERSION = "1.0"


class Check(msgspec.Struct, frozen=True, kw_only=True):
    rule: str
    status: Literal["ok", "warning", "error"]
    message: str


class ArchiveFile(msgspec.Struct, frozen=True, kw_only=True):
    path: str
    size: int
    compressed_size: int
    sha256: str


class ValidationReport(msgspec.Struct, frozen=True, kw_only=True):
    validator_version: str = VALIDATOR_VERSION
    verdict: Literal["accepted", "rejected"] = "accepted"
    checks: list[Check] = []
    entries: int = 0
    python_files: int = 0
    uncompressed_bytes: int = 0
    archive_bytes: int = 0
    duration_ms: float = 0.0

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.status == "warning"]
