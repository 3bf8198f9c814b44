"""Orientation des usagers, through its HTTP routes."""

from __future__ import annotations

import pytest

from tests.support.people import csrf_headers, make_agent, sign_in
from tests.support.plugins import AGGLO, AMBERIEU, BOURG

BASE = f"/services/{BOURG}/orientation-usagers"


async def _first(client, query: str, base: str = BASE) -> dict:
    response = await client.get(f"{base}/recherche", params={"q": query})
    assert response.status_code == 200, response.text
    assert response.json()["reponses"], f"aucune réponse pour {query!r}"
    return response.json()["reponses"][0]


@pytest.mark.parametrize(
    ("query", "theme", "niveau", "nom"),
    [
        ("poubelle pas ramassée", "dechets", "epci", "CA du Bassin de Bourg-en-Bresse"),
        ("acte de naisance", "etat-civil", "commune", "Mairie de Bourg-en-Bresse"),
        ("cartte grize", "vehicule", "etat", "Agence nationale des titres sécurisés (démarche en ligne)"),
        ("je veux demander le RSA", "rsa", "departement", "Département de l'Ain"),
        ("transprot scolaire", "transport-scolaire", "region", "Région Auvergne-Rhône-Alpes"),
        ("alocation logement", "allocations-familiales", "operateur", "CAF"),
        ("PASSEPORT", "identite", "etat", None),
    ],
)
async def test_citizens_are_told_who_is_competent_with_real_names(
    client, state, builtin, query, theme, niveau, nom
) -> None:
    await state.plugin_deployments.deploy(None, BOURG, "orientation-usagers")
    answer = await _first(client, query)
    assert answer["theme"]["id"] == theme
    assert answer["autorite"]["niveau"] == niveau
    if nom:
        assert answer["autorite"]["nom"] == nom


async def test_names_come_from_each_tenants_territory(client, state, builtin) -> None:
    await state.plugin_deployments.deploy(None, BOURG, "orientation-usagers")
    await state.plugin_deployments.deploy(None, AMBERIEU, "orientation-usagers")
    bourg = await _first(client, "déchèterie")
    assert (bourg["autorite"]["nom"], bourg["autorite"]["siren"]) == (
        "CA du Bassin de Bourg-en-Bresse",
        AGGLO,
    )
    amberieu = await _first(client, "déchèterie", f"/services/{AMBERIEU}/orientation-usagers")
    assert amberieu["autorite"]["nom"] == "CC de la Plaine de l'Ain"
    etat_civil = await _first(client, "mariage", f"/services/{AMBERIEU}/orientation-usagers")
    assert etat_civil["autorite"]["nom"] == "Mairie d'Ambérieu-en-Bugey"
    rsa = await _first(client, "rsa")
    assert rsa["service"] == "Département de l'Ain : direction de l'insertion"


async def test_agents_edit_contacts_and_the_competence_matrix(client, state, builtin) -> None:
    await state.plugin_deployments.deploy(None, BOURG, "orientation-usagers")
    denied = await client.put(f"{BASE}/contacts/epci", json={"telephone": "04 74 32 86 86"})
    assert denied.status_code in {401, 403}
    agent = await make_agent(state, "accueil@bourg.fr", BOURG)
    await sign_in(client, agent)
    headers = await csrf_headers(client)
    contact = await client.put(
        f"{BASE}/contacts/epci",
        json={"telephone": "04 74 32 86 86", "horaires": "Du lundi au vendredi"},
        headers=headers,
    )
    assert contact.status_code == 200, contact.text
    assert (await _first(client, "encombrants"))["contact"]["telephone"] == "04 74 32 86 86"

    regie = await client.put(
        f"{BASE}/themes/eau",
        json={"libelle": "Eau potable (régie municipale)", "niveau": "commune", "service": "Régie des eaux",
              "mots_cles": ["facture d'eau", "fuite", "compteur"]},
        headers=headers,
    )  # fmt: skip
    assert regie.status_code == 200, regie.text
    assert (await client.get(f"{BASE}/themes/eau")).json()["autorite"]["niveau"] == "commune"
    restored = await client.delete(f"{BASE}/themes/eau", headers=headers)
    assert restored.json()["retabli"] is True
    assert (await client.get(f"{BASE}/themes/eau")).json()["autorite"]["niveau"] == "epci"

    custom = await client.put(
        f"{BASE}/themes/marche-de-noel",
        json={
            "libelle": "Marché de Noël : emplacement d'exposant",
            "niveau": "commune",
            "service": "Service des animations",
            "mots_cles": ["exposant", "chalet"],
        },
        headers=headers,
    )
    assert custom.status_code == 200
    assert (await _first(client, "chalet marche noel"))["theme"]["id"] == "marche-de-noel"
    hidden = await client.put(
        f"{BASE}/themes/tourisme",
        json={"libelle": "Office de tourisme", "niveau": "epci", "service": "x", "actif": False},
        headers=headers,
    )
    assert hidden.json() == {"id": "tourisme", "actif": False}
    assert "tourisme" not in {t["id"] for t in (await client.get(f"{BASE}/themes")).json()}


async def test_the_page_works_without_javascript_and_bad_queries_are_4xx(client, state, builtin) -> None:
    await state.plugin_deployments.deploy(None, BOURG, "orientation-usagers")
    page = await client.get(f"{BASE}/", params={"q": "permis de construire"}, headers={"accept": "text/html"})
    assert page.status_code == 200
    assert "Service de l&#39;urbanisme" in page.text or "Service de l'urbanisme" in page.text
    assert '<form method="get"' in page.text
    empty = await client.get(f"{BASE}/recherche", params={"q": " "})
    assert (empty.status_code, empty.json()["code"]) == (422, "requete_vide")
    nothing = await client.get(f"{BASE}/recherche", params={"q": "xylophone quantique"})
    assert nothing.json()["reponses"] == []
