"""Deployments of services per collectivité, and the data services keep for each tenant."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    UUID,
    BigInt,
    BigSerial,
    Boolean,
    ForeignKey,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from plugins.registry.tables import Plugin, PluginRelease
from store.registry.tables import Collectivite


class Deployment(Table, tablename="plugin_deployment"):
    """One row per (collectivité, service): the release it runs, its state and its configuration."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(Collectivite, on_delete=OnDelete.restrict, index=True)
    plugin = ForeignKey(Plugin, on_delete=OnDelete.restrict, index=True)
    release = ForeignKey(PluginRelease, on_delete=OnDelete.restrict, index=True)
    state = Varchar(length=16, index=True)
    """active | failed | deprovisioned"""
    config = JSON()
    pinned = Boolean(default=False)
    """Held on this release (rollback): upgrades of the service leave it alone."""
    last_error = Text(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    deprovisioned_at = Timestamptz(null=True, default=None)


class PluginDocument(Table, tablename="plugin_document"):
    id = BigSerial(primary_key=True)
    tenant = Varchar(length=9)
    plugin = Varchar(length=64)
    collection = Varchar(length=64)
    doc_id = Varchar(length=128)
    data = JSON()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class PluginFile(Table, tablename="plugin_file"):
    id = BigSerial(primary_key=True)
    tenant = Varchar(length=9)
    plugin = Varchar(length=64)
    name = Varchar(length=255)
    key = Varchar(length=400)
    size = BigInt()
    sha256 = Varchar(length=64)
    content_type = Varchar(length=200)
    created_at = Timestamptz()
