"""Serveur vocal interactif, through its HTTP routes (and its holiday rules on their own)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from tests.support.people import csrf_headers, make_agent, sign_in
from tests.support.plugins import BOURG

BASE = f"/services/{BOURG}/serveur-vocal"
VXML = "{http://www.w3.org/2001/vxml}"
ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location(
    "feries_sous_test", ROOT / "plugins/builtin/serveur-vocal/serveur_vocal/feries.py"
)
assert _spec is not None
assert _spec.loader is not None
feries = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(feries)

MENU = {
    "racine": "accueil",
    "noeuds": [
        {
            "id": "accueil",
            "type": "menu",
            "annonce": "Mairie de Bourg-en-Bresse. État civil : 1. Urbanisme : 2. Accueil : 9.",
            "choix": [
                {"touche": "1", "cible": "etat-civil", "libelle": "État civil"},
                {"touche": "2", "cible": "urbanisme", "libelle": "Urbanisme"},
                {"touche": "9", "cible": "accueil-physique", "libelle": "Accueil"},
            ],
        },
        {
            "id": "etat-civil",
            "type": "menu",
            "annonce": "Pour un acte, tapez 1. Pour un mariage, tapez 2.",
            "choix": [{"touche": "1", "cible": "agent-etat-civil"}, {"touche": "2", "cible": "info-mariage"}],
        },
        {
            "id": "agent-etat-civil",
            "type": "transfert",
            "annonce": "Nous vous mettons en relation.",
            "numero": "04 74 45 71 99",
        },
        {
            "id": "info-mariage",
            "type": "message",
            "annonce": "Les dossiers de mariage se déposent en mairie.",
        },
        {
            "id": "urbanisme",
            "type": "transfert",
            "annonce": "Service de l'urbanisme.",
            "service": "sip:urbanisme@bourg.fr",
        },
        {"id": "accueil-physique", "type": "transfert", "annonce": "Un instant.", "numero": "3939"},
    ],
}
HORAIRES = {
    "semaine": {"mardi": ["08:30-12:00", "13:30-17:30"], "jeudi": ["08:30-12:00"]},
    "fermetures": ["2026-12-24"],
}
MARDI_10H = "2026-12-01T10:00:00+01:00"


async def _setup(client, state, config: dict | None = None) -> dict[str, str]:
    await state.plugin_deployments.deploy(None, BOURG, "serveur-vocal", config=config)
    agent = await make_agent(state, "standard@bourg.fr", BOURG)
    await sign_in(client, agent)
    headers = await csrf_headers(client)
    assert (await client.put(f"{BASE}/menu", json=MENU, headers=headers)).status_code == 200
    assert (await client.put(f"{BASE}/horaires", json=HORAIRES, headers=headers)).status_code == 200
    return headers


async def _call(client, headers, touches: str, instant: str = MARDI_10H) -> dict:
    response = await client.post(
        f"{BASE}/simulation", json={"touches": touches, "instant": instant}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_the_call_simulator_follows_the_menu(client, state, builtin) -> None:
    headers = await _setup(client, state)
    call = await _call(client, headers, "11")
    assert call["ouvert"] is True
    assert [e["noeud"] for e in call["etapes"]] == ["accueil", "etat-civil", "agent-etat-civil"]
    assert call["action"] == {"type": "transfert", "numero": "0474457199"}
    assert (await _call(client, headers, "2"))["action"] == {
        "type": "transfert",
        "service": "sip:urbanisme@bourg.fr",
    }
    assert (await _call(client, headers, "12"))["action"] == {"type": "message"}
    waiting = await _call(client, headers, "*")
    assert [e["noeud"] for e in waiting["etapes"]] == ["accueil", "accueil"]
    assert waiting["action"]["type"] == "attente"
    wrong = await _call(client, headers, "5")
    assert wrong["etapes"][1]["annonce"] == "Votre choix n'est pas valide."
    hung_up = await _call(client, headers, "555")
    assert hung_up["action"]["type"] == "raccroche"


async def test_opening_hours_holidays_and_closures(client, state, builtin) -> None:
    headers = await _setup(client, state)
    sunday = await _call(client, headers, "1", "2026-11-29T10:00:00+01:00")
    assert (sunday["ouvert"], sunday["action"]["type"]) == (False, "ferme")
    assert "La mairie est actuellement fermée" in sunday["etapes"][0]["annonce"]
    ascension = await _call(client, headers, "1", "2026-05-14T10:00:00+02:00")
    assert ascension["action"]["motif"] == "Jour férié : Ascension"
    closure = await _call(client, headers, "1", "2026-12-24T10:00:00+01:00")
    assert closure["action"]["motif"] == "Fermeture exceptionnelle"
    lunch = await _call(client, headers, "1", "2026-12-01T12:30:00+01:00")
    assert lunch["action"]["motif"] == "En dehors des horaires d'ouverture"
    holidays = (await client.get(f"{BASE}/jours-feries", params={"annee": 2026})).json()
    names = {h["date"]: h["nom"] for h in holidays}
    assert names["2026-04-06"] == "Lundi de Pâques"
    assert names["2026-05-25"] == "Lundi de Pentecôte"
    assert "Vendredi saint" not in names.values()  # Ain, not Alsace-Moselle


async def test_out_of_hours_calls_go_to_the_on_call_number(client, state, builtin) -> None:
    headers = await _setup(client, state, config={"numero_astreinte": "06 12 34 56 78"})
    night = await _call(client, headers, "", "2026-12-01T23:00:00+01:00")
    assert night["action"] == {
        "type": "transfert",
        "numero": "0612345678",
        "motif": "En dehors des horaires d'ouverture",
    }


async def test_invalid_menus_and_hours_are_refused(client, state, builtin) -> None:
    headers = await _setup(client, state)
    broken = {
        "racine": "accueil",
        "noeuds": [
            {"id": "accueil", "type": "menu", "annonce": "Bonjour.", "choix": [
                {"touche": "1", "cible": "nulle-part"}, {"touche": "1", "cible": "accueil"},
                {"touche": "A", "cible": "accueil"}]},
            {"id": "mauvais-numero", "type": "transfert", "annonce": "x", "numero": "12345"},
        ],
    }  # fmt: skip
    response = await client.put(f"{BASE}/menu", json=broken, headers=headers)
    assert (response.status_code, response.json()["code"]) == (422, "arbre_invalide")
    detail = response.json()["detail"]
    for fragment in ("nulle-part", "même touche", "« A »", "12345"):
        assert fragment in detail
    hours = await client.put(
        f"{BASE}/horaires", json={"semaine": {"lundi": ["18:00-08:00"], "funday": []}}, headers=headers
    )
    assert (hours.status_code, hours.json()["code"]) == (422, "horaires_invalides")
    assert (await client.get(f"{BASE}/menu")).json()["noeuds"][0]["annonce"].startswith("Mairie de Bourg")


async def test_the_voicexml_export_parses_and_uses_standard_elements(client, state, builtin) -> None:
    headers = await _setup(client, state, config={"numero_astreinte": "06 12 34 56 78"})
    response = await client.get(f"{BASE}/export.vxml", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/voicexml+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own export, parsed to check it
    assert (root.tag, root.get("version")) == (f"{VXML}vxml", "2.1")
    ids = {el.get("id") for el in root if el.get("id")}
    assert {"accueil", "fermeture", "n_accueil", "n_etat_civil", "n_agent_etat_civil"} <= ids
    targets = {el.get("next") for el in root.iter() if el.get("next")}
    assert targets
    assert all(t.startswith("#") and t[1:] in ids for t in targets)
    menu = next(el for el in root.iter(f"{VXML}menu") if el.get("id") == "n_accueil")
    assert {c.get("dtmf"): c.get("next") for c in menu.iter(f"{VXML}choice")} == {
        "1": "#n_etat_civil",
        "2": "#n_urbanisme",
        "9": "#n_accueil_physique",
        "*": "#n_accueil",
    }
    destinations = {t.get("dest") for t in root.iter(f"{VXML}transfer")}
    assert destinations == {"tel:+33474457199", "sip:urbanisme@bourg.fr", "tel:3939", "tel:+33612345678"}
    assert root.find(f"{VXML}script") is not None
    assert all(el.tag.startswith(VXML) for el in root.iter())
    year = dt.datetime.now(dt.UTC).year
    ascension = feries.paques(year) + dt.timedelta(days=39)
    assert ascension.isoformat() in response.text


KNOWN_EASTERS = {
    2024: dt.date(2024, 3, 31),
    2025: dt.date(2025, 4, 20),
    2026: dt.date(2026, 4, 5),
    2038: dt.date(2038, 4, 25),
    2285: dt.date(2285, 3, 22),
}


def test_easter_matches_known_dates() -> None:
    for year, easter in KNOWN_EASTERS.items():
        assert feries.paques(year) == easter


@given(st.integers(min_value=1583, max_value=4099))
def test_easter_is_a_sunday_between_march_22_and_april_25(year: int) -> None:
    easter = feries.paques(year)
    assert easter.weekday() == 6
    assert dt.date(year, 3, 22) <= easter <= dt.date(year, 4, 25)


def test_regional_holidays() -> None:
    moselle = feries.jours_feries(2026, "57")
    assert moselle[dt.date(2026, 4, 3)] == "Vendredi saint"
    assert moselle[dt.date(2026, 12, 26)] == "Saint-Étienne"
    assert feries.jours_feries(2026, "974")[dt.date(2026, 12, 20)] == "Abolition de l'esclavage"
    assert len(feries.jours_feries(2026, "01")) == 11
