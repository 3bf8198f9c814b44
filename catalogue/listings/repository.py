"""Every query on listings, their thématiques and plans."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from catalogue.listings.pricing import starting_price_cents
from catalogue.listings.schemas import (
    FlatPlan,
    FreePlan,
    ListingCreate,
    ListingFilters,
    ListingSummary,
    ListingView,
    PerInhabitantPlan,
    Plan,
    PriceTier,
    PublisherBrief,
    ThematiqueView,
    TieredPlan,
)
from catalogue.listings.tables import Listing, ListingPlan, ListingThematique, Thematique

_SUMMARY_COLUMNS = (
    Listing.id,
    Listing.slug,
    Listing.name,
    Listing.action,
    Listing.pitch,
    Listing.state,
    Listing.target_kinds,
    Listing.maturity,
    Listing.deployment_mode,
    Listing.review_note,
    Listing.updated_at,
    Listing.published_at,
    Listing.publisher.siren.as_alias("publisher_siren"),
    Listing.publisher.name.as_alias("publisher_name"),
    Listing.publisher.verified.as_alias("publisher_verified"),
    Listing.publisher.website.as_alias("publisher_website"),
)
_DETAIL_COLUMNS = (
    *_SUMMARY_COLUMNS,
    Listing.description_md,
    Listing.commune_max_population,
    Listing.epci_max_population,
    Listing.contact_email,
    Listing.website_url,
    Listing.repository_url,
    Listing.licence,
    Listing.procurement_routes,
    Listing.accessibility,
    Listing.funding_origin,
    Listing.required_services,
    Listing.logo_url,
    Listing.plugin_id,
    Listing.created_at,
    Listing.submitted_at,
    Listing.state_changed_at,
)
JSON_LIST_FIELDS = frozenset({"target_kinds", "procurement_routes", "required_services"})


def encode_list(values: Iterable[str]) -> str:
    return msgspec.json.encode(list(values)).decode()


def _decode_list(text: str | None) -> list[str]:
    return list(msgspec.json.decode(text or "[]", type=list[str]))


def plan_from_row(row: dict[str, Any]) -> Plan:
    name, description = row["name"], row["description"] or ""
    kind = row["kind"]
    if kind == "free":
        return FreePlan(name=name, description=description)
    if kind == "flat":
        return FlatPlan(
            name=name,
            description=description,
            yearly_cents=row["yearly_cents"],
            vat_rate_bp=row["vat_rate_bp"],
        )
    if kind == "per_inhabitant":
        return PerInhabitantPlan(
            name=name,
            description=description,
            per_inhabitant_cents=row["per_inhabitant_cents"],
            floor_cents=row["floor_cents"] or 0,
            cap_cents=row["cap_cents"],
            vat_rate_bp=row["vat_rate_bp"],
        )
    tiers = msgspec.json.decode(row["tiers"] or "[]", type=list[PriceTier])
    return TieredPlan(name=name, description=description, tiers=tiers, vat_rate_bp=row["vat_rate_bp"])


def plan_to_row(listing_id: uuid.UUID, position: int, plan: Plan) -> ListingPlan:
    row = ListingPlan(
        listing=listing_id,
        position=position,
        kind=type(plan).__struct_config__.tag,
        name=plan.name.strip(),
        description=plan.description.strip(),
        tiers="[]",
        vat_rate_bp=0,
    )
    match plan:
        case FlatPlan():
            row.yearly_cents = plan.yearly_cents
            row.vat_rate_bp = plan.vat_rate_bp
        case PerInhabitantPlan():
            row.per_inhabitant_cents = plan.per_inhabitant_cents
            row.floor_cents = plan.floor_cents
            row.cap_cents = plan.cap_cents
            row.vat_rate_bp = plan.vat_rate_bp
        case TieredPlan():
            row.tiers = msgspec.json.encode(plan.tiers).decode()
            row.vat_rate_bp = plan.vat_rate_bp
    return row


class ListingRepository:
    # Reference data -----------------------------------------------------------------------------

    async def thematiques(self) -> list[ThematiqueView]:
        rows = await Thematique.select(Thematique.slug, Thematique.label).order_by(Thematique.position)
        return [ThematiqueView(r["slug"], r["label"]) for r in rows]

    async def existing_slugs(self, slugs: Sequence[str], *, visible_to_publisher: str) -> set[str]:
        """Which of ``slugs`` exist and are published, or belong to the given publisher."""
        if not slugs:
            return set()
        rows = await Listing.select(Listing.slug).where(
            Listing.slug.is_in(list(slugs))
            & ((Listing.state == "published") | (Listing.publisher == visible_to_publisher))
        )
        return {r["slug"] for r in rows}

    # Reads --------------------------------------------------------------------------------------

    async def get(self, slug: str) -> ListingView | None:
        row = await Listing.select(*_DETAIL_COLUMNS).where(Listing.slug == slug).first()
        if row is None:
            return None
        listing_id = row["id"]
        thematiques = await self._thematiques_of([listing_id])
        plans = await self._plans_of([listing_id])
        summary = self._summary(row, thematiques[listing_id], plans[listing_id])
        return ListingView(
            **msgspec.structs.asdict(summary),
            description_md=row["description_md"],
            description_html="",
            commune_max_population=row["commune_max_population"],
            epci_max_population=row["epci_max_population"],
            contact_email=row["contact_email"],
            website_url=row["website_url"],
            repository_url=row["repository_url"],
            licence=row["licence"],
            procurement_routes=_decode_list(row["procurement_routes"]),
            accessibility=row["accessibility"],
            funding_origin=row["funding_origin"],
            required_services=_decode_list(row["required_services"]),
            logo_url=row["logo_url"],
            plans=plans[listing_id],
            plugin_id=row["plugin_id"],
            created_at=row["created_at"],
            submitted_at=row["submitted_at"],
            state_changed_at=row["state_changed_at"],
        )

    async def search(
        self,
        filters: ListingFilters,
        *,
        states: Iterable[str] | None = None,
        publisher_sirens: Iterable[str] | None = None,
        page: int = 1,
        per_page: int = 20,
        oldest_submitted_first: bool = False,
    ) -> tuple[list[ListingSummary], int]:
        where = self._where(filters, states, publisher_sirens)
        count_query = Listing.count()
        query = Listing.select(*_SUMMARY_COLUMNS)
        if where is not None:
            count_query = count_query.where(where)
            query = query.where(where)
        total = await count_query
        if oldest_submitted_first:
            query = query.order_by(Listing.submitted_at, Listing.slug)
        else:
            query = query.order_by(Listing.name, Listing.slug)
        rows = await query.limit(per_page).offset((page - 1) * per_page)
        ids = [r["id"] for r in rows]
        thematiques = await self._thematiques_of(ids)
        plans = await self._plans_of(ids)
        return [self._summary(r, thematiques[r["id"]], plans[r["id"]]) for r in rows], int(total)

    def _where(
        self,
        filters: ListingFilters,
        states: Iterable[str] | None,
        publisher_sirens: Iterable[str] | None,
    ) -> Any:
        clauses: list[Any] = []
        if states is not None:
            clauses.append(Listing.state.is_in(list(states) or [""]))
        if publisher_sirens is not None:
            clauses.append(Listing.publisher.is_in(list(publisher_sirens) or [""]))
        if filters.publisher_siren:
            clauses.append(Listing.publisher == filters.publisher_siren)
        if filters.thematiques:
            clauses.append(
                Listing.id.is_in(
                    ListingThematique.select(ListingThematique.listing).where(
                        ListingThematique.thematique.is_in(list(filters.thematiques))
                    )
                )
            )
        if filters.kind:
            clauses.append(Listing.target_kinds.like(f'%"{filters.kind}"%'))
        if filters.pricing:
            clauses.append(
                Listing.id.is_in(
                    ListingPlan.select(ListingPlan.listing).where(ListingPlan.kind == filters.pricing)
                )
            )
        where = None
        for clause in clauses:
            where = clause if where is None else where & clause
        return where

    async def count_by_state(self) -> dict[str, int]:
        rows = await Listing.select(Listing.state, Count()).group_by(Listing.state)
        return {r["state"]: r["count"] for r in rows}

    async def _thematiques_of(self, ids: list[Any]) -> defaultdict[Any, list[ThematiqueView]]:
        found: defaultdict[Any, list[ThematiqueView]] = defaultdict(list)
        if not ids:
            return found
        rows = (
            await ListingThematique.select(
                ListingThematique.listing,
                ListingThematique.thematique.slug.as_alias("slug"),
                ListingThematique.thematique.label.as_alias("label"),
            )
            .where(ListingThematique.listing.is_in(ids))
            .order_by(ListingThematique.thematique.position)
        )
        for row in rows:
            found[row["listing"]].append(ThematiqueView(row["slug"], row["label"]))
        return found

    async def _plans_of(self, ids: list[Any]) -> defaultdict[Any, list[Plan]]:
        found: defaultdict[Any, list[Plan]] = defaultdict(list)
        if not ids:
            return found
        rows = await ListingPlan.select().where(ListingPlan.listing.is_in(ids)).order_by(ListingPlan.position)
        for row in rows:
            found[row["listing"]].append(plan_from_row(row))
        return found

    def _summary(
        self, row: dict[str, Any], thematiques: list[ThematiqueView], plans: list[Plan]
    ) -> ListingSummary:
        kinds = list(dict.fromkeys(type(p).__struct_config__.tag for p in plans))
        return ListingSummary(
            id=str(row["id"]),
            slug=row["slug"],
            name=row["name"],
            action=row["action"],
            pitch=row["pitch"],
            state=row["state"],
            thematiques=thematiques,
            target_kinds=_decode_list(row["target_kinds"]),
            maturity=row["maturity"],
            deployment_mode=row["deployment_mode"],
            publisher=PublisherBrief(
                siren=row["publisher_siren"],
                name=row["publisher_name"],
                verified=bool(row["publisher_verified"]),
                website=row["publisher_website"] or "",
            ),
            plan_kinds=[str(k) for k in kinds],
            starting_price_cents=starting_price_cents(plans),
            review_note=row["review_note"] or None,
            updated_at=row["updated_at"],
            published_at=row["published_at"],
        )

    # Writes -------------------------------------------------------------------------------------

    async def insert(
        self,
        *,
        publisher_siren: str,
        data: ListingCreate,
        created_by: str | None,
        now: dt.datetime,
    ) -> uuid.UUID:
        listing_id = uuid.uuid4()
        await Listing.insert(
            Listing(
                id=listing_id,
                slug=data.slug,
                publisher=publisher_siren,
                state="draft",
                name=data.name.strip(),
                action=data.action.strip(),
                pitch=data.pitch.strip(),
                description_md=data.description_md,
                target_kinds=encode_list(data.target_kinds),
                commune_max_population=data.commune_max_population,
                epci_max_population=data.epci_max_population,
                maturity=data.maturity,
                contact_email=data.contact_email.lower(),
                website_url=data.website_url,
                repository_url=data.repository_url,
                licence=data.licence,
                deployment_mode=data.deployment_mode,
                procurement_routes=encode_list(data.procurement_routes),
                accessibility=data.accessibility,
                funding_origin=data.funding_origin.strip(),
                required_services=encode_list(data.required_services),
                logo_url=data.logo_url,
                plugin_id=data.plugin_id,
                review_note="",
                created_by=created_by,
                created_at=now,
                updated_at=now,
                state_changed_at=now,
            )
        )
        await self.replace_thematiques(listing_id, data.thematiques)
        await self.replace_plans(listing_id, data.plans)
        return listing_id

    async def update_fields(
        self,
        listing_id: uuid.UUID,
        values: dict[str, Any],
        *,
        allowed_states: Iterable[str],
        now: dt.datetime,
    ) -> bool:
        """Update columns only if the listing is still in one of ``allowed_states`` (compare-and-set)."""
        columns: dict[Any, Any] = {Listing.updated_at: now}
        for name, value in values.items():
            columns[getattr(Listing, name)] = encode_list(value) if name in JSON_LIST_FIELDS else value
        rows = (
            await Listing.update(columns)
            .where((Listing.id == listing_id) & Listing.state.is_in(list(allowed_states)))
            .returning(Listing.id)
        )
        return bool(rows)

    async def replace_thematiques(self, listing_id: uuid.UUID, slugs: Sequence[str]) -> None:
        await ListingThematique.delete().where(ListingThematique.listing == listing_id)
        if slugs:
            await ListingThematique.insert(
                *[ListingThematique(listing=listing_id, thematique=s) for s in dict.fromkeys(slugs)]
            )

    async def replace_plans(self, listing_id: uuid.UUID, plans: Sequence[Plan]) -> None:
        await ListingPlan.delete().where(ListingPlan.listing == listing_id)
        if plans:
            await ListingPlan.insert(*[plan_to_row(listing_id, i, p) for i, p in enumerate(plans)])

    async def move(
        self,
        listing_id: uuid.UUID,
        *,
        source: str,
        target: str,
        now: dt.datetime,
        review_note: str | None,
    ) -> bool:
        """Change the state if it is still ``source`` (compare-and-set): False if someone was faster."""
        columns: dict[Any, Any] = {Listing.state: target, Listing.state_changed_at: now}
        if review_note is not None:
            columns[Listing.review_note] = review_note
        if target == "submitted":
            columns[Listing.submitted_at] = now
        rows = (
            await Listing.update(columns)
            .where((Listing.id == listing_id) & (Listing.state == source))
            .returning(Listing.id)
        )
        if rows and target == "published":
            await Listing.update({Listing.published_at: now}).where(
                (Listing.id == listing_id) & Listing.published_at.is_null()
            )
        return bool(rows)
