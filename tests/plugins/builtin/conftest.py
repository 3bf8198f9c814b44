"""First-party services published through the real pipeline, then deployed for the test tenants."""

from __future__ import annotations

from typing import Any

import pytest

from plugins.builtin.seed import publish_builtin

PETITE_COMMUNE = "210101069"
"""Cize (Ain), 168 inhabitants: a real commune under 3 500 in the test registry."""


@pytest.fixture
async def builtin(state: Any) -> list[str]:
    return await publish_builtin(state)
