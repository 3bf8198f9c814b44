"""The Territoires Store plugin SDK: what a service imports to run in the store.

See ``docs/plugins.md``. Everything a service needs is re-exported here.
"""

from litestar.params import FromPath, FromQuery, JSONBody

from plugins.sdk.config import ConfigField, ConfigInvalid, normalise_phone, validate_config
from plugins.sdk.context import (
    ANONYMOUS,
    SYSTEM,
    Document,
    DocumentStore,
    EventEmitter,
    FileStore,
    HealthReport,
    PermissionNotGranted,
    PluginContext,
    Resources,
    StoredFile,
    Tenant,
    TerritoryRef,
    Viewer,
)
from plugins.sdk.hookspecs import hookimpl
from plugins.sdk.manifest import MANIFEST_NAME, PERMISSIONS, STORE_API_VERSION, Manifest
from plugins.sdk.semver import Version, VersionRange
from plugins.sdk.web import PUBLIC, SIGNATORY, Ctx, html_page, wants_html
from store.kit.errors import Conflict, Forbidden, InvalidInput, NotFound

__all__ = [
    "ANONYMOUS",
    "MANIFEST_NAME",
    "PERMISSIONS",
    "PUBLIC",
    "SIGNATORY",
    "STORE_API_VERSION",
    "SYSTEM",
    "ConfigField",
    "ConfigInvalid",
    "Conflict",
    "Ctx",
    "Document",
    "DocumentStore",
    "EventEmitter",
    "FileStore",
    "Forbidden",
    "FromPath",
    "FromQuery",
    "HealthReport",
    "InvalidInput",
    "JSONBody",
    "Manifest",
    "NotFound",
    "PermissionNotGranted",
    "PluginContext",
    "Resources",
    "StoredFile",
    "Tenant",
    "TerritoryRef",
    "Version",
    "VersionRange",
    "Viewer",
    "hookimpl",
    "html_page",
    "normalise_phone",
    "validate_config",
    "wants_html",
]
