"""Builds the subscriptions services from the app's other services (used by ``create_app``)."""

from __future__ import annotations

from typing import Any

from litestar.types import ControllerRouterHandler

from store.kit.uow import UnitOfWorkFactory
from store.subscriptions.charges import ChargeProducer
from store.subscriptions.controllers import SubscriptionController
from store.subscriptions.provisioning import Provisioner
from store.subscriptions.service import SubscriptionService


def build_subscription_services(uow: UnitOfWorkFactory, services: dict[str, Any]) -> dict[str, Any]:
    """``services`` must hold ``plugin_deployments`` (the plugins runtime's deployment service) and
    ``billing``; ``grant_finder`` (a ``GrantFinder``), when present, names the grants of charges.
    The charge producer joins the billing run's sources, so a run includes the subscriptions."""
    charges = ChargeProducer(grants=services.get("grant_finder"))
    services["billing"].charge_sources.append(charges.source)
    return {
        "subscriptions": SubscriptionService(uow, Provisioner(services["plugin_deployments"])),
        "subscription_charges": charges,
    }


def subscription_route_handlers() -> list[ControllerRouterHandler]:
    return [SubscriptionController]
