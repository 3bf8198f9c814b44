"""``create_app(settings)``: the one composition root. Everything is built here and passed in."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import logging
from pathlib import Path
from typing import Any

from litestar import Litestar, MediaType, Request, Router, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, ScalarRenderPlugin
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.static_files import create_static_files_router
from litestar.types import ControllerRouterHandler
from piccolo.table import Table

from admin.consultations.controllers import DashboardExportController
from admin.consultations.dashboard import ConsultationDashboard
from admin.curation.audit import AuditLog
from admin.curation.controllers import AuditController, CurationController, ListingPublisherController
from admin.curation.export_controllers import CurationExportController
from admin.curation.exports import CurationExports
from catalogue.funding import from_upstream as funding_from_upstream
from catalogue.funding.controllers import FUNDING_CONTROLLERS
from catalogue.funding.service import FundingService
from catalogue.listings import from_upstream as listings_from_upstream
from catalogue.listings.controllers import (
    ListingController,
    PublisherListingController,
    ThematiqueController,
)
from catalogue.listings.service import ListingService
from catalogue.listings.upstream import UpstreamListings
from catalogue.needs.controllers import ConsultationController
from catalogue.needs.service import ConsultationService, ContributionService, RegroupementService
from catalogue.votes.controllers import VotesController
from catalogue.votes.exports import VotesExportController
from catalogue.votes.population import VoterPopulation
from catalogue.votes.service import (
    DeploymentService,
    InterestService,
    ResultsService,
    SelectionService,
    SupportService,
)
from plugins.wiring import build_plugin_services, plugin_route_handlers
from search.controllers import SearchController
from search.errors import SearchUnavailable
from search.factory import build_backend
from search.indexer import ServiceIndexer
from search.listings_source import ListingSource
from search.service import SearchService
from store.accounts.controllers import AuthController, MandateController, MeController
from store.accounts.middleware import ActorMiddleware
from store.accounts.service import AccountService
from store.apps import PICCOLO_APPS
from store.billing.controllers import BillingAdminController, InvoiceController
from store.billing.ledger.service import LedgerService
from store.billing.service import BillingService
from store.kit.auth import PUBLIC
from store.kit.csrf import TokenAwareCSRFMiddleware
from store.kit.db import Database
from store.kit.errors import Unavailable, make_exception_handler
from store.kit.housekeeping import Housekeeper
from store.kit.http import enforce_json_bodies
from store.kit.logging import RequestLogMiddleware, configure_logging
from store.kit.metrics import CachedPrometheusMiddleware
from store.kit.outbox import Dispatcher
from store.kit.sessions import DatabaseStore, RotatingSessionConfig
from store.kit.settings import Settings, load_settings
from store.kit.storage import build_storage
from store.kit.storage.routes import ArtifactDownloadController
from store.kit.uow import UnitOfWorkFactory
from store.registry.controllers import CollectiviteController
from store.registry.publisher_controllers import PublisherController
from store.registry.publishers import PublisherService
from store.registry.service import RegistryService
from store.subscriptions.wiring import build_subscription_services, subscription_route_handlers
from store.web import WEB_DIR, render_problem, template_config, web_route_handlers

log = logging.getLogger("store.app")

SESSION_COOKIE = "ts_session"
LOGIN_PATHS = frozenset({"/api/v1/auth/login", "/connexion"})
VERSION = "0.1.0"


def all_tables() -> list[type[Table]]:
    tables: list[type[Table]] = []
    for module_path in PICCOLO_APPS:
        tables.extend(importlib.import_module(module_path).APP_CONFIG.table_classes)
    return tables


@get("/health", opt=PUBLIC, media_type=MediaType.JSON, include_in_schema=True, tags=["Exploitation"])
async def health() -> dict[str, str]:
    """Vivacité : le processus répond."""
    return {"status": "ok"}


@get("/ready", opt=PUBLIC, media_type=MediaType.JSON, tags=["Exploitation"])
async def ready(state: State) -> dict[str, str]:
    """Disponibilité : la base de données répond."""
    if not await state.db.ping():
        raise Unavailable("La base de données ne répond pas.", code="database_unavailable")
    return {"status": "ok", "database": "ok"}


class MetricsController(PrometheusController):
    path = "/metrics"
    opt = PUBLIC
    include_in_schema = False


def _from_state(name: str) -> Provide:
    def provide(state: State) -> Any:
        return getattr(state, name)

    return Provide(provide, sync_to_thread=False)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    configure_logging(settings.log_level, settings.log_format)

    db = Database(settings)
    db.bind(all_tables())
    dispatcher = Dispatcher(db, poll_seconds=settings.outbox_poll_seconds)
    uow = UnitOfWorkFactory(db, after_commit=dispatcher.wake)
    search_backend = build_backend(settings)
    storage = build_storage(settings)
    ledger = LedgerService(db)
    registry = RegistryService()
    services: dict[str, Any] = {
        "accounts": AccountService(settings, uow),
        "registry": registry,
        "search": SearchService(search_backend),
        "publishers": PublisherService(uow),
        "listings": ListingService(uow),
        "audit_log": AuditLog(),
        "ledger": ledger,
        "billing": BillingService(settings, uow, ledger),
        "storage": storage,
        **build_plugin_services(settings, db, uow, storage),
    }
    # Consultations: the vote services read consultations and proposals through this directory,
    # and the population their supporters cover through the registry (one shared, remembering view).
    consultations = ConsultationService(uow)
    population = VoterPopulation(registry)
    services.update(
        consultations=consultations,
        contributions=ContributionService(uow, consultations),
        regroupement=RegroupementService(uow, consultations),
        supports=SupportService(uow, consultations, population=population),
        results=ResultsService(uow, consultations, population=population),
        selection=SelectionService(uow, consultations, population=population),
        interests=InterestService(uow, consultations, population=population),
        deployment=DeploymentService(uow, consultations, population=population),
    )
    # Funding: envelope tree on the ledger, calls, awards; it reserves what the committee selects.
    services["funding"] = FundingService(
        uow, ledger, services["billing"], registry, funder_siren=settings.billing_seller_siren
    )
    funding_from_upstream.subscribe(dispatcher, services["funding"])
    services["grant_finder"] = services["funding"]  # subscriptions: the grant co-funding a charge
    services["consultation_dashboard"] = ConsultationDashboard(
        **{name: services[name] for name in ConsultationDashboard.SERVICES}
    )
    services["curation_exports"] = CurationExports(
        **{name: services[name] for name in CurationExports.SERVICES}
    )
    services.update(build_subscription_services(uow, services))
    # Search follows the catalogue through the outbox (listing events → the services index).
    ServiceIndexer(services["search"], ListingSource().load).subscribe(dispatcher)
    # Selected proposals become draft listings; accepted pilots show on them (outbox consumers).
    services["upstream_listings"] = UpstreamListings(uow)
    listings_from_upstream.subscribe(dispatcher, services["upstream_listings"])

    route_handlers: list[ControllerRouterHandler] = [
        health,
        ready,
        MetricsController,
        AuthController,
        MeController,
        MandateController,
        CollectiviteController,
        ConsultationController,
        VotesController,
        VotesExportController,
        DashboardExportController,
        SearchController,
        PublisherController,
        ListingController,
        PublisherListingController,
        ThematiqueController,
        CurationController,
        AuditController,
        CurationExportController,
        ListingPublisherController,
        InvoiceController,
        BillingAdminController,
        ArtifactDownloadController,
        *FUNDING_CONTROLLERS,
        *plugin_route_handlers(),
        *subscription_route_handlers(),
        *web_route_handlers(),
        create_static_files_router(
            path="/static", directories=[WEB_DIR / "static"], opt=PUBLIC, include_in_schema=False
        ),
    ]
    dsfr_dir = Path(settings.dsfr_dir)
    if dsfr_dir.is_dir():
        route_handlers.append(
            create_static_files_router(
                path="/dsfr", directories=[dsfr_dir], opt=PUBLIC, include_in_schema=False
            )
        )

    csrf_config = CSRFConfig(
        secret=settings.secret_key,
        cookie_secure=settings.cookie_secure,
        cookie_name="ts_csrf",
        header_name="x-csrftoken",
    )
    session_config = RotatingSessionConfig(
        key=SESSION_COOKIE,
        store="sessions",
        max_age=settings.session_max_age,
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )
    rate_limit = RateLimitConfig(
        rate_limit=("minute", settings.login_rate_per_minute),
        check_throttle_handler=_is_login_request,
        exclude=["/static", "/dsfr"],
    )
    prometheus = PrometheusConfig(
        app_name="territoires_store",
        group_path=True,
        exclude=["/metrics", "/static", "/dsfr"],
        middleware_class=CachedPrometheusMiddleware,
    )

    sessions_store = DatabaseStore("session")
    retention = dt.timedelta(days=settings.outbox_retention_days)
    housekeeper = Housekeeper(
        {
            "sessions": sessions_store.purge_expired,
            "login_attempts": services["accounts"].purge_login_attempts,
            "outbox": lambda now: dispatcher.purge(now - retention),
        },
        interval_seconds=settings.housekeeping_interval_seconds,
    )

    async def on_startup() -> None:
        await db.start()
        await dispatcher.start()
        await housekeeper.start()
        await _prepare_search(services["search"], rebuild=settings.search_backend == "embedded")
        # The embedded indexes are millions of long-lived objects: a full collection walking them
        # took ~250 ms, every request waiting. Frozen, later collections skip what start-up built.
        gc.freeze()

    async def on_shutdown() -> None:
        gc.unfreeze()  # what start-up froze becomes collectable again (tests start many apps)
        await housekeeper.stop()
        await dispatcher.stop()
        await search_backend.close()
        await db.stop()

    state = State(
        {
            "settings": settings,
            "db": db,
            "uow": uow,
            "dispatcher": dispatcher,
            "housekeeper": housekeeper,
            "session_cookie": SESSION_COOKIE,
            **services,
        }
    )

    return Litestar(
        route_handlers=route_handlers,
        state=state,
        dependencies={name: _from_state(name) for name in services},
        middleware=[
            RequestLogMiddleware(),
            prometheus.middleware,
            session_config.middleware,
            DefineMiddleware(TokenAwareCSRFMiddleware, config=csrf_config, session_cookie=SESSION_COOKIE),
            rate_limit.middleware,
            ActorMiddleware(),
        ],
        stores={"sessions": sessions_store},
        before_request=enforce_json_bodies,
        exception_handlers={Exception: make_exception_handler(render_problem)},
        template_config=template_config(settings),
        openapi_config=OpenAPIConfig(
            title="Territoires Store",
            version=VERSION,
            description="API de la place de marché des services numériques des collectivités.",
            path="/schema",
            # The documentation is public: say so, as every route must (tests/security).
            openapi_router=Router("/schema", route_handlers=[], include_in_schema=False, opt=PUBLIC),
            render_plugins=[ScalarRenderPlugin(), JsonRenderPlugin()],
            use_handler_docstrings=True,
        ),
        request_max_body_size=settings.max_body_bytes,
        on_startup=[on_startup],
        on_shutdown=[on_shutdown],
        logging_config=None,
        debug=False,
    )


async def _prepare_search(search: SearchService, *, rebuild: bool) -> None:
    """Indexes exist, and the collectivités and services indexes are filled from the database: always for the
    embedded engine (it lives in memory), only when empty for Meilisearch. An engine that is down
    must not stop the application: searches will answer 503 until it is back."""
    try:
        await search.ensure_indexes()
        if rebuild or await search.collectivites_count() == 0:
            await search.reindex_collectivites()
        if rebuild or await search.services_count() == 0:
            await search.reindex_services_from_database()
    except SearchUnavailable as exc:
        log.warning("search engine unavailable at start-up: %s", exc.detail)


async def _is_login_request(request: Request[Any, Any, Any]) -> bool:
    """Async on purpose: Litestar runs a sync predicate in a worker thread, on every request."""
    return request.method == "POST" and request.url.path in LOGIN_PATHS
