"""A listing names the plugin deployed for its subscribers: a publisher only its own, a curator any."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from catalogue.listings.schemas import ListingCreate, ListingUpdate
from store.kit.errors import InvalidInput
from tests.subscriptions.support import PLUGIN, make_cast, publish_listing
from tests.support.catalogue import PUBLISHER_A, listing_payload, make_publisher
from tests.support.people import csrf_headers, make_publisher_member, sign_in


async def test_plugin_id_is_checked_and_set(state: Any, client: Any) -> None:
    cast = await make_cast(state)
    await make_publisher(state, PUBLISHER_A)
    stranger = await make_publisher_member(state, "dev@a.example", PUBLISHER_A)
    stranger_actor = await state.accounts.load_actor(stranger.account_id)
    await state.listings.create(stranger_actor, msgspec.convert(listing_payload("service-a"), ListingCreate))

    with pytest.raises(InvalidInput) as unknown:
        await state.listings.update(stranger_actor, "service-a", ListingUpdate(plugin_id="inconnu"))
    assert unknown.value.errors[0].field == "plugin_id"
    with pytest.raises(InvalidInput) as not_theirs:
        await state.listings.update(stranger_actor, "service-a", ListingUpdate(plugin_id=PLUGIN))
    assert "autre éditeur" in not_theirs.value.errors[0].message

    curator = await cast.actor("curator")
    updated = await state.listings.update(curator, "service-a", ListingUpdate(plugin_id=PLUGIN))
    assert updated.plugin_id == PLUGIN

    slug = await publish_listing(cast)
    await sign_in(client, cast.curator)
    form = await client.get(f"/editeur/services/{slug}", headers={"accept": "text/html"})
    assert f'name="plugin_id" value="{PLUGIN}"' in form.text
    api = await client.get(f"/api/v1/listings/{slug}")
    assert api.json()["plugin_id"] == PLUGIN
    cleared = await client.patch(
        "/api/v1/listings/service-a", json={"plugin_id": None}, headers=await csrf_headers(client)
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["plugin_id"] is None
