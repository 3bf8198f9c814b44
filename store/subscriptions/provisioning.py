"""Deploys a subscribed service for each covered collectivité through the plugins runtime.

The subscription service calls it after the activation (or resumption) has committed; a deployment
failure never undoes the signature: the subscription stays active and carries a note the
collectivité reads, and the deployment row (state ``failed``) tells curators why. Suspension and
termination deprovision: the plugin keeps each tenant's data, exportable from its deployment.
"""

from __future__ import annotations

import logging
from typing import Protocol

from store.kit.errors import DomainError

log = logging.getLogger("store.subscriptions")


class Deployments(Protocol):
    """The part of ``plugins.runtime.service.DeploymentService`` used here (``actor=None``: the store
    itself, acting on a signed subscription)."""

    async def deploy(self, actor: None, tenant_siren: str, plugin_id: str) -> object: ...

    async def undeploy(self, actor: None, tenant_siren: str, plugin_id: str) -> object: ...

    async def view(self, siren: str, plugin_id: str) -> DeploymentState: ...


class DeploymentState(Protocol):
    @property
    def state(self) -> str: ...


class Provisioner:
    def __init__(self, deployments: Deployments | None) -> None:
        self.deployments = deployments

    async def provision(self, plugin_id: str | None, sirens: list[str]) -> str | None:
        """Deploy for every collectivité; the French problems met, or None when all went well."""
        if plugin_id is None or self.deployments is None:
            return None
        problems: list[str] = []
        for siren in sirens:
            try:
                await self.deployments.deploy(None, siren, plugin_id)
            except DomainError as exc:
                log.warning("deployment of %s for %s failed: %s", plugin_id, siren, exc.detail)
                problems.append(f"{siren} : {exc.detail}")
        return "Déploiement en échec — " + " ; ".join(problems) if problems else None

    async def deprovision(self, plugin_id: str | None, sirens: list[str]) -> str | None:
        if plugin_id is None or self.deployments is None:
            return None
        problems: list[str] = []
        for siren in sirens:
            try:
                await self.deployments.undeploy(None, siren, plugin_id)
            except DomainError as exc:
                if exc.code == "service_not_deployed":
                    continue
                log.warning("deprovision of %s for %s failed: %s", plugin_id, siren, exc.detail)
                problems.append(f"{siren} : {exc.detail}")
        return "Retrait du service en échec — " + " ; ".join(problems) if problems else None

    async def deployed(self, plugin_id: str, siren: str) -> bool:
        """Is the plugin actively deployed for this collectivité?"""
        if self.deployments is None:
            return False
        try:
            return (await self.deployments.view(siren, plugin_id)).state == "active"
        except DomainError:
            return False
