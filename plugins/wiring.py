"""Builds the plugins services from the kernel's pieces: used by the app and by the CLI."""

from __future__ import annotations

from typing import Any

from litestar.types import ControllerRouterHandler

from plugins.registry.controllers import PluginController, PluginCurationController
from plugins.registry.curation import CurationService
from plugins.registry.service import PublishingService
from store.kit.settings import Settings
from store.kit.storage import ArtifactStorage
from store.kit.uow import UnitOfWorkFactory


def build_plugin_services(
    settings: Settings, uow: UnitOfWorkFactory, storage: ArtifactStorage
) -> dict[str, Any]:
    """Services by dependency name."""
    return {
        "plugin_publishing": PublishingService(settings, uow, storage),
        "plugin_curation": CurationService(uow),
    }


def plugin_route_handlers() -> list[ControllerRouterHandler]:
    return [PluginController, PluginCurationController]
