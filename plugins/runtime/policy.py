"""Who may deploy, which release a deployment takes, and why a release cannot run."""

from __future__ import annotations

from plugins.registry.repository import ReleaseRecord
from store.kit.auth import Actor
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from store.registry.siren import normalise_siren


def siren(value: str) -> str:
    try:
        return normalise_siren(value)
    except ValueError as exc:
        raise InvalidInput(str(exc), code="invalid_siren") from exc


def authorise(actor: Actor | None, siren: str, *, moving: bool) -> None:
    if actor is None or actor.is_curator:
        return
    if moving and actor.can_sign_for(siren):
        return
    raise Forbidden(
        "Déployer un service relève des curateurs ; changer de version, des signataires de la collectivité.",
        code="deployment_forbidden",
    )


def pick(releases: list[ReleaseRecord], version: str | None, latest: ReleaseRecord | None) -> ReleaseRecord:
    if version is None:
        if latest is None:
            raise Conflict("Aucune version approuvée de ce service.", code="no_approved_release")
        return latest
    target = next((r for r in releases if r.version == version), None)
    if target is None:
        raise NotFound(f"Aucune version {version} pour ce service.", code="release_not_found")
    if not target.loadable:
        raise Conflict(blocked_reason(target), code="release_not_loadable")
    return target


def blocked_reason(release: ReleaseRecord | None) -> str:
    if release is None:
        return "Version introuvable."
    if release.plugin_status == "suspended":
        return f"Service suspendu par l'ANCT : {release.plugin_status_reason}"
    if release.yanked_at is not None:
        return f"Version {release.version} retirée : {release.yanked_reason}"
    return f"Version {release.version} non approuvée ({release.state})."
