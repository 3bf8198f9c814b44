"""Which external services a test run must have: on a laptop a missing one skips, in CI it fails.

``TSTEST_REQUIRE`` lists the mandatory ones (``postgres,s3,meilisearch,browser``); ``.ci/run`` sets it.
"""

from __future__ import annotations

import os

import pytest


def required_services() -> set[str]:
    return {s.strip() for s in os.environ.get("TSTEST_REQUIRE", "").split(",") if s.strip()}


def unavailable(service: str, reason: str) -> None:
    """Skip loudly, or fail when the service is mandatory for this run."""
    message = f"{service} indisponible : {reason}"
    if service in required_services():
        pytest.fail(message + " (service obligatoire pour cette exécution)", pytrace=False)
    pytest.skip(message)
