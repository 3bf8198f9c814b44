"""Preparing a subscription request: plan, price, covered collectivités, shares, refusals.

Everything here reads; nothing writes. Malformed requests raise 422 with the field at fault;
eligibility problems come back as ``refusals`` (the service records the request as rejected).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import msgspec

from catalogue.listings.eligibility import Candidate
from catalogue.listings.pricing import yearly_ht_cents
from catalogue.listings.schemas import FreePlan, ListingView, Plan
from store.kit.auth import Actor
from store.kit.errors import FieldError, InvalidInput
from store.registry.repository import RegistryRepository
from store.subscriptions.reference import GROUPEMENT_KINDS, State
from store.subscriptions.repository import SubscriptionRepository
from store.subscriptions.rules import (
    Refusal,
    check_custom_shares,
    check_procurement,
    eligibility_refusal,
    estimated_value_cents,
)
from store.subscriptions.schemas import SubscriptionRequest
from store.subscriptions.tables import Subscription, SubscriptionCoverage


def plan_at(listing: ListingView, index: int) -> Plan:
    if index >= len(listing.plans):
        raise InvalidInput(
            "Cette offre n'existe pas pour ce service.",
            code="plan_unknown",
            errors=[FieldError("plan_index", f"{len(listing.plans)} offre(s) proposée(s)")],
        )
    return listing.plans[index]


def price(plan: Plan, population: int | None) -> tuple[int, int]:
    """(yearly HT cents, VAT rate in basis points) of ``plan`` for ``population``."""
    yearly = yearly_ht_cents(plan, population)
    if yearly is None:
        raise InvalidInput(
            "Le prix de cette offre dépend de la population, inconnue pour cette collectivité.",
            code="population_unknown",
        )
    return yearly, 0 if isinstance(plan, FreePlan) else plan.vat_rate_bp


@dataclass
class Draft:
    data: SubscriptionRequest
    plan: Plan
    yearly_ht_cents: int
    vat_rate_bp: int
    population: int | None
    estimated_cents: int
    covered: list[str]
    populations: dict[str, int | None]
    shares: dict[str, int] = field(default_factory=dict)
    refusals: list[Refusal] = field(default_factory=list)

    def row(
        self, subscription_id: uuid.UUID, listing: ListingView, actor: Actor, now: dt.datetime
    ) -> Subscription:
        return Subscription(
            id=subscription_id,
            listing=uuid.UUID(listing.id),
            publisher_siren=listing.publisher.siren,
            collectivite=self.data.collectivite_siren,
            on_behalf=bool(self.data.members),
            cost_sharing=self.data.cost_sharing if self.data.members else None,
            state=State.requested,
            plan_position=self.data.plan_index,
            plan=msgspec.json.encode(self.plan).decode(),
            plan_name=self.plan.name,
            yearly_ht_cents=self.yearly_ht_cents,
            vat_rate_bp=self.vat_rate_bp,
            covered_population=self.population,
            procurement_route=self.data.procurement_route,
            procurement_reference=self.data.procurement_reference.strip(),
            duration_months=self.data.duration_months,
            estimated_value_cents=self.estimated_cents,
            requested_by=actor.account_id,
            created_at=now,
            updated_at=now,
        )

    def coverage_rows(
        self, subscription_id: uuid.UUID, listing: ListingView, *, live: bool
    ) -> list[SubscriptionCoverage]:
        return [
            SubscriptionCoverage(
                subscription=subscription_id,
                listing=uuid.UUID(listing.id),
                collectivite=siren,
                population=self.populations.get(siren),
                share_bp=self.shares.get(siren),
                live=live,
            )
            for siren in self.covered
        ]

    def summary(self) -> dict[str, Any]:
        return {
            "listing": self.data.listing,
            "plan": self.plan.name,
            "yearly_ht_cents": self.yearly_ht_cents,
            "procurement_route": self.data.procurement_route,
            "estimated_value_cents": self.estimated_cents,
            "members": self.covered if self.data.members else [],
            "cost_sharing": self.data.cost_sharing,
        }


async def prepare(
    registry: RegistryRepository,
    repo: SubscriptionRepository,
    listing: ListingView,
    data: SubscriptionRequest,
    *,
    on: dt.date,
) -> Draft:
    plan = plan_at(listing, data.plan_index)
    holder = await registry.get_collectivite(data.collectivite_siren)
    if holder is None or not holder["active"]:
        raise InvalidInput(
            "Cette collectivité n'est pas dans le référentiel.",
            code="collectivite_unknown",
            errors=[FieldError("collectivite_siren", "SIREN inconnu")],
        )
    covered = await _covered(registry, holder, data)
    rows = await registry.collectivites(covered)
    populations = {siren: rows[siren]["population"] for siren in covered}
    if data.members:
        known = [populations[s] for s in covered]
        population = None if any(p is None for p in known) else sum(p for p in known if p is not None)
    else:
        population = holder["population"]
    yearly, vat = price(plan, population)
    shares: dict[str, int] = {}
    if data.cost_sharing == "population" and any(not populations[s] for s in covered):
        raise InvalidInput(
            "Partage au prorata de la population impossible : population inconnue pour une commune.",
            code="shares_invalid",
        )
    if data.cost_sharing == "custom":
        shares = check_custom_shares({m.siren: m.share_bp for m in data.members})
    estimated = estimated_value_cents(yearly, data.duration_months)
    check_procurement(
        data.procurement_route,
        offered=listing.procurement_routes,
        yearly_ht_cents=yearly,
        estimated_cents=estimated,
        on=on,
    )
    draft = Draft(
        data=data, plan=plan, yearly_ht_cents=yearly, vat_rate_bp=vat, population=population,
        estimated_cents=estimated, covered=covered, populations=populations, shares=shares,
    )  # fmt: skip
    draft.refusals = await _refusals(registry, repo, listing, covered, rows)
    return draft


async def _covered(
    registry: RegistryRepository, holder: dict[str, Any], data: SubscriptionRequest
) -> list[str]:
    if not data.members:
        return [holder["siren"]]
    if holder["kind"] not in GROUPEMENT_KINDS:
        raise InvalidInput(
            "Seul un groupement (EPCI, EPT) peut s'abonner pour le compte de ses communes membres.",
            code="not_a_groupement",
            errors=[FieldError("members", "la collectivité n'a pas de communes membres")],
        )
    if data.cost_sharing is None:
        raise InvalidInput(
            "Précisez la règle de partage des coûts entre les communes membres.",
            code="cost_sharing_required",
            errors=[FieldError("cost_sharing", "obligatoire avec des communes membres")],
        )
    sirens = [m.siren for m in data.members]
    if len(set(sirens)) != len(sirens):
        raise InvalidInput("Une commune membre apparaît deux fois.", code="members_invalid",
                           errors=[FieldError("members", "doublon")])  # fmt: skip
    members = set(await registry.member_sirens(holder["siren"]))
    strangers = [s for s in sirens if s not in members]
    if strangers:
        raise InvalidInput(
            "Ces collectivités ne sont pas membres du groupement : " + ", ".join(strangers) + ".",
            code="not_a_member",
            errors=[FieldError("members", "non membre : " + ", ".join(strangers))],
        )
    return sorted(sirens)


async def _refusals(
    registry: RegistryRepository,
    repo: SubscriptionRepository,
    listing: ListingView,
    covered: list[str],
    rows: dict[str, dict[str, Any]],
) -> list[Refusal]:
    epcis = await registry.collectivites(r["epci_siren"] for r in rows.values() if r.get("epci_siren"))
    refusals: list[Refusal] = []
    for siren in covered:
        row = rows[siren]
        epci = epcis.get(row.get("epci_siren") or "")
        refusal = eligibility_refusal(
            Candidate(row["kind"], row["population"], epci["population"] if epci else None),
            row["name"],
            target_kinds=listing.target_kinds,
            commune_max_population=listing.commune_max_population,
            epci_max_population=listing.epci_max_population,
        )
        if refusal:
            refusals.append(refusal)
    active = await repo.covered_by_active(covered, listing.required_services)
    for siren in covered:
        for slug in listing.required_services:
            if (siren, slug) not in active:
                refusals.append(
                    Refusal(
                        "required_service_missing",
                        f"{rows[siren]['name']} : ce service requiert un abonnement actif à « {slug} ».",
                    )
                )
    return refusals
