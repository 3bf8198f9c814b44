"""Facts about plugins and releases, published after commit (catalogue, notifications, deployments)."""

from __future__ import annotations

from typing import ClassVar

from store.kit.events import DomainEvent


class ReleaseUploaded(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "plugins:release:uploaded"
    plugin_id: str
    release_id: str
    version: str
    publisher_siren: str


class ReleaseApproved(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "plugins:release:approved"
    plugin_id: str
    release_id: str
    version: str


class ReleaseRejected(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "plugins:release:rejected"
    plugin_id: str
    release_id: str
    version: str
    reason: str


class ReleaseYanked(DomainEvent, frozen=True, kw_only=True):
    """Subscribers of a yanked release must be told why; deployments on it stop serving."""

    topic: ClassVar[str] = "plugins:release:yanked"
    plugin_id: str
    release_id: str
    version: str
    reason: str


class ReleaseDeleted(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "plugins:release:deleted"
    plugin_id: str
    release_id: str
    version: str


class PluginSuspended(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "plugins:plugin:suspended"
    plugin_id: str
    reason: str


class PluginReinstated(DomainEvent, frozen=True, kw_only=True):
    topic: ClassVar[str] = "plugins:plugin:reinstated"
    plugin_id: str
