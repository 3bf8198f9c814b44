"""``territoires-plugin.toml``: what a release declares about itself, parsed into msgspec Structs.

Parsing never imports or runs anything from the archive. ``check_manifest`` applies the rules the
store enforces on upload (semantic version, store-API range, known permissions, config schema);
every problem carries a stable code, the field and a French message.
"""

from __future__ import annotations

import re
from typing import Annotated

import msgspec

from plugins.sdk.config import ConfigField, schema_problems
from plugins.sdk.semver import Version, VersionError, VersionRange

MANIFEST_NAME = "territoires-plugin.toml"
MAX_MANIFEST_BYTES = 64 * 1024

STORE_API_VERSION = Version(1, 0, 0)
"""The plugin API this store offers; a release declares the range it supports (``store_api``)."""

PERMISSIONS: dict[str, str] = {
    "tenant:documents": "Enregistrer des données structurées propres à la collectivité",
    "tenant:files": "Enregistrer des fichiers propres à la collectivité",
    "events:emit": "Publier des événements vers la place de marché",
    "routes:public": "Exposer des pages et des API au public, sans connexion",
    "network:outbound": "Appeler des services externes sur Internet",
}
"""Every permission a release may ask for, with what it grants (shown to curators)."""

PLUGIN_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
ENTRY_POINT = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*(?::[A-Za-z_]\w*)?$", re.ASCII)

Text120 = Annotated[str, msgspec.Meta(max_length=120)]


class ChangelogEntry(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    version: Annotated[str, msgspec.Meta(max_length=64)]
    notes: Annotated[str, msgspec.Meta(max_length=5000)]
    date: Annotated[str, msgspec.Meta(max_length=10)] = ""


class Manifest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: Annotated[str, msgspec.Meta(min_length=3, max_length=64)]
    """Unique in the store, owned by the publisher that first used it: lower-case words and hyphens."""
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=120)]
    version: Annotated[str, msgspec.Meta(max_length=64)]
    store_api: Annotated[str, msgspec.Meta(max_length=100)]
    entry_point: Annotated[str, msgspec.Meta(max_length=200)]
    """``package.module`` (the module holds the hooks) or ``package.module:attribute``."""
    summary: Annotated[str, msgspec.Meta(max_length=300)] = ""
    description: Annotated[str, msgspec.Meta(max_length=10_000)] = ""
    license: Text120 = ""
    homepage: Annotated[str, msgspec.Meta(max_length=300)] = ""
    permissions: Annotated[list[str], msgspec.Meta(max_length=20)] = []
    config: dict[str, ConfigField] = {}
    changelog: Annotated[list[ChangelogEntry], msgspec.Meta(max_length=500)] = []

    @property
    def semver(self) -> Version:
        return Version.parse(self.version)

    @property
    def entry_module(self) -> str:
        return self.entry_point.split(":", 1)[0]

    @property
    def entry_attribute(self) -> str | None:
        return self.entry_point.split(":", 1)[1] if ":" in self.entry_point else None

    def notes_for(self, version: str) -> str:
        return next((c.notes for c in self.changelog if c.version == version), "")


class ManifestProblem(ValueError):
    """A manifest rule is broken: stable ``code``, the ``field`` and a French ``message``."""

    def __init__(self, code: str, message: str, field: str = "manifeste") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def parse_manifest(raw: bytes) -> Manifest:
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ManifestProblem(
            "manifest_too_large", f"Le manifeste dépasse {MAX_MANIFEST_BYTES // 1024} Kio.", MANIFEST_NAME
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ManifestProblem("manifest_not_utf8", "Le manifeste n'est pas encodé en UTF-8.") from None
    try:
        return msgspec.toml.decode(text.encode(), type=Manifest)
    except msgspec.ValidationError as exc:
        field = re.search(r"at `\$\.?([^`]*)`", str(exc))
        raise ManifestProblem(
            "manifest_invalid", f"Manifeste invalide : {exc}.", field[1] if field else "manifeste"
        ) from None
    except msgspec.DecodeError as exc:
        raise ManifestProblem(
            "manifest_invalid_toml", f"Le manifeste n'est pas du TOML valide : {exc}."
        ) from None


def check_manifest(manifest: Manifest, *, store_api: Version = STORE_API_VERSION) -> list[str]:
    """Raise ManifestProblem on the first broken rule; return warnings (French) otherwise."""
    if not PLUGIN_ID.match(manifest.id):
        raise ManifestProblem(
            "manifest_bad_id",
            "Identifiant invalide : minuscules, chiffres et tirets, commençant par une lettre.",
            "id",
        )
    try:
        version = Version.parse(manifest.version)
    except VersionError as exc:
        raise ManifestProblem("version_not_semver", str(exc), "version") from None
    if version.build:
        raise ManifestProblem(
            "version_not_semver", "Les métadonnées de construction (+…) ne sont pas admises.", "version"
        )
    try:
        api_range = VersionRange.parse(manifest.store_api)
    except VersionError as exc:
        raise ManifestProblem("api_range_invalid", str(exc), "store_api") from None
    if not api_range.contains(store_api):
        raise ManifestProblem(
            "api_range_unsupported",
            f"Ce service demande l'API « {manifest.store_api} » ; "
            f"la place de marché offre la version {store_api}.",
            "store_api",
        )
    if not ENTRY_POINT.match(manifest.entry_point):
        raise ManifestProblem(
            "entry_point_invalid",
            "Point d'entrée invalide (paquet.module ou paquet.module:objet).",
            "entry_point",
        )
    unknown = [p for p in manifest.permissions if p not in PERMISSIONS]
    if unknown:
        raise ManifestProblem(
            "permission_unknown",
            "Permissions inconnues : " + ", ".join(unknown) + " (connues : " + ", ".join(PERMISSIONS) + ").",
            "permissions",
        )
    if len(set(manifest.permissions)) != len(manifest.permissions):
        raise ManifestProblem("permission_duplicate", "Une permission est demandée deux fois.", "permissions")
    if problems := schema_problems(manifest.config):
        field, message = problems[0]
        raise ManifestProblem(
            "config_schema_invalid", f"Schéma de configuration invalide : {message}.", field
        )
    warnings: list[str] = []
    for entry in manifest.changelog:
        try:
            Version.parse(entry.version)
        except VersionError:
            warnings.append(
                f"Journal des modifications : « {entry.version} » n'est pas une version sémantique."
            )
    if not manifest.notes_for(manifest.version):
        warnings.append(f"Le journal des modifications ne décrit pas la version {manifest.version}.")
    if not manifest.summary:
        warnings.append("Aucun résumé : les curateurs et les collectivités le lisent en premier.")
    return warnings
