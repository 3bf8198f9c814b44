"""Publish → review → publish, as people do it in a real browser, every step through the pages:

a publisher signs in through the form, writes a listing, edits it and submits it; a curator asks for
changes with a reason; the publisher reads the reason, fixes and submits again; the curator
approves; the listing is then on the public catalogue and has its own page, and the review page's
history shows every transition. A collectivité agent signs in and sees « Mes collectivités » with
the registry's figures.

Screenshots of each step land in ``test-artifacts/browser/`` (``walkthrough-<n>-<step>.png``).
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.personas import PERSONAS
from tests.support.routes import COLLECTIVITE_A

pytestmark = pytest.mark.browser

THEME = "mobilite-transports"  # few demo services: the new one shows on the first page of the filter
REASON = "Précisez les offres : le tarif de l'offre gratuite doit dire ce qu'elle comprend."
NNBSP = "\u202f"


async def sign_in(page: Any, role: str) -> None:
    """Through the login form, as a person does (CSRF token included)."""
    persona = PERSONAS[role]
    await page.context.clear_cookies()
    await page.goto("/connexion")
    await page.get_by_label(re.compile("Adresse électronique")).fill(persona.email)
    await page.get_by_label("Mot de passe").fill(persona.password)
    await page.get_by_role("button", name="Se connecter").click()
    await page.get_by_test_id("current-user").wait_for()
    assert await page.get_by_test_id("current-user").inner_text() == persona.name


async def shot(page: Any, name: str) -> None:
    await page.screenshot(path=str(ARTIFACTS / f"walkthrough-{name}.png"), full_page=True)


async def tick(page: Any, input_id: str) -> None:
    """Tick a DSFR checkbox by clicking its label, as a person does."""
    await page.locator(f"label[for='{input_id}']").click()
    assert await page.locator(f"#{input_id}").is_checked()


async def flash(page: Any, text: str) -> None:
    await page.get_by_text(text, exact=False).first.wait_for()


async def write_listing(page: Any, slug: str, name: str) -> None:
    await page.goto("/editeur/services")
    await page.get_by_role("link", name="Proposer un nouveau service").click()
    await page.wait_for_url(re.compile(r"/editeur/services/nouveau$"))
    await page.get_by_label(re.compile(r"^Adresse de la fiche")).fill(slug)
    await page.get_by_label("Nom du service").fill(name)
    await page.get_by_label(re.compile(r"^Ce que le service permet de faire")).fill(
        "Organiser le covoiturage entre agents de plusieurs collectivités"
    )
    await page.get_by_label(re.compile(r"^Résumé")).fill(
        "Les agents partagent leurs trajets domicile-travail."
    )
    await page.get_by_label(re.compile(r"^Description")).fill("## Pour qui\n\nLes agents des **mairies**.")
    await tick(page, f"thematiques-{THEME}")
    await tick(page, "target_kinds-commune")
    await tick(page, "target_kinds-epci")
    await page.get_by_label("Licence (identifiant SPDX)").select_option("EUPL-1.2")
    await page.get_by_label(re.compile(r"^Dépôt du code source")).fill("https://code.example.fr/covoiturage")
    await page.get_by_label(re.compile(r"^Adresse de contact")).fill("contact@editeur-a.example.fr")
    await page.locator("#plan-0-kind").select_option("free")
    await page.locator("#plan-0-name").fill("Découverte")
    await tick(page, "procurement_routes-gratuit")
    await page.get_by_role("button", name="Créer le brouillon").click()
    await page.wait_for_url(re.compile(rf"/editeur/services/{slug}$"))
    await flash(page, f"Brouillon « {name} » enregistré.")


async def edit_and_submit(page: Any, slug: str, pitch: str, offer: str = "") -> None:
    await page.goto(f"/editeur/services/{slug}")
    await page.get_by_label(re.compile(r"^Résumé")).fill(pitch)
    if offer:
        await page.locator("#plan-0-description").fill(offer)
    await page.get_by_role("button", name="Enregistrer les modifications").click()
    await flash(page, "Modifications enregistrées.")
    assert await page.get_by_label(re.compile(r"^Résumé")).input_value() == pitch
    await page.get_by_test_id("submit-button").click()
    await flash(page, "Service soumis : l'équipe de l'ANCT va l'examiner.")
    await page.get_by_test_id("listing-status").get_by_text("En revue", exact=True).wait_for()


async def open_from_queue(page: Any, name: str) -> None:
    await page.goto("/curation")
    queue = page.get_by_test_id("review-queue")
    await queue.get_by_role("row").filter(has_text=name).get_by_role("link", name="Examiner").click()
    await page.get_by_role("heading", level=1, name=name).wait_for()


async def test_publisher_submits_curator_asks_changes_then_approves(page: Any, live_server: Any) -> None:
    stamp = int(time.time())
    slug, name = f"covoiturage-des-agents-{stamp}", f"Covoiturage des agents {stamp}"

    # The publisher writes a draft, corrects it, and submits it for review.
    await sign_in(page, "publisher")
    await write_listing(page, slug, name)
    await shot(page, "1-draft")
    await edit_and_submit(
        page, slug, "Les agents partagent leurs trajets, la collectivité suit le bilan carbone."
    )
    await shot(page, "2-submitted")

    # Not public yet: neither on the catalogue nor at its address.
    await page.context.clear_cookies()
    await page.goto(f"/?thematique={THEME}")
    assert await page.get_by_text(name).count() == 0
    assert (await page.goto(f"/catalogue/{slug}")).status == 404

    # The curator finds it in the queue and asks for changes, with a reason.
    await sign_in(page, "curator")
    await open_from_queue(page, name)
    await page.locator("#reason-request_changes").fill(REASON)
    await page.get_by_role("button", name="Demander des modifications").click()
    await flash(page, f"« {name} » : demander des modifications — c'est fait.")
    await shot(page, "3-changes-requested")

    # The publisher reads the reason, fixes the listing and submits it again.
    await sign_in(page, "publisher")
    await page.goto("/editeur/services")
    row = page.get_by_test_id(f"row-{slug}")
    await row.get_by_text("Modifications demandées").wait_for()
    await row.get_by_text(REASON).wait_for()
    await page.goto(f"/editeur/services/{slug}")
    assert REASON in await page.get_by_test_id("review-note").inner_text()
    await shot(page, "4-reason-read")
    await edit_and_submit(
        page,
        slug,
        "Les agents partagent leurs trajets ; offre découverte.",
        "Jusqu'à 50 agents, sans engagement.",
    )

    # The curator approves: published.
    await sign_in(page, "curator")
    await open_from_queue(page, name)
    await page.get_by_role("button", name="Approuver et publier").click()
    await flash(page, f"« {name} » : approuver et publier — c'est fait.")
    await page.get_by_test_id("state").get_by_text("Publié").wait_for()

    # The history shows every transition: who, what, from which state to which, and the reason.
    history = page.get_by_test_id("audit-log").locator("tbody tr")
    rows = [await history.nth(i).locator("td").all_inner_texts() for i in range(await history.count())]
    actions = [(cells[1], cells[2], cells[4]) for cells in reversed(rows)]
    publisher, curator = PERSONAS["publisher"].name, PERSONAS["curator"].name
    assert actions == [
        (publisher, "Création", "— → Brouillon"),
        (publisher, "Modification", "Brouillon → Brouillon"),
        (publisher, "Soumission", "Brouillon → En revue"),
        (curator, "Modifications demandées", "En revue → Modifications demandées"),
        (publisher, "Modification", "Modifications demandées → Modifications demandées"),
        (publisher, "Soumission", "Modifications demandées → En revue"),
        (curator, "Approbation", "En revue → Publié"),
    ], actions
    assert [cells[5] for cells in reversed(rows)][3] == REASON
    await shot(page, "5-approved-with-history")

    # Public now: on the catalogue (filtered by its thématique), and its own page opens for anyone.
    await page.context.clear_cookies()
    await page.goto("/")
    await tick(page, f"thematique-{THEME}")
    await page.get_by_role("button", name="Filtrer").click()
    await page.get_by_role("link", name=name).click()
    await page.wait_for_url(re.compile(rf"/catalogue/{slug}$"))
    await page.get_by_role("heading", level=1, name=name).wait_for()
    await page.get_by_text("Jusqu'à 50 agents, sans engagement.").wait_for()
    assert REASON not in await page.content()
    await shot(page, "6-public-page")


async def test_an_agent_sees_their_collectivite_with_real_data(page: Any) -> None:
    await sign_in(page, "agent")
    await (
        page.get_by_role("navigation", name="Menu principal")
        .get_by_role("link", name="Mes collectivités")
        .click()
    )
    await page.wait_for_url(re.compile(r"/mes-collectivites$"))
    card = page.get_by_test_id(f"collectivite-{COLLECTIVITE_A}")
    await card.get_by_role("heading", name="Bourg-en-Bresse").wait_for()
    text = await card.inner_text()
    for fact in (
        "Commune",
        f"SIREN {COLLECTIVITE_A}",
        "code INSEE 01053",
        f"42{NNBSP}372 habitants",
        "Ain (01)",
        "Auvergne-Rhône-Alpes",
        "CA du Bassin de Bourg-en-Bresse (SIREN 200071751)",
    ):
        assert fact in text, (fact, text)
    assert await page.get_by_text("Ambérieu-en-Bugey").count() == 0
    await shot(page, "7-mes-collectivites")
