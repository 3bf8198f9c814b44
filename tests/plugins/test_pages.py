"""The publishers' and curators' HTML pages (forms work without JavaScript)."""

from __future__ import annotations

from plugins.registry.tables import PluginRelease
from tests.plugins.conftest import stored_objects
from tests.support.people import csrf_headers, make_account, make_agent, sign_in, sign_out
from tests.support.plugins import BOURG, demo_files, demo_zip, publisher_dev, zip_bytes

HTML = {"accept": "text/html"}


async def _token(client) -> str:
    return (await csrf_headers(client))["x-csrftoken"]


async def test_a_publisher_uploads_in_the_browser_and_reads_the_report(client, state, settings) -> None:
    await publisher_dev(state, client)
    listing = await client.get("/editeur/plugins/", headers=HTML)
    assert listing.status_code == 200
    assert 'enctype="multipart/form-data"' in listing.text
    token = await _token(client)
    response = await client.post(
        "/editeur/plugins/depot",
        data={"_csrf_token": token},
        files={"archive": ("demo.zip", demo_zip(), "application/zip")},
        headers=HTML,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/editeur/plugins/demo-service/versions/1.0.0"
    release = await client.get(response.headers["location"], headers=HTML)
    assert "En attente d" in release.text
    assert "archive_structure" in release.text
    assert "demo_service/plugin.py" in release.text

    hostile = zip_bytes({**demo_files("1.1.0"), "../../evil.py": b"x = 1\n"})
    refused = await client.post(
        "/editeur/plugins/depot",
        data={"_csrf_token": token},
        files={"archive": ("evil.zip", hostile, "application/zip")},
        headers=HTML,
    )
    assert refused.status_code == 422
    assert "archive_path_traversal" in refused.text
    assert await PluginRelease.count() == 1
    assert len(stored_objects(settings)) == 1


async def test_curators_review_and_decide_in_the_browser(client, state) -> None:
    await publisher_dev(state, client)
    headers = await csrf_headers(client)
    await client.post(
        "/api/v1/plugins/demo-service/releases",
        files={"archive": ("r.zip", demo_zip(), "application/zip")},
        headers=headers,
    )
    sign_out(client)
    agent = await make_agent(state, "agent@bourg.fr", BOURG)
    await sign_in(client, agent)
    assert (await client.get("/curation/plugins/", headers=HTML)).status_code == 403
    sign_out(client)
    curator = await make_account(state, "curatrice@anct.gouv.fr", curator=True)
    await sign_in(client, curator)
    queue = await client.get("/curation/plugins/", headers=HTML)
    assert "demo-service" in queue.text
    release_id = (await PluginRelease.select(PluginRelease.id).first())["id"]
    review = await client.get(f"/curation/plugins/versions/{release_id}", headers=HTML)
    assert review.status_code == 200
    assert "première version" in review.text
    assert "Approuver" in review.text
    token = await _token(client)
    short = await client.post(
        f"/curation/plugins/versions/{release_id}/refuser", data={"_csrf_token": token, "reason": "non"}
    )
    assert short.status_code == 303
    assert "au moins 10 caractères" in (await client.get(short.headers["location"], headers=HTML)).text
    approved = await client.post(
        f"/curation/plugins/versions/{release_id}/approuver", data={"_csrf_token": token, "reason": ""}
    )
    assert approved.status_code == 303
    page = await client.get(approved.headers["location"], headers=HTML)
    assert "Approuvée" in page.text
    assert "Retirer cette version" in page.text
