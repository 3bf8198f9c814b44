"""Curators' billing desk: run a period, close one, verify the ledger, overdue invoices, import a CSV
of payment orders, the budget ledger's balances. Every money-moving form carries an idempotency key
made when the form is rendered, so a double submit replays instead of writing twice."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from store.billing.corrections import today_of
from store.billing.schemas import CsvImportRow
from store.billing.service import BillingService
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import Conflict, DomainError, InvalidInput
from store.web.pages.billing_forms import billing_labels, form_key, new_key, parse_period
from store.web.rendering import flash, page

BASE = "/curation/facturation"
CSV_MAX_BYTES = 1_000_000
SEEN_KEYS = "billing_form_keys"


def _today(billing: BillingService) -> dt.date:
    return dt.date.fromisoformat(today_of(billing.ledger.clock()))


def seen_form(request: Request[Any, Any, Any], key: str, what: str) -> str | None:
    """What a form key was already used for in this session (``None`` the first time, and then it is
    remembered): a double submit of the same form is recognised even before the ledger sees it."""
    current = request.scope.get("session")
    session: dict[str, Any] = dict(current) if isinstance(current, dict) else {}
    seen: dict[str, str] = dict(session.get(SEEN_KEYS) or {})
    if key in seen:
        return seen[key]
    seen[key] = what
    session[SEEN_KEYS] = dict(list(seen.items())[-50:])
    request.set_session(session)
    return None


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise InvalidInput("Le fichier n'est pas un CSV texte (UTF-8 ou Windows-1252).", code="bad_csv")


class BillingAdminPages(Controller):
    path = BASE
    include_in_schema = False
    guards = [requires(Scope.AdminBillingWrite)]

    async def _desk(
        self,
        request: Request[Any, Any, Any],
        billing: NamedDependency[BillingService],
        *,
        status_code: int = 200,
        **extra: Any,
    ) -> Template:
        actor = actor_of(request)
        statements = billing.statements
        return page(
            request,
            "pages/billing/admin.html",
            status_code=status_code,
            runs=await statements.runs(),
            closed_through=await statements.closed_through(),
            overdue=await billing.overdue(),
            recent=await statements.invoices(actor, limit=20),
            budget=await statements.budget_balances(),
            run_key=new_key(),
            close_key=new_key(),
            import_key=new_key(),
            base=BASE,
            **{**billing_labels(), **extra},
        )

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        billing: NamedDependency[BillingService],
        numero: Annotated[str | None, QueryParameter(max_length=40)] = None,
    ) -> Template | Redirect:
        """The desk; ``?numero=F-2026-000001`` goes straight to that invoice (to record a payment)."""
        if numero is not None and numero.strip():
            found = await billing.statements.find_number(numero.strip().upper())
            if found is None:
                return await self._desk(
                    request,
                    billing,
                    status_code=404,
                    error=f"Aucune facture ni aucun avoir ne porte le numéro {numero.strip()}.",
                    form="lookup",
                )
            return Redirect(f"{BASE}/factures/{found}", status_code=303)
        return await self._desk(request, billing)

    @post("/periodes")
    async def run(
        self, request: Request[Any, Any, Any], billing: NamedDependency[BillingService]
    ) -> Template | Redirect:
        raw = await request.form()
        values = {"period": str(raw.get("period") or "")}
        try:
            key = form_key(raw)
            period = parse_period(values["period"], _today(billing))
            previous = seen_form(request, f"run:{key}", period)
            if previous is not None and previous != period:
                raise Conflict(
                    f"Ce formulaire a déjà servi pour la période {previous} : rechargez la page pour en "
                    "facturer une autre.",
                    code="idempotency_key_reused",
                )
            already = await billing.statements.run_done(period)
            report = await billing.run_billing(actor_of(request), period)
        except DomainError as exc:
            return await self._desk(
                request, billing, status_code=exc.status, error=exc.detail, values=values, form="run"
            )
        if already:
            flash(
                request,
                f"La période {period} avait déjà été facturée ({report.issued} facture(s)) : "
                "rien n'a été facturé deux fois.",
                "info",
            )
        else:
            message = (
                f"Période {period} facturée : {report.issued} facture(s) émise(s) pour "
                f"{report.charges_planned} charge(s)."
            )
            if report.charges_blocked:
                blocked = ", ".join(report.blocked[:10]) + (" …" if len(report.blocked) > 10 else "")
                message += f" {report.charges_blocked} charge(s) bloquée(s) (subvention épuisée) : {blocked}."
            flash(request, message, "warning" if report.charges_blocked else "success")
        return Redirect(BASE, status_code=303)

    @post("/cloture")
    async def close(
        self, request: Request[Any, Any, Any], billing: NamedDependency[BillingService]
    ) -> Template | Redirect:
        raw = await request.form()
        values = {"close_period": str(raw.get("period") or "")}
        try:
            form_key(raw)
            period = parse_period(values["close_period"], _today(billing))
            if raw.get("confirm") != "oui":
                raise InvalidInput(
                    "Cochez la case de confirmation : une période close ne peut plus recevoir d'écriture.",
                    code="confirmation_required",
                )
            seal = await billing.close_period(actor_of(request), period)
        except DomainError as exc:
            return await self._desk(
                request, billing, status_code=exc.status, error=exc.detail, values=values, form="close"
            )
        flash(request, f"Période {period} close et scellée (écriture n° {seal}).")
        return Redirect(BASE, status_code=303)

    @get("/verification")
    async def verify(
        self, request: Request[Any, Any, Any], billing: NamedDependency[BillingService]
    ) -> Template:
        checks = await billing.verify()
        return page(
            request,
            "pages/billing/verify.html",
            checks=checks,
            broken=[c for c in checks if not c.ok],
            base=BASE,
        )

    @post("/paiements/import", request_max_body_size=CSV_MAX_BYTES + 64_000)
    async def import_payments(
        self, request: Request[Any, Any, Any], billing: NamedDependency[BillingService]
    ) -> Template:
        form = await request.form()
        try:
            form_key(form)
            upload = form.get("fichier")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidInput("Choisissez un fichier CSV d'ordres de paiement.", code="bad_csv")
            content = await upload.read(CSV_MAX_BYTES + 1)
            if len(content) > CSV_MAX_BYTES:
                raise InvalidInput("Le fichier dépasse 1 Mo : découpez-le.", code="bad_csv")
            text = _decode(content)
            if not text.strip():
                raise InvalidInput("Le fichier est vide.", code="bad_csv")
            report: list[CsvImportRow] = await billing.import_payments(actor_of(request), text)
        except DomainError as exc:
            return await self._desk(request, billing, status_code=exc.status, error=exc.detail, form="import")
        counts = {s: sum(1 for r in report if r.status == s) for s in ("applied", "replayed", "error")}
        return await self._desk(request, billing, import_report=report, import_counts=counts)
