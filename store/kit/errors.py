"""Domain errors and their RFC 9457 (problem+json) rendering.

Every error that reaches a client has a stable ``code`` and a French ``detail``. Services raise
``DomainError`` subclasses; Litestar's own exceptions are translated here, in one place.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://territoires-store.anct.gouv.fr/problemes/"

log = logging.getLogger("store.errors")


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str


class Problem(msgspec.Struct, frozen=True, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    errors: list[FieldError] = []
    retry_after: int | None = None


class DomainError(Exception):
    """A rule was broken. ``code`` is stable; ``detail`` is French and shown to users."""

    status = 400
    code = "bad_request"
    title = "Requête invalide"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: Sequence[FieldError] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.errors = list(errors)
        self.headers = headers or {}


class InvalidInput(DomainError):
    status = 422
    code = "invalid_input"
    title = "Données invalides"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    title = "Authentification requise"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    title = "Accès refusé"


class NotFound(DomainError):
    status = 404
    code = "not_found"
    title = "Ressource introuvable"


class Conflict(DomainError):
    status = 409
    code = "conflict"
    title = "Conflit"


class TooManyRequests(DomainError):
    status = 429
    code = "too_many_requests"
    title = "Trop de requêtes"

    def __init__(self, detail: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(detail, code=code, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class Unavailable(DomainError):
    status = 503
    code = "unavailable"
    title = "Service indisponible"

    def __init__(self, detail: str, *, retry_after: int = 5, code: str | None = None) -> None:
        super().__init__(detail, code=code, headers={"Retry-After": str(retry_after)})
        self.retry_after = retry_after


class UpstreamFailure(DomainError):
    status = 502
    code = "upstream_failure"
    title = "Erreur d'un service tiers"


# Litestar's own HTTP errors, by status: (code, title, French detail).
_HTTP_DEFAULTS: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Requête invalide", "La requête est mal formée."),
    401: ("not_authenticated", "Authentification requise", "Veuillez vous connecter."),
    403: ("forbidden", "Accès refusé", "Vous n'avez pas le droit d'effectuer cette action."),
    404: ("not_found", "Ressource introuvable", "La ressource demandée n'existe pas."),
    405: ("method_not_allowed", "Méthode non autorisée", "Cette méthode HTTP n'est pas acceptée ici."),
    406: ("not_acceptable", "Format non disponible", "Le format demandé n'est pas disponible."),
    409: ("conflict", "Conflit", "La ressource a été modifiée entre-temps."),
    413: (
        "payload_too_large",
        "Requête trop volumineuse",
        "Le corps de la requête dépasse la taille autorisée.",
    ),
    415: (
        "unsupported_media_type",
        "Type de contenu non pris en charge",
        "Le type de contenu envoyé n'est pas accepté.",
    ),
    429: ("too_many_requests", "Trop de requêtes", "Trop de requêtes : réessayez plus tard."),
    500: (
        "internal_error",
        "Erreur interne",
        "Une erreur inattendue s'est produite ; elle a été journalisée.",
    ),
    503: ("unavailable", "Service indisponible", "Le service est momentanément indisponible."),
}

_CSRF_DETAIL = "Jeton CSRF absent ou invalide : rechargez la page et réessayez."

_MSGSPEC_PATTERNS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"Object contains unknown field `([^`]+)`"), lambda m: f"champ inconnu « {m[1]} »"),
    (
        re.compile(r"Object missing required field `([^`]+)`"),
        lambda m: f"champ obligatoire « {m[1]} » manquant",
    ),
    (
        re.compile(r"Expected `([^`]+)`, got `([^`]+)`"),
        lambda m: f"type attendu {_type_fr(m[1])}, reçu {_type_fr(m[2])}",
    ),
    (re.compile(r"Invalid enum value '?([^']*)'?"), lambda m: f"valeur « {m[1]} » non autorisée"),
    (re.compile(r"Expected `([^`]+)` of length (<=|>=) (\d+)"), lambda m: f"longueur {m[2]} {m[3]} attendue"),
    (re.compile(r"Expected `([^`]+)` (<=|>=|<|>) (-?\d+)"), lambda m: f"valeur {m[2]} {m[3]} attendue"),
    (re.compile(r"Expected `str` matching regex"), lambda m: "format invalide"),
    (re.compile(r"JSON is malformed|Input data was truncated"), lambda m: "JSON mal formé"),
]


_MALFORMED_JSON = re.compile(
    r"JSON is malformed|Input data was truncated|Trailing characters|invalid utf-8", re.I
)


_MISSING_PARAMETER = re.compile(r"Missing required (\w+) parameter '([^']+)'")
_PARAMETER_KINDS = {
    "header": "en-tête",
    "query": "paramètre de requête",
    "path": "paramètre de chemin",
    "cookie": "cookie",
}


def _type_fr(name: str) -> str:
    return {
        "int": "un entier",
        "str": "un texte",
        "bool": "un booléen",
        "object": "un objet",
        "array": "une liste",
        "null": "null",
        "float": "un nombre",
        "uuid": "un identifiant UUID",
        "date": "une date",
        "datetime": "une date et heure",
    }.get(name, f"« {name} »")


def translate_validation_message(message: str) -> str:
    """msgspec/Litestar messages are English: give users the French meaning."""
    for pattern, fr in _MSGSPEC_PATTERNS:
        if match := pattern.search(message):
            return fr(match)
    return "valeur invalide"


def _field_from_message(message: str, key: str | None) -> str:
    if match := re.search(r"at `\$\.?([^`]*)`", message):
        return match[1] or (key or "corps")
    if match := re.search(r"field `([^`]+)`", message):
        return match[1]
    return key or "corps"


def validation_errors(exc: ValidationException) -> list[FieldError]:
    errors: list[FieldError] = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", ""))
        key = item.get("key")
        source = item.get("source")
        field = _field_from_message(message, key)
        if source in {"query", "path", "header", "cookie"} and key:
            field = str(key)
        elif field == "data":  # the handler's parameter name for the whole body
            field = "corps"
        errors.append(FieldError(field=field, message=translate_validation_message(message)))
    if not errors and (missing := _MISSING_PARAMETER.search(str(exc.detail))):
        kind = _PARAMETER_KINDS.get(missing[1], "paramètre")
        errors.append(FieldError(field=missing[2], message=f"{kind} obligatoire manquant"))
    if not errors:
        errors.append(FieldError(field="corps", message=translate_validation_message(exc.detail)))
    return errors


def problem_for(exc: Exception, instance: str) -> tuple[Problem, dict[str, str]]:
    if isinstance(exc, DomainError):
        problem = Problem(
            type=TYPE_BASE + exc.code,
            title=exc.title,
            status=exc.status,
            detail=exc.detail,
            code=exc.code,
            instance=instance,
            errors=exc.errors,
            retry_after=getattr(exc, "retry_after", None),
        )
        return problem, exc.headers
    if isinstance(exc, ValidationException):
        errors = validation_errors(exc)
        detail = "Données invalides : " + "; ".join(f"{e.field} : {e.message}" for e in errors) + "."
        code = "validation_error"
        return Problem(TYPE_BASE + code, "Données invalides", 400, detail, code, instance, errors), {}
    if isinstance(exc, RecursionError) and "deserializing" in str(exc):
        # msgspec gives up on absurdly nested JSON: the client's fault, not ours.
        detail = "Le corps JSON est trop profondément imbriqué."
        return Problem(
            TYPE_BASE + "malformed_json", "Données invalides", 400, detail, "malformed_json", instance
        ), {}
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    code, title, detail = _HTTP_DEFAULTS.get(status, _HTTP_DEFAULTS[400 if status < 500 else 500])
    headers: dict[str, str] = {}
    if isinstance(exc, HTTPException):
        headers = dict(exc.headers or {})
        if status == 400 and _MALFORMED_JSON.search(str(exc.detail)):
            code, title, detail = (
                "malformed_json",
                "Données invalides",
                "Le corps de la requête n'est pas du JSON valide.",
            )
        if status == 403 and "CSRF" in str(exc.detail):
            code, detail = "csrf_failed", _CSRF_DETAIL
        if status == 413 or "too large" in str(exc.detail).lower():
            status = 413
            code, title, detail = _HTTP_DEFAULTS[413]
    retry = headers.get("Retry-After")
    problem = Problem(
        TYPE_BASE + code,
        title,
        status,
        detail,
        code,
        instance,
        retry_after=int(retry) if retry and retry.isdigit() else None,
    )
    return problem, headers


HtmlRenderer = Callable[[Request[Any, Any, Any], Problem], Response[Any]]


def wants_html(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/schema", "/health", "/ready", "/metrics")):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept


def make_exception_handler(html_renderer: HtmlRenderer | None = None) -> Callable[..., Any]:
    def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
        problem, headers = problem_for(exc, request.url.path)
        if problem.status >= 500 and not isinstance(exc, DomainError):
            log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if html_renderer is not None and wants_html(request):
            response = html_renderer(request, problem)
            response.headers.update(headers)
            return response
        return Response(
            content=msgspec.json.encode(problem),
            status_code=problem.status,
            media_type=PROBLEM_JSON,
            headers=headers,
        )

    return handle


__all__ = [
    "PROBLEM_JSON",
    "Conflict",
    "DomainError",
    "FieldError",
    "Forbidden",
    "InvalidInput",
    "MediaType",
    "NotAuthenticated",
    "NotFound",
    "Problem",
    "TooManyRequests",
    "Unavailable",
    "UpstreamFailure",
    "make_exception_handler",
]
