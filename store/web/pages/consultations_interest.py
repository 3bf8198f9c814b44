"""Positionnement in the browser: an agent declares its collectivité's interest in a selected service
(territoire référent, early adopter, co-funder with an amount in euros, observer) and can withdraw.
An agent acting for several collectivités chooses which one (``?siren=``)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from catalogue.votes.schemas import ROLE_LABELS, InterestRequest
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError, FieldError, InvalidInput, NotFound
from store.kit.money import format_eur
from store.web.pages.consultation_forms import (
    DESK,
    Desk,
    acting_siren,
    build,
    cents,
    collectivite_mandates,
    refusal,
)
from store.web.rendering import flash, page

INTEREST = [requires(Scope.CatalogueInterestWrite)]
ACTIVE = ("submitted", "accepted")


class InterestForm(msgspec.Struct):
    siren: str = ""
    role: str = ""
    commitment_text: str = ""
    montant: str = ""
    """Co-funding in euros, as typed; only for a co-funder."""


class WithdrawForm(msgspec.Struct):
    siren: str = ""


def interest_request(form: InterestForm) -> InterestRequest:
    if form.role not in ROLE_LABELS:
        raise InvalidInput(
            "Choisissez le rôle de votre collectivité.",
            code="role_required",
            errors=[FieldError("role", "rôle à choisir")],
        )
    amount = cents(form.montant)
    if form.role != "cofinanceur" and amount:
        raise InvalidInput(
            "Seul un co-financeur indique un montant : choisissez « Co-financeur » ou videz le montant.",
            code="amount_without_cofunding",
            errors=[FieldError("montant", "réservé aux co-financeurs")],
        )
    return build(
        InterestRequest,
        collectivite_siren=form.siren,
        role=form.role,
        commitment_text=form.commitment_text.strip(),
        cofunding_amount_cents=amount,
    )


class ConsultationInterestPages(Controller):
    include_in_schema = False
    path = "/consultations"
    guards = INTEREST
    dependencies = DESK

    async def _render(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        desk: Desk,
        siren: str | None,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        chosen = acting_siren(actor, siren)
        mine = await desk.interests.mine(actor, consultation.id, chosen) if chosen else []
        decisions = await desk.selection.decisions(actor, consultation.id)
        services = []
        for decision in decisions:
            if decision.decision != "selected":
                continue
            pilots = await desk.interests.pilots(decision.proposal_id)
            services.append(
                {
                    "proposal": await desk.regroupement.proposal(decision.proposal_id, actor),
                    "decision": decision,
                    "pilots": sum(1 for p in pilots if p.role == "territoire_referent"),
                    "mine": [i for i in mine if i.proposal_id == decision.proposal_id],
                }
            )
        return page(
            request,
            "pages/consultations/positionnement.html",
            status_code=status_code,
            consultation=consultation,
            mandates=collectivite_mandates(actor),
            siren=chosen,
            services=services,
            roles=ROLE_LABELS,
            active_states=ACTIVE,
            errors=errors or {},
            values=values or {},
        )

    @get("/{slug:str}/positionnement")
    async def board(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        desk: NamedDependency[Desk],
        siren: FromQuery[str | None] = None,
    ) -> Template:
        return await self._render(request, slug, desk, siren)

    @post("/{slug:str}/positionnement/{proposal_id:int}")
    async def declare(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        proposal_id: FromPath[int],
        data: URLEncodedBody[InterestForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        key = f"service-{proposal_id}"
        try:
            proposal = await desk.regroupement.proposal(proposal_id, actor)
            if proposal.consultation_id != consultation.id:
                raise NotFound("Ce service n'appartient pas à cette consultation.", code="proposal_not_found")
            view = await desk.interests.declare(actor, proposal_id, interest_request(data))
        except DomainError as exc:
            status, message = refusal(exc)
            values = {"form": key, **msgspec.structs.asdict(data)}
            return await self._render(
                request,
                slug,
                desk,
                data.siren or None,
                errors={key: message},
                values=values,
                status_code=status,
            )
        amount = f" ({format_eur(view.cofunding_amount_cents)})" if view.cofunding_amount_cents else ""
        flash(
            request,
            f"{view.collectivite_name} est positionnée comme « {view.role_label} »{amount} "
            f"sur « {proposal.title} » : l'équipe de l'ANCT examinera ce positionnement.",
        )
        return Redirect(
            f"/consultations/{slug}/positionnement?siren={view.collectivite_siren}", status_code=303
        )

    @post("/{slug:str}/positionnement/retrait/{interest_id:int}")
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        interest_id: FromPath[int],
        data: URLEncodedBody[WithdrawForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        try:
            view = await desk.interests.withdraw(actor, interest_id, consultation_id=consultation.id)
        except DomainError as exc:
            status, message = refusal(exc)
            return await self._render(
                request,
                slug,
                desk,
                data.siren or None,
                errors={f"retrait-{interest_id}": message},
                status_code=status,
            )
        flash(request, f"Positionnement « {view.role_label} » de {view.collectivite_name} retiré.", "info")
        return Redirect(
            f"/consultations/{slug}/positionnement?siren={view.collectivite_siren}", status_code=303
        )
