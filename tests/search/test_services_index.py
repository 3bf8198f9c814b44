"""The services index follows the catalogue through the outbox: what a curator publishes is found,
what is suspended or retired disappears for the public, edits are re-indexed, a failed write is
delivered again, and the index can always be rebuilt from the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from catalogue.listings.schemas import ListingUpdate
from catalogue.listings.states import Action
from search.schemas import ServiceSearchParams
from store.kit.tables import OutboxDelivery
from tests.support.catalogue import create_listing, make_cast


async def found(state: Any, q: str, *, curator: bool = False, **params: Any) -> list[str]:
    page = await state.search.search_services(ServiceSearchParams(q=q, **params), curator=curator)
    return [h.slug for h in page.hits]


async def publish(state: Any, cast: Any, slug: str = "conseil-municipal-en-ligne", **fields: Any) -> str:
    await create_listing(state, cast, slug, **fields)
    await state.listings.transition(await cast.actor(state, "dev_a"), slug, Action.submit)
    await state.listings.transition(await cast.actor(state, "curator"), slug, Action.approve)
    await state.dispatcher.drain()
    return slug


async def test_a_published_listing_is_found_with_typos_and_a_draft_only_by_curators(state: Any) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, "brouillon-parapheur", name="Parapheur électronique")
    await state.dispatcher.drain()
    assert await found(state, "parapheur") == []
    await state.listings.transition(await cast.actor(state, "dev_a"), "brouillon-parapheur", Action.submit)
    await state.dispatcher.drain()
    assert await found(state, "parapheur") == [], "a listing under review is not public"
    assert await found(state, "parapheur", curator=True) == ["brouillon-parapheur"]
    await publish(state, cast)
    assert await found(state, "conseil municipal en ligne") == ["conseil-municipal-en-ligne"]
    assert await found(state, "consiel municpal") == ["conseil-municipal-en-ligne"]


async def test_suspended_and_retired_listings_disappear_for_the_public(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish(state, cast)
    curator = await cast.actor(state, "curator")
    await state.listings.transition(curator, slug, Action.suspend, "Faille de sécurité")
    await state.dispatcher.drain()
    assert await found(state, "conseil municipal") == []
    assert await found(state, "conseil municipal", curator=True, states=("suspended",)) == [slug]
    await state.listings.transition(curator, slug, Action.reinstate)
    await state.dispatcher.drain()
    assert await found(state, "conseil municipal") == [slug]
    await state.listings.transition(curator, slug, Action.retire, "Service arrêté")
    await state.dispatcher.drain()
    assert await found(state, "conseil municipal") == []
    assert await found(state, "conseil municipal", curator=True, states=("retired",)) == [slug]


async def test_an_edit_of_a_published_listing_is_reindexed(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish(state, cast)
    assert await found(state, "visioconference") == []
    await state.listings.update(
        await cast.actor(state, "curator"), slug, ListingUpdate(pitch="Séances en visioconférence.")
    )
    await state.dispatcher.drain()
    assert await found(state, "visioconference") == [slug]


async def test_the_document_carries_every_facet(state: Any) -> None:
    cast = await make_cast(state)
    await publish(state, cast)
    page = await state.search.search_services(ServiceSearchParams(q="conseil"))
    hit = page.hits[0]
    assert hit.url == "/catalogue/conseil-municipal-en-ligne"
    assert hit.thematiques == ["Citoyenneté / démocratie participative"]
    assert (hit.target_kinds, hit.pricing, hit.maturity) == (["commune", "epci"], ["free", "flat"], "beta")
    assert (hit.deployment_modes, hit.publisher_name) == (["saas_mutualise"], "Éditeur A")
    assert hit.yearly_price_cents == 0
    assert hit.cofunding_available
    facets = {f.param: {v.value: v.count for v in f.values} for f in page.facets}
    assert facets["thematique"] == {"citoyennete-democratie-participative": 1}
    assert facets["pricing"] == {"free": 1, "flat": 1}
    assert facets["publisher"] == {"900000001": 1}
    assert facets["cofunding"] == {"true": 1}
    labels = {v.label for f in page.facets for v in f.values}
    assert {"Gratuit", "Éditeur A", "Cofinancement possible", "Communes"} <= labels


async def test_a_failed_index_write_is_delivered_again(state: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast)
    await state.dispatcher.drain()
    await state.search.unindex_services(
        [h.id for h in (await state.search.search_services(ServiceSearchParams(), curator=True)).hits]
    )
    backend = state.search.backend
    real_upsert = backend.upsert
    calls = {"n": 0}

    async def failing_once(index: str, documents: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("moteur injoignable")
        return await real_upsert(index, documents)

    monkeypatch.setattr(backend, "upsert", failing_once)
    await state.listings.transition(
        await cast.actor(state, "dev_a"), "conseil-municipal-en-ligne", Action.submit
    )
    await state.dispatcher.drain()
    assert calls["n"] == 1
    assert await found(state, "conseil", curator=True) == []
    failed = await OutboxDelivery.select().where(OutboxDelivery.state == "failed")
    assert [r["consumer"] for r in failed] == ["search-indexer"]
    # The retry delay has passed (moved back in time rather than waited for).
    await OutboxDelivery.update(
        {OutboxDelivery.claimed_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)}
    ).where(OutboxDelivery.state == "failed")
    await state.dispatcher.drain()
    assert await found(state, "conseil", curator=True) == ["conseil-municipal-en-ligne"]


async def test_the_index_is_rebuilt_from_the_database(state: Any) -> None:
    cast = await make_cast(state)
    slug = await publish(state, cast)
    await state.search.backend.drop("services")
    await state.search.ensure_indexes()
    assert await found(state, "conseil") == []
    assert await state.search.reindex_services_from_database() == 1
    assert await found(state, "conseil") == [slug]
