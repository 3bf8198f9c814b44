"""Listing rules: who sees what, who edits what, and every move through the life cycle.

Visibility: a published listing is public; any other state is visible only to the members of the
owning publisher and to curators; everyone else gets 404, never 403, so that drafts do not leak.
Every write is one unit of work carrying its audit record and, for state changes and edits of live
listings, its event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from catalogue.listings import validation
from catalogue.listings.eligibility import Candidate, Verdict, check_eligibility
from catalogue.listings.events import EVENT_FOR_STATE, ListingDraftChanged, ListingUpdated
from catalogue.listings.markdown import render_markdown
from catalogue.listings.repository import ListingRepository
from catalogue.listings.schemas import (
    AllowedActions,
    ListingCreate,
    ListingFilters,
    ListingSummary,
    ListingUpdate,
    ListingView,
    Page,
    ThematiqueView,
)
from catalogue.listings.states import (
    ACTION_LABELS,
    EDITABLE_BY_CURATOR,
    EDITABLE_BY_PUBLISHER,
    STATE_LABELS,
    TRANSITIONS,
    Action,
    Role,
    State,
    actions_from,
)
from store.kit.auth import Actor, Scope, require_actor, require_curator
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from store.kit.events import AuditRecord
from store.kit.uow import UnitOfWorkFactory
from store.registry.repository import RegistryRepository
from store.registry.siren import normalise_siren

MAX_PER_PAGE = 100


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _not_found() -> NotFound:
    return NotFound("Aucun service publié à cette adresse.", code="listing_not_found")


def roles_of(actor: Actor, listing: ListingSummary) -> set[Role]:
    """The roles ``actor`` holds on ``listing`` (scopes included, so limited API tokens stay limited)."""
    roles: set[Role] = set()
    if actor.speaks_for_publisher(listing.publisher.siren) and actor.has(Scope.CatalogueListingsWrite):
        roles.add("publisher")
    if actor.is_curator and actor.has(Scope.AdminCurationWrite):
        roles.add("curator")
    return roles


def can_see(actor: Actor, listing: ListingSummary) -> bool:
    """Published listings are public; the others (and the curators' notes) are for the members of
    their publisher and for curators, through the scope of that role: an API token limited to, say,
    ``account:self:read`` reads no draft of its publisher."""
    return listing.state == State.published or bool(roles_of(actor, listing))


class ListingService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        repo: ListingRepository | None = None,
        registry: RegistryRepository | None = None,
    ) -> None:
        self.uow = uow
        self.repo = repo or ListingRepository()
        self.registry = registry or RegistryRepository()

    # Reads ----------------------------------------------------------------------------------------

    async def thematiques(self) -> list[ThematiqueView]:
        return await self.repo.thematiques()

    async def browse(self, filters: ListingFilters, *, page: int = 1, per_page: int = 20) -> Page:
        """The public catalogue: published listings only."""
        page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
        items, total = await self.repo.search(filters, states=[State.published], page=page, per_page=per_page)
        for item in items:
            item.review_note = None
        return Page(
            items=items, page=page, per_page=per_page, total=total, total_pages=max(1, -(-total // per_page))
        )

    async def get(self, actor: Actor, slug: str) -> ListingView:
        """A listing as ``actor`` may see it: 404 unless published, theirs, or the actor curates."""
        listing = await self.repo.get(slug) if validation.is_slug(slug) else None
        if listing is None or not can_see(actor, listing):
            raise _not_found()
        insider = bool(roles_of(actor, listing))
        return msgspec.structs.replace(
            listing,
            description_html=render_markdown(listing.description_md),
            review_note=listing.review_note if insider else None,
        )

    async def for_editor(self, actor: Actor, slug: str) -> ListingView:
        """A listing opened in the publishers' editor: only for the members of its publisher and for
        curators; 404 for everyone else, even when it is published (its public page is elsewhere)."""
        listing = await self.get(actor, slug)
        if not roles_of(actor, listing):
            raise _not_found()
        return listing

    async def mine(self, actor: Actor) -> list[ListingSummary]:
        """Every listing of every publisher the actor speaks for, whatever its state."""
        require_actor(actor)
        sirens = sorted(actor.publisher_sirens())
        if not sirens:
            raise Forbidden("Votre compte n'est rattaché à aucun éditeur.", code="publisher_only")
        items, _ = await self.repo.search(ListingFilters(), publisher_sirens=sirens, per_page=1000)
        return items

    async def review_queue(self, actor: Actor) -> list[ListingSummary]:
        """Submitted listings, oldest submission first."""
        require_curator(actor)
        items, _ = await self.repo.search(
            ListingFilters(), states=[State.submitted], per_page=1000, oldest_submitted_first=True
        )
        return items

    async def curate_list(
        self, actor: Actor, *, state: str | None, page: int = 1, per_page: int = 50
    ) -> Page:
        """Curators browse listings in any state."""
        require_curator(actor)
        if state is not None and state not in State.__members__:
            raise InvalidInput(f"État inconnu : {state}.", code="unknown_state")
        page, per_page = max(1, page), min(max(1, per_page), MAX_PER_PAGE)
        items, total = await self.repo.search(
            ListingFilters(), states=[state] if state else None, page=page, per_page=per_page
        )
        return Page(
            items=items, page=page, per_page=per_page, total=total, total_pages=max(1, -(-total // per_page))
        )

    def allowed(self, actor: Actor, listing: ListingSummary) -> AllowedActions:
        roles = roles_of(actor, listing)
        state = State(listing.state)
        actions: list[str] = []
        for role in sorted(roles):
            actions.extend(a.value for a in actions_from(state, role) if a.value not in actions)
        can_edit = ("publisher" in roles and state in EDITABLE_BY_PUBLISHER) or (
            "curator" in roles and state in EDITABLE_BY_CURATOR
        )
        return AllowedActions(can_edit=can_edit, actions=actions)

    async def eligibility(self, actor: Actor, listing: ListingView) -> list[tuple[str, Verdict]]:
        """For each collectivité the actor acts for: may it subscribe to this listing?"""
        verdicts: list[tuple[str, Verdict]] = []
        for siren in sorted(actor.collectivite_sirens()):
            found = await self.registry.get_collectivite(siren)
            if found is None:
                continue
            epci = (
                await self.registry.get_collectivite(found["epci_siren"]) if found.get("epci_siren") else None
            )
            candidate = Candidate(found["kind"], found["population"], epci["population"] if epci else None)
            verdict = check_eligibility(
                candidate,
                target_kinds=listing.target_kinds,
                commune_max_population=listing.commune_max_population,
                epci_max_population=listing.epci_max_population,
            )
            verdicts.append((found["name"], verdict))
        return verdicts

    async def count_by_state(self) -> dict[str, int]:
        return await self.repo.count_by_state()

    # Writes ---------------------------------------------------------------------------------------

    async def create(self, actor: Actor, data: ListingCreate) -> ListingView:
        require_actor(actor)
        publisher_siren = self._publisher_for(actor, data.publisher_siren)
        validation.check_new_slug(data.slug)
        values = validation.normalise(msgspec.structs.asdict(data))
        data = msgspec.structs.replace(data, **{k: v for k, v in values.items() if k != "slug"})
        await validation.check_fields(self.repo, values, slug=data.slug, publisher_siren=publisher_siren)
        if await self.repo.get(data.slug) is not None:
            raise Conflict("Cette adresse de service (slug) est déjà prise.", code="slug_taken")
        now = utcnow()
        async with self.uow() as work:
            listing_id = await self.repo.insert(
                publisher_siren=publisher_siren, data=data, created_by=actor.account_id, now=now
            )
            work.audit(
                self._audit(
                    actor, "create", str(listing_id), data.slug, publisher_siren, None, State.draft, None
                )
            )
            work.emit(
                ListingDraftChanged(
                    listing_id=str(listing_id),
                    slug=data.slug,
                    publisher_siren=publisher_siren,
                    from_state=None,
                    to_state=State.draft.value,
                    actor_id=actor.account_id,
                )
            )
        return await self.get(actor, data.slug)

    async def update(self, actor: Actor, slug: str, data: ListingUpdate) -> ListingView:
        listing = await self.get(actor, slug)
        roles = roles_of(actor, listing)
        if not roles:
            raise Forbidden("Ce service appartient à un autre éditeur.", code="not_owner")
        editable: set[State] = set()
        if "publisher" in roles:
            editable |= EDITABLE_BY_PUBLISHER
        if "curator" in roles:
            editable |= EDITABLE_BY_CURATOR
        if listing.state not in editable:
            raise Conflict(
                f"Un service à l'état « {STATE_LABELS[listing.state]} » ne peut pas être modifié"
                + (" par l'éditeur." if "curator" not in roles else "."),
                code="not_editable",
            )
        given = validation.normalise(data.given())
        await validation.check_fields(
            self.repo,
            given,
            slug=listing.slug,
            publisher_siren=listing.publisher.siren,
            curator="curator" in roles,
        )
        changed = validation.changed_fields(listing, given)
        if not changed:
            return listing
        listing_id = uuid.UUID(listing.id)
        columns = {k: v for k, v in changed.items() if k not in {"thematiques", "plans"}}
        async with self.uow() as work:
            ok = await self.repo.update_fields(listing_id, columns, allowed_states=editable, now=utcnow())
            if not ok:
                raise Conflict(
                    "Le service a changé d'état entre-temps : rechargez-le.", code="concurrent_change"
                )
            if "thematiques" in changed:
                await self.repo.replace_thematiques(listing_id, changed["thematiques"])
            if "plans" in changed:
                await self.repo.replace_plans(listing_id, changed["plans"])
            fields = tuple(sorted(changed))
            work.audit(
                self._audit(
                    actor, "update", listing.id, listing.slug, listing.publisher.siren,
                    listing.state, listing.state, None, fields=list(fields),
                )
            )  # fmt: skip
            event = (
                ListingUpdated if listing.state in {State.published, State.suspended} else ListingDraftChanged
            )
            work.emit(
                event(
                    listing_id=listing.id,
                    slug=listing.slug,
                    publisher_siren=listing.publisher.siren,
                    from_state=listing.state,
                    to_state=listing.state,
                    actor_id=actor.account_id,
                    fields=fields,
                )
            )
        return await self.get(actor, slug)

    async def transition(self, actor: Actor, slug: str, action: Action, reason: str = "") -> ListingView:
        """Apply ``action``: 404 if invisible, 403 for the wrong role, 409 if illegal now, 422 without a
        mandatory reason or (to submit) with an incomplete listing."""
        listing = await self.get(actor, slug)
        transition = TRANSITIONS[action]
        acting = roles_of(actor, listing) & transition.roles
        if not acting:
            who = " ou ".join(
                {"publisher": "l'éditeur du service", "curator": "un curateur de l'ANCT"}[r]
                for r in sorted(transition.roles, reverse=True)
            )
            raise Forbidden(
                f"Seul {who} peut « {ACTION_LABELS[action].lower()} ».", code="transition_forbidden"
            )
        source = State(listing.state)
        if source not in transition.sources:
            raise Conflict(
                f"Impossible de « {ACTION_LABELS[action].lower()} » un service à l'état "
                f"« {STATE_LABELS[source]} ».",
                code="illegal_transition",
            )
        role: Role = "publisher" if "publisher" in acting else "curator"
        reason = reason.strip()
        if role in transition.reason_required_for and not reason:
            raise InvalidInput(
                "Un motif est obligatoire pour cette décision : il sera communiqué à l'éditeur.",
                code="reason_required",
            )
        if action is Action.submit:
            validation.check_complete(listing)
        note: str | None = reason
        if transition.target is State.published:
            note = ""
        elif action is Action.submit:
            note = None
        async with self.uow() as work:
            moved = await self.repo.move(
                uuid.UUID(listing.id), source=source, target=transition.target, now=utcnow(), review_note=note
            )
            if not moved:
                raise Conflict(
                    "Le service a changé d'état entre-temps : rechargez-le.", code="concurrent_change"
                )
            work.audit(
                self._audit(
                    actor, action.value, listing.id, listing.slug, listing.publisher.siren,
                    source, transition.target, reason or None, role=role,
                )
            )  # fmt: skip
            work.emit(
                EVENT_FOR_STATE[transition.target](
                    listing_id=listing.id,
                    slug=listing.slug,
                    publisher_siren=listing.publisher.siren,
                    from_state=source.value,
                    to_state=transition.target.value,
                    actor_id=actor.account_id,
                )
            )
        return await self.get(actor, slug)

    # Helpers --------------------------------------------------------------------------------------

    def _publisher_for(self, actor: Actor, requested: str | None) -> str:
        if not actor.has(Scope.CatalogueListingsWrite):
            raise Forbidden("Votre compte ne peut pas publier de service.", code="missing_scope")
        sirens = actor.publisher_sirens()
        if not sirens:
            raise Forbidden(
                "Seuls les membres d'un éditeur peuvent proposer un service.", code="publisher_only"
            )
        if requested is None:
            if len(sirens) > 1:
                raise InvalidInput(
                    "Vous représentez plusieurs éditeurs : précisez publisher_siren.",
                    code="publisher_required",
                )
            return next(iter(sirens))
        try:
            siren = normalise_siren(requested)
        except ValueError as exc:
            raise InvalidInput(str(exc), code="invalid_siren") from exc
        if siren not in sirens:
            raise Forbidden("Vous ne représentez pas cet éditeur.", code="not_publisher_member")
        return siren

    @staticmethod
    def _audit(
        actor: Actor,
        action: str,
        listing_id: str,
        slug: str,
        publisher_siren: str,
        source: str | None,
        target: str | None,
        reason: str | None,
        *,
        role: str | None = None,
        fields: list[str] | None = None,
    ) -> AuditRecord:
        data: dict[str, Any] = {"slug": slug, "publisher": publisher_siren}
        if role:
            data["role"] = role
        if fields is not None:
            data["fields"] = fields
        return AuditRecord(
            action=f"catalogue:listing:{action}",
            subject_type="listing",
            subject_id=listing_id,
            actor_id=actor.account_id,
            actor_label=actor.display_name,
            from_state=source,
            to_state=target,
            reason=reason,
            data=data,
        )
