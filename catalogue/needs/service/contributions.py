"""Collecte: collectivités submit needs and existing services; groupements speak for members."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from catalogue.needs.events import ContributionPublished
from catalogue.needs.phases import Action
from catalogue.needs.reference import CONTRIBUTION_STATE_LABELS, OPEN_LICENCES, THEMATIQUES
from catalogue.needs.repository import NeedsRepository
from catalogue.needs.schemas import (
    CollectiviteRef,
    ContributionCreate,
    ContributionUpdate,
    ContributionView,
    ProposalRef,
)
from catalogue.needs.service.consultations import ConsultationService, audit
from catalogue.needs.service.gate import require
from store.kit.auth import Actor, require_actor, require_curator
from store.kit.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound
from store.kit.uow import UnitOfWorkFactory
from store.registry.siren import normalise_siren

GROUPEMENT_KINDS = {"epci", "ept", "syndicat", "departement", "region"}
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


class ContributionService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        consultations: ConsultationService,
        repo: NeedsRepository | None = None,
    ) -> None:
        self.uow = uow
        self.consultations = consultations
        self.repo = repo or NeedsRepository()

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.consultations.clock

    async def _facts(self, consultation_id: int) -> Any:
        facts = await self.consultations.facts(consultation_id)
        if facts is None or not facts.published:
            raise NotFound("Consultation introuvable.", code="consultation_not_found")
        return facts

    # Views ------------------------------------------------------------------------------------

    async def views(self, rows: list[dict[str, Any]]) -> list[ContributionView]:
        ids = [r["id"] for r in rows]
        beneficiaries = await self.repo.beneficiaries(ids)
        proposals = await self.repo.proposals_of_contributions(ids)
        sirens = {r["collectivite"] for r in rows} | {s for v in beneficiaries.values() for s in v}
        names = await self.repo.collectivites(sirens)

        def ref(siren: str) -> CollectiviteRef:
            row = names.get(siren, {})
            return CollectiviteRef(
                siren=siren,
                name=row.get("name", siren),
                kind=row.get("kind", ""),
                departement_code=row.get("departement_code"),
            )

        return [
            ContributionView(
                id=r["id"],
                consultation_id=r["consultation"],
                kind=r["kind"],
                collectivite=ref(r["collectivite"]),
                on_behalf_of=[ref(s) for s in sorted(beneficiaries[r["id"]])],
                title=r["title"],
                body=r["body"],
                thematique=r["thematique"],
                service_url=r["service_url"],
                repository_url=r["repository_url"],
                licence=r["licence"],
                state=r["state"],
                state_label=CONTRIBUTION_STATE_LABELS[r["state"]],
                outcome_message=r["outcome_message"],
                proposals=[ProposalRef(id=p["id"], title=p["title"]) for p in proposals[r["id"]]],
                created_at=r["created_at"],
                published_at=r["published_at"],
                decided_at=r["decided_at"],
            )
            for r in rows
        ]

    async def mine(self, actor: Actor, consultation_id: int) -> list[ContributionView]:
        """What the actor's collectivités contributed, or what was contributed on their behalf."""
        require_actor(actor)
        await self._facts(consultation_id)
        sirens = actor.collectivite_sirens()
        rows = await self.repo.contributions(consultation_id, sirens=sirens)
        # A draft stays its author collectivité's, even when written on behalf of others (as _owned).
        return await self.views([r for r in rows if r["state"] != "draft" or r["collectivite"] in sirens])

    async def all(
        self, actor: Actor, consultation_id: int, state: str | None = None
    ) -> list[ContributionView]:
        require_curator(actor)
        rows = await self.repo.contributions(consultation_id, states=[state] if state else None)
        # Drafts are the collectivité's until deposited: curators never list them (as _owned).
        return await self.views([r for r in rows if r["state"] != "draft"])

    async def get(self, actor: Actor, contribution_id: int) -> ContributionView:
        row = await self._owned(actor, contribution_id)
        return (await self.views([row]))[0]

    async def _owned(self, actor: Actor, contribution_id: int) -> dict[str, Any]:
        require_actor(actor)
        row = await self.repo.contribution(contribution_id)
        if row is None:
            raise NotFound("Contribution introuvable.", code="contribution_not_found")
        if actor.is_curator and row["state"] != "draft":
            return row
        mine = actor.collectivite_sirens()
        beneficiaries = (await self.repo.beneficiaries([row["id"]]))[row["id"]]
        if row["collectivite"] not in mine and not (set(beneficiaries) & mine and row["state"] != "draft"):
            # Never reveal that another collectivité's contribution exists.
            raise NotFound("Contribution introuvable.", code="contribution_not_found")
        return row

    # Writing ----------------------------------------------------------------------------------

    def _check_content(
        self, kind: str, thematique: str, service_url: str, repository_url: str, licence: str
    ) -> None:
        errors: list[FieldError] = []
        if thematique not in THEMATIQUES:
            errors.append(FieldError("thematique", "thématique inconnue"))
        for name, url in (("service_url", service_url), ("repository_url", repository_url)):
            if url and not _URL.match(url):
                errors.append(FieldError(name, "adresse web invalide (http:// ou https://)"))
        if kind == "service_existant":
            if not service_url:
                errors.append(FieldError("service_url", "adresse du service obligatoire"))
            if not repository_url:
                errors.append(FieldError("repository_url", "dépôt du code source obligatoire"))
            if licence not in OPEN_LICENCES:
                errors.append(FieldError("licence", "licence libre attendue (identifiant SPDX)"))
        elif licence and licence not in OPEN_LICENCES:
            errors.append(FieldError("licence", "licence libre attendue (identifiant SPDX)"))
        if errors:
            raise InvalidInput(
                "Contribution incomplète : " + "; ".join(f"{e.field} : {e.message}" for e in errors) + ".",
                code="contribution_invalid",
                errors=errors,
            )

    async def _beneficiaries(self, siren: str, on_behalf_of: list[str]) -> list[str]:
        if not on_behalf_of:
            return []
        try:
            named = sorted({normalise_siren(s) for s in on_behalf_of})
        except ValueError as exc:
            raise InvalidInput(str(exc), code="invalid_siren") from exc
        group = (await self.repo.collectivites([siren]))[siren]
        if group["kind"] not in GROUPEMENT_KINDS:
            raise InvalidInput(
                "Seul un groupement (EPCI, syndicat…) peut contribuer au nom d'autres collectivités.",
                code="not_a_groupement",
            )
        if siren in named:
            raise InvalidInput("Le groupement contribue déjà en son nom propre.", code="self_on_behalf")
        known = await self.repo.collectivites(named)
        unknown = [s for s in named if s not in known]
        if unknown:
            raise InvalidInput(
                "SIREN inconnu(s) du référentiel : " + ", ".join(unknown) + ".", code="collectivite_not_found"
            )
        members = await self.repo.members_of(siren, named)
        outsiders = [s for s in named if s not in members]
        if outsiders:
            raise InvalidInput(
                f"Ces collectivités ne sont pas membres de {group['name']} : "
                + ", ".join(f"{known[s]['name']} ({s})" for s in outsiders)
                + ".",
                code="not_a_member",
            )
        return named

    async def submit(self, actor: Actor, consultation_id: int, data: ContributionCreate) -> ContributionView:
        require_actor(actor)
        try:
            siren = normalise_siren(data.collectivite_siren)
        except ValueError as exc:
            raise InvalidInput(str(exc), code="invalid_siren") from exc
        if not actor.acts_for(siren):
            raise Forbidden(
                "Vous n'avez pas de mandat pour cette collectivité.", code="not_your_collectivite"
            )
        facts = await self._facts(consultation_id)
        require(facts, Action.contribute)
        self._check_content(data.kind, data.thematique, data.service_url, data.repository_url, data.licence)
        beneficiaries = await self._beneficiaries(siren, data.on_behalf_of)
        now = self.clock()
        state = "published" if data.publish else "draft"
        values = {
            "consultation": consultation_id,
            "kind": data.kind,
            "collectivite": siren,
            "author": actor.account_id,
            "title": data.title.strip(),
            "body": data.body.strip(),
            "thematique": data.thematique,
            "service_url": data.service_url.strip(),
            "repository_url": data.repository_url.strip(),
            "licence": data.licence.strip(),
            "state": state,
            "created_at": now,
            "published_at": now if data.publish else None,
        }
        async with self.uow() as work:
            contribution_id = await self.repo.insert_contribution(values, beneficiaries)
            if data.publish:
                work.emit(
                    ContributionPublished(
                        consultation_id=consultation_id,
                        contribution_id=contribution_id,
                        collectivite_siren=siren,
                        on_behalf_of=beneficiaries,
                        kind=data.kind,
                    )
                )
            work.audit(
                audit(
                    actor,
                    "needs:contribution:create",
                    "contribution",
                    contribution_id,
                    to_state=state,
                    data={"collectivite": siren, "on_behalf_of": beneficiaries},
                )
            )
        return await self.get(actor, contribution_id)

    async def update(self, actor: Actor, contribution_id: int, data: ContributionUpdate) -> ContributionView:
        row = await self._owned(actor, contribution_id)
        if row["collectivite"] not in actor.collectivite_sirens():
            raise Forbidden("Seule la collectivité contributrice peut modifier sa contribution.")
        if row["state"] != "draft":
            raise Conflict("Seul un brouillon se modifie.", code="contribution_not_draft")
        require(await self._facts(row["consultation"]), Action.contribute)
        merged = {
            **row,
            **{k: getattr(data, k) for k in data.__struct_fields__ if getattr(data, k) is not None},
        }
        self._check_content(
            merged["kind"],
            merged["thematique"],
            merged["service_url"],
            merged["repository_url"],
            merged["licence"],
        )
        values = {k: merged[k] for k in data.__struct_fields__}
        async with self.uow() as work:
            await self.repo.update_contribution(contribution_id, values)
            work.audit(audit(actor, "needs:contribution:update", "contribution", contribution_id))
        return await self.get(actor, contribution_id)

    async def publish(self, actor: Actor, contribution_id: int) -> ContributionView:
        row = await self._owned(actor, contribution_id)
        if row["collectivite"] not in actor.collectivite_sirens():
            raise Forbidden("Seule la collectivité contributrice peut déposer sa contribution.")
        require(await self._facts(row["consultation"]), Action.contribute)
        now = self.clock()
        async with self.uow() as work:
            moved = await self.repo.set_contribution_state(
                [contribution_id], state="published", from_states=["draft"], now=now
            )
            if not moved:
                raise Conflict("Cette contribution est déjà déposée.", code="contribution_not_draft")
            await self.repo.update_contribution(
                contribution_id, {"published_at": now, "decided_at": None, "decided_by": None}
            )
            beneficiaries = (await self.repo.beneficiaries([contribution_id]))[contribution_id]
            work.emit(
                ContributionPublished(
                    consultation_id=row["consultation"],
                    contribution_id=contribution_id,
                    collectivite_siren=row["collectivite"],
                    on_behalf_of=beneficiaries,
                    kind=row["kind"],
                )
            )
            work.audit(
                audit(
                    actor,
                    "needs:contribution:publish",
                    "contribution",
                    contribution_id,
                    from_state="draft",
                    to_state="published",
                )
            )
        return await self.get(actor, contribution_id)
