"""Request hygiene shared by every route: content types on the API, health handlers."""

from __future__ import annotations

from typing import Any

from litestar import Request

from store.kit.errors import DomainError

JSON_TYPES = ("application/json", "application/merge-patch+json")


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"
    title = "Type de contenu non pris en charge"


async def enforce_json_bodies(request: Request[Any, Any, Any]) -> None:
    """An API call with a body must say it is JSON, unless its route accepts uploads."""
    if request.method not in {"POST", "PUT", "PATCH"} or not request.url.path.startswith("/api/"):
        return
    if request.route_handler.opt.get("accepts_upload"):
        return
    has_body = (
        request.headers.get("content-length", "0") not in {"", "0"} or "transfer-encoding" in request.headers
    )
    if not has_body:
        return
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in JSON_TYPES:
        raise UnsupportedMediaType(
            "Le corps de la requête doit être du JSON (Content-Type: application/json), "
            f"reçu « {content_type or 'aucun'} ».",
        )
