"""Appels à projets in the browser: the published calls (public), the application form of a
collectivité (lead, co-applicants, operational contact, budget, requested amount) and « Mes
candidatures » with the eligibility reasons. Works without JavaScript."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from catalogue.funding.rules import KIND_LABELS, sentence
from catalogue.funding.schemas import ApplicationIn
from catalogue.funding.service import FundingService
from catalogue.listings.schemas import ListingFilters
from catalogue.listings.service import ListingService
from store.kit.auth import PUBLIC, Scope, actor_of, requires
from store.kit.errors import DomainError, FieldError, InvalidInput
from store.web.pages.consultation_forms import acting_siren, cents, collectivite_mandates, refusal
from store.web.rendering import flash, page

APPLICANT = [requires(Scope.FundingApplicationsWrite)]


class ApplicationForm(msgspec.Struct):
    siren: str = ""
    co_applicants: str = ""
    title: str = ""
    summary: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    budget: str = ""
    requested: str = ""
    listing_id: str = ""


def application_in(form: ApplicationForm) -> ApplicationIn:
    co = tuple(s for s in re.split(r"[\s,;]+", form.co_applicants.replace("\u00a0", " ")) if s)
    raw = {
        "lead_siren": form.siren.replace(" ", ""),
        "co_applicants": co,
        "title": form.title.strip(),
        "summary": form.summary.strip(),
        "contact_name": form.contact_name.strip(),
        "contact_email": form.contact_email.strip(),
        "contact_phone": form.contact_phone.strip(),
        "budget_cents": cents(form.budget, "budget"),
        "requested_cents": cents(form.requested, "requested"),
        "listing_id": form.listing_id or None,
    }
    try:
        return msgspec.convert(raw, ApplicationIn)
    except msgspec.ValidationError as exc:
        field = str(exc).rsplit("`$.", 1)[-1].rstrip("`") if "`$." in str(exc) else ""
        labels = {
            "title": "le titre (3 caractères au moins)",
            "contact_name": "le nom du contact opérationnel",
            "contact_email": "le courriel du contact opérationnel",
            "contact_phone": "le téléphone",
            "budget_cents": "le budget du projet (en euros, plus de 0)",
            "requested_cents": "le montant demandé (en euros, plus de 0)",
            "lead_siren": "la collectivité porteuse",
            "listing_id": "le service à cofinancer",
        }
        what = next((label for name, label in labels.items() if field.startswith(name)), "le formulaire")
        raise InvalidInput(
            f"Vérifiez {what}.", code="invalid_form", errors=[FieldError(field, what)]
        ) from exc


class FundingPages(Controller):
    include_in_schema = False
    path = "/appels-a-projets"

    @get("/", opt=PUBLIC)
    async def calls(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> Template:
        calls = await funding.list_calls()
        return page(
            request,
            "pages/funding/calls.html",
            calls=calls,
            rules={c.id: sentence(c.rules) for c in calls},
            kind_names=KIND_LABELS,
        )

    async def _call_page(
        self,
        request: Request[Any, Any, Any],
        funding: FundingService,
        listings: ListingService,
        call_id: int,
        siren: str | None,
        *,
        error: str = "",
        values: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        actor = actor_of(request)
        call = await funding.get_call(call_id)
        return page(
            request,
            "pages/funding/call.html",
            status_code=status_code,
            call=call,
            rule_text=sentence(call.rules),
            kind_names=KIND_LABELS,
            mandates=collectivite_mandates(actor),
            siren=acting_siren(actor, siren),
            can_apply=actor.has(Scope.FundingApplicationsWrite) and bool(collectivite_mandates(actor)),
            services=(await listings.browse(ListingFilters(), per_page=100)).items,
            error=error,
            values=values or {},
        )

    @get("/{call_id:int}", opt=PUBLIC)
    async def call(
        self,
        request: Request[Any, Any, Any],
        call_id: FromPath[int],
        funding: NamedDependency[FundingService],
        listings: NamedDependency[ListingService],
        siren: FromQuery[str | None] = None,
    ) -> Template:
        return await self._call_page(request, funding, listings, call_id, siren)

    @post("/{call_id:int}/candidater", guards=APPLICANT)
    async def apply(
        self,
        request: Request[Any, Any, Any],
        call_id: FromPath[int],
        data: URLEncodedBody[ApplicationForm],
        funding: NamedDependency[FundingService],
        listings: NamedDependency[ListingService],
    ) -> Template | Redirect:
        try:
            view = await funding.apply(actor_of(request), call_id, application_in(data))
        except DomainError as exc:
            status, message = refusal(exc)
            values = msgspec.structs.asdict(data)
            return await self._call_page(
                request,
                funding,
                listings,
                call_id,
                data.siren or None,
                error=message,
                values=values,
                status_code=status,
            )
        verdict = "éligible" if view.eligibility and view.eligibility.ok else "non éligible en l'état"
        flash(request, f"Candidature « {view.title} » déposée : {verdict} d'après le référentiel.")
        return Redirect(f"/appels-a-projets/mes-candidatures#candidature-{view.id}", status_code=303)

    @get("/mes-candidatures", guards=APPLICANT)
    async def mine(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> Template:
        return page(
            request,
            "pages/funding/mine.html",
            applications=await funding.my_applications(actor_of(request)),
        )
