"""Plugins and their releases. A release row is never edited after upload except for its review
state, yank and deletion marks; its version is never reused, even once deleted."""

from __future__ import annotations

from piccolo.columns import JSON, UUID, BigInt, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from store.registry.tables import Publisher


class Plugin(Table, tablename="plugin"):
    id = Varchar(length=64, primary_key=True)
    """The manifest id, claimed by the publisher that registered it first."""
    publisher = ForeignKey(Publisher, on_delete=OnDelete.restrict, index=True)
    name = Varchar(length=120)
    summary = Varchar(length=300, default="")
    status = Varchar(length=16, default="active")
    """active | suspended"""
    status_reason = Text(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class PluginRelease(Table, tablename="plugin_release"):
    id = UUID(primary_key=True)
    plugin = ForeignKey(Plugin, on_delete=OnDelete.restrict, index=True)
    version = Varchar(length=64)
    state = Varchar(length=16, index=True)
    """pending | approved | rejected | deleted"""
    artifact_key = Varchar(length=300)
    size = BigInt()
    sha256 = Varchar(length=64)
    manifest = JSON()
    manifest_text = Text()
    files = JSON()
    report = JSON()
    store_api = Varchar(length=100)
    entry_point = Varchar(length=200)
    permissions = JSON()
    uploaded_by = Varchar(length=64, null=True, default=None)
    uploaded_by_label = Varchar(length=200, default="")
    uploaded_at = Timestamptz()
    reviewed_by = Varchar(length=64, null=True, default=None)
    reviewed_by_label = Varchar(length=200, default="")
    reviewed_at = Timestamptz(null=True, default=None)
    review_reason = Text(null=True, default=None)
    yanked_at = Timestamptz(null=True, default=None)
    yanked_reason = Text(null=True, default=None)
    deleted_at = Timestamptz(null=True, default=None)
