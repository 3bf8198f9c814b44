"""Subscribe → sign → use the service, in a real browser: the demo mayor of Bourg-en-Bresse asks for
the interactive voice server from its catalogue page, signs, and opens the deployed service; a
service whose population limits Bourg exceeds is refused with its reason.

Screenshots land in ``test-artifacts/browser/`` (``subscribe-<n>-<step>.png``).
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.support.services import unavailable

pytestmark = pytest.mark.browser

MAYOR = ("maire@bourg-en-bresse.example", "Maire-Bourg-2026")  # documented demo account
BOURG = "210100533"


async def shot(page: Any, step: int, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"subscribe-{step}-{name}.png"), full_page=True)


async def test_subscribe_sign_and_reach_the_service(page: Any, live_server: Any) -> None:
    if "seed-demo" not in live_server.commands:
        unavailable("browser", "pas de démonstration dans cet arbre : rien à souscrire")
    await page.goto("/connexion")
    await page.get_by_label(re.compile("Adresse électronique")).fill(MAYOR[0])
    await page.get_by_label("Mot de passe").fill(MAYOR[1])
    await page.get_by_role("button", name="Se connecter").click()
    await page.get_by_test_id("current-user").wait_for()

    await page.goto("/catalogue/serveur-vocal-interactif")
    box = page.get_by_test_id("subscribe-box")
    await box.get_by_role("button", name="S'abonner").click()
    await page.get_by_test_id("subscribe-form").wait_for()
    await page.get_by_label(re.compile("^Abonnement annuel")).check(force=True)  # DSFR styles the label
    await page.get_by_label(re.compile("^Voie d'achat")).select_option("mapa")
    await shot(page, 1, "formulaire")
    await page.get_by_role("button", name="Demander l'abonnement").click()
    await page.get_by_test_id("state").filter(has_text="En attente de signature").wait_for()
    await page.get_by_role("button", name="Signer l'abonnement").click()
    await page.get_by_test_id("state").filter(has_text="Actif").wait_for()
    await shot(page, 2, "signe")
    link = page.get_by_test_id("service-link")
    assert await link.get_attribute("href") == f"/services/{BOURG}/serveur-vocal/"
    response = await page.goto(f"/services/{BOURG}/serveur-vocal/menu")
    assert response is not None
    assert response.status == 200

    await page.goto("/abonnements")
    assert "Serveur vocal interactif" in await page.get_by_test_id("subscriptions").inner_text()

    await page.goto("/catalogue/conseil-municipal-en-ligne")
    await page.get_by_test_id("subscribe-box").get_by_role("button", name="S'abonner").click()
    await page.get_by_label(re.compile("^Cotisation")).check(force=True)
    await page.get_by_label(re.compile("^Voie d'achat")).select_option("cooperation_public_public")
    await page.get_by_role("button", name="Demander l'abonnement").click()
    refusal = page.get_by_test_id("rejection")
    await refusal.wait_for()
    assert "dépassent les limites de population" in await refusal.inner_text()
    await shot(page, 3, "refus")
