"""One frozen settings object, read from ``TS_*`` environment variables.

Unknown ``TS_`` names are an error: a typo in production must not be silently ignored.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import msgspec

PREFIX = "TS_"


class SettingsError(ValueError):
    """The environment does not describe a valid configuration."""


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    env: Literal["dev", "test", "prod"] = "dev"
    """Deployment kind; ``prod`` turns on secure cookies and requires a secret key."""
    database_url: str = "sqlite:///var/territoires.sqlite3"
    """``sqlite:///path`` (embedded) or ``postgresql://user@host:port/db``."""
    db_pool_min: int = 2
    db_pool_max: int = 10
    secret_key: str = ""
    """Signs CSRF tokens. Required in prod; generated and kept in ``data_dir`` otherwise."""
    data_dir: str = "var"
    """Where the embedded database, artefacts and generated secrets live."""
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    public_url: str = "http://127.0.0.1:8000"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["console", "json"] = "console"
    cookie_secure: bool = False
    session_max_age: int = 8 * 3600
    max_body_bytes: int = 1_048_576
    """Largest accepted request body for JSON and forms (uploads have their own limit)."""
    max_upload_bytes: int = 64 * 1_048_576
    login_max_failures: int = 5
    """Failed logins per email within ``login_window_seconds`` before throttling."""
    login_window_seconds: int = 900
    login_rate_per_minute: int = 30
    """Sign-in attempts per client address and minute, on top of the per-account limit."""
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    dsfr_dir: str = "node_modules/@gouvfr/dsfr/dist"
    outbox_poll_seconds: float = 2.0
    search_backend: Literal["embedded", "meilisearch"] = "embedded"
    meili_url: str = "http://127.0.0.1:7700"
    meili_admin_key: str = ""
    meili_search_key: str = ""
    meili_index_prefix: str = "ts_"
    storage_backend: Literal["local", "s3"] = "local"
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_bucket: str = "territoires-artifacts"
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_addressing_style: Literal["path", "virtual"] = "path"
    """``path`` (SeaweedFS, MinIO) or ``virtual`` (bucket as a host name: AWS, OVH, Scaleway)."""
    s3_presign_endpoint_url: str = ""
    """Endpoint used in presigned download URLs when clients reach S3 by another address."""
    s3_multipart_threshold_bytes: int = 16 * 1_048_576
    """Objects at least this large go up in parts."""
    s3_multipart_chunk_bytes: int = 8 * 1_048_576
    s3_max_concurrency: int = 4
    """Parts uploaded in parallel for one object."""
    storage_dir: str = ""
    """Folder of the local artefact backend; empty means ``<data_dir>/artifacts``."""
    storage_url_seconds: int = 600
    """Lifetime of download URLs (presigned or signed)."""
    plugin_max_archive_bytes: int = 64 * 1_048_576
    """Largest release archive accepted for upload."""
    plugin_max_entries: int = 2000
    """Most files and folders a release archive may hold."""
    plugin_max_file_bytes: int = 64 * 1_048_576
    """Largest uncompressed file inside a release archive."""
    plugin_max_total_bytes: int = 256 * 1_048_576
    """Largest total uncompressed size of a release archive."""
    plugin_max_compression_ratio: int = 100
    """Highest uncompressed/compressed ratio of a file (zip bombs)."""
    plugin_hook_timeout_seconds: float = 30.0
    """Longest a plugin lifecycle hook (provision, upgrade, deprovision, health) may run."""
    plugin_request_timeout_seconds: float = 30.0
    """Longest a plugin route may take before the store answers 504."""
    plugin_cache_seconds: float = 2.0
    """How long a worker trusts its view of a deployment before reading it again (0: always)."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> str:
        return self.database_url.removeprefix("sqlite:///")

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir)

    @property
    def storage_path(self) -> Path:
        return Path(self.storage_dir) if self.storage_dir else self.data_path / "artifacts"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build settings from ``TS_*`` variables; unknown names and bad values raise SettingsError."""
    environ = os.environ if environ is None else environ
    raw = {k[len(PREFIX) :].lower(): v for k, v in environ.items() if k.startswith(PREFIX)}
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise SettingsError(f"Configuration invalide (variables {PREFIX}*) : {exc}") from exc
    if settings.env == "prod" and not settings.secret_key:
        raise SettingsError("TS_SECRET_KEY est obligatoire en production.")
    if not settings.secret_key:
        settings = msgspec.structs.replace(settings, secret_key=_local_secret(settings))
    return settings


def _local_secret(settings: Settings) -> str:
    """A secret kept beside the embedded database, so restarts keep sessions and CSRF tokens."""
    path = settings.data_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value
