"""Builds the plugins services from the kernel's pieces: used by the app and by the CLI."""

from __future__ import annotations

from typing import Any

from litestar.types import ControllerRouterHandler

from plugins.registry.controllers import PluginController, PluginCurationController
from plugins.registry.curation import CurationService
from plugins.registry.service import PublishingService
from plugins.runtime.controllers import DeploymentAdminController, TenantDeploymentController
from plugins.runtime.dispatch import services_mount
from plugins.runtime.runtime import PluginRuntime
from plugins.runtime.service import DeploymentService
from store.kit.db import Database
from store.kit.settings import Settings
from store.kit.storage import ArtifactStorage
from store.kit.uow import UnitOfWorkFactory


def build_plugin_services(
    settings: Settings, db: Database, uow: UnitOfWorkFactory, storage: ArtifactStorage
) -> dict[str, Any]:
    """Services by dependency name (also put in the app state)."""
    runtime = PluginRuntime(settings, db, uow, storage)
    return {
        "plugin_publishing": PublishingService(settings, uow, storage),
        "plugin_curation": CurationService(uow),
        "plugin_runtime": runtime,
        "plugin_deployments": DeploymentService(settings, uow, runtime),
    }


def plugin_route_handlers() -> list[ControllerRouterHandler]:
    return [
        PluginController,
        PluginCurationController,
        DeploymentAdminController,
        TenantDeploymentController,
        services_mount,
    ]
