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
    """Send cookies over HTTPS only; defaults to true when ``env`` is ``prod``."""
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
    outbox_retention_days: int = 30
    """Days an outbox event every consumer has handled is kept (for inquiry) before it is purged."""
    housekeeping_interval_seconds: int = 3600
    """How often expired sessions, old login attempts and handled outbox events are purged."""
    search_backend: Literal["embedded", "meilisearch"] = "embedded"
    meili_url: str = "http://127.0.0.1:7700"
    meili_admin_key: str = ""
    meili_search_key: str = ""
    meili_index_prefix: str = "ts_"
    meili_timeout_seconds: float = 5.0
    """Per-request timeout towards Meilisearch; past it, searches answer 503 with Retry-After."""
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
    """Size of each part of a multipart upload to S3."""
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
    billing_seller_siren: str = "130026032"
    """SIREN of the platform operator, the seller on every invoice (default: ANCT)."""
    billing_seller_name: str = "Agence nationale de la cohésion des territoires"
    billing_seller_vat_id: str = "FR77130026032"
    """Intra-community VAT number printed on invoices and in the Factur-X XML."""
    billing_seller_address: str = "20 avenue de Ségur"
    billing_seller_postcode: str = "75007"
    billing_seller_city: str = "Paris"
    billing_seller_iban: str = ""
    """Where collectivités pay (IBAN printed on invoices); empty = not shown."""
    billing_vat_rate_bp: int = 2000
    """Default VAT rate in basis points (2000 = 20 %) for charges that do not say."""
    billing_payment_terms_days: int = 30
    """Payment period of public buyers (Code de la commande publique, R2192-10): due date = issue + N."""
    billing_platform_fee_bp: int = 0
    """Share of the HT amount the platform keeps on a publisher's line, in basis points."""
    billing_batch_size: int = 500
    """Invoices issued per transaction by a billing run."""

    def __post_init__(self) -> None:
        # Raised as ValueError here; msgspec reports it as a ValidationError when converting.
        if problems := _problems(self):
            raise ValueError("; ".join(problems))

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


_POSITIVE = (
    "db_pool_min",
    "db_pool_max",
    "workers",
    "session_max_age",
    "max_body_bytes",
    "max_upload_bytes",
    "login_max_failures",
    "login_window_seconds",
    "login_rate_per_minute",
    "argon2_time_cost",
    "argon2_memory_kib",
    "outbox_retention_days",
    "housekeeping_interval_seconds",
)
MIN_SECRET_LENGTH = 32


def _problems(settings: Settings) -> list[str]:
    """Values that parse but cannot work; each message names the variable."""
    problems = [f"{PREFIX}{name.upper()} doit être >= 1" for name in _POSITIVE if getattr(settings, name) < 1]
    if not 1 <= settings.port <= 65535:
        problems.append(f"{PREFIX}PORT doit être entre 1 et 65535")
    if settings.db_pool_min > settings.db_pool_max:
        problems.append(f"{PREFIX}DB_POOL_MIN ne peut dépasser {PREFIX}DB_POOL_MAX")
    if settings.outbox_poll_seconds <= 0:
        problems.append(f"{PREFIX}OUTBOX_POLL_SECONDS doit être > 0")
    if not settings.database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
        problems.append(f"{PREFIX}DATABASE_URL doit commencer par sqlite:/// ou postgresql://")
    if not settings.public_url.startswith(("http://", "https://")):
        problems.append(f"{PREFIX}PUBLIC_URL doit commencer par http:// ou https://")
    if settings.env == "prod" and settings.secret_key and len(settings.secret_key) < MIN_SECRET_LENGTH:
        problems.append(
            f"{PREFIX}SECRET_KEY doit compter au moins {MIN_SECRET_LENGTH} caractères en production"
        )
    return problems


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
    if settings.env == "prod" and "cookie_secure" not in raw:
        # Production serves over HTTPS: session and CSRF cookies are secure unless said otherwise.
        settings = msgspec.structs.replace(settings, cookie_secure=True)
    if "public_url" not in raw:
        # Links and the start-up banner name the address actually served.
        settings = msgspec.structs.replace(settings, public_url=f"http://{settings.host}:{settings.port}")
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
