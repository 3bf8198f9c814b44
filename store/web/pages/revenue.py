"""Publishers' revenue: HT invoiced per month and per service from the charges carrying their SIREN,
and what the platform owes them (their payable in the ledger). Only their own publishers."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template

from store.billing.service import BillingService
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import NotFound
from store.web.rendering import page


class RevenuePages(Controller):
    path = "/editeur/revenus"
    include_in_schema = False
    guards = [requires(Scope.BillingRevenueRead)]

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        billing: NamedDependency[BillingService],
        editeur: Annotated[str | None, QueryParameter(pattern=r"^\d{9}$")] = None,
    ) -> Template:
        actor = actor_of(request)
        mine = sorted((m.org_id, m.org_name) for m in actor.mandates if m.kind == "publisher")
        if editeur is None and not mine and not actor.is_curator:
            raise NotFound("Votre compte ne représente aucun éditeur.", code="publisher_not_found")
        chosen = editeur or (mine[0][0] if mine else None)
        revenue = await billing.statements.publisher_revenue(actor, chosen) if chosen else None
        return page(
            request,
            "pages/billing/revenue.html",
            revenue=revenue,
            publishers=mine,
            chosen=chosen,
        )
