"""Billing in a real browser, without JavaScript tricks: a curator runs a period from the billing
desk, then an agent of the invoiced collectivité opens the invoice and downloads its Factur-X PDF."""

from __future__ import annotations

import re
import sys

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, _run
from tests.browser.personas import PERSONAS
from tests.browser.test_pages import sign_in

pytestmark = pytest.mark.browser

PERIOD = "2026-06"
TTC = "2\u202f381,47\u00a0€"
"""1 234,56 € HT of its own service and 750,00 € HT, its 3/4 of the half of a 2 000 € shared service
that the State's grant does not pay: 1 984,56 € HT + 396,91 € VAT (20 %)."""


async def test_a_curator_runs_a_period_and_the_agent_downloads_the_pdf(page, live_server, browser) -> None:
    _run(
        [sys.executable, str(ROOT / "tests/browser/billing_charges.py"), PERIOD],
        live_server.env,
        live_server.log,
    )
    curator = PERSONAS["curator"]
    await sign_in(page, curator.email, curator.password)
    await (
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Facturation").click()
    )
    await page.get_by_role("heading", level=1, name="Facturation").wait_for()
    await page.get_by_label(re.compile("Mois à facturer")).fill(PERIOD)
    await page.get_by_role("button", name="Facturer la période").click()
    await page.get_by_text(re.compile(rf"Période {PERIOD} facturée : \d+ facture")).wait_for()
    assert await page.locator(f'[data-testid="run-row"][data-period="{PERIOD}"]').count() == 1
    # The browser's back-and-resubmit replays: nothing is invoiced twice.
    await page.go_back()
    await page.get_by_role("button", name="Facturer la période").click()
    await page.get_by_text("rien n'a été facturé deux fois").wait_for()

    context = await browser.new_context(base_url=live_server.url, locale="fr-FR", accept_downloads=True)
    tab = await context.new_page()
    try:
        agent = PERSONAS["agent"]
        await sign_in(tab, agent.email, agent.password)
        await (
            tab.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Factures").click()
        )
        row = tab.locator('[data-testid="invoice-row"]', has_text="juin 2026")
        assert TTC in await row.inner_text()
        await row.get_by_role("link").first.click()
        await tab.get_by_role("heading", level=1, name=re.compile(r"^Facture F-")).wait_for()
        lines = tab.locator('[data-testid="line"]')
        assert (
            "Conseil municipal en ligne" in await lines.nth(0).inner_text() + await lines.nth(1).inner_text()
        )
        split = tab.locator('[data-testid="split"]')
        assert "État — ANCT — AAP France Relance" in await split.inner_text()
        assert "Ambérieu-en-Bugey" in await split.inner_text()
        await tab.screenshot(path=str(ARTIFACTS / "billing_agent_invoice.png"), full_page=True)
        async with tab.expect_download() as info:
            await tab.get_by_test_id("pdf-link").click()
        download = await info.value
        assert re.fullmatch(r"F-\d{4}-\d{6}\.pdf", download.suggested_filename)
        path = await download.path()
        with open(path, "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    finally:
        await context.close()

    context = await browser.new_context(base_url=live_server.url, locale="fr-FR")
    tab = await context.new_page()
    try:
        publisher = PERSONAS["publisher"]
        await sign_in(tab, publisher.email, publisher.password)
        await tab.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Revenus").click()
        month = tab.locator(f'[data-testid="revenue-month"][data-period="{PERIOD}"]')
        assert "3\u202f234,56\u00a0€" in await month.inner_text()  # 1 234,56 € + the whole 2 000,00 € service
        await tab.screenshot(path=str(ARTIFACTS / "billing_publisher_revenue.png"), full_page=True)
    finally:
        await context.close()

    # Back at the desk, the curator records a payment on the agent's invoice: too much is refused.
    await page.goto("/curation/facturation")
    row = page.locator('[data-testid="invoice-row"]', has_text="Bourg-en-Bresse").filter(has_text="juin 2026")
    await row.get_by_role("link").first.click()
    form = page.get_by_test_id("payment-form")
    await form.get_by_label(re.compile("Montant reçu")).fill("99 999,00")
    await form.get_by_label("Date du paiement").fill("2026-11-20")
    await form.get_by_label(re.compile("Référence")).fill("MANDAT-2026-42")
    await form.get_by_role("button", name="Enregistrer le paiement").click()
    await page.get_by_test_id("form-error").get_by_text(re.compile("dépasse ce qui reste dû")).wait_for()
    await page.screenshot(path=str(ARTIFACTS / "billing_curator_payment_refused.png"), full_page=True)
    form = page.get_by_test_id("payment-form")
    assert await form.get_by_label(re.compile("Référence")).input_value() == "MANDAT-2026-42"
    await form.get_by_label(re.compile("Montant reçu")).fill("100,00")
    await form.get_by_role("button", name="Enregistrer le paiement").click()
    await page.get_by_text("Paiement de 100,00\u00a0€ enregistré.").wait_for()
    assert "2\u202f281,47\u00a0€" in await page.get_by_test_id("amount-due").inner_text()
