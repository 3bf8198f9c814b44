"""Deployments API: curators and operators deploy; collectivités see, move, export theirs."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody

from plugins.runtime.schemas import DeploymentView, DeployRequest, MoveRequest, TenantExport
from plugins.runtime.service import DeploymentService
from store.kit.auth import AUTHENTICATED, Scope, actor_of, requires


class DeploymentAdminController(Controller):
    path = "/api/v1/admin/plugins/deployments"
    tags = ["Services (déploiements)"]
    guards = [requires(Scope.AdminPluginsWrite)]

    @get("/", operation_id="ListDeployments")
    async def list_deployments(
        self,
        request: Request[Any, Any, Any],
        plugin_deployments: NamedDependency[DeploymentService],
        tenant: FromQuery[str | None] = None,
        plugin_id: FromQuery[str | None] = None,
    ) -> list[DeploymentView]:
        """Les déploiements, avec leur santé (ok, dégradé, en panne, bloqué)."""
        return await plugin_deployments.list(actor_of(request), tenant=tenant, plugin_id=plugin_id)

    @post("/", operation_id="Deploy")
    async def deploy(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[DeployRequest],
        plugin_deployments: NamedDependency[DeploymentService],
    ) -> DeploymentView:
        """Déploie (ou reconfigure, met à jour, ramène) un service pour une collectivité."""
        return await plugin_deployments.deploy(
            actor_of(request), data.tenant_siren, data.plugin_id, version=data.version, config=data.config
        )

    @delete("/{tenant:str}/{plugin_id:str}", status_code=200, operation_id="Undeploy")
    async def undeploy(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        plugin_id: FromPath[str],
        plugin_deployments: NamedDependency[DeploymentService],
    ) -> DeploymentView:
        """Retire un service d'une collectivité ; ses données restent exportables."""
        return await plugin_deployments.undeploy(actor_of(request), tenant, plugin_id)


class TenantDeploymentController(Controller):
    path = "/api/v1/deployments/{siren:str}"
    tags = ["Services (collectivités)"]
    guards = [AUTHENTICATED]

    @get("/", operation_id="ListTenantServices")
    async def list_services(
        self,
        request: Request[Any, Any, Any],
        siren: FromPath[str],
        plugin_deployments: NamedDependency[DeploymentService],
    ) -> list[DeploymentView]:
        """Les services de la collectivité, leur version, leur santé et les retraits éventuels."""
        return await plugin_deployments.list(actor_of(request), tenant=siren)

    @post("/{plugin_id:str}/version", operation_id="MoveTenantService")
    async def move(
        self,
        request: Request[Any, Any, Any],
        siren: FromPath[str],
        plugin_id: FromPath[str],
        data: JSONBody[MoveRequest],
        plugin_deployments: NamedDependency[DeploymentService],
    ) -> DeploymentView:
        """Passe à une autre version approuvée (plus récente, ou antérieure : épinglée)."""
        return await plugin_deployments.move(actor_of(request), siren, plugin_id, data.version)

    @get("/{plugin_id:str}/export", operation_id="ExportTenantService")
    async def export(
        self,
        request: Request[Any, Any, Any],
        siren: FromPath[str],
        plugin_id: FromPath[str],
        plugin_deployments: NamedDependency[DeploymentService],
    ) -> TenantExport:
        """Toutes les données du service pour la collectivité (documents et liens vers les fichiers)."""
        return await plugin_deployments.export(actor_of(request), siren, plugin_id)
