"""What a person sees in a real browser: the DSFR look, signing in through the form (CSRF included),
signing out, and the French error on a wrong password."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.browser.personas import PERSONAS
from tests.support.services import unavailable

pytestmark = pytest.mark.browser


async def sign_in(page, email: str, password: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto("/connexion")
    await page.get_by_label(re.compile("Adresse électronique")).fill(email)
    await page.get_by_label("Mot de passe").fill(password)
    await page.get_by_role("button", name="Se connecter").click()


async def test_home_page_has_the_dsfr_look(page, live_server) -> None:
    if not live_server.dsfr:
        unavailable("browser", "DSFR non installé (npm ci) : la page s'affiche sans le style de l'État")
    response = await page.goto("/")
    assert response.status == 200
    await page.locator("header.fr-header").wait_for()
    assert await page.locator(".fr-header__service-title").inner_text() == "Territoires Store"
    assert await page.locator("html").get_attribute("lang") == "fr"
    # The stylesheet is served by the app, and applied: DSFR sets Marianne as the body font.
    css = httpx.get(f"{live_server.url}/dsfr/dsfr.min.css", timeout=5)
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    font = await page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Marianne" in font
    assert (await page.locator(".fr-logo").first.inner_text()).replace("\n", " ") == "RÉPUBLIQUE FRANÇAISE"


async def test_pages_still_work_without_dsfr_assets(page, live_server) -> None:
    """The markup does not depend on the assets: the catalogue page is readable without them."""
    await page.route("**/dsfr/**", lambda route: route.abort())
    response = await page.goto("/")
    assert response.status == 200
    assert await page.get_by_role("heading", level=1).inner_text() != ""
    await page.get_by_role("link", name="Se connecter").click()
    await page.get_by_label("Mot de passe").wait_for()


@pytest.mark.parametrize("role", sorted(PERSONAS))
async def test_sign_in_and_out_through_the_form(page, role: str) -> None:
    persona = PERSONAS[role]
    await page.goto("/")
    await page.get_by_role("link", name="Se connecter").click()
    await page.get_by_label(re.compile("Adresse électronique")).fill(persona.email)
    await page.get_by_label("Mot de passe").fill(persona.password)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(re.compile(r"/$"))
    await page.get_by_text(f"Bienvenue, {persona.name}.").wait_for()
    assert await page.get_by_test_id("current-user").inner_text() == persona.name
    await (
        page.get_by_role("navigation", name="Menu principal")
        .get_by_role("link", name=persona.nav_link)
        .wait_for()
    )
    others = [p.nav_link for r, p in PERSONAS.items() if r != role]
    nav = page.get_by_role("navigation", name="Menu principal")
    for link in others:
        assert await nav.get_by_role("link", name=link).count() == 0, link
    cookies = {c["name"]: c for c in await page.context.cookies()}
    assert cookies["ts_session"]["httpOnly"] is True

    await page.get_by_role("button", name="Se déconnecter").click()
    await page.get_by_text("Vous êtes déconnecté.").wait_for()
    await page.get_by_role("link", name="Se connecter").wait_for()
    assert await page.get_by_test_id("current-user").count() == 0


async def test_a_wrong_password_shows_the_french_error(page) -> None:
    persona = PERSONAS["agent"]
    await sign_in(page, persona.email, "Pas-le-bon-mot-de-passe-1")
    error = page.get_by_test_id("login-error")
    await error.wait_for()
    assert await error.inner_text() == "Adresse électronique ou mot de passe incorrect."
    # The email is kept, the password is not; the user stays on the form, signed out.
    assert await page.get_by_label(re.compile("Adresse électronique")).input_value() == persona.email
    assert await page.get_by_label("Mot de passe").input_value() == ""
    assert await page.get_by_test_id("current-user").count() == 0


async def test_a_form_posted_without_its_csrf_token_is_refused(page) -> None:
    await page.goto("/connexion")
    await page.locator("input[name='_csrf_token']").evaluate("input => input.remove()")
    persona = PERSONAS["agent"]
    await page.get_by_label(re.compile("Adresse électronique")).fill(persona.email)
    await page.get_by_label("Mot de passe").fill(persona.password)
    await page.get_by_role("button", name="Se connecter").click()
    await page.get_by_role("heading", name="Accès refusé").wait_for()
    await page.get_by_text("Jeton CSRF absent ou invalide").wait_for()
    assert await page.get_by_test_id("current-user").count() == 0
