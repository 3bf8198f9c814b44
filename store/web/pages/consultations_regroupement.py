"""Curators regroup contributions in the browser: merge into a new or an existing proposal, split a
contribution into several proposals, reorient it with a message or reject it with a reason."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, URLEncodedBody
from litestar.response import Redirect, Template

from catalogue.needs.reference import CONTRIBUTION_KIND_LABELS, PROPOSAL_KIND_LABELS, THEMATIQUES
from catalogue.needs.schemas import (
    AttachRequest,
    ContributionView,
    MergeRequest,
    ProposalDraft,
    SplitRequest,
    SplitTarget,
)
from store.kit.auth import Scope, actor_of, requires
from store.kit.errors import DomainError, InvalidInput, NotFound
from store.web.pages.consultation_forms import DESK, Desk, Many, build, ids, many, refusal
from store.web.rendering import flash, page

CURATOR = [requires(Scope.AdminConsultationsWrite)]
SPLIT_SLOTS = 3
"""New proposals a split form offers (existing proposals can be ticked as well)."""


class RegroupForm(msgspec.Struct):
    action: str = "nouvelle"
    """nouvelle (merge into a new proposal) | existante (attach to ``proposal_id``)"""
    contribution_ids: Many = []
    proposal_id: str = ""
    title: str = ""
    summary: str = ""
    thematique: str = ""
    kind: str = "nouveau_service"
    listing_slug: str = ""


class OutcomeForm(msgspec.Struct):
    message: str = ""


class SplitForm(msgspec.Struct):
    proposal_ids: Many = []
    title_1: str = ""
    summary_1: str = ""
    thematique_1: str = ""
    kind_1: str = "nouveau_service"
    title_2: str = ""
    summary_2: str = ""
    thematique_2: str = ""
    kind_2: str = "nouveau_service"
    title_3: str = ""
    summary_3: str = ""
    thematique_3: str = ""
    kind_3: str = "nouveau_service"


def draft(title: str, summary: str, thematique: str, kind: str, listing_slug: str = "") -> ProposalDraft:
    if len(title.strip()) < 3 or not summary.strip():
        raise InvalidInput(
            "Donnez à la proposition un titre (3 caractères au moins) et un résumé.",
            code="proposal_incomplete",
        )
    if thematique not in THEMATIQUES:
        raise InvalidInput("Choisissez la thématique de la proposition.", code="thematique_unknown")
    return build(
        ProposalDraft,
        title=title.strip(),
        summary=summary.strip(),
        thematique=thematique,
        kind=kind if kind in PROPOSAL_KIND_LABELS else "nouveau_service",
        listing_slug=listing_slug.strip(),
    )


def split_request(form: SplitForm) -> SplitRequest:
    targets = [SplitTarget(proposal_id=i) for i in ids(form.proposal_ids, "proposal_ids", "Propositions")]
    for slot in range(1, SPLIT_SLOTS + 1):
        title, summary = getattr(form, f"title_{slot}"), getattr(form, f"summary_{slot}")
        if title.strip() or summary.strip():
            targets.append(
                SplitTarget(
                    new_proposal=draft(
                        title, summary, getattr(form, f"thematique_{slot}"), getattr(form, f"kind_{slot}")
                    )
                )
            )
    if len(targets) < 2:
        raise InvalidInput(
            "Une scission demande au moins deux propositions : cochez des propositions existantes ou "
            "décrivez-en de nouvelles.",
            code="split_too_small",
        )
    return SplitRequest(targets=targets)


class ConsultationRegroupementPages(Controller):
    include_in_schema = False
    path = "/curation/consultations"
    guards = CURATOR
    dependencies = DESK

    async def _board(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        desk: Desk,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        waiting = await desk.contributions.all(actor, consultation.id, "published")
        processed = [
            c for c in await desk.contributions.all(actor, consultation.id) if c.state != "published"
        ]
        return page(
            request,
            "pages/consultations/regroupement.html",
            status_code=status_code,
            tab="regroupement",
            consultation=consultation,
            waiting=waiting,
            processed=processed,
            proposals=await desk.regroupement.proposals(consultation.id, actor),
            thematiques=THEMATIQUES,
            proposal_kinds=PROPOSAL_KIND_LABELS,
            contribution_kinds=CONTRIBUTION_KIND_LABELS,
            errors=errors or {},
            values=values or {},
        )

    @get("/{slug:str}/regroupement")
    async def board(
        self, request: Request[Any, Any, Any], slug: FromPath[str], desk: NamedDependency[Desk]
    ) -> Template:
        return await self._board(request, slug, desk)

    @post("/{slug:str}/regroupement")
    async def regroup(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: URLEncodedBody[RegroupForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        chosen: list[int] = []
        try:
            chosen = ids(data.contribution_ids, "contribution_ids", "Contributions")
            if not chosen:
                raise InvalidInput("Cochez au moins une contribution à regrouper.", code="nothing_chosen")
            if data.action == "existante":
                proposal_id = ids(data.proposal_id, "proposal_id", "Proposition")
                if not proposal_id:
                    raise InvalidInput("Choisissez la proposition existante.", code="proposal_required")
                target = await desk.regroupement.proposal(proposal_id[0], actor)
                if target.consultation_id != consultation.id:
                    raise NotFound(
                        "Proposition introuvable dans cette consultation.", code="proposal_not_found"
                    )
                view = await desk.regroupement.attach(
                    actor, target.id, AttachRequest(contribution_ids=chosen)
                )
                flash(request, f"{len(chosen)} contribution(s) ajoutée(s) à « {view.title} ».")
            else:
                proposal = draft(data.title, data.summary, data.thematique, data.kind, data.listing_slug)
                request_ = MergeRequest(contribution_ids=chosen, proposal=proposal)
                view = await desk.regroupement.merge(actor, consultation.id, request_)
                flash(
                    request, f"Proposition « {view.title} » créée à partir de {len(chosen)} contribution(s)."
                )
        except DomainError as exc:
            status, message = refusal(exc)
            values = {"form": "regroupement", **msgspec.structs.asdict(data), "chosen": chosen}
            return await self._board(
                request, slug, desk, errors={"regroupement": message}, values=values, status_code=status
            )
        return Redirect(f"/curation/consultations/{slug}/regroupement", status_code=303)

    # One contribution: read it whole, split, reorient or reject it -----------------------------

    async def _contribution(self, request: Request[Any, Any, Any], desk: Desk, slug: str, cid: int) -> Any:
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        view: ContributionView = await desk.contributions.get(actor, cid)
        if view.consultation_id != consultation.id:
            raise NotFound("Contribution introuvable dans cette consultation.", code="contribution_not_found")
        return consultation, view

    async def _detail(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        contribution_id: int,
        desk: Desk,
        *,
        errors: dict[str, str] | None = None,
        values: dict[str, Any] | None = None,
        status_code: int = 200,
    ) -> Template:
        consultation, contribution = await self._contribution(request, desk, slug, contribution_id)
        proposals = await desk.regroupement.proposals(consultation.id, actor_of(request))
        return page(
            request,
            "pages/consultations/contribution.html",
            status_code=status_code,
            tab="regroupement",
            consultation=consultation,
            contribution=contribution,
            proposals=[p for p in proposals if p.state == "published"],
            thematiques=THEMATIQUES,
            proposal_kinds=PROPOSAL_KIND_LABELS,
            contribution_kinds=CONTRIBUTION_KIND_LABELS,
            slots=range(1, SPLIT_SLOTS + 1),
            errors=errors or {},
            values=values or {},
        )

    @get("/{slug:str}/contributions/{contribution_id:int}")
    async def detail(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        contribution_id: FromPath[int],
        desk: NamedDependency[Desk],
    ) -> Template:
        return await self._detail(request, slug, contribution_id, desk)

    async def _close(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        contribution_id: int,
        outcome: str,
        message: str,
        desk: Desk,
    ) -> Template | Redirect:
        actor = actor_of(request)
        consultation, _ = await self._contribution(request, desk, slug, contribution_id)
        try:
            if outcome == "reorienter":
                await desk.regroupement.reorient(
                    actor, contribution_id, message, consultation_id=consultation.id
                )
                flash(
                    request, f"Contribution n°{contribution_id} réorientée ; son auteur voit votre message."
                )
            else:
                await desk.regroupement.reject(
                    actor, contribution_id, message, consultation_id=consultation.id
                )
                flash(request, f"Contribution n°{contribution_id} écartée ; son auteur voit la raison.")
        except DomainError as exc:
            status, text = refusal(exc)
            return await self._detail(
                request,
                slug,
                contribution_id,
                desk,
                errors={outcome: text},
                values={"form": outcome, "message": message},
                status_code=status,
            )
        return Redirect(f"/curation/consultations/{slug}/regroupement", status_code=303)

    @post("/{slug:str}/contributions/{contribution_id:int}/reorienter")
    async def reorient(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        contribution_id: FromPath[int],
        data: URLEncodedBody[OutcomeForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        """Réorienter vers un autre dispositif, avec un message au contributeur."""
        return await self._close(request, slug, contribution_id, "reorienter", data.message, desk)

    @post("/{slug:str}/contributions/{contribution_id:int}/ecarter")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        contribution_id: FromPath[int],
        data: URLEncodedBody[OutcomeForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        """Écarter, avec la raison montrée au contributeur."""
        return await self._close(request, slug, contribution_id, "ecarter", data.message, desk)

    @post("/{slug:str}/contributions/{contribution_id:int}/scinder")
    async def split(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        contribution_id: FromPath[int],
        data: URLEncodedBody[SplitForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        actor = actor_of(request)
        consultation, _ = await self._contribution(request, desk, slug, contribution_id)
        try:
            views = await desk.regroupement.split(
                actor, contribution_id, split_request(data), consultation_id=consultation.id
            )
        except DomainError as exc:
            status, message = refusal(exc)
            values = {
                "form": "scinder",
                **msgspec.structs.asdict(data),
                "proposal_ids": many(data.proposal_ids),
            }
            return await self._detail(
                request,
                slug,
                contribution_id,
                desk,
                errors={"scinder": message},
                values=values,
                status_code=status,
            )
        flash(
            request,
            f"Contribution n°{contribution_id} répartie entre {len(views)} propositions : "
            + ", ".join(f"« {v.title} »" for v in views)
            + ".",
        )
        return Redirect(f"/curation/consultations/{slug}/regroupement", status_code=303)
