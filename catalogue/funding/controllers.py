"""Thin HTTP layer over FundingService (/api/v1/funding). Curators manage envelopes, calls and
awards (money-moving POSTs take an ``Idempotency-Key``); collectivités apply and read their own
applications; calls are public."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from catalogue.funding.csv import (
    applications_csv,
    csv_response,
    departements_csv,
    envelopes_csv,
    listing_grants_csv,
    reservations_csv,
)
from catalogue.funding.schemas import (
    AmountIn,
    ApplicationIn,
    ApplicationView,
    AwardIn,
    CallIn,
    CallView,
    DeclineIn,
    DepartementRow,
    EnvelopeIn,
    EnvelopeRow,
    ListingGrantIn,
    ListingGrantView,
    PaymentIn,
    PaymentView,
    ReservationCommitIn,
    ReservationView,
    ReviewIn,
)
from catalogue.funding.service import FundingService
from store.kit.auth import PUBLIC, Scope, actor_of, require_curator, requires

IdempotencyKey = Annotated[
    str,
    HeaderParameter(name="Idempotency-Key", min_length=8, max_length=200, description="Clé d'idempotence"),
]
CURATOR = [requires(Scope.AdminFundingWrite)]
APPLICANT = [requires(Scope.FundingApplicationsWrite)]


class FundingController(Controller):
    path = "/api/v1/funding"
    tags = ["Financements"]

    @get("/envelopes", guards=CURATOR, operation_id="ListEnvelopes")
    async def envelopes(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> list[EnvelopeRow]:
        """L'arbre des enveloppes : alloué, réservé, engagé, consommé, disponible (en centimes)."""
        require_curator(actor_of(request))
        return await funding.tree()

    @get("/envelopes.csv", guards=CURATOR, operation_id="ExportEnvelopes")
    async def envelopes_csv(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> Response[bytes]:
        """L'arbre des enveloppes en CSV."""
        require_curator(actor_of(request))
        return csv_response("enveloppes.csv", envelopes_csv(await funding.tree()))

    @post("/envelopes", guards=CURATOR, status_code=HTTP_201_CREATED, operation_id="CreateEnvelope")
    async def create_envelope(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[EnvelopeIn],
        funding: NamedDependency[FundingService],
    ) -> EnvelopeRow:
        """Crée un plan, un axe, un guichet départemental ou une part d'enveloppe."""
        return await funding.create_envelope(actor_of(request), data)

    @post("/envelopes/{code:str}/fund", guards=CURATOR, status_code=HTTP_200_OK, operation_id="FundEnvelope")
    async def fund(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        data: JSONBody[AmountIn],
        idempotency_key: IdempotencyKey,
        funding: NamedDependency[FundingService],
    ) -> EnvelopeRow:
        """Crédite un plan depuis son programme budgétaire."""
        return await funding.fund(actor_of(request), code, data, key=idempotency_key)

    @post(
        "/envelopes/{code:str}/allocations",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="AllocateEnvelope",
    )
    async def allocate(
        self,
        request: Request[Any, Any, Any],
        code: FromPath[str],
        data: JSONBody[AmountIn],
        idempotency_key: IdempotencyKey,
        funding: NamedDependency[FundingService],
    ) -> EnvelopeRow:
        """Dote une enveloppe depuis son enveloppe parente, dans la limite du disponible de celle-ci."""
        return await funding.allocate(actor_of(request), code, data, key=idempotency_key)

    @get("/departements", guards=CURATOR, operation_id="FundingPerDepartement")
    async def departements(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> list[DepartementRow]:
        """Les montants par département : guichets et sommes attribuées aux porteurs du département."""
        return await funding.per_departement(actor_of(request))

    @get("/departements.csv", guards=CURATOR, operation_id="ExportFundingPerDepartement")
    async def departements_csv(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> Response[bytes]:
        """Les montants par département en CSV."""
        return csv_response(
            "financements-departements.csv",
            departements_csv(await funding.per_departement(actor_of(request))),
        )

    @post("/calls", guards=CURATOR, status_code=HTTP_201_CREATED, operation_id="CreateCall")
    async def create_call(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[CallIn],
        funding: NamedDependency[FundingService],
    ) -> CallView:
        """Ouvre un appel à projets : fenêtre, taux maximal, publics visés, règles d'éligibilité."""
        return await funding.create_call(actor_of(request), data)

    @get("/calls/{call_id:int}/applications", guards=CURATOR, operation_id="ListCallApplications")
    async def call_applications(
        self,
        request: Request[Any, Any, Any],
        call_id: FromPath[int],
        funding: NamedDependency[FundingService],
    ) -> list[ApplicationView]:
        """Les candidatures d'un appel, avec leur éligibilité motivée."""
        return await funding.call_applications(actor_of(request), call_id)

    @get("/calls/{call_id:int}/applications.csv", guards=CURATOR, operation_id="ExportCallApplications")
    async def call_applications_csv(
        self,
        request: Request[Any, Any, Any],
        call_id: FromPath[int],
        funding: NamedDependency[FundingService],
    ) -> Response[bytes]:
        """Les candidatures d'un appel en CSV."""
        rows = await funding.call_applications(actor_of(request), call_id)
        return csv_response(f"candidatures-appel-{call_id}.csv", applications_csv(rows))

    @post(
        "/applications/{application_id:int}/eligibility",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="CheckEligibility",
    )
    async def check(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[int],
        funding: NamedDependency[FundingService],
    ) -> ApplicationView:
        """Vérifie l'éligibilité sur le référentiel et enregistre le verdict motivé."""
        return await funding.check_eligibility(actor_of(request), application_id)

    @post(
        "/applications/{application_id:int}/review",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="ReviewApplication",
    )
    async def review(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[int],
        data: JSONBody[ReviewIn],
        funding: NamedDependency[FundingService],
    ) -> ApplicationView:
        """Note d'instruction d'une candidature éligible."""
        return await funding.review(actor_of(request), application_id, data)

    @post(
        "/applications/{application_id:int}/award",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="AwardApplication",
    )
    async def award(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[int],
        data: JSONBody[AwardIn],
        idempotency_key: IdempotencyKey,
        funding: NamedDependency[FundingService],
    ) -> ApplicationView:
        """Attribue un financement : un engagement sur l'enveloppe de l'appel, refusé au-delà du reste."""
        return await funding.award(actor_of(request), application_id, data, key=idempotency_key)

    @post(
        "/applications/{application_id:int}/decline",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="DeclineApplication",
    )
    async def decline(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[int],
        data: JSONBody[DeclineIn],
        funding: NamedDependency[FundingService],
    ) -> ApplicationView:
        """Refuse une candidature en motivant le refus."""
        return await funding.decline(actor_of(request), application_id, data)

    @post(
        "/applications/{application_id:int}/payments",
        guards=CURATOR,
        status_code=HTTP_201_CREATED,
        operation_id="PayApplication",
    )
    async def pay(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[int],
        data: JSONBody[PaymentIn],
        idempotency_key: IdempotencyKey,
        funding: NamedDependency[FundingService],
    ) -> PaymentView:
        """Enregistre un versement au lauréat : il consomme l'engagement, jamais au-delà."""
        return await funding.pay(actor_of(request), application_id, data, key=idempotency_key)

    @get("/listing-grants", guards=CURATOR, operation_id="ListListingGrants")
    async def listing_grants(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> list[ListingGrantView]:
        """Les services offerts par l'État : cofinancement de tous les abonnements à un service."""
        return await funding.listing_grants(actor_of(request))

    @post("/listing-grants", guards=CURATOR, status_code=HTTP_201_CREATED, operation_id="CreateListingGrant")
    async def create_listing_grant(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[ListingGrantIn],
        idempotency_key: IdempotencyKey,
        funding: NamedDependency[FundingService],
    ) -> ListingGrantView:
        """Engage une enveloppe pour cofinancer chaque abonnement à un service, sur une période."""
        return await funding.create_listing_grant(actor_of(request), data, key=idempotency_key)

    @get("/reservations", guards=CURATOR, operation_id="ListReservations")
    async def reservations(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> list[ReservationView]:
        """Les réservations des projets retenus par la consultation."""
        return await funding.reservations(actor_of(request))

    @post(
        "/reservations/{reservation_id:int}/commit",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="CommitReservation",
    )
    async def commit_reservation(
        self,
        request: Request[Any, Any, Any],
        reservation_id: FromPath[int],
        data: JSONBody[ReservationCommitIn],
        idempotency_key: IdempotencyKey,
        funding: NamedDependency[FundingService],
    ) -> ReservationView:
        """Engage tout ou partie d'une réservation ; le reste revient à l'enveloppe."""
        return await funding.commit_reservation(actor_of(request), reservation_id, data, key=idempotency_key)

    @post(
        "/reservations/{reservation_id:int}/release",
        guards=CURATOR,
        status_code=HTTP_200_OK,
        operation_id="ReleaseReservation",
    )
    async def release_reservation(
        self,
        request: Request[Any, Any, Any],
        reservation_id: FromPath[int],
        idempotency_key: IdempotencyKey,
        funding: NamedDependency[FundingService],
    ) -> ReservationView:
        """Libère une réservation : son montant revient à l'enveloppe."""
        return await funding.release_reservation(actor_of(request), reservation_id, key=idempotency_key)

    @get("/reservations.csv", guards=CURATOR, operation_id="ExportReservations")
    async def reservations_csv(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> Response[bytes]:
        """Les réservations de la consultation en CSV."""
        return csv_response(
            "reservations.csv", reservations_csv(await funding.reservations(actor_of(request)))
        )

    @get("/listing-grants.csv", guards=CURATOR, operation_id="ExportListingGrants")
    async def listing_grants_csv(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> Response[bytes]:
        """Les services offerts par l'État en CSV."""
        rows = await funding.listing_grants(actor_of(request))
        return csv_response("services-offerts.csv", listing_grants_csv(rows))

    @get("/calls", opt=PUBLIC, operation_id="ListCalls")
    async def calls(self, funding: NamedDependency[FundingService]) -> list[CallView]:
        """Les appels à projets publiés, ouverts ou non."""
        return await funding.list_calls()

    @get("/calls/{call_id:int}", opt=PUBLIC, operation_id="GetCall")
    async def call(self, call_id: FromPath[int], funding: NamedDependency[FundingService]) -> CallView:
        """Un appel à projets et ses règles d'éligibilité."""
        return await funding.get_call(call_id)

    @post(
        "/calls/{call_id:int}/applications",
        guards=APPLICANT,
        status_code=HTTP_201_CREATED,
        operation_id="Apply",
    )
    async def apply(
        self,
        request: Request[Any, Any, Any],
        call_id: FromPath[int],
        data: JSONBody[ApplicationIn],
        funding: NamedDependency[FundingService],
    ) -> ApplicationView:
        """Candidature d'une collectivité (porteur, co-demandeurs, contact, budget, montant demandé)."""
        return await funding.apply(actor_of(request), call_id, data)

    @get("/applications", guards=APPLICANT, operation_id="MyApplications")
    async def mine(
        self, request: Request[Any, Any, Any], funding: NamedDependency[FundingService]
    ) -> list[ApplicationView]:
        """Les candidatures portées par mes collectivités, avec les motifs d'éligibilité."""
        return await funding.my_applications(actor_of(request))

    @get("/applications/{application_id:int}", guards=APPLICANT, operation_id="GetApplication")
    async def application(
        self,
        request: Request[Any, Any, Any],
        application_id: FromPath[int],
        funding: NamedDependency[FundingService],
    ) -> ApplicationView:
        """Une candidature : celles de mes collectivités, ou toutes pour un curateur."""
        return await funding.get_application(actor_of(request), application_id)


FUNDING_CONTROLLERS = (FundingController,)
