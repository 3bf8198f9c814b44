"""Every table a curator sees has a CSV: review queues, listings by state, publishers, consultations
and the audit log (same format as the consultation exports)."""

from __future__ import annotations

import re

from catalogue.listings.states import Action
from tests.support.catalogue import PUBLISHER_A, as_, create_listing, make_cast
from tests.support.consultations import ready_to_vote
from tests.support.people import csrf_headers
from tests.support.plugins import demo_zip, publish

HTML = {"accept": "text/html"}
API = "/api/v1/admin/exports"


def rows_of(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return [line.split(";") for line in content.decode("utf-8-sig").splitlines()]


async def test_listing_tables_and_publishers_export_what_the_pages_show(client, state) -> None:
    cast = await make_cast(state)
    dev = await cast.actor(state, "dev_a")
    for slug in ("deuxieme-service", "premier-service", "brouillon-seul"):
        await create_listing(state, cast, slug)
    await state.listings.transition(dev, "premier-service", Action.submit)
    await state.listings.transition(dev, "deuxieme-service", Action.submit)
    await as_(client, cast.curator)

    home = await client.get("/curation/", headers=HTML)
    assert f'href="{API}/file-de-revue.csv"' in home.text
    assert f'href="{API}/journal.csv"' in home.text
    queue = await client.get(f"{API}/file-de-revue.csv")
    assert queue.headers["content-type"].startswith("text/csv")
    assert 'filename="file-de-revue.csv"' in queue.headers["content-disposition"]
    rows = rows_of(queue.content)
    assert rows[0][:3] == ["slug", "nom", "etat"]
    assert [r[0] for r in rows[1:]] == ["premier-service", "deuxieme-service"]
    assert {r[3] for r in rows[1:]} == {PUBLISHER_A}

    drafts_page = await client.get("/curation/services?etat=draft", headers=HTML)
    assert f'href="{API}/services.csv?etat=draft"' in drafts_page.text
    drafts = rows_of((await client.get(f"{API}/services.csv?etat=draft")).content)
    assert [r[0] for r in drafts[1:]] == ["brouillon-seul"]
    wrong = await client.get(f"{API}/services.csv?etat=nimporte")
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "unknown_state"

    publishers_page = await client.get("/curation/editeurs", headers=HTML)
    assert f'href="{API}/editeurs.csv"' in publishers_page.text
    publishers = rows_of((await client.get(f"{API}/editeurs.csv")).content)
    assert publishers[0] == ["siren", "nom", "site", "contact", "verifie", "verifie_le", "cree_le"]
    assert PUBLISHER_A in [r[0] for r in publishers[1:]]


async def test_audit_log_exports_with_the_same_filters_as_its_reading(client, state) -> None:
    cast = await make_cast(state)
    await create_listing(state, cast, "service-audite")
    await create_listing(state, cast, "autre-service")
    await state.listings.transition(await cast.actor(state, "dev_a"), "service-audite", Action.submit)
    await as_(client, cast.curator)
    listing = (await client.get("/api/v1/listings/service-audite")).json()
    await client.post(
        "/api/v1/admin/listings/service-audite/request-changes",
        json={"reason": "=HYPERLINK(logo)"},
        headers=await csrf_headers(client),
    )
    review = await client.get("/curation/services/service-audite", headers=HTML)
    href = f"{API}/journal.csv?subject_type=listing&amp;subject_id={listing['id']}"
    assert href in review.text
    export = await client.get(f"{API}/journal.csv?subject_type=listing&subject_id={listing['id']}")
    rows = rows_of(export.content)
    assert rows[0][:3] == ["id", "le", "action"]
    assert [r[2] for r in rows[1:]] == [
        "catalogue:listing:request_changes",
        "catalogue:listing:submit",
        "catalogue:listing:create",
    ]
    # A reason that looks like a formula is neutralised for spreadsheets.
    assert rows[1][9] == "'=HYPERLINK(logo)"
    everything = rows_of((await client.get(f"{API}/journal.csv")).content)
    reading = (await client.get("/api/v1/admin/audit?per_page=200")).json()
    assert len(everything) - 1 == reading["total"]


async def test_pending_releases_and_consultations_export(client, state, tmp_path) -> None:
    release_id = await publish(state, demo_zip(), tmp_path, approve=False)
    await ready_to_vote(state)
    cast = await make_cast(state)
    await as_(client, cast.curator)
    queue_page = await client.get("/curation/plugins/", headers=HTML)
    assert f'href="{API}/versions-en-attente.csv"' in queue_page.text
    releases = rows_of((await client.get(f"{API}/versions-en-attente.csv")).content)
    assert [(r[0], r[1], r[2]) for r in releases[1:]] == [(release_id, "demo-service", "1.0.0")]

    index = await client.get("/consultations", headers=HTML)
    assert f'href="{API}/consultations.csv"' in index.text
    consultations = rows_of((await client.get(f"{API}/consultations.csv")).content)
    assert consultations[0][:3] == ["id", "slug", "titre"]
    assert [(r[1], r[4]) for r in consultations[1:]] == [("relance-2021", "Vote")]
    await as_(client, None)
    assert "consultations.csv" not in (await client.get("/consultations", headers=HTML)).text
    assert (await client.get(f"{API}/consultations.csv")).status_code == 401


async def test_consultation_pages_link_their_exports(client, state) -> None:
    _, cid, _ = await ready_to_vote(state)
    cast = await make_cast(state)
    await as_(client, cast.curator)
    for tab, names in {
        "regroupement": ["contributions", "proposals"],
        "selection": ["results", "decisions", "tableau-de-bord/selection"],
        "positionnements": ["interests", "tableau-de-bord/positionnements-par-service"],
        "deploiement": ["milestones", "tableau-de-bord/deploiement"],
    }.items():
        page = await client.get(f"/curation/consultations/relance-2021/{tab}", headers=HTML)
        assert page.status_code == 200, tab
        for name in names:
            href = f"/api/v1/consultations/{cid}/exports/{name}.csv"
            assert re.search(f'href="{re.escape(href)}"', page.text), (tab, name)
            assert (await client.get(href)).status_code == 200, href
