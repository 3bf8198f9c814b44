"""Setting funding up in the browser: open a call for projects (rules from presets or as JSON) and
endow an envelope from its parent (an idempotency key drawn with the form)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from catalogue.funding.rules import (
    KIND_LABELS,
    AllOf,
    AnyOf,
    InDepartements,
    KindsAllowed,
    MaxPopulationPerApplicant,
    MinDepartementsCovered,
    MinPopulationCovered,
    Rule,
    decode_rule,
)
from catalogue.funding.schemas import AmountIn, CallIn
from catalogue.funding.service import FundingService
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError, FieldError, InvalidInput
from store.kit.money import format_eur
from store.web.pages.consultation_forms import cents, refusal
from store.web.rendering import flash, page

CURATOR = [requires(Scope.AdminFundingWrite)]
PRESETS = {
    "aucune": "Aucune condition",
    "national": "Groupement couvrant au moins 1 département ou 500 000 habitants (appels nationaux)",
    "petites_communes": "Communes sous un seuil de population (et du département du guichet)",
    "json": "Règles en JSON",
}


class CallForm(msgspec.Struct):
    slug: str = ""
    title: str = ""
    description: str = ""
    envelope_code: str = ""
    opens_on: str = ""
    closes_on: str = ""
    rate: str = ""
    audiences: str | list[str] = ""
    """One checked box arrives as a text, several as a list."""
    preset: str = "aucune"
    threshold: str = "3500"
    rules_json: str = ""


class EndowForm(msgspec.Struct):
    key: str = ""
    code: str = ""
    amount: str = ""


def _rule(form: CallForm, departement: str | None) -> Rule | None:
    if form.preset == "national":
        return AnyOf(rules=(MinDepartementsCovered(count=1), MinPopulationCovered(population=500_000)))
    if form.preset == "petites_communes":
        try:
            threshold = int(form.threshold.replace(" ", "").replace("\u202f", ""))
        except ValueError as exc:
            raise InvalidInput("Seuil de population invalide.", code="invalid_form") from exc
        rules: list[Rule] = [
            KindsAllowed(kinds=("commune",)),
            MaxPopulationPerApplicant(population=threshold),
        ]
        if departement:
            rules.append(InDepartements(codes=(departement,)))
        return AllOf(rules=tuple(rules))
    if form.preset == "json":
        try:
            return decode_rule(form.rules_json or "null")
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise InvalidInput(
                f"Règles illisibles : {exc}",
                code="invalid_rules",
                errors=[FieldError("rules_json", str(exc))],
            ) from exc
    return None


def _rate_bp(text: str) -> int:
    """« 50 » or « 37,5 » (percent) as basis points, without float."""
    whole, _, frac = text.strip().replace("%", "").strip().replace(",", ".").partition(".")
    if not whole.isdigit() or (frac and (not frac.isdigit() or len(frac) > 2)):
        raise InvalidInput(
            "Taux invalide (en %, par exemple 50).", code="invalid_form", errors=[FieldError("rate", "taux")]
        )
    return int(whole) * 100 + int(frac.ljust(2, "0") or 0)


class FundingSetupPages(Controller):
    include_in_schema = False
    path = "/curation/financements"
    guards = CURATOR

    async def _form(
        self,
        request: Request[Any, Any, Any],
        funding: FundingService,
        *,
        error: str = "",
        values: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        return page(
            request,
            "pages/funding/new_call.html",
            status_code=status_code,
            envelopes=await funding.tree(),
            presets=PRESETS,
            kind_names=KIND_LABELS,
            error=error,
            values=values or {"preset": "aucune", "threshold": "3500", "audiences": []},
        )

    @get("/appels/nouveau")
    async def new_call(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> Template:
        return await self._form(request, funding)

    @post("/appels/nouveau")
    async def create_call(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[CallForm],
        funding: NamedDependency[FundingService],
    ) -> Template | Redirect:
        try:
            envelope = next((e for e in await funding.tree() if e.code == data.envelope_code), None)
            try:
                call_in = msgspec.convert(
                    {
                        "slug": data.slug.strip(),
                        "title": data.title.strip(),
                        "description": data.description.strip(),
                        "envelope_code": data.envelope_code,
                        "opens_on": data.opens_on,
                        "closes_on": data.closes_on,
                        "max_rate_bp": _rate_bp(data.rate),
                        "audiences": [data.audiences]
                        if isinstance(data.audiences, str) and data.audiences
                        else list(data.audiences or []),
                        "rules": None,
                    },
                    CallIn,
                )
            except msgspec.ValidationError as exc:
                raise InvalidInput(f"Formulaire incomplet ou invalide : {exc}", code="invalid_form") from exc
            rule = _rule(data, envelope.departement if envelope else None)
            call = await funding.create_call(actor_of(request), msgspec.structs.replace(call_in, rules=rule))
        except DomainError as exc:
            status, message = refusal(exc)
            return await self._form(
                request, funding, error=message, values=msgspec.structs.asdict(data), status_code=status
            )
        flash(request, f"Appel « {call.title} » ouvert.")
        return Redirect(f"/curation/financements/appels/{call.id}", status_code=303)

    @post("/enveloppes/dotation")
    async def endow(
        self,
        request: Request[Any, Any, Any],
        data: URLEncodedBody[EndowForm],
        funding: NamedDependency[FundingService],
    ) -> Redirect:
        try:
            if len(data.key) < 8:
                raise InvalidInput("Formulaire périmé : rechargez la page.", code="idempotency_key_required")
            amount = cents(data.amount)
            if amount <= 0:
                raise InvalidInput("Indiquez un montant en euros.", code="invalid_amount")
            row = await funding.allocate(
                actor_of(request),
                data.code,
                AmountIn(amount_cents=amount),
                key=data.key,
            )
        except DomainError as exc:
            flash(request, exc.detail, "error")
            return Redirect("/curation/financements#enveloppes", status_code=303)
        flash(request, f"« {row.label} » dotée : {format_eur(row.figures.allocated)} alloués au total.")
        return Redirect("/curation/financements#enveloppes", status_code=303)
