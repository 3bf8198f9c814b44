"""The curators' area: review queue, review page, decisions with reasons, audit log, publishers."""

from __future__ import annotations

from catalogue.listings.states import Action
from tests.support.catalogue import PUBLISHER_A, as_, create_listing, make_cast
from tests.support.people import csrf_headers

HTML = {"accept": "text/html"}
SLUG = "conseil-municipal-en-ligne"


async def submitted(state, cast) -> None:
    await create_listing(state, cast, SLUG)
    await state.listings.transition(await cast.actor(state, "dev_a"), SLUG, Action.submit)


async def test_only_curators_enter(client, state) -> None:
    cast = await make_cast(state)
    assert (await client.get("/curation", headers=HTML)).status_code == 401
    for persona in (cast.agent, cast.dev_a):
        await as_(client, persona)
        assert (await client.get("/curation", headers=HTML)).status_code == 403
        assert (await client.get("/curation/editeurs", headers=HTML)).status_code == 403


async def test_queue_review_page_and_approval(client, state) -> None:
    cast = await make_cast(state)
    await submitted(state, cast)
    await as_(client, cast.curator)
    home = (await client.get("/curation", headers=HTML)).text
    assert 'data-testid="review-queue"' in home
    assert f'href="/curation/services/{SLUG}"' in home
    review = (await client.get(f"/curation/services/{SLUG}", headers=HTML)).text
    for action in ("approve", "request_changes", "reject"):
        assert f'data-testid="decide-{action}"' in review
    assert 'data-testid="decide-suspend"' not in review
    assert "Soumission" in review  # history
    assert "Organiser ses conseils municipaux en ligne" in review  # the preview
    headers = {**HTML, **await csrf_headers(client)}
    response = await client.post(f"/curation/services/{SLUG}/approuver", data={}, headers=headers)
    assert response.status_code == 303
    assert (await state.listings.get(await cast.actor(state, "curator"), SLUG)).state == "published"
    home = (await client.get("/curation", headers=HTML)).text
    assert 'data-testid="empty-queue"' in home
    assert "Approbation" in home  # recent audit log
    await as_(client, None)
    assert (await client.get(f"/catalogue/{SLUG}", headers=HTML)).status_code == 200


async def test_a_rejection_needs_a_reason(client, state) -> None:
    cast = await make_cast(state)
    await submitted(state, cast)
    await as_(client, cast.curator)
    headers = {**HTML, **await csrf_headers(client)}
    await client.post(f"/curation/services/{SLUG}/refuser", data={"reason": "  "}, headers=headers)
    review = (await client.get(f"/curation/services/{SLUG}", headers=HTML)).text
    assert "Un motif est obligatoire" in review
    curator = await cast.actor(state, "curator")
    assert (await state.listings.get(curator, SLUG)).state == "submitted"
    await client.post(f"/curation/services/{SLUG}/refuser", data={"reason": "Doublon."}, headers=headers)
    assert (await state.listings.get(curator, SLUG)).state == "rejected"
    home = (await client.get("/curation", headers=HTML)).text
    assert "Refus" in home
    assert "Doublon." in home


async def test_suspend_and_reinstate_a_published_listing(client, state) -> None:
    cast = await make_cast(state)
    await submitted(state, cast)
    curator = await cast.actor(state, "curator")
    await state.listings.transition(curator, SLUG, Action.approve)
    await as_(client, cast.curator)
    headers = {**HTML, **await csrf_headers(client)}
    published = (await client.get("/curation/services?etat=published", headers=HTML)).text
    assert SLUG in published
    await client.post(
        f"/curation/services/{SLUG}/suspendre", data={"reason": "Faille signalée."}, headers=headers
    )
    assert (await state.listings.get(curator, SLUG)).state == "suspended"
    await as_(client, None)
    assert (await client.get(f"/catalogue/{SLUG}", headers=HTML)).status_code == 404
    await as_(client, cast.curator)
    headers = {**HTML, **await csrf_headers(client)}
    await client.post(f"/curation/services/{SLUG}/republier", data={}, headers=headers)
    assert (await state.listings.get(curator, SLUG)).state == "published"
    response = await client.post(f"/curation/services/{SLUG}/nimporte", data={}, headers=headers)
    assert response.status_code == 303


async def test_publishers_are_created_and_verified_from_the_page(client, state) -> None:
    cast = await make_cast(state)
    await as_(client, cast.curator)
    headers = {**HTML, **await csrf_headers(client)}
    response = await client.post(
        "/curation/editeurs",
        data={
            "siren": "912345675",
            "name": "Coop des communs",
            "contact_email": "a@coop.example",
            "website": "",
        },
        headers=headers,
    )
    assert response.status_code == 303
    bad = await client.post(
        "/curation/editeurs", data={"siren": "123", "name": "X", "contact_email": "a@b.fr"}, headers=headers
    )
    assert bad.status_code in (400, 422)
    await client.post(
        f"/curation/editeurs/{PUBLISHER_A}/verification", data={"verified": "1"}, headers=headers
    )
    assert (await state.publishers.get(PUBLISHER_A)).verified is True
    page = (await client.get("/curation/editeurs", headers=HTML)).text
    assert "Coop des communs" in page
    assert "Vérifié" in page
