"""Thin HTTP layer: supports, results, decisions, positionings, deployment, and their exports."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from catalogue.votes.schemas import (
    BallotView,
    ConsultationResults,
    DecisionRequest,
    DecisionView,
    InterestRequest,
    InterestView,
    MilestoneRequest,
    MilestoneUpdate,
    PilotView,
    ProgressView,
    ReviewRequest,
    SupportRequest,
)
from catalogue.votes.service import (
    DeploymentService,
    InterestService,
    ResultsService,
    SelectionService,
    SupportService,
)
from store.kit.auth import PUBLIC, Scope, actor_of, requires
from store.kit.errors import NotFound

CURATOR = [requires(Scope.AdminConsultationsWrite)]
VOTER = [requires(Scope.CatalogueVotesWrite)]
INTEREST = [requires(Scope.CatalogueInterestWrite)]
BASE = "/{consultation_id:int}/proposals/{proposal_id:int}"


class VotesController(Controller):
    path = "/api/v1/consultations"
    tags = ["Votes et sélection"]

    # Supports ----------------------------------------------------------------------------------

    @get("/{consultation_id:int}/ballot", guards=VOTER, operation_id="GetBallot")
    async def ballot(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        siren: FromQuery[str],
        supports: NamedDependency[SupportService],
    ) -> BallotView:
        """Les soutiens d'une de mes collectivités et ce qu'il lui en reste."""
        return await supports.ballot(actor_of(request), consultation_id, siren)

    @post(BASE + "/supports", guards=VOTER, operation_id="SupportProposal")
    async def support(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        data: JSONBody[SupportRequest],
        supports: NamedDependency[SupportService],
    ) -> BallotView:
        """Soutient une proposition au nom d'une collectivité (une fois, dans la limite fixée)."""
        return await supports.support(
            actor_of(request), proposal_id, data.voter_siren, consultation_id=consultation_id
        )

    @delete(
        BASE + "/supports/{voter_siren:str}",
        guards=VOTER,
        status_code=HTTP_200_OK,
        operation_id="WithdrawSupport",
    )
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        voter_siren: FromPath[str],
        supports: NamedDependency[SupportService],
    ) -> BallotView:
        """Retire le soutien d'une collectivité, tant que le vote est ouvert."""
        return await supports.withdraw(
            actor_of(request), proposal_id, voter_siren, consultation_id=consultation_id
        )

    @get("/{consultation_id:int}/results", opt=PUBLIC, operation_id="GetResults")
    async def results(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        results: NamedDependency[ResultsService],
    ) -> ConsultationResults:
        """Soutiens et population couverte (dédoublonnée), par proposition, département et type."""
        return await results.results(actor_of(request), consultation_id)

    # Selection ---------------------------------------------------------------------------------

    @get("/{consultation_id:int}/decisions", opt=PUBLIC, operation_id="ListDecisions")
    async def decisions(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        selection: NamedDependency[SelectionService],
    ) -> list[DecisionView]:
        """Les décisions du comité de sélection."""
        return await selection.decisions(actor_of(request), consultation_id)

    @post(BASE + "/decision", guards=CURATOR, status_code=HTTP_200_OK, operation_id="DecideProposal")
    async def decide(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        data: JSONBody[DecisionRequest],
        selection: NamedDependency[SelectionService],
    ) -> DecisionView:
        """Enregistre la décision du comité (retenue, non retenue, reportée) et son financement."""
        await _in(selection, proposal_id, consultation_id, request)
        return await selection.decide(actor_of(request), proposal_id, data)

    # Positionnement ----------------------------------------------------------------------------

    @post(BASE + "/interests", guards=INTEREST, operation_id="DeclareInterest")
    async def declare(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        data: JSONBody[InterestRequest],
        interests: NamedDependency[InterestService],
    ) -> InterestView:
        """Se positionne sur un service retenu : référent, early adopter, co-financeur, observateur."""
        await _in(interests, proposal_id, consultation_id)
        return await interests.declare(actor_of(request), proposal_id, data)

    @get(BASE + "/pilots", opt=PUBLIC, operation_id="ListPilots")
    async def pilots(
        self,
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        interests: NamedDependency[InterestService],
    ) -> list[PilotView]:
        """Les collectivités dont le positionnement a été accepté."""
        await _in(interests, proposal_id, consultation_id)
        return await interests.pilots(proposal_id)

    @get("/{consultation_id:int}/interests/mine", guards=INTEREST, operation_id="MyInterests")
    async def my_interests(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        interests: NamedDependency[InterestService],
    ) -> list[InterestView]:
        """Les positionnements de mes collectivités."""
        return await interests.mine(actor_of(request), consultation_id)

    @get("/{consultation_id:int}/interests", guards=CURATOR, operation_id="ListInterests")
    async def all_interests(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        interests: NamedDependency[InterestService],
    ) -> list[InterestView]:
        """Tous les positionnements (curateurs)."""
        return await interests.all(actor_of(request), consultation_id)

    @post(
        "/{consultation_id:int}/interests/{interest_id:int}/review",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="ReviewInterest",
    )
    async def review(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        interest_id: FromPath[int],
        data: JSONBody[ReviewRequest],
        interests: NamedDependency[InterestService],
    ) -> InterestView:
        """Accepte ou décline un positionnement (les territoires référents sont plafonnés par service)."""
        return await interests.review(actor_of(request), interest_id, data, consultation_id=consultation_id)

    @post(
        "/{consultation_id:int}/interests/{interest_id:int}/withdraw",
        guards=INTEREST,
        status_code=HTTP_200_OK,
        operation_id="WithdrawInterest",
    )
    async def withdraw_interest(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        interest_id: FromPath[int],
        interests: NamedDependency[InterestService],
    ) -> InterestView:
        """Retire un positionnement de ma collectivité."""
        return await interests.withdraw(actor_of(request), interest_id, consultation_id=consultation_id)

    # Deployment --------------------------------------------------------------------------------

    @get(BASE + "/progress", opt=PUBLIC, operation_id="GetProgress")
    async def progress(
        self,
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        deployment: NamedDependency[DeploymentService],
    ) -> ProgressView:
        """L'avancement d'un projet retenu : jalons pondérés et pourcentage."""
        await _in(deployment, proposal_id, consultation_id)
        return await deployment.progress(proposal_id)

    @post(BASE + "/milestones", guards=CURATOR, operation_id="AddMilestone")
    async def add_milestone(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        data: JSONBody[MilestoneRequest],
        deployment: NamedDependency[DeploymentService],
    ) -> ProgressView:
        """Ajoute un jalon au déploiement d'un projet retenu."""
        await _in(deployment, proposal_id, consultation_id, request)
        return await deployment.add(actor_of(request), proposal_id, data)

    @patch(
        "/{consultation_id:int}/milestones/{milestone_id:int}", guards=CURATOR, operation_id="UpdateMilestone"
    )
    async def update_milestone(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        milestone_id: FromPath[int],
        data: JSONBody[MilestoneUpdate],
        deployment: NamedDependency[DeploymentService],
    ) -> ProgressView:
        """Met à jour un jalon (avancement, poids, titre)."""
        return await deployment.update(actor_of(request), milestone_id, data, consultation_id=consultation_id)


async def _in(
    service: Any, proposal_id: int, consultation_id: int, request: Request[Any, Any, Any] | None = None
) -> None:
    """A proposal addressed under another consultation's path does not exist there."""
    facts = await service.directory.proposal_facts(proposal_id)
    if facts is None or facts.consultation.consultation_id != consultation_id:
        raise NotFound("Proposition introuvable dans cette consultation.", code="proposal_not_found")
