"""Factur-X (EN 16931) PDF rendering: not available yet in this revision."""

from __future__ import annotations

from typing import Any

from store.kit.errors import Unavailable
from store.kit.settings import Settings


def render_facturx(settings: Settings, view: Any, original: Any) -> bytes:
    raise Unavailable("Le PDF Factur-X n'est pas encore disponible.", code="facturx_unavailable")
