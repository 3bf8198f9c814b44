"""Billing pages as collectivités and publishers read them: invoices made by a real billing run, the
co-funding split of each line, the Factur-X PDF, balances, revenue; nobody reads another's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar import Litestar

from store.app import all_tables, create_app
from store.kit.money import format_eur
from store.kit.settings import Settings
from tests.billing.support import AMBERIEU, BOURG, purge_billing
from tests.support import db as test_db
from tests.support.people import make_account, make_agent, make_publisher_member, sign_in
from tests.web.billing_seed import HTML, OTHER_PUBLISHER, PUBLISHER, invoiced, publishers, text


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    application = create_app(settings)
    yield application
    db = application.state.db
    await db.start()
    await purge_billing(db)
    await test_db.empty_tables(db, all_tables())
    await db.stop()


async def test_an_agent_reads_its_invoices_split_and_balance(client: Any, state: Any) -> None:
    invoices = await invoiced(state, issue_date="2026-10-01")  # due 2026-10-31: overdue by now
    bourg, amberieu = invoices[BOURG], invoices[AMBERIEU]
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))

    listing = await client.get("/factures", headers=HTML)
    assert listing.status_code == 200
    page = text(listing)
    assert 'data-testid="nav-factures"' in page
    assert bourg.number in page
    assert amberieu.number not in page
    view = await state.billing.get_invoice(None, bourg.id)
    assert format_eur(view.total_ht) in page  # 545,34 €
    assert format_eur(view.total_vat) in page
    assert format_eur(view.total_ttc) in page
    assert "En retard" in page
    balance = page.split('data-testid="balance-due">')[1].split("<")[0]
    assert balance == format_eur(view.total_ttc)

    detail = text(await client.get(f"/factures/{bourg.id}", headers=HTML))
    assert "Conseil municipal en ligne" in detail
    assert "État — ANCT — AAP France Relance" in detail  # the funder's share, named
    assert format_eur(60_000) in detail  # what the State pays of the shared service
    assert format_eur(44_533) in detail  # Bourg's share
    assert format_eur(15_468) in detail  # Ambérieu's share
    assert format_eur(120_001) in detail  # the whole service
    assert 'href="/factures/' + bourg.id + '/pdf"' in detail

    pdf = await client.get(f"/factures/{bourg.id}/pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f"{bourg.number}.pdf" in pdf.headers["content-disposition"]

    for path in (f"/factures/{amberieu.id}", f"/factures/{amberieu.id}/pdf"):
        other = await client.get(path, headers=HTML)
        assert other.status_code == 404, path
        assert amberieu.number not in other.text
    assert (await client.get(f"/factures?collectivite={AMBERIEU}", headers=HTML)).status_code == 404
    assert (await client.get("/factures?collectivite=abc", headers=HTML)).status_code == 400
    assert (await client.get("/curation/facturation", headers=HTML)).status_code == 403
    assert (await client.get("/editeur/revenus", headers=HTML)).status_code == 403


async def test_credit_notes_show_on_the_agents_invoice(client: Any, state: Any) -> None:
    from store.billing.schemas import CreditNoteIn

    invoices = await invoiced(state)
    bourg = invoices[BOURG]
    note = await state.billing.issue_credit_note(
        None, bourg.id, CreditNoteIn(amount_ht=10_000, reason="Panne de trois jours"), key="cn-page-1"
    )
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))
    detail = text(await client.get(f"/factures/{bourg.id}", headers=HTML))
    assert note.number in detail
    assert "Avoir" in detail
    credit_page = text(await client.get(f"/factures/{note.id}", headers=HTML))
    assert "Panne de trois jours" in credit_page
    assert bourg.number in credit_page
    listing = text(await client.get("/factures", headers=HTML))
    assert note.number in listing
    assert (await client.get(f"/factures/{note.id}/pdf")).content.startswith(b"%PDF")


async def test_nobody_without_a_collectivite_reads_invoices(client: Any, state: Any) -> None:
    await publishers(state)
    assert (await client.get("/factures", headers=HTML)).status_code == 401
    await sign_in(client, await make_publisher_member(state, "dev@coop.fr", PUBLISHER))
    assert (await client.get("/factures", headers=HTML)).status_code == 403


async def test_a_publisher_reads_its_revenue_only(client: Any, state: Any) -> None:
    await publishers(state)
    await invoiced(state)
    await sign_in(client, await make_publisher_member(state, "dev@coop.fr", PUBLISHER))
    response = await client.get("/editeur/revenus", headers=HTML)
    assert response.status_code == 200
    page = text(response)
    assert 'data-testid="nav-revenus"' in page
    assert "Coopérative des communs" in page
    assert "octobre 2026" in page
    assert format_eur(120_001) in page  # the co-funded service, every share together
    assert "Conseil municipal en ligne" in page
    assert "Serveur vocal interactif" not in page  # another publisher's service
    fee = state.settings.billing_platform_fee_bp
    # Payables are computed per invoice (the funder's, Bourg's and Ambérieu's lines), fee floored on each.
    shares = [60_000, 44_533, 15_468]
    earned = sum(s - s * fee // 10_000 for s in shares)
    assert page.split('data-testid="payable-earned">')[1].split("<")[0] == format_eur(earned)

    other = await client.get(f"/editeur/revenus?editeur={OTHER_PUBLISHER}", headers=HTML)
    assert other.status_code == 404
    assert "Voix publiques" not in other.text

    client.cookies.clear()
    await sign_in(client, await make_publisher_member(state, "dev@voix.fr", OTHER_PUBLISHER))
    page = text(await client.get("/editeur/revenus", headers=HTML))
    assert "Serveur vocal interactif" in page
    assert "Conseil municipal en ligne" not in page
    client.cookies.clear()
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))
    assert (await client.get("/editeur/revenus", headers=HTML)).status_code == 403
    client.cookies.clear()
    await sign_in(client, await make_account(state, "curateur@anct.gouv.fr", curator=True))
    page = text(await client.get(f"/editeur/revenus?editeur={PUBLISHER}", headers=HTML))
    assert "Coopérative des communs" in page


async def test_an_agent_of_two_collectivites_filters_and_sees_credit_balances(
    client: Any, state: Any
) -> None:
    from store.billing.schemas import PaymentIn

    invoices = await invoiced(state)
    bourg, amberieu = invoices[BOURG], invoices[AMBERIEU]
    view = await state.billing.get_invoice(None, amberieu.id)
    await state.billing.record_payment(
        None,
        amberieu.id,
        PaymentIn(amount=view.total_ttc + 1_234, paid_on="2026-11-20", reference="M-1"),
        key="p-1",
    )
    agent = await make_agent(state, "agent@agglo.fr", BOURG)
    await state.accounts.grant_mandate(
        None, account_email="agent@agglo.fr", kind="collectivite", siren=AMBERIEU, role="agent"
    )
    await sign_in(client, agent)
    both = text(await client.get("/factures", headers=HTML))
    assert bourg.number in both
    assert amberieu.number in both
    assert "Payée" in both
    credit = both.split(f'data-siren="{AMBERIEU}"')[1].split('data-testid="balance-credit">')[1].split("<")[0]
    assert credit == format_eur(1_234)
    only_bourg = text(await client.get(f"/factures?collectivite={BOURG}", headers=HTML))
    assert bourg.number in only_bourg
    assert amberieu.number not in only_bourg
