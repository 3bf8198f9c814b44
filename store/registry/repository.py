"""Every query on the registry: collectivités, memberships, publishers."""

from __future__ import annotations

from typing import Any

from store.registry.tables import Collectivite, Publisher


class RegistryRepository:
    async def get_collectivite(self, siren: str) -> dict[str, Any] | None:
        return await Collectivite.select().where(Collectivite.siren == siren).first()

    async def get_publisher(self, siren: str) -> dict[str, Any] | None:
        return await Publisher.select().where(Publisher.siren == siren).first()
