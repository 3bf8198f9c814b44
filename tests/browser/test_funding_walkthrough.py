"""Funding in a real browser, without JavaScript: an agent applies to the national call from the
« Appels à projets » menu and reads why its commune alone is not eligible; the curator checks the
application on the funding desk and declines it with a reason the agent then reads."""

from __future__ import annotations

import re
import sys

import pytest

from tests.browser.conftest import _run
from tests.browser.personas import PERSONAS
from tests.browser.test_pages import sign_in

pytestmark = pytest.mark.browser
TITLE = "Serveur vocal interactif de Bourg-en-Bresse"


async def test_an_agent_applies_and_the_curator_declines_with_a_reason(page, live_server, browser) -> None:
    if "seed-funding" not in live_server.commands:
        pytest.skip("seed-funding absent de cette version")
    _run([sys.executable, "-m", "store", "seed-funding"], live_server.env, live_server.log)
    agent = PERSONAS["agent"]
    await sign_in(page, agent.email, agent.password)
    menu = page.get_by_role("navigation", name="Menu principal")
    await menu.get_by_role("link", name="Appels à projets").click()
    await page.get_by_role("link", name=re.compile("Appel à projets national")).click()
    await page.get_by_label(re.compile("Intitulé du projet")).fill(TITLE)
    await page.get_by_label("Nom").fill("Agnès Agent")
    await page.get_by_label("Courriel").fill("agnes@bourg.example.fr")
    await page.get_by_label(re.compile(r"Budget du projet")).fill("80 000")
    await page.get_by_label(re.compile(r"Montant demandé")).fill("40 000")
    await page.get_by_role("button", name="Déposer la candidature").click()
    await page.get_by_role("heading", level=1, name="Mes candidatures").wait_for()
    section = page.locator("section", has_text=TITLE)
    assert "aucun département" in await section.inner_text()

    context = await browser.new_context(base_url=live_server.url, locale="fr-FR")
    tab = await context.new_page()
    try:
        curator = PERSONAS["curator"]
        await sign_in(tab, curator.email, curator.password)
        await (
            tab.get_by_role("navigation", name="Menu principal")
            .get_by_role("link", name="Financements")
            .click()
        )
        await tab.get_by_role("heading", level=1, name="Financements").wait_for()
        await (
            tab.locator("#appels")
            .locator("..")
            .get_by_role("link", name=re.compile("^Appel à projets national"))
            .click()
        )
        application = tab.locator("section", has_text=TITLE)
        await application.get_by_role("button", name="Vérifier l'éligibilité").click()
        application = tab.locator("section", has_text=TITLE)
        assert "non éligible" in (await application.inner_text()).lower()
        await application.get_by_label(re.compile("Motif du refus")).fill(
            "Le guichet de l'Ain est plus adapté."
        )
        await application.get_by_role("button", name="Refuser").click()
        await tab.get_by_text("Candidature refusée").wait_for()
    finally:
        await context.close()

    await page.reload()
    assert (
        "Le guichet de l'Ain est plus adapté." in await page.locator("section", has_text=TITLE).inner_text()
    )
