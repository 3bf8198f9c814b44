"""Applications: a collectivité applies (requested ≤ rate × budget), its eligibility is computed at
once with the reasons, a curator checks it again, reviews it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from catalogue.funding.eligibility import group_facts
from catalogue.funding.events import ApplicationSubmitted
from catalogue.funding.rules import KIND_LABELS, Verdict, evaluate
from catalogue.funding.schemas import STATE_LABELS, ApplicationIn, ApplicationView, CallView, ReviewIn
from catalogue.funding.service.base import audit, curator, euros
from catalogue.funding.service.calls import CallOps
from store.billing import accounts
from store.kit.auth import Actor
from store.kit.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from store.registry.siren import normalise_siren

REVIEWABLE = frozenset({"submitted", "eligible", "ineligible", "in_review"})


def _siren(value: str, field: str) -> str:
    try:
        return normalise_siren(value)
    except ValueError as exc:
        raise InvalidInput(
            f"SIREN invalide : {exc}",
            code="invalid_siren",
            errors=[FieldError(field=field, message=str(exc))],
        ) from exc


def max_request(budget_cents: int, rate_bp: int) -> int:
    """The most a call at ``rate_bp`` may fund of a budget: floor(rate × budget), in cents."""
    return budget_cents * rate_bp // 10_000


class ApplicationOps(CallOps):
    async def verdict(self, call: CallView, sirens: list[str]) -> Verdict:
        """Audience of the lead, then the call's rules, each with its reason."""
        facts = await group_facts(self.registry, sirens)
        lead = facts.applicants[0]
        label = KIND_LABELS.get(lead.kind, lead.kind)
        if not call.audiences or lead.kind in call.audiences:
            audience = Verdict(
                ok=True,
                message=f"Le porteur ({label}) fait partie du public visé.",
            )
        else:
            wanted = ", ".join(KIND_LABELS.get(k, k) for k in call.audiences)
            audience = Verdict(
                ok=False,
                message=f"Le porteur ({label}) n'est pas du public visé : {wanted}.",
            )
        rules = evaluate(call.rules, facts)
        ok = audience.ok and rules.ok
        return Verdict(
            ok=ok,
            message="Candidature éligible." if ok else "Candidature non éligible.",
            children=(audience, rules),
        )

    async def apply(self, actor: Actor, call_id: int, data: ApplicationIn) -> ApplicationView:
        lead = _siren(data.lead_siren, "lead_siren")
        if not actor.acts_for(lead):
            raise Forbidden(
                "Vous n'avez pas de mandat pour cette collectivité : seul un de ses agents ou élus peut "
                "candidater en son nom.",
                code="not_your_collectivite",
            )
        co = [_siren(s, f"co_applicants[{i}]") for i, s in enumerate(data.co_applicants)]
        if lead in co or len(set(co)) != len(co):
            raise InvalidInput(
                "Un co-demandeur est cité deux fois ou est le porteur.", code="duplicate_applicant"
            )
        call = await self.get_call(call_id)
        if not call.open_now:
            raise Conflict(
                f"L'appel est ouvert du {call.opens_on:%d/%m/%Y} au {call.closes_on:%d/%m/%Y}.",
                code="call_closed",
            )
        ceiling = max_request(data.budget_cents, call.max_rate_bp)
        if data.requested_cents > ceiling:
            raise InvalidInput(
                f"Le montant demandé dépasse {call.max_rate_bp / 100:g} % du budget du projet "
                f"({euros(ceiling)} au plus).",
                code="rate_exceeded",
                errors=[FieldError(field="requested_cents", message=f"au plus {ceiling}")],
            )
        try:
            verdict = await self.verdict(call, [lead, *co])
        except NotFound as exc:
            raise InvalidInput(exc.detail, code="unknown_applicant") from exc
        lead_facts = await self.registry.get(lead)
        now = self.clock()
        async with self.uow() as work:
            application_id = await self.repo.insert_application(
                {
                    "call_id": call_id,
                    "lead_siren": lead,
                    "lead_departement": lead_facts.departement_code,
                    "co_applicants": msgspec.json.encode(co).decode(),
                    "title": data.title,
                    "summary": data.summary,
                    "contact_name": data.contact_name,
                    "contact_email": data.contact_email,
                    "contact_phone": data.contact_phone,
                    "budget_cents": data.budget_cents,
                    "requested_cents": data.requested_cents,
                    "listing_id": data.listing_id,
                    "state": "submitted",
                    "eligibility": msgspec.json.encode(verdict).decode(),
                    "eligibility_checked_at": now,
                    "submitted_by": actor.account_id,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            work.emit(
                ApplicationSubmitted(
                    application_id=application_id,
                    call_id=call_id,
                    lead_siren=lead,
                    requested_cents=data.requested_cents,
                )
            )
            work.audit(
                audit(
                    actor, "funding.application.submit", "application", application_id, to_state="submitted"
                )
            )
        return await self.get_application(actor, application_id)

    def _view(
        self, row: dict[str, Any], calls: dict[int, str], names: dict[str, str], consumed: dict[str, int]
    ) -> ApplicationView:
        return ApplicationView(
            id=row["id"],
            call_id=row["call_id"],
            call_title=calls.get(row["call_id"], ""),
            lead_siren=row["lead_siren"],
            lead_name=names.get(row["lead_siren"], row["lead_siren"]),
            co_applicants=tuple(msgspec.json.decode(row["co_applicants"])),
            title=row["title"],
            summary=row["summary"],
            contact_name=row["contact_name"],
            contact_email=row["contact_email"],
            contact_phone=row["contact_phone"],
            budget_cents=row["budget_cents"],
            requested_cents=row["requested_cents"],
            listing_id=row["listing_id"],
            state=row["state"],
            state_label=STATE_LABELS[row["state"]],
            eligibility=msgspec.json.decode(row["eligibility"], type=Verdict) if row["eligibility"] else None,
            eligibility_checked_at=row["eligibility_checked_at"],
            review_note=row["review_note"],
            decline_reason=row["decline_reason"],
            awarded_cents=row["awarded_cents"],
            consumed_cents=consumed.get(row["grant_id"] or "", 0),
            grant_id=row["grant_id"],
            grant_from=row["grant_from"],
            grant_until=row["grant_until"],
            created_at=row["created_at"],
        )

    async def _views(self, rows: list[dict[str, Any]]) -> list[ApplicationView]:
        calls = {c["id"]: c["title"] for c in await self.repo.calls(published_only=False)}
        names = await self.registry.repo.names({r["lead_siren"] for r in rows})
        grants = [r["grant_id"] for r in rows if r["grant_id"]]
        balances = await self.ledger.balances([accounts.commitment(g) for g in grants]) if grants else {}
        consumed = {ref.owner_ref.removeprefix("grant:"): b.debits_posted for ref, b in balances.items() if b}
        return [self._view(r, calls, names, consumed) for r in rows]

    async def _readable(self, actor: Actor, application_id: int) -> dict[str, Any]:
        row = await self.repo.application(application_id)
        if row is None or not (actor.is_curator or actor.acts_for(row["lead_siren"])):
            raise NotFound("Candidature introuvable.", code="application_not_found")
        return row

    async def get_application(self, actor: Actor, application_id: int) -> ApplicationView:
        return (await self._views([await self._readable(actor, application_id)]))[0]

    async def my_applications(self, actor: Actor) -> list[ApplicationView]:
        """The applications led by the caller's collectivités (nobody else's)."""
        return await self._views(await self.repo.applications(sirens=sorted(actor.collectivite_sirens())))

    async def call_applications(
        self, actor: Actor | None, call_id: int, state: str | None = None
    ) -> list[ApplicationView]:
        curator(actor)
        await self.get_call(call_id)
        return await self._views(await self.repo.applications(call_id=call_id, state=state))

    async def check_eligibility(self, actor: Actor | None, application_id: int) -> ApplicationView:
        """Ask the registry again and record the verdict: eligible or ineligible, with the reasons."""
        curator(actor)
        row = await self.repo.application(application_id)
        if row is None:
            raise NotFound("Candidature introuvable.", code="application_not_found")
        if row["state"] not in REVIEWABLE:
            raise Conflict(
                f"Candidature déjà {STATE_LABELS[row['state']].lower()}.", code="application_closed"
            )
        call = await self.get_call(row["call_id"])
        verdict = await self.verdict(call, [row["lead_siren"], *msgspec.json.decode(row["co_applicants"])])
        state = "eligible" if verdict.ok else "ineligible"
        async with self.uow() as work:
            locked = await self.repo.lock_application(application_id)
            if locked is None or locked["state"] not in REVIEWABLE:
                raise Conflict("La candidature vient d'être tranchée.", code="application_closed")
            if locked["state"] == "in_review" and verdict.ok:
                state = "in_review"
            await self.repo.update_application(
                application_id,
                state=state,
                eligibility=msgspec.json.encode(verdict).decode(),
                eligibility_checked_at=self.clock(),
                updated_at=self.clock(),
            )
            work.audit(
                audit(
                    actor,
                    "funding.application.check",
                    "application",
                    application_id,
                    from_state=locked["state"],
                    to_state=state,
                )
            )
        return (await self._views([await self._require(application_id)]))[0]

    async def review(self, actor: Actor | None, application_id: int, data: ReviewIn) -> ApplicationView:
        """The curator's instruction note; an eligible application moves to « en instruction »."""
        curator(actor)
        async with self.uow() as work:
            row = await self.repo.lock_application(application_id)
            if row is None:
                raise NotFound("Candidature introuvable.", code="application_not_found")
            if row["state"] not in {"eligible", "in_review"}:
                raise Conflict(
                    "Seule une candidature reconnue éligible peut être instruite : "
                    "vérifiez d'abord son éligibilité.",
                    code="not_eligible",
                )
            await self.repo.update_application(
                application_id, state="in_review", review_note=data.note, updated_at=self.clock()
            )
            work.audit(
                audit(
                    actor,
                    "funding.application.review",
                    "application",
                    application_id,
                    from_state=row["state"],
                    to_state="in_review",
                )
            )
        return (await self._views([await self._require(application_id)]))[0]

    async def _require(self, application_id: int) -> dict[str, Any]:
        row = await self.repo.application(application_id)
        if row is None:
            raise NotFound("Candidature introuvable.", code="application_not_found")
        return row

    def grant_window(self, day: dt.date, months: int) -> tuple[str, str]:
        end = day.year * 12 + day.month - 1 + months - 1
        return f"{day.year:04d}-{day.month:02d}", f"{end // 12:04d}-{end % 12 + 1:02d}"
