"""Consultation pages: the public page (phases, proposals), contributing, voting (DSFR, no JS needed)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from catalogue.needs.reference import CONTRIBUTION_KIND_LABELS, OPEN_LICENCES, THEMATIQUES
from catalogue.needs.schemas import ConsultationView, ContributionCreate
from catalogue.needs.service import ConsultationService, ContributionService, RegroupementService
from catalogue.votes.schemas import DECISION_LABELS, ROLE_LABELS
from catalogue.votes.service import DeploymentService, ResultsService, SelectionService
from store.kit.auth import PUBLIC, Scope, actor_of, requires
from store.kit.errors import DomainError, Forbidden, InvalidInput, NotFound
from store.web.charts import render_departement_map
from store.web.pages.consultation_forms import DESK, Desk, acting_siren, collectivite_mandates, refusal
from store.web.rendering import flash, page

VOTER = [requires(Scope.CatalogueVotesWrite)]
VOTE_ACTIONS = ("soutenir", "retirer")
NO_MANDATE = (
    "Votre compte n'agit pour aucune collectivité : seul un agent ou un élu mandaté peut soutenir une "
    "proposition au nom de sa collectivité."
)


class ContributionForm(msgspec.Struct):
    collectivite_siren: str = ""
    kind: str = "besoin"
    title: str = ""
    body: str = ""
    thematique: str = ""
    service_url: str = ""
    repository_url: str = ""
    licence: str = ""
    on_behalf_of: str = ""
    """SIRENs separated by spaces, commas or new lines."""


class VoteForm(msgspec.Struct):
    siren: str = ""


async def public_board(
    consultation: ConsultationView,
    request: Request[Any, Any, Any],
    regroupement: RegroupementService,
    results: ResultsService,
    selection: SelectionService,
    deployment: DeploymentService,
) -> dict[str, Any]:
    """What the public page and the vote page share: proposals, counts (unless hidden), decisions."""
    actor = actor_of(request)
    proposals = await regroupement.proposals(consultation.id, actor)
    counts: dict[int, Any] = {}
    hidden = False
    supports_map = None
    try:
        tally = await results.results(actor, consultation.id)
        counts = {p.proposal_id: p for p in tally.proposals}
        if tally.supports:
            supports_map = render_departement_map(
                {b.key: b.supports for b in tally.by_departement if b.key != "—"},
                title="Soutiens par département",
                unit="soutiens",
                caption=f"{tally.supports} soutiens de {tally.voters} collectivités",
            )
    except DomainError:
        hidden = True
    decisions = {d.proposal_id: d for d in await selection.decisions(actor, consultation.id)}
    progress = await deployment.progress_of(d for d, v in decisions.items() if v.decision == "selected")
    return {
        "consultation": consultation,
        "proposals": proposals,
        "counts": counts,
        "votes_hidden": hidden,
        "supports_map": supports_map,
        "decisions": decisions,
        "progress": progress,
        "decision_labels": DECISION_LABELS,
        "role_labels": ROLE_LABELS,
    }


class ConsultationPages(Controller):
    include_in_schema = False

    @get("/consultations", opt=PUBLIC)
    async def index(
        self, request: Request[Any, Any, Any], consultations: NamedDependency[ConsultationService]
    ) -> Template:
        return page(
            request,
            "pages/consultations/index.html",
            consultations=await consultations.list(actor_of(request)),
        )

    @get("/consultations/{slug:str}", opt=PUBLIC)
    async def detail(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        consultations: NamedDependency[ConsultationService],
        regroupement: NamedDependency[RegroupementService],
        results: NamedDependency[ResultsService],
        selection: NamedDependency[SelectionService],
        deployment: NamedDependency[DeploymentService],
    ) -> Template:
        consultation = await consultations.get_by_slug(slug, actor_of(request))
        board = await public_board(consultation, request, regroupement, results, selection, deployment)
        return page(request, "pages/consultations/detail.html", **board)

    @get("/consultations/{slug:str}/contribuer", guards=[requires(Scope.CatalogueNeedsWrite)])
    async def contribute_form(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        consultations: NamedDependency[ConsultationService],
        contributions: NamedDependency[ContributionService],
    ) -> Template:
        actor = actor_of(request)
        consultation = await consultations.get_by_slug(slug, actor)
        return page(
            request,
            "pages/consultations/contribute.html",
            consultation=consultation,
            form=ContributionForm(),
            errors={},
            error=None,
            mine=await contributions.mine(actor, consultation.id),
            thematiques=THEMATIQUES,
            licences=sorted(OPEN_LICENCES),
            kinds=CONTRIBUTION_KIND_LABELS,
        )

    @post("/consultations/{slug:str}/contribuer", guards=[requires(Scope.CatalogueNeedsWrite)])
    async def contribute(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        data: URLEncodedBody[ContributionForm],
        consultations: NamedDependency[ConsultationService],
        contributions: NamedDependency[ContributionService],
    ) -> Template | Redirect:
        actor = actor_of(request)
        consultation = await consultations.get_by_slug(slug, actor)
        try:
            kind = data.kind if data.kind in CONTRIBUTION_KIND_LABELS else "besoin"
            payload = ContributionCreate(
                collectivite_siren=data.collectivite_siren,
                kind=kind,  # type: ignore[arg-type]
                title=data.title.strip(),
                body=data.body.strip() or " ",
                thematique=data.thematique,
                service_url=data.service_url.strip(),
                repository_url=data.repository_url.strip(),
                licence=data.licence.strip(),
                on_behalf_of=data.on_behalf_of.replace(",", " ").split(),
            )
            if len(payload.title) < 3 or not payload.body.strip():
                raise DomainError("Le titre (3 caractères au moins) et la description sont obligatoires.")
            await contributions.submit(actor, consultation.id, payload)
        except DomainError as exc:
            return page(
                request,
                "pages/consultations/contribute.html",
                status_code=exc.status if exc.status != 400 else 422,
                consultation=consultation,
                form=data,
                errors={e.field: e.message for e in exc.errors},
                error=exc.detail,
                mine=await contributions.mine(actor, consultation.id),
                thematiques=THEMATIQUES,
                licences=sorted(OPEN_LICENCES),
                kinds=CONTRIBUTION_KIND_LABELS,
            )
        flash(request, "Votre contribution est déposée. Vous suivrez ici ce qu'elle devient.")
        return Redirect(f"/consultations/{slug}/contribuer", status_code=303)

    async def _vote(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        desk: Desk,
        siren: str | None,
        *,
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        """The vote page for the collectivité ``siren`` (else the actor's first). A collectivité the
        actor holds no mandate for, or a mistyped SIREN, gets the page with a French explanation and
        no ballot, never a bare error page."""
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        voter = acting_siren(actor, siren)
        ballot = None
        if voter:
            try:
                ballot = await desk.supports.ballot(actor, consultation.id, voter)
            except (Forbidden, InvalidInput) as exc:
                refused, message = refusal(exc)
                error = error or message
                status_code = status_code if status_code >= 400 else refused
        board = await public_board(
            consultation, request, desk.regroupement, desk.results, desk.selection, desk.deployment
        )
        return page(
            request,
            "pages/consultations/vote.html",
            status_code=status_code,
            ballot=ballot,
            mandates=collectivite_mandates(actor),
            voter=ballot.voter_siren if ballot else None,
            siren=ballot.voter_siren if ballot else None,
            errors=errors or {},
            error=error,
            **board,
        )

    @get("/consultations/{slug:str}/voter", guards=VOTER, dependencies=DESK)
    async def vote_page(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        desk: NamedDependency[Desk],
        siren: FromQuery[str | None] = None,
    ) -> Template:
        return await self._vote(request, slug, desk, siren)

    @post("/consultations/{slug:str}/voter/{proposal_id:int}/{action:str}", guards=VOTER, dependencies=DESK)
    async def cast(
        self,
        request: Request[Any, Any, Any],
        slug: FromPath[str],
        proposal_id: FromPath[int],
        action: FromPath[str],
        data: URLEncodedBody[VoteForm],
        desk: NamedDependency[Desk],
    ) -> Template | Redirect:
        """``soutenir`` or ``retirer`` a support, for the collectivité chosen on the page (the actor's
        only one when the form names none). The proposal must belong to the consultation of the URL."""
        actor = actor_of(request)
        consultation = await desk.consultations.get_by_slug(slug, actor)
        voter = acting_siren(actor, data.siren)
        try:
            if action not in VOTE_ACTIONS:
                raise NotFound("Action inconnue.", code="not_found")
            if voter is None:
                raise Forbidden(NO_MANDATE, code="no_collectivite_mandate")
            if action == "soutenir":
                await desk.supports.support(actor, proposal_id, voter, consultation_id=consultation.id)
                flash(request, "Soutien enregistré.")
            else:
                await desk.supports.withdraw(actor, proposal_id, voter, consultation_id=consultation.id)
                flash(request, "Soutien retiré.", "info")
        except DomainError as exc:
            status, message = refusal(exc)
            return await self._vote(
                request,
                slug,
                desk,
                voter,
                errors={f"vote-{proposal_id}": message},
                error=message,
                status_code=status,
            )
        return Redirect(f"/consultations/{slug}/voter?siren={voter}", status_code=303)
