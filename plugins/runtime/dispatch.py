"""``/services/{collectivite}/{plugin}/…``: routes each request to the tenant's deployment.

The store's middleware (sessions, CSRF, the actor) has already run. A service's own failures
(load, route, timeout) become problem+json answers here, so the rest of the store never sees them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from litestar import asgi
from litestar.types import Message, Receive, Scope, Send

from plugins.runtime.policy import blocked_reason
from plugins.runtime.runtime import CTX_KEY, LoadFailure
from plugins.runtime.service import DeploymentService
from plugins.sdk.context import Viewer
from store.kit.auth import PUBLIC, Actor
from store.kit.auth import Scope as AuthScope
from store.kit.errors import PROBLEM_JSON, TYPE_BASE, Problem


async def _send_problem(send: Send, status: int, code: str, title: str, detail: str, instance: str) -> None:
    body = msgspec.json.encode(
        Problem(
            type=TYPE_BASE + code, title=title, status=status, detail=detail, code=code, instance=instance
        )
    )
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    end: Any = {"type": "http.response.body", "body": body}
    await send(end)


def viewer_for(actor: Any, siren: str) -> Viewer:
    if not isinstance(actor, Actor) or not actor.is_authenticated:
        return Viewer()
    return Viewer(
        account_id=actor.account_id,
        display_name=actor.display_name,
        is_agent=actor.acts_for(siren) and actor.has(AuthScope.PluginsServicesUse),
        can_sign=actor.can_sign_for(siren),
        is_curator=actor.is_curator,
    )


@asgi("/services", is_mount=True, copy_scope=True, opt=PUBLIC, include_in_schema=False)
async def services_mount(scope: Scope, receive: Receive, send: Send) -> None:
    state = scope["litestar_app"].state
    deployments: DeploymentService = state.plugin_deployments
    # A mount receives the path below /services (Litestar strips the mount point).
    path = scope["path"]
    full_path = path if path.startswith("/services/") else "/services" + path
    parts = full_path.split("/")[2:]
    instance = full_path
    if len(parts) < 2 or not parts[0] or not parts[1]:
        await _send_problem(
            send,
            404,
            "service_not_found",
            "Service introuvable",
            "Adresse attendue : /services/{siren}/{service}/.",
            instance,
        )
        return
    siren, plugin_id = parts[0], parts[1]
    resolved = await deployments.resolve(siren, plugin_id)
    if resolved is None or resolved.deployment.state == "deprovisioned":
        await _send_problem(
            send, 404, "service_not_deployed", "Service non déployé",
            "Ce service n'est pas proposé par cette collectivité.", instance,
        )  # fmt: skip
        return
    if resolved.deployment.state == "failed":
        await _send_problem(
            send, 502, "deployment_failed", "Service en panne",
            f"Le déploiement de ce service a échoué : {resolved.deployment.last_error}", instance,
        )  # fmt: skip
        return
    release = resolved.release
    if not release.loadable:
        code = "plugin_suspended" if release.plugin_status == "suspended" else "release_yanked"
        await _send_problem(send, 503, code, "Service indisponible", blocked_reason(release), instance)
        return
    runtime = deployments.runtime
    try:
        loaded = await runtime.load(release)
    except LoadFailure as failure:
        await _send_problem(send, 502, failure.code, "Service en panne", failure.detail, instance)
        return
    ctx = runtime.context(
        loaded,
        resolved.tenant,
        resolved.deployment.config,
        viewer_for(scope.get("user"), resolved.tenant.siren),
    )
    prefix = f"/services/{siren}/{plugin_id}"
    inner: dict[str, Any] = dict(scope)
    inner.update(path=full_path, root_path=prefix, raw_path=full_path.encode())
    inner[CTX_KEY] = ctx
    inner.pop("route_handler", None)
    inner["path_params"] = {}
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await asyncio.wait_for(
            loaded.app(inner, receive, tracking_send),  # type: ignore[arg-type]
            timeout=deployments.settings.plugin_request_timeout_seconds,
        )
    except TimeoutError:
        runtime.route_failures[(siren, plugin_id)].add("délai dépassé")
        if not started:
            await _send_problem(
                send, 504, "plugin_timeout", "Service trop lent",
                "Le service n'a pas répondu dans le délai imparti.", instance,
            )  # fmt: skip
    except Exception as exc:
        runtime.route_failures[(siren, plugin_id)].add(f"{type(exc).__name__}: {exc}")
        if not started:
            await _send_problem(
                send, 502, "plugin_failure", "Erreur du service",
                "Le service a rencontré une erreur ; le reste de la place de marché fonctionne.", instance,
            )  # fmt: skip
