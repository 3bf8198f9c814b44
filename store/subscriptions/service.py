"""Subscription rules: request (eligibility, procurement), signature, plan change, suspension,
resumption, termination, rejection — each one unit of work with its audit record and its event.

Who does what: any agent of the collectivité (scope ``store:subscriptions:write``) requests; only an
account whose mandate can sign for it (``can_sign``) signs, changes plan, suspends, resumes and
terminates; curators may reject, suspend, resume and terminate, always with a reason. Another
collectivité gets 404, never 403, so subscriptions do not leak. Every write takes an idempotency key:
the same key and body answer the same subscription; the same key with another body is a 409.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from typing import Any

import msgspec

from catalogue.listings.repository import ListingRepository
from catalogue.listings.schemas import ListingView
from store.kit.auth import Actor, require_actor
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from store.kit.uow import UnitOfWork, UnitOfWorkFactory
from store.registry.repository import RegistryRepository
from store.subscriptions import requests
from store.subscriptions.events import EVENT_FOR_STATE, SubscriptionPlanChanged, SubscriptionRejected
from store.subscriptions.provisioning import Provisioner
from store.subscriptions.reads import SubscriptionReads, paris_today, to_label, utcnow
from store.subscriptions.reference import State
from store.subscriptions.repository import SubscriptionRepository
from store.subscriptions.rules import check_procurement, estimated_value_cents
from store.subscriptions.schemas import (
    ChangePlanIn,
    SubscriptionRequest,
    SubscriptionView,
)
from store.subscriptions.views import acts_for, audit, is_curator, signs_for


def _fingerprint(action: str, subscription_id: str, payload: object) -> str:
    data = msgspec.json.encode([action, subscription_id, msgspec.to_builtins(payload)])
    return hashlib.sha256(data).hexdigest()


class SubscriptionService(SubscriptionReads):
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        provisioner: Provisioner,
        *,
        repo: SubscriptionRepository | None = None,
        listings: ListingRepository | None = None,
        registry: RegistryRepository | None = None,
        today: Callable[[], dt.date] = paris_today,
    ) -> None:
        self.uow = uow
        self.provisioner = provisioner
        self.repo = repo or SubscriptionRepository()
        self.listings = listings or ListingRepository()
        self.registry = registry or RegistryRepository()
        self.today = today

    # Request --------------------------------------------------------------------------------------

    async def request(self, actor: Actor, data: SubscriptionRequest, *, key: str) -> SubscriptionView:
        require_actor(actor)
        if not acts_for(actor, data.collectivite_siren):
            raise Forbidden(
                "Vous n'agissez pas pour cette collectivité : seuls ses agents peuvent l'abonner.",
                code="not_collectivite_agent",
            )
        fingerprint = _fingerprint("request", "", data)
        if (replayed := await self._replay(actor, key, "request", fingerprint)) is not None:
            return replayed
        listing = await self._listing(data.listing)
        draft = await requests.prepare(self.registry, self.repo, listing, data, on=self.today())
        existing = await self.repo.live_for(listing.id, [data.collectivite_siren, *draft.covered])
        if existing:
            raise Conflict(
                "Un abonnement à ce service est déjà en cours pour cette collectivité "
                f"({to_label(existing[0]['state']).lower()}).",
                code="already_subscribed",
            )
        subscription_id = uuid.uuid4()
        now = utcnow()
        rejected = draft.refusals[0] if draft.refusals else None
        try:
            async with self.uow() as work:
                await self.repo.insert(
                    draft.row(subscription_id, listing, actor, now),
                    draft.coverage_rows(subscription_id, listing, live=rejected is None),
                )
                work.audit(
                    audit(actor, "request", subscription_id, None, State.requested, data=draft.summary())
                )
                target = State.rejected if rejected else State.pending_signature
                extra = (
                    {"rejection_code": rejected.code, "rejection_reason": rejected.reason} if rejected else {}
                )
                await self.repo.move(
                    subscription_id, sources=[State.requested], target=target, now=now, **extra
                )
                reason = "; ".join(r.reason for r in draft.refusals) if rejected else None
                work.audit(
                    audit(None, "eligibility", subscription_id, State.requested, target, reason=reason)
                )
                if rejected:
                    work.emit(
                        SubscriptionRejected(
                            **self._event_base(subscription_id, listing.id, data.collectivite_siren, listing),
                            from_state=State.requested,
                            to_state=State.rejected,
                            actor_id=actor.account_id,
                            code=rejected.code,
                            reason=reason or "",
                        )
                    )
                else:
                    self._emit(
                        work, target, subscription_id, listing.id, data.collectivite_siren, listing, actor
                    )
                await self._record(actor, key, "request", fingerprint, str(subscription_id), now)
        except Conflict as exc:
            if exc.code != "integrity_conflict":
                raise
            if (replayed := await self._replay(actor, key, "request", fingerprint)) is not None:
                return replayed
            raise Conflict(
                "Un abonnement à ce service vient d'être demandé pour cette collectivité.",
                code="already_subscribed",
            ) from exc
        return await self.get(actor, str(subscription_id))

    async def _listing(self, slug: str) -> ListingView:
        listing = await self.listings.get(slug)
        if listing is None or listing.state != "published":
            raise NotFound("Aucun service publié à cette adresse.", code="listing_not_found")
        return listing

    # Transitions ----------------------------------------------------------------------------------

    async def sign(self, actor: Actor, subscription_id: str, *, key: str) -> SubscriptionView:
        async def apply(
            work: UnitOfWork, row: dict[str, Any], now: dt.datetime, today: dt.date
        ) -> dict[str, Any]:
            await self._still_open(row)
            await self.repo.open_segment(
                row["id"], on=today, plan_name=row["plan_name"],
                yearly_ht_cents=row["yearly_ht_cents"], vat_rate_bp=row["vat_rate_bp"],
            )  # fmt: skip
            return {
                "signed_by": actor.account_id,
                "signed_at": now,
                "activated_on": today,
                "deployment_note": None,
            }

        view, fresh = await self._transition(
            actor, subscription_id, "sign", key=key, sources={State.pending_signature}, target=State.active,
            who="signer", apply=apply,
        )  # fmt: skip
        return await self._after(actor, view, provision=True) if fresh else view

    async def reject(self, actor: Actor, subscription_id: str, reason: str, *, key: str) -> SubscriptionView:
        async def apply(
            work: UnitOfWork, row: dict[str, Any], now: dt.datetime, today: dt.date
        ) -> dict[str, Any]:
            await self.repo.end_coverage(row["id"])
            holder = row["collectivite"]
            code = (
                "declined" if signs_for(actor, holder)
                else "withdrawn" if acts_for(actor, holder)
                else "rejected_by_curator"
            )  # fmt: skip
            return {"rejection_code": code, "rejection_reason": reason.strip()}

        view, _ = await self._transition(
            actor, subscription_id, "reject", key=key, sources={State.requested, State.pending_signature},
            target=State.rejected, who="agent_or_curator", reason=reason, reason_required=True, apply=apply,
        )  # fmt: skip
        return view

    async def suspend(self, actor: Actor, subscription_id: str, reason: str, *, key: str) -> SubscriptionView:
        async def apply(
            work: UnitOfWork, row: dict[str, Any], now: dt.datetime, today: dt.date
        ) -> dict[str, Any]:
            await self.repo.close_segment(row["id"], today)
            by = "collectivite" if signs_for(actor, row["collectivite"]) else "curator"
            return {"suspended_by": by}

        view, fresh = await self._transition(
            actor, subscription_id, "suspend", key=key, sources={State.active}, target=State.suspended,
            who="signer_or_curator", reason=reason, apply=apply,
        )  # fmt: skip
        return await self._after(actor, view, provision=False) if fresh else view

    async def resume(self, actor: Actor, subscription_id: str, *, key: str) -> SubscriptionView:
        async def apply(
            work: UnitOfWork, row: dict[str, Any], now: dt.datetime, today: dt.date
        ) -> dict[str, Any]:
            if row["suspended_by"] == "curator" and not is_curator(actor):
                raise Forbidden(
                    "Cet abonnement a été suspendu par l'ANCT : seul un curateur peut le rétablir.",
                    code="suspended_by_curator",
                )
            await self.repo.open_segment(
                row["id"], on=today, plan_name=row["plan_name"],
                yearly_ht_cents=row["yearly_ht_cents"], vat_rate_bp=row["vat_rate_bp"],
            )  # fmt: skip
            return {"suspended_by": None, "deployment_note": None}

        view, fresh = await self._transition(
            actor, subscription_id, "resume", key=key, sources={State.suspended}, target=State.active,
            who="signer_or_curator", apply=apply, curator_reason=False,
        )  # fmt: skip
        return await self._after(actor, view, provision=True) if fresh else view

    async def terminate(
        self, actor: Actor, subscription_id: str, reason: str, *, key: str
    ) -> SubscriptionView:
        previous: dict[str, str] = {}

        async def apply(
            work: UnitOfWork, row: dict[str, Any], now: dt.datetime, today: dt.date
        ) -> dict[str, Any]:
            previous["state"] = row["state"]
            await self.repo.close_segment(row["id"], today)
            await self.repo.end_coverage(row["id"])
            return {"terminated_on": today}

        view, fresh = await self._transition(
            actor, subscription_id, "terminate", key=key, sources={State.active, State.suspended},
            target=State.terminated, who="signer_or_curator", reason=reason, apply=apply,
        )  # fmt: skip
        if fresh and previous.get("state") == State.active:
            return await self._after(actor, view, provision=False)
        return view

    async def change_plan(
        self, actor: Actor, subscription_id: str, data: ChangePlanIn, *, key: str
    ) -> SubscriptionView:
        row = await self._visible(actor, subscription_id)
        if not signs_for(actor, row["collectivite"]):
            raise self._forbidden("signer")
        fingerprint = _fingerprint("change_plan", subscription_id, data)
        if (replayed := await self._replay(actor, key, "change_plan", fingerprint)) is not None:
            return replayed
        if row["state"] != State.active:
            raise self._illegal("change_plan", row["state"])
        listing = await self._listing(row["listing_slug"])
        plan = requests.plan_at(listing, data.plan_index)
        yearly, vat = requests.price(plan, row["covered_population"])
        if data.plan_index == row["plan_position"] and msgspec.json.encode(plan).decode() == row["plan"]:
            raise Conflict("C'est déjà l'offre de cet abonnement.", code="same_plan")
        today, now = self.today(), utcnow()
        estimated = estimated_value_cents(yearly, row["duration_months"])
        check_procurement(
            row["procurement_route"], offered=[], yearly_ht_cents=yearly, estimated_cents=estimated, on=today
        )
        async with self.uow() as work:
            moved = await self.repo.move(
                row["id"], sources=[State.active], target=State.active, now=now,
                plan_position=data.plan_index, plan=msgspec.json.encode(plan).decode(), plan_name=plan.name,
                yearly_ht_cents=yearly, vat_rate_bp=vat, estimated_value_cents=estimated,
            )  # fmt: skip
            if not moved:
                raise self._concurrent()
            await self.repo.close_segment(row["id"], today)
            await self.repo.open_segment(
                row["id"], on=today, plan_name=plan.name, yearly_ht_cents=yearly, vat_rate_bp=vat
            )
            change = {"from_plan": row["plan_name"], "to_plan": plan.name, "yearly_ht_cents": yearly}
            work.audit(audit(actor, "change_plan", row["id"], State.active, State.active, data=change))
            work.emit(
                SubscriptionPlanChanged(
                    **self._event_base(row["id"], str(row["listing"]), row["collectivite"], listing),
                    from_state=State.active, to_state=State.active, actor_id=actor.account_id, **change,
                )
            )  # fmt: skip
            await self._record(actor, key, "change_plan", fingerprint, subscription_id, now)
        return await self.get(actor, subscription_id)

    # Helpers --------------------------------------------------------------------------------------

    async def _transition(
        self,
        actor: Actor,
        subscription_id: str,
        action: str,
        *,
        key: str,
        sources: set[State],
        target: State,
        who: str,
        apply: Callable[..., Any],
        reason: str = "",
        reason_required: bool = False,
        curator_reason: bool = True,
    ) -> tuple[SubscriptionView, bool]:
        """Apply one move; returns the view and False when an idempotency key replayed it."""
        row = await self._visible(actor, subscription_id)
        signer, curator = signs_for(actor, row["collectivite"]), is_curator(actor)
        agent = who == "agent_or_curator" and acts_for(actor, row["collectivite"])
        if not (signer or agent or (who != "signer" and curator)):
            raise self._forbidden(who)
        role = "collectivite" if signer or agent else "curator"
        reason = reason.strip()
        if (reason_required or (curator_reason and role == "curator")) and not reason:
            raise InvalidInput(
                "Un motif est obligatoire pour cette décision : il sera communiqué à la collectivité.",
                code="reason_required",
            )
        fingerprint = _fingerprint(action, subscription_id, {"reason": reason})
        if (replayed := await self._replay(actor, key, action, fingerprint)) is not None:
            return replayed, False
        if row["state"] not in sources:
            raise self._illegal(action, row["state"])
        now, today = utcnow(), self.today()
        async with self.uow() as work:
            columns = await apply(work, row, now, today)
            if not await self.repo.move(row["id"], sources=sources, target=target, now=now, **columns):
                raise self._concurrent()
            work.audit(
                audit(
                    actor, action, row["id"], row["state"], target, reason=reason or None, data={"role": role}
                )
            )
            listing = await self.listings.get(row["listing_slug"])
            base = self._event_base(row["id"], str(row["listing"]), row["collectivite"], listing)
            if target == State.rejected:
                work.emit(
                    SubscriptionRejected(
                        **base, from_state=row["state"], to_state=target, actor_id=actor.account_id,
                        code=columns["rejection_code"], reason=reason,
                    )
                )  # fmt: skip
            else:
                work.emit(
                    EVENT_FOR_STATE[target](
                        **base, from_state=row["state"], to_state=target, actor_id=actor.account_id
                    )
                )
            await self._record(actor, key, action, fingerprint, subscription_id, now)
        return await self.get(actor, subscription_id), True

    async def _still_open(self, row: dict[str, Any]) -> None:
        """At signature: the listing is still offered and the services it requires are still active."""
        listing = await self.listings.get(row["listing_slug"])
        if listing is None or listing.state != "published":
            raise Conflict(
                "Ce service n'est plus proposé au catalogue : la demande ne peut plus être signée.",
                code="listing_not_open",
            )
        covered = [c["collectivite"] for c in (await self.repo.coverage([row["id"]]))[str(row["id"])]]
        active = await self.repo.covered_by_active(covered, listing.required_services)
        missing = sorted(
            {slug for siren in covered for slug in listing.required_services if (siren, slug) not in active}
        )
        if missing:
            raise Conflict(
                "Un service requis n'est plus actif (" + ", ".join(missing) + ") : réabonnez-vous-y d'abord.",
                code="required_service_missing",
            )

    async def _after(self, actor: Actor, view: SubscriptionView, *, provision: bool) -> SubscriptionView:
        """Deploy or deprovision once the change has committed; remember any problem on the subscription."""
        sirens = [c.siren for c in view.covered]
        if provision:
            note = await self.provisioner.provision(view.plugin_id, sirens)
        else:
            note = await self.provisioner.deprovision(view.plugin_id, sirens)
        if note != view.deployment_note:
            async with self.uow() as work:
                await self.repo.update(uuid.UUID(view.id), utcnow(), deployment_note=note)
                if note:
                    work.audit(audit(None, "deployment", view.id, view.state, view.state, reason=note))
        return await self.get(actor, view.id)

    async def _replay(self, actor: Actor, key: str, action: str, fingerprint: str) -> SubscriptionView | None:
        assert actor.account_id is not None
        stored = await self.repo.command(actor.account_id, key)
        if stored is None:
            return None
        if stored["action"] != action or stored["request_hash"] != fingerprint:
            raise Conflict(
                "Cette clé d'idempotence a déjà servi pour une autre demande.", code="idempotency_key_reused"
            )
        return await self.get(actor, stored["subscription_id"])

    async def _record(
        self, actor: Actor, key: str, action: str, fingerprint: str, subscription_id: str, now: dt.datetime
    ) -> None:
        assert actor.account_id is not None
        await self.repo.record_command(
            account_id=actor.account_id, key=key, action=action, request_hash=fingerprint,
            subscription_id=subscription_id, now=now,
        )  # fmt: skip

    def _emit(
        self, work: UnitOfWork, target: State, subscription_id: Any, listing_id: str, siren: str,
        listing: ListingView | None, actor: Actor,
    ) -> None:  # fmt: skip
        base = self._event_base(subscription_id, listing_id, siren, listing)
        work.emit(
            EVENT_FOR_STATE[target](
                **base, from_state=State.requested, to_state=target, actor_id=actor.account_id
            )
        )

    @staticmethod
    def _event_base(
        subscription_id: Any, listing_id: str, siren: str, listing: ListingView | None
    ) -> dict[str, Any]:
        return {
            "subscription_id": str(subscription_id),
            "listing_id": listing_id,
            "collectivite_siren": siren,
            "publisher_siren": listing.publisher.siren if listing else "",
        }

    @staticmethod
    def _forbidden(who: str) -> Forbidden:
        if who == "signer":
            return Forbidden(
                "Seul un signataire habilité de la collectivité (maire, président ou délégation de "
                "signature) peut faire cela.",
                code="signature_required",
            )
        if who == "agent_or_curator":
            return Forbidden(
                "Seuls les agents de la collectivité ou un curateur de l'ANCT peuvent refuser cette demande.",
                code="transition_forbidden",
            )
        return Forbidden(
            "Seuls un signataire habilité de la collectivité ou un curateur de l'ANCT peuvent faire cela.",
            code="transition_forbidden",
        )

    @staticmethod
    def _illegal(action: str, state: str) -> Conflict:
        return Conflict(
            f"Action impossible sur un abonnement à l'état « {to_label(state)} ».", code="illegal_transition"
        )

    @staticmethod
    def _concurrent() -> Conflict:
        return Conflict("L'abonnement a changé entre-temps : rechargez-le.", code="concurrent_change")
