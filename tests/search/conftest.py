"""Backends for the contract and parity suites: the embedded engine always, and a real Meilisearch
1.21 started here (skipped loudly when the binary is missing, failing when TSTEST_REQUIRE lists it).
Each backend gets the same corpora, indexed once per session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from search.backend import SearchBackend
from search.documents import collectivite_document, to_dict
from search.embedded.backend import EmbeddedBackend
from search.indexes import COLLECTIVITES_INDEX, SERVICES_INDEX
from search.meili import MeiliBackend
from tests.search.data.catalogue import synthetic
from tests.search.data.collectivites import departement_names, registry
from tests.search.data.demo import demo_documents
from tests.support import meilisearch
from tests.support.services import unavailable

SERVICE_DOCS = synthetic(400)
REGISTRY_ROWS = registry(communes=6_000, epci=300)
COLLECTIVITE_DOCS = [to_dict(collectivite_document(r, departement_names())) for r in REGISTRY_ROWS]
DEMO_INDEX = SERVICES_INDEX.renamed("demo_services")
DEMO_DOCS = [to_dict(d) for d in demo_documents()]


@pytest.fixture(scope="session")
def meili_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[meilisearch.MeiliServer]:
    try:
        server = meilisearch.start(tmp_path_factory.mktemp("meilisearch"))
    except meilisearch.MeilisearchMissing as exc:
        unavailable("meilisearch", str(exc))
        raise
    try:
        yield server
    finally:
        server.stop()


async def load(backend: SearchBackend) -> None:
    corpora = (
        (SERVICES_INDEX, SERVICE_DOCS),
        (COLLECTIVITES_INDEX, COLLECTIVITE_DOCS),
        (DEMO_INDEX, DEMO_DOCS),
    )
    for settings, docs in corpora:
        await backend.drop(settings.uid)
        await backend.ensure_index(settings)
        await backend.wait(await backend.upsert(settings.uid, docs), timeout_s=300)


@pytest.fixture(scope="session")
async def embedded() -> AsyncIterator[EmbeddedBackend]:
    backend = EmbeddedBackend()
    await load(backend)
    return backend


@pytest.fixture(scope="session")
async def meili(meili_server: meilisearch.MeiliServer) -> AsyncIterator[MeiliBackend]:
    admin, search_key = meili_server.keys()
    backend = MeiliBackend(
        meili_server.url, admin_key=admin, search_key=search_key, prefix="test_", timeout_s=60
    )
    await load(backend)
    yield backend
    await backend.close()


@pytest.fixture(params=["embedded", pytest.param("meilisearch", marks=pytest.mark.meilisearch)])
def backend(request: pytest.FixtureRequest) -> Any:
    """The contract suite runs once per backend."""
    return request.getfixturevalue("embedded" if request.param == "embedded" else "meili")
