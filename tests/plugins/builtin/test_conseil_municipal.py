"""Conseil municipal en ligne, through its HTTP routes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.plugins.builtin.conftest import PETITE_COMMUNE
from tests.support.people import csrf_headers, make_agent, sign_in, sign_out
from tests.support.plugins import BOURG

PARIS = ZoneInfo("Europe/Paris")
BASE = f"/services/{BOURG}/conseil-municipal"


def _date(days: int) -> dt.datetime:
    day = dt.datetime.now(PARIS).date() + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, 18, 30, tzinfo=PARIS)


async def _post(client, path: str, body: object, base: str = BASE):
    return await client.post(base + path, json=body, headers=await csrf_headers(client))


async def _council(client, base: str = BASE, size: int = 7) -> dict[str, str]:
    ids = {}
    maire = await _post(client, "/membres", {"nom": "Jeanne Maire", "qualite": "maire"}, base)
    assert maire.status_code == 201, maire.text
    ids["maire"] = maire.json()["id"]
    for i in range(1, size):
        ids[f"c{i}"] = (await _post(client, "/membres", {"nom": f"Conseiller {i}"}, base)).json()["id"]
    return ids


async def test_a_full_council_session(client, state, builtin) -> None:
    await state.plugin_deployments.deploy(None, BOURG, "conseil-municipal")
    agent = await make_agent(state, "dgs@bourg.fr", BOURG, role="dgs_dga")
    await sign_in(client, agent)
    m = await _council(client)
    date = _date(12)
    seance = await _post(
        client,
        "/seances",
        {"titre": "Conseil de décembre", "date": date.isoformat(), "president": m["maire"]},
    )
    assert seance.status_code == 201, seance.text
    sid = seance.json()["id"]
    assert seance.json()["lieu"] == "Salle du conseil, mairie"

    empty = await _post(
        client, f"/seances/{sid}/convocation", {"envoyee_le": (date - dt.timedelta(days=8)).isoformat()}
    )
    assert (empty.status_code, empty.json()["code"]) == (422, "ordre_du_jour_vide")
    p1 = (await _post(client, f"/seances/{sid}/points", {"titre": "Budget primitif 2027"})).json()["id"]
    p2 = (
        await _post(
            client, f"/seances/{sid}/points", {"titre": "Désignation d'un délégué", "scrutin_secret": True}
        )
    ).json()["id"]

    # Bourg-en-Bresse has 42 159 inhabitants: five clear days.
    late = await _post(
        client, f"/seances/{sid}/convocation", {"envoyee_le": (date - dt.timedelta(days=5)).isoformat()}
    )
    assert (late.status_code, late.json()["code"]) == (422, "delai_convocation_insuffisant")
    assert "4 jour(s) franc(s) au lieu de 5" in late.json()["detail"]
    ok = await _post(
        client, f"/seances/{sid}/convocation", {"envoyee_le": (date - dt.timedelta(days=6)).isoformat()}
    )
    assert ok.status_code == 201, ok.text
    assert (ok.json()["delai_legal_jours_francs"], ok.json()["jours_francs"]) == (5, 5)
    assert "Budget primitif 2027" in ok.json()["texte"]

    presences = {m["maire"]: "present", m["c1"]: "present", m["c2"]: "present"}
    presences |= {m[f"c{i}"]: "absent" for i in range(3, 7)}
    response = await client.put(
        f"{BASE}/seances/{sid}/presences", json=presences, headers=await csrf_headers(client)
    )
    assert response.json()["quorum"] == {
        "en_exercice": 7,
        "presents": 3,
        "requis": 4,
        "atteint": False,
        "exige": True,
    }
    refused = await _post(client, f"/seances/{sid}/points/{p1}/vote", {"votes": {m["maire"]: "pour"}})
    assert (refused.status_code, refused.json()["code"]) == (409, "quorum_non_atteint")

    await client.put(
        f"{BASE}/seances/{sid}/presences", json={m["c3"]: "present"}, headers=await csrf_headers(client)
    )
    assert (await client.get(f"{BASE}/seances/{sid}/quorum")).json()["atteint"] is True
    proxy = await _post(client, f"/seances/{sid}/pouvoirs", {"mandant": m["c4"], "mandataire": m["c1"]})
    assert proxy.status_code == 201, proxy.text
    second = await _post(client, f"/seances/{sid}/pouvoirs", {"mandant": m["c5"], "mandataire": m["c1"]})
    assert (second.status_code, second.json()["code"]) == (409, "un_seul_pouvoir")
    present_giver = await _post(
        client, f"/seances/{sid}/pouvoirs", {"mandant": m["c2"], "mandataire": m["c3"]}
    )
    assert present_giver.json()["code"] == "mandant_present"

    intruder = await _post(
        client, f"/seances/{sid}/points/{p1}/vote", {"votes": {m["maire"]: "pour", m["c6"]: "pour"}}
    )
    assert (intruder.status_code, intruder.json()["code"]) == (422, "votant_invalide")
    tie = await _post(
        client,
        f"/seances/{sid}/points/{p1}/vote",
        {
            "votes": {
                m["maire"]: "pour",
                m["c1"]: "pour",
                m["c4"]: "contre",
                m["c2"]: "contre",
                m["c3"]: "abstention",
            }
        },
    )
    assert tie.status_code == 201, tie.text
    body = tie.json()
    assert (body["resultat"], body["voix_preponderante"]) == ("adoptee", True)
    assert body["numero_deliberation"] == f"{date.year}-001"
    assert "prépondérante" in body["explication"]
    again = await _post(client, f"/seances/{sid}/points/{p1}/vote", {"votes": {m["maire"]: "pour"}})
    assert again.json()["code"] == "deja_vote"

    stuffed = await _post(
        client, f"/seances/{sid}/points/{p2}/vote", {"pour": 4, "contre": 1, "abstention": 1}
    )
    assert stuffed.json()["code"] == "vote_invalide"
    secret = await _post(
        client, f"/seances/{sid}/points/{p2}/vote", {"pour": 2, "contre": 2, "abstention": 1}
    )
    assert (secret.json()["resultat"], secret.json()["voix_preponderante"]) == ("rejetee", False)

    await _post(client, f"/seances/{sid}/cloture", {})
    await _post(
        client,
        f"/seances/{sid}/proces-verbal",
        {"texte": "Séance ouverte à 18h30 sous la présidence de la maire."},
    )
    unsigned = await _post(client, f"/seances/{sid}/proces-verbal/publication", {})
    assert (unsigned.status_code, unsigned.json()["code"]) == (403, "not_tenant_signatory")
    sign_out(client)
    maire = await make_agent(state, "maire@bourg.fr", BOURG, role="elu_executif", can_sign=True)
    await sign_in(client, maire)
    published = await _post(client, f"/seances/{sid}/proces-verbal/publication", {})
    assert published.status_code == 201, published.text

    sign_out(client)
    public = await client.get(f"{BASE}/deliberations")
    assert public.status_code == 200
    assert [(d["numero"], d["resultat"]) for d in public.json()] == [
        (f"{date.year}-002", "rejetee"),
        (f"{date.year}-001", "adoptee"),
    ]
    page = await client.get(f"{BASE}/deliberations", headers={"accept": "text/html"})
    assert "Budget primitif 2027" in page.text
    assert "Bourg-en-Bresse" in page.text
    minutes = await client.get(f"{BASE}/seances/{sid}/proces-verbal")
    assert "présidence de la maire" in minutes.json()["texte"]
    assert (await client.get(f"{BASE}/membres")).status_code == 401


async def test_small_communes_have_three_clear_days_and_reconvened_sessions_need_no_quorum(
    client, state, builtin
) -> None:
    base = f"/services/{PETITE_COMMUNE}/conseil-municipal"
    await state.plugin_deployments.deploy(None, PETITE_COMMUNE, "conseil-municipal")
    agent = await make_agent(state, "secretaire@cize.fr", PETITE_COMMUNE)
    await sign_in(client, agent)
    m = await _council(client, base, size=11)
    date = _date(10)
    first = (
        await _post(
            client, "/seances", {"titre": "Séance", "date": date.isoformat(), "president": m["maire"]}, base
        )
    ).json()
    await _post(client, f"/seances/{first['id']}/points", {"titre": "Voirie"}, base)
    ok = await _post(
        client,
        f"/seances/{first['id']}/convocation",
        {"envoyee_le": (date - dt.timedelta(days=4)).isoformat()},
        base,
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["delai_legal_jours_francs"] == 3
    await client.put(
        f"{base}/seances/{first['id']}/presences",
        json={m["maire"]: "present", m["c1"]: "present"},
        headers=await csrf_headers(client),
    )
    again_date = _date(14)
    again = await _post(
        client,
        "/seances",
        {
            "titre": "Reconvocation",
            "date": again_date.isoformat(),
            "president": m["maire"],
            "reconvocation_de": first["id"],
        },
        base,
    )
    assert again.status_code == 201, again.text
    rid = again.json()["id"]
    point = (await _post(client, f"/seances/{rid}/points", {"titre": "Voirie"}, base)).json()["id"]
    await _post(
        client,
        f"/seances/{rid}/convocation",
        {"envoyee_le": (again_date - dt.timedelta(days=4)).isoformat()},
        base,
    )
    await client.put(
        f"{base}/seances/{rid}/presences",
        json={m["maire"]: "present", m["c1"]: "present"},
        headers=await csrf_headers(client),
    )
    quorum = (await client.get(f"{base}/seances/{rid}/quorum")).json()
    assert (quorum["atteint"], quorum["exige"], quorum["presents"]) == (True, False, 2)
    vote = await _post(
        client,
        f"/seances/{rid}/points/{point}/vote",
        {"votes": {m["maire"]: "pour", m["c1"]: "contre"}},
        base,
    )
    assert vote.json()["resultat"] == "adoptee"
