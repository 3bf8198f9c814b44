"""Thin HTTP layer: /api/v1/consultations — schedule, contributions, regroupement, exports."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from catalogue.needs.csv import csv_response
from catalogue.needs.schemas import (
    AttachRequest,
    ConsultationCreate,
    ConsultationUpdate,
    ConsultationView,
    ContributionCreate,
    ContributionUpdate,
    ContributionView,
    MergeRequest,
    OutcomeRequest,
    PhaseUpdate,
    ProposalUpdate,
    ProposalView,
    SplitRequest,
)
from catalogue.needs.service import ConsultationService, ContributionService, RegroupementService
from store.kit.auth import PUBLIC, Scope, actor_of, requires
from store.kit.errors import NotFound

CURATOR = [requires(Scope.AdminConsultationsWrite)]
CONTRIBUTOR = [requires(Scope.CatalogueNeedsWrite)]


class ConsultationController(Controller):
    path = "/api/v1/consultations"
    tags = ["Consultations"]

    @get("/", opt=PUBLIC, operation_id="ListConsultations")
    async def list_consultations(
        self, request: Request[Any, Any, Any], consultations: NamedDependency[ConsultationService]
    ) -> list[ConsultationView]:
        """Les consultations ouvertes (les brouillons aussi pour les curateurs)."""
        return await consultations.list(actor_of(request))

    @get("/{consultation_id:int}", opt=PUBLIC, operation_id="GetConsultation")
    async def get_consultation(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        consultations: NamedDependency[ConsultationService],
    ) -> ConsultationView:
        """Une consultation, ses phases datées et ce que la phase active permet."""
        return await consultations.get(consultation_id, actor_of(request))

    @post("/", guards=CURATOR, operation_id="CreateConsultation")
    async def create(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ConsultationCreate],
        consultations: NamedDependency[ConsultationService],
    ) -> ConsultationView:
        """Crée une consultation (brouillon) et ses sept phases contiguës."""
        return await consultations.create(actor_of(request), data)

    @patch("/{consultation_id:int}", guards=CURATOR, operation_id="UpdateConsultation")
    async def update(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        data: JSONBody[ConsultationUpdate],
        consultations: NamedDependency[ConsultationService],
    ) -> ConsultationView:
        """Modifie les réglages (limite de votes, seuil, enveloppe…)."""
        return await consultations.update(actor_of(request), consultation_id, data)

    @post(
        "/{consultation_id:int}/publish",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="PublishConsultation",
    )
    async def publish(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        consultations: NamedDependency[ConsultationService],
    ) -> ConsultationView:
        """Ouvre la consultation : elle devient publique et la collecte devient la phase active."""
        return await consultations.publish(actor_of(request), consultation_id)

    @post(
        "/{consultation_id:int}/phases/{kind:str}/activate",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="ActivatePhase",
    )
    async def activate(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        kind: FromPath[str],
        consultations: NamedDependency[ConsultationService],
    ) -> ConsultationView:
        """Passe à la phase suivante maintenant (la phase en cours finit à cet instant)."""
        return await consultations.advance(actor_of(request), consultation_id, kind)

    @patch("/{consultation_id:int}/phases/{kind:str}", guards=CURATOR, operation_id="UpdatePhase")
    async def update_phase(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        kind: FromPath[str],
        data: JSONBody[PhaseUpdate],
        consultations: NamedDependency[ConsultationService],
    ) -> ConsultationView:
        """Déplace la fin d'une phase (le début de la suivante suit) ou change ce qu'elle permet."""
        return await consultations.update_phase(actor_of(request), consultation_id, kind, data)

    # Proposals ---------------------------------------------------------------------------------

    @get("/{consultation_id:int}/proposals", opt=PUBLIC, operation_id="ListProposals")
    async def proposals(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        regroupement: NamedDependency[RegroupementService],
    ) -> list[ProposalView]:
        """Les propositions publiées, avec les collectivités qui y ont contribué."""
        return await regroupement.proposals(consultation_id, actor_of(request))

    @get("/{consultation_id:int}/proposals/{proposal_id:int}", opt=PUBLIC, operation_id="GetProposal")
    async def proposal(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        regroupement: NamedDependency[RegroupementService],
    ) -> ProposalView:
        """Une proposition."""
        view = await regroupement.proposal(proposal_id, actor_of(request))
        return _same_consultation(view, consultation_id)

    @post("/{consultation_id:int}/proposals", guards=CURATOR, operation_id="MergeContributions")
    async def merge(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        data: JSONBody[MergeRequest],
        regroupement: NamedDependency[RegroupementService],
    ) -> ProposalView:
        """Regroupe des contributions déposées en une nouvelle proposition."""
        return await regroupement.merge(actor_of(request), consultation_id, data)

    @post(
        "/{consultation_id:int}/proposals/{proposal_id:int}/contributions",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="AttachContributions",
    )
    async def attach(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        data: JSONBody[AttachRequest],
        regroupement: NamedDependency[RegroupementService],
    ) -> ProposalView:
        """Fusionne d'autres contributions dans une proposition existante."""
        await _proposal_in(regroupement, proposal_id, consultation_id, request)
        return await regroupement.attach(actor_of(request), proposal_id, data)

    @patch(
        "/{consultation_id:int}/proposals/{proposal_id:int}", guards=CURATOR, operation_id="UpdateProposal"
    )
    async def update_proposal(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        proposal_id: FromPath[int],
        data: JSONBody[ProposalUpdate],
        regroupement: NamedDependency[RegroupementService],
    ) -> ProposalView:
        """Modifie ou retire une proposition."""
        await _proposal_in(regroupement, proposal_id, consultation_id, request)
        return await regroupement.update_proposal(actor_of(request), proposal_id, data)

    # Contributions -----------------------------------------------------------------------------

    @post("/{consultation_id:int}/contributions", guards=CONTRIBUTOR, operation_id="SubmitContribution")
    async def submit(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        data: JSONBody[ContributionCreate],
        contributions: NamedDependency[ContributionService],
    ) -> ContributionView:
        """Dépose un besoin ou un service existant, au nom d'une collectivité dont on a le mandat."""
        return await contributions.submit(actor_of(request), consultation_id, data)

    @get("/{consultation_id:int}/contributions/mine", guards=CONTRIBUTOR, operation_id="MyContributions")
    async def mine(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        contributions: NamedDependency[ContributionService],
    ) -> list[ContributionView]:
        """Les contributions de mes collectivités (ou faites en leur nom) et ce qu'elles sont devenues."""
        return await contributions.mine(actor_of(request), consultation_id)

    @get("/{consultation_id:int}/contributions", guards=CURATOR, operation_id="ListContributions")
    async def all_contributions(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        contributions: NamedDependency[ContributionService],
        etat: FromQuery[str | None] = None,
    ) -> list[ContributionView]:
        """Toutes les contributions déposées (curateurs), filtrables par état."""
        return await contributions.all(actor_of(request), consultation_id, etat)

    @patch(
        "/{consultation_id:int}/contributions/{contribution_id:int}",
        guards=CONTRIBUTOR,
        operation_id="UpdateContribution",
    )
    async def update_contribution(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        contribution_id: FromPath[int],
        data: JSONBody[ContributionUpdate],
        contributions: NamedDependency[ContributionService],
    ) -> ContributionView:
        """Modifie un brouillon de sa collectivité."""
        actor = actor_of(request)
        _same(await contributions.get(actor, contribution_id), consultation_id)  # before writing
        return await contributions.update(actor, contribution_id, data)

    @post(
        "/{consultation_id:int}/contributions/{contribution_id:int}/publish",
        guards=CONTRIBUTOR,
        status_code=HTTP_200_OK,
        operation_id="PublishContribution",
    )
    async def publish_contribution(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        contribution_id: FromPath[int],
        contributions: NamedDependency[ContributionService],
    ) -> ContributionView:
        """Dépose un brouillon."""
        actor = actor_of(request)
        _same(await contributions.get(actor, contribution_id), consultation_id)  # before writing
        return await contributions.publish(actor, contribution_id)

    @post(
        "/{consultation_id:int}/contributions/{contribution_id:int}/split",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="SplitContribution",
    )
    async def split(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        contribution_id: FromPath[int],
        data: JSONBody[SplitRequest],
        regroupement: NamedDependency[RegroupementService],
    ) -> list[ProposalView]:
        """Répartit une contribution entre plusieurs propositions (existantes ou nouvelles)."""
        return await regroupement.split(
            actor_of(request), contribution_id, data, consultation_id=consultation_id
        )

    @post(
        "/{consultation_id:int}/contributions/{contribution_id:int}/reorient",
        guards=CURATOR,
        status_code=HTTP_204_NO_CONTENT,
        operation_id="ReorientContribution",
    )
    async def reorient(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        contribution_id: FromPath[int],
        data: JSONBody[OutcomeRequest],
        regroupement: NamedDependency[RegroupementService],
    ) -> None:
        """Réoriente une contribution vers un autre dispositif, avec un message au contributeur."""
        await regroupement.reorient(
            actor_of(request), contribution_id, data.message, consultation_id=consultation_id
        )

    @post(
        "/{consultation_id:int}/contributions/{contribution_id:int}/reject",
        guards=CURATOR,
        status_code=HTTP_204_NO_CONTENT,
        operation_id="RejectContribution",
    )
    async def reject(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        contribution_id: FromPath[int],
        data: JSONBody[OutcomeRequest],
        regroupement: NamedDependency[RegroupementService],
    ) -> None:
        """Écarte une contribution, avec la raison montrée au contributeur."""
        await regroupement.reject(
            actor_of(request), contribution_id, data.message, consultation_id=consultation_id
        )

    # Exports -----------------------------------------------------------------------------------

    @get(
        "/{consultation_id:int}/exports/contributions.csv", guards=CURATOR, operation_id="ExportContributions"
    )
    async def export_contributions(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        contributions: NamedDependency[ContributionService],
    ) -> Response[bytes]:
        """Les contributions, en CSV."""
        rows = await contributions.all(actor_of(request), consultation_id)
        return csv_response(
            f"contributions-{consultation_id}.csv",
            [
                "id",
                "type",
                "siren",
                "collectivite",
                "au_nom_de",
                "titre",
                "thematique",
                "etat",
                "message",
                "propositions",
                "deposee_le",
            ],
            [
                [
                    c.id,
                    c.kind,
                    c.collectivite.siren,
                    c.collectivite.name,
                    " ".join(b.siren for b in c.on_behalf_of),
                    c.title,
                    c.thematique,
                    c.state,
                    c.outcome_message,
                    " ".join(str(p.id) for p in c.proposals),
                    c.published_at.isoformat() if c.published_at else "",
                ]
                for c in rows
            ],
        )

    @get("/{consultation_id:int}/exports/proposals.csv", guards=CURATOR, operation_id="ExportProposals")
    async def export_proposals(
        self,
        request: Request[Any, Any, Any],
        consultation_id: FromPath[int],
        regroupement: NamedDependency[RegroupementService],
    ) -> Response[bytes]:
        """Les propositions, en CSV."""
        rows = await regroupement.proposals(consultation_id, actor_of(request))
        return csv_response(
            f"propositions-{consultation_id}.csv",
            ["id", "titre", "thematique", "type", "etat", "contributions", "collectivites"],
            [
                [
                    p.id,
                    p.title,
                    p.thematique,
                    p.kind,
                    p.state,
                    p.source_count,
                    "; ".join(p.source_collectivites),
                ]
                for p in rows
            ],
        )


def _same(view: ContributionView, consultation_id: int) -> ContributionView:
    if view.consultation_id != consultation_id:
        raise NotFound("Contribution introuvable dans cette consultation.", code="contribution_not_found")
    return view


def _same_consultation(view: ProposalView, consultation_id: int) -> ProposalView:
    if view.consultation_id != consultation_id:
        raise NotFound("Proposition introuvable dans cette consultation.", code="proposal_not_found")
    return view


async def _proposal_in(
    regroupement: RegroupementService, proposal_id: int, consultation_id: int, request: Request[Any, Any, Any]
) -> None:
    _same_consultation(await regroupement.proposal(proposal_id, actor_of(request)), consultation_id)
