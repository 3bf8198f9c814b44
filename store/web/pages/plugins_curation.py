"""Curators' pages for service releases: the review queue, one release, and the decisions."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from plugins.registry.curation import CurationService
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError
from store.web.pages.plugins import STATE_LABELS
from store.web.rendering import flash, page


class DecisionForm(msgspec.Struct):
    reason: str = ""


class PluginCurationPages(Controller):
    path = "/curation/plugins"
    include_in_schema = False
    guards = [requires(Scope.AdminPluginsWrite)]

    @get("/")
    async def queue(
        self, request: Request[Any, Any, Any], plugin_curation: NamedDependency[CurationService]
    ) -> Template:
        releases = await plugin_curation.queue(actor_of(request), "pending")
        return page(request, "pages/plugins/curation_queue.html", releases=releases)

    @get("/versions/{release_id:str}")
    async def review(
        self,
        request: Request[Any, Any, Any],
        release_id: FromPath[str],
        plugin_curation: NamedDependency[CurationService],
    ) -> Template:
        review = await plugin_curation.review(actor_of(request), release_id)
        return page(request, "pages/plugins/curation_review.html", review=review, state_labels=STATE_LABELS)

    @post("/versions/{release_id:str}/{decision:str}")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        release_id: FromPath[str],
        decision: FromPath[str],
        data: URLEncodedBody[DecisionForm],
        plugin_curation: NamedDependency[CurationService],
    ) -> Redirect:
        actor = actor_of(request)
        reason = data.reason.strip()
        try:
            if decision == "approuver":
                await plugin_curation.approve(actor, release_id, reason)
                flash(request, "Version approuvée : elle peut désormais être déployée.")
            elif decision in {"refuser", "retirer"}:
                if len(reason) < 10:
                    raise DomainError("Indiquez un motif d'au moins 10 caractères.", code="reason_required")
                if decision == "refuser":
                    await plugin_curation.reject(actor, release_id, reason)
                    flash(request, "Version refusée ; l'éditeur voit le motif.")
                else:
                    await plugin_curation.yank(actor, release_id, reason)
                    flash(
                        request, "Version retirée ; les collectivités concernées voient le motif.", "warning"
                    )
            else:
                raise DomainError("Décision inconnue.", code="unknown_decision")
        except DomainError as exc:
            flash(request, exc.detail, "error")
        return Redirect(f"/curation/plugins/versions/{release_id}", status_code=303)
