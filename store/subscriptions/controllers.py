"""Thin HTTP layer over SubscriptionService. Every write takes an ``Idempotency-Key`` header: a
subscription commits the collectivité to pay, and each transition moves what it is billed."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from store.kit.auth import AUTHENTICATED, Scope, actor_of, requires
from store.subscriptions.schemas import (
    ChangePlanIn,
    HistoryEntry,
    PublisherSubscribers,
    ReasonIn,
    SubscriptionRequest,
    SubscriptionView,
)
from store.subscriptions.service import SubscriptionService

IdempotencyKeyHeader = Annotated[
    str,
    HeaderParameter(name="Idempotency-Key", min_length=8, max_length=200, description="Clé d'idempotence"),
]
ONE = "/{subscription_id:str}"


class SubscriptionController(Controller):
    path = "/api/v1/subscriptions"
    tags = ["Abonnements"]

    @get("/", guards=[requires(Scope.SubscriptionsWrite)], operation_id="ListSubscriptions")
    async def list_subscriptions(
        self,
        request: Request[Any, Any, Any],
        subscriptions: NamedDependency[SubscriptionService],
        collectivite: FromQuery[str | None] = None,
    ) -> list[SubscriptionView]:
        """Les abonnements de ses collectivités (souscrits ou reçus) ; tous pour un curateur."""
        return await subscriptions.list(actor_of(request), collectivite=collectivite)

    @post(
        "/",
        guards=[requires(Scope.SubscriptionsWrite)],
        status_code=HTTP_201_CREATED,
        operation_id="RequestSubscription",
    )
    async def request_subscription(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[SubscriptionRequest],
        idempotency_key: IdempotencyKeyHeader,
        subscriptions: NamedDependency[SubscriptionService],
    ) -> SubscriptionView:
        """Demande un abonnement : l'éligibilité est vérifiée aussitôt ; l'abonnement attend ensuite
        la signature d'un signataire habilité, ou est refusé avec son motif."""
        return await subscriptions.request(actor_of(request), data, key=idempotency_key)

    @get(ONE, guards=[AUTHENTICATED], operation_id="GetSubscription")
    async def get_subscription(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        subscriptions: NamedDependency[SubscriptionService],
    ) -> SubscriptionView:
        """Un abonnement : pour sa collectivité, les communes couvertes, l'éditeur, les curateurs."""
        return await subscriptions.get(actor_of(request), subscription_id)

    @get(ONE + "/history", guards=[AUTHENTICATED], operation_id="GetSubscriptionHistory")
    async def history(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        subscriptions: NamedDependency[SubscriptionService],
    ) -> list[HistoryEntry]:
        """L'historique de l'abonnement : chaque décision, son auteur, sa date et son motif."""
        return list(await subscriptions.history(actor_of(request), subscription_id))

    @post(
        ONE + "/sign",
        guards=[requires(Scope.SubscriptionsWrite)],
        status_code=HTTP_200_OK,
        operation_id="SignSubscription",
    )
    async def sign(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        idempotency_key: IdempotencyKeyHeader,
        subscriptions: NamedDependency[SubscriptionService],
    ) -> SubscriptionView:
        """Signe l'abonnement (signataire habilité) : il devient actif et le service est déployé."""
        return await subscriptions.sign(actor_of(request), subscription_id, key=idempotency_key)

    @post(
        ONE + "/change-plan",
        guards=[requires(Scope.SubscriptionsWrite)],
        status_code=HTTP_200_OK,
        operation_id="ChangeSubscriptionPlan",
    )
    async def change_plan(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        data: JSONBody[ChangePlanIn],
        idempotency_key: IdempotencyKeyHeader,
        subscriptions: NamedDependency[SubscriptionService],
    ) -> SubscriptionView:
        """Change d'offre dès aujourd'hui ; la facturation est calculée au prorata des jours."""
        return await subscriptions.change_plan(actor_of(request), subscription_id, data, key=idempotency_key)

    @post(ONE + "/reject", guards=[AUTHENTICATED], status_code=HTTP_200_OK, operation_id="RejectSubscription")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        data: JSONBody[ReasonIn],
        idempotency_key: IdempotencyKeyHeader,
        subscriptions: NamedDependency[SubscriptionService],
    ) -> SubscriptionView:
        """Refuse une demande (signataire de la collectivité ou curateur), avec un motif."""
        return await subscriptions.reject(
            actor_of(request), subscription_id, data.reason, key=idempotency_key
        )

    @post(
        ONE + "/suspend", guards=[AUTHENTICATED], status_code=HTTP_200_OK, operation_id="SuspendSubscription"
    )
    async def suspend(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        data: JSONBody[ReasonIn],
        idempotency_key: IdempotencyKeyHeader,
        subscriptions: NamedDependency[SubscriptionService],
    ) -> SubscriptionView:
        """Suspend l'abonnement : le service est retiré (données conservées) et n'est plus facturé."""
        return await subscriptions.suspend(
            actor_of(request), subscription_id, data.reason, key=idempotency_key
        )

    @post(ONE + "/resume", guards=[AUTHENTICATED], status_code=HTTP_200_OK, operation_id="ResumeSubscription")
    async def resume(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        idempotency_key: IdempotencyKeyHeader,
        subscriptions: NamedDependency[SubscriptionService],
    ) -> SubscriptionView:
        """Rétablit un abonnement suspendu : le service est redéployé."""
        return await subscriptions.resume(actor_of(request), subscription_id, key=idempotency_key)

    @post(
        ONE + "/terminate",
        guards=[AUTHENTICATED],
        status_code=HTTP_200_OK,
        operation_id="TerminateSubscription",
    )
    async def terminate(
        self,
        request: Request[Any, Any, Any],
        subscription_id: FromPath[str],
        data: JSONBody[ReasonIn],
        idempotency_key: IdempotencyKeyHeader,
        subscriptions: NamedDependency[SubscriptionService],
    ) -> SubscriptionView:
        """Résilie l'abonnement : le service est retiré, ses données restent exportables."""
        return await subscriptions.terminate(
            actor_of(request), subscription_id, data.reason, key=idempotency_key
        )

    @get(
        "/publishers/{publisher_siren:str}",
        guards=[requires(Scope.BillingRevenueRead)],
        operation_id="ListPublisherSubscribers",
    )
    async def subscribers(
        self,
        request: Request[Any, Any, Any],
        publisher_siren: FromPath[str],
        subscriptions: NamedDependency[SubscriptionService],
    ) -> PublisherSubscribers:
        """Les abonnés d'un éditeur et son revenu récurrent annuel HT (abonnements actifs)."""
        return await subscriptions.subscribers(actor_of(request), publisher_siren)
