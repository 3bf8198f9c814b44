"""The curators' funding desk in the browser: the envelope tree (allocated, reserved, committed,
consumed, available), the table per département, the calls and the review of their applications
(eligibility check, note, award, payment, decline). Each table has its CSV export (API routes).
Money-moving forms carry an idempotency key drawn when the page is shown, so a form sent twice
moves money once."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template
from markupsafe import Markup

from catalogue.funding.rules import sentence
from catalogue.funding.schemas import (
    AwardIn,
    DeclineIn,
    DepartementRow,
    EnvelopeRow,
    Figures,
    PaymentIn,
    ReservationCommitIn,
    ReviewIn,
)
from catalogue.funding.service import FundingService
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError, FieldError, InvalidInput
from store.kit.money import format_eur
from store.web.charts import (
    Series,
    StackedBar,
    compact_eur,
    render_departement_map,
    render_stacked_bars,
)
from store.web.pages.consultation_forms import cents, refusal
from store.web.rendering import flash, page

CURATOR = [requires(Scope.AdminFundingWrite)]
KIND_NAMES = {"plan": "Plan", "axe": "Axe", "guichet": "Guichet départemental", "part": "Part"}


class ActionForm(msgspec.Struct):
    key: str = ""
    amount: str = ""
    note: str = ""
    reason: str = ""
    paid_on: str = ""
    reference: str = ""


def _text(value: str, field: str, what: str) -> str:
    value = value.strip()
    if len(value) < 3:
        raise InvalidInput(f"Indiquez {what}.", code="invalid_form", errors=[FieldError(field, what)])
    return value


def _key(form: ActionForm) -> str:
    if len(form.key) < 8:
        raise InvalidInput("Formulaire périmé : rechargez la page.", code="idempotency_key_required")
    return form.key


def _positive(form: ActionForm) -> int:
    amount = cents(form.amount)
    if amount <= 0:
        raise InvalidInput(
            "Indiquez un montant en euros.", code="invalid_amount", errors=[FieldError("amount", "montant")]
        )
    return amount


SPLIT = [
    Series("consumed", "Consommé (versé ou facturé)", "#000091"),
    Series("committed", "Engagé, pas encore consommé", "#6a6af4"),
    Series("reserved", "Réservé", "#b1b1f9"),
    Series("available", "Disponible", "#e5e5e5"),
]
"""How an allocation splits: allocated = reserved + committed + available; consumed is within committed."""


def split(label: str, figures: Figures) -> StackedBar:
    consumed = min(figures.consumed, figures.committed)
    return StackedBar(
        label,
        {
            "consumed": consumed,
            "committed": figures.committed - consumed,
            "reserved": figures.reserved,
            "available": figures.available,
        },
    )


def desk_figures(envelopes: list[EnvelopeRow], departements: list[DepartementRow]) -> dict[str, Markup]:
    """The map of what each département's collectivités were awarded, how each axis and each
    departmental guichet splits its allocation (each figure points to the table holding its numbers)."""
    return {
        "map": render_departement_map(
            {d.departement: d.awarded_to_applicants for d in departements},
            title="Financements attribués aux porteurs, par département",
            unit="",
            formatter=format_eur,
            legend_formatter=compact_eur,
            table_id="table-financements-departements",
        ),
        "axes": render_stacked_bars(
            [split(e.label, e.figures) for e in envelopes if e.depth == 1],
            title="Répartition de l'enveloppe de chaque axe",
            series=SPLIT,
            formatter=compact_eur,
            table_id="table-financements-enveloppes",
        ),
        "guichets": render_stacked_bars(
            [split(f"{d.departement} — {d.name}", d.figures) for d in departements if d.figures.allocated],
            title="Répartition de l'enveloppe de chaque guichet départemental",
            series=SPLIT,
            formatter=compact_eur,
            table_id="table-financements-departements",
        ),
    }


class FundingCurationPages(Controller):
    include_in_schema = False
    path = "/curation/financements"
    guards = CURATOR

    @get("/")
    async def desk(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> Template:
        return await self._desk(request, funding)

    async def _desk(
        self,
        request: Request[Any, Any, Any],
        funding: FundingService,
        *,
        error: str = "",
        status_code: int = 200,
    ) -> Template:
        actor = actor_of(request)
        envelopes = await funding.tree()
        departements = await funding.per_departement(actor)
        return page(
            request,
            "pages/funding/desk.html",
            status_code=status_code,
            envelopes=envelopes,
            departements=departements,
            calls=await funding.list_calls(),
            reservations=await funding.reservations(actor),
            listing_grants=await funding.listing_grants(actor),
            kind_names=KIND_NAMES,
            charts=desk_figures(envelopes, departements),
            new_key=lambda: uuid.uuid4().hex,
            error=error,
        )

    async def _call_page(
        self,
        request: Request[Any, Any, Any],
        funding: FundingService,
        call_id: int,
        *,
        errors: dict[int, str] | None = None,
        status_code: int = 200,
    ) -> Template:
        actor = actor_of(request)
        call = await funding.get_call(call_id)
        return page(
            request,
            "pages/funding/review.html",
            status_code=status_code,
            call=call,
            rule_text=sentence(call.rules),
            applications=await funding.call_applications(actor, call_id),
            errors=errors or {},
            new_key=lambda: uuid.uuid4().hex,
            today=funding.today().isoformat(),
        )

    @get("/appels/{call_id:int}")
    async def review_page(
        self,
        request: Request[Any, Any, Any],
        call_id: FromPath[int],
        funding: NamedDependency[FundingService],
    ) -> Template:
        return await self._call_page(request, funding, call_id)

    @post("/appels/{call_id:int}/candidatures/{application_id:int}/{action:str}")
    async def act(
        self,
        request: Request[Any, Any, Any],
        call_id: FromPath[int],
        application_id: FromPath[int],
        action: FromPath[str],
        data: URLEncodedBody[ActionForm],
        funding: NamedDependency[FundingService],
    ) -> Template | Redirect:
        actor = actor_of(request)
        try:
            application = await funding.get_application(actor, application_id)
            if application.call_id != call_id:
                raise InvalidInput("Cette candidature n'appartient pas à cet appel.", code="wrong_call")
            if action == "eligibilite":
                view = await funding.check_eligibility(actor, application_id)
                message = f"Éligibilité vérifiée : {view.state_label.lower()}."
            elif action == "instruction":
                await funding.review(
                    actor, application_id, ReviewIn(note=_text(data.note, "note", "une note"))
                )
                message = "Note d'instruction enregistrée."
            elif action == "attribution":
                view = await funding.award(
                    actor, application_id, AwardIn(amount_cents=_positive(data)), key=_key(data)
                )
                message = f"Financement attribué : engagement de {format_eur(view.awarded_cents)}."
            elif action == "versement":
                try:
                    paid_on = dt.date.fromisoformat(data.paid_on)
                except ValueError as exc:
                    raise InvalidInput("Date de versement invalide.", code="invalid_date") from exc
                await funding.pay(
                    actor,
                    application_id,
                    PaymentIn(
                        amount_cents=_positive(data), paid_on=paid_on, reference=data.reference.strip()[:120]
                    ),
                    key=_key(data),
                )
                message = "Versement enregistré."
            elif action == "refus":
                await funding.decline(
                    actor, application_id, DeclineIn(reason=_text(data.reason, "reason", "le motif du refus"))
                )
                message = "Candidature refusée ; le motif est visible par la collectivité."
            else:
                raise InvalidInput("Action inconnue.", code="unknown_action")
        except DomainError as exc:
            status, detail = refusal(exc)
            return await self._call_page(
                request, funding, call_id, errors={application_id: detail}, status_code=status
            )
        flash(request, message)
        return Redirect(
            f"/curation/financements/appels/{call_id}#candidature-{application_id}", status_code=303
        )

    @post("/reservations/{reservation_id:int}/{action:str}")
    async def settle(
        self,
        request: Request[Any, Any, Any],
        reservation_id: FromPath[int],
        action: FromPath[str],
        data: URLEncodedBody[ActionForm],
        funding: NamedDependency[FundingService],
    ) -> Template | Redirect:
        actor = actor_of(request)
        try:
            if action == "engager":
                view = await funding.commit_reservation(
                    actor, reservation_id, ReservationCommitIn(amount_cents=_positive(data)), key=_key(data)
                )
                message = f"Réservation engagée : {format_eur(view.committed_cents)}."
            elif action == "liberer":
                await funding.release_reservation(actor, reservation_id, key=_key(data))
                message = "Réservation libérée : son montant revient à l'enveloppe."
            else:
                raise InvalidInput("Action inconnue.", code="unknown_action")
        except DomainError as exc:
            status, detail = refusal(exc)
            return await self._desk(request, funding, error=detail, status_code=status)
        flash(request, message)
        return Redirect("/curation/financements#reservations", status_code=303)
