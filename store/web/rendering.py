"""Template engine, page context and the HTML rendering of problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import markupsafe
from litestar import Request, Response
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from store.kit.auth import actor_of
from store.kit.errors import Problem
from store.kit.money import format_eur
from store.kit.settings import Settings

WEB_DIR = Path(__file__).parent

KIND_LABELS = {
    "commune": "Commune",
    "epci": "Intercommunalité (EPCI)",
    "ept": "Établissement public territorial",
    "departement": "Département",
    "region": "Région",
}

ROLE_LABELS = {
    "elu_executif": "Élu exécutif (maire, président)",
    "elu": "Élu",
    "dgs_dga": "DGS / DGA",
    "agent": "Agent",
    "admin": "Administrateur de l'éditeur",
    "developer": "Développeur",
}


def _thousands(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", "\u202f")


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _frdate(value: str | None) -> str:
    """``2026-11-02`` → ``02/11/2026``; anything else as it is (``—`` when empty)."""
    if not value:
        return "—"
    parts = value.split("-")
    return "/".join(reversed(parts)) if len(parts) == 3 else value


def _frperiod(value: str | None) -> str:
    """``2026-10`` → ``octobre 2026``."""
    if not value or len(value) != 7 or not value[5:].isdigit() or not 1 <= int(value[5:]) <= 12:
        return value or "—"
    return f"{MONTHS[int(value[5:]) - 1]} {value[:4]}"


def template_config(settings: Settings) -> TemplateConfig[JinjaTemplateEngine]:
    dsfr_available = Path(settings.dsfr_dir).is_dir()

    def configure(engine: JinjaTemplateEngine) -> None:
        env = engine.engine
        env.globals.update(dsfr_available=dsfr_available, kind_labels=KIND_LABELS, role_labels=ROLE_LABELS)
        env.filters.update(eur=format_eur, thousands=_thousands, frdate=_frdate, frperiod=_frperiod)

    return TemplateConfig(
        directory=WEB_DIR / "templates",
        engine=JinjaTemplateEngine,
        engine_callback=configure,
    )


def take_flash(request: Request[Any, Any, Any]) -> list[dict[str, str]]:
    session = request.scope.get("session")
    if not isinstance(session, dict) or not session.get("flash"):
        return []
    messages = list(session.pop("flash"))
    request.set_session(session)
    return messages


def flash(request: Request[Any, Any, Any], message: str, level: str = "success") -> None:
    current = request.scope.get("session")
    session: dict[str, Any] = dict(current) if isinstance(current, dict) else {}
    session.setdefault("flash", []).append({"message": message, "level": level})
    request.set_session(session)


def page(
    request: Request[Any, Any, Any], template: str, *, status_code: int = 200, **context: Any
) -> Template:
    actor = actor_of(request)
    return Template(
        template_name=template,
        context={"actor": actor, "path": request.url.path, "flashes": take_flash(request), **context},
        status_code=status_code,
    )


def render_problem(request: Request[Any, Any, Any], problem: Problem) -> Response[Any]:
    try:
        return page(request, "pages/error.html", status_code=problem.status, problem=problem)
    except Exception:  # the error page itself must never fail
        body = f"<h1>{markupsafe.escape(problem.title)}</h1><p>{markupsafe.escape(problem.detail)}</p>"
        return Response(content=body, status_code=problem.status, media_type="text/html")
