"""The demo catalogue (store/demo/data) as the services index sees it, built by the same function
as the indexer (``service_document``), without a database."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import msgspec

from catalogue.listings.reference import THEMATIQUES
from search.documents import ServiceDocument
from search.listings_source import service_document
from store.demo.data import publishers, services

LABELS = dict(THEMATIQUES)
PUBLISHED_AT = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)


def demo_documents() -> list[ServiceDocument]:
    names = {p.key: (p.siren, p.name) for p in publishers()}
    documents = []
    for i, service in enumerate(services()):
        create = service.to_create()
        siren, name = names[service.publisher]
        row: dict[str, Any] = {
            "id": uuid.uuid5(uuid.NAMESPACE_URL, f"demo:{service.slug}"),
            "slug": service.slug,
            "name": create.name,
            "action": create.action,
            "pitch": create.pitch,
            "description_md": create.description_md,
            "target_kinds": msgspec.json.encode(create.target_kinds).decode(),
            "maturity": create.maturity,
            "deployment_mode": create.deployment_mode,
            "funding_origin": create.funding_origin,
            "state": service.state,
            "published_at": PUBLISHED_AT + dt.timedelta(days=i) if service.state == "published" else None,
            "publisher_siren": siren,
            "publisher_name": name,
        }
        themes = [LABELS[t] for t in create.thematiques]
        documents.append(service_document(row, themes, list(create.plans), [], from_proposal=False))
    return documents
