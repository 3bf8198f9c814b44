"""Monthly charges from subscriptions: what the billing run invoices.

Billing is *à terme échu*: a month is charged once it is over (public accounts pay for a service
rendered, the « service fait » rule), so the history it is computed from never changes afterwards.
One charge per priced segment and month (``source_ref`` = ``subscription:{id}:{AAAA-MM}:{segment}``):
billing records each once, and replays are no-ops. Suspended days are not charged (no segment runs).
A groupement's charge is shared by its member communes: equal weights, population, or the agreed
basis points; the billing split turns weights into cents by largest remainder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from store.billing.schemas import ChargeIn
from store.billing.split import CoPayer
from store.kit.errors import InvalidInput
from store.subscriptions.ports import GrantFinder, NoGrants
from store.subscriptions.proration import month_bounds, prorated_cents
from store.subscriptions.reads import paris_today
from store.subscriptions.repository import SubscriptionRepository


def _fr(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def co_payers(cost_sharing: str | None, coverage: list[dict[str, Any]]) -> tuple[CoPayer, ...]:
    if not cost_sharing:
        return ()
    weight = {
        "equal": lambda c: 1,
        "population": lambda c: c["population"] or 0,
        "custom": lambda c: c["share_bp"] or 0,
    }[cost_sharing]
    return tuple(CoPayer(c["collectivite"], weight(c)) for c in coverage if weight(c) > 0)


class ChargeProducer:
    def __init__(
        self,
        repo: SubscriptionRepository | None = None,
        grants: GrantFinder | None = None,
        today: Callable[[], dt.date] | None = None,
    ) -> None:
        self.repo = repo or SubscriptionRepository()
        self.grants: GrantFinder = grants or NoGrants()
        self.today = today or paris_today

    def is_over(self, period: str) -> bool:
        return month_bounds(period)[1] <= self.today()

    async def charges_for(self, period: str) -> list[ChargeIn]:
        """Every charge of ``period``; 422 while the month is not over."""
        try:
            start, end = month_bounds(period)
        except ValueError:
            raise InvalidInput("Période invalide (AAAA-MM attendu).", code="bad_period") from None
        if not self.is_over(period):
            raise InvalidInput(
                f"Le mois {period} n'est pas terminé : il sera facturé à terme échu.", code="period_not_over"
            )
        segments = await self.repo.billable_segments(start, end)
        coverage = await self.repo.coverage(sorted({s["subscription"] for s in segments}, key=str))
        grants: dict[tuple[str, str], str | None] = {}

        async def grant_of(siren: str, listing_id: str) -> str | None:
            """Asked once per payer and listing, not once per segment."""
            if (siren, listing_id) not in grants:
                grants[siren, listing_id] = await self.grants.active_grant_for(siren, listing_id, period)
            return grants[siren, listing_id]

        charges: list[ChargeIn] = []
        for seg in segments:
            amount, days = prorated_cents(seg["yearly_ht_cents"], period, seg["starts_on"], seg["ends_on"])
            if amount == 0:
                continue
            first = max(start, seg["starts_on"])
            last = (min(end, seg["ends_on"]) if seg["ends_on"] else end) - dt.timedelta(days=1)
            subscription_id = str(seg["subscription"])
            charges.append(
                ChargeIn(
                    source_ref=f"subscription:{subscription_id}:{period}:{seg['id']}",
                    payer_siren=seg["payer_siren"],
                    amount_ht=amount,
                    vat_rate_bp=seg["vat_rate_bp"],
                    description=(
                        f"{seg['listing_name']} — offre « {seg['plan_name']} », "
                        f"du {_fr(first)} au {_fr(last)} ({days} j)"
                    )[:500],
                    period=period,
                    grant_id=await grant_of(seg["payer_siren"], str(seg["listing_id"])),
                    co_payers=co_payers(
                        seg["cost_sharing"] if seg["on_behalf"] else None, coverage[subscription_id]
                    ),
                    publisher_siren=seg["publisher_siren"],
                )
            )
        return charges

    async def source(self, period: str) -> list[ChargeIn]:
        """The billing run's hook: nothing for a month that is not over (the run bills other charges)."""
        return await self.charges_for(period) if self.is_over(period) else []
