"""The billing demo: after the seed chain, the closed months of the demo subscriptions are invoiced
through the billing run; the agent of Bourg-en-Bresse reads invoices whose lines show the State's
share, paid, overdue and credited; the publisher sees its revenue; the curator's desk shows the runs
and the overdue invoices; a second run writes nothing and the ledger verifies."""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import os
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from click.testing import CliRunner, Result

from catalogue.funding.demo import seed_funding_demo
from store.billing.tables import (
    BillingCharge,
    BillingInvoice,
    BillingInvoiceLine,
    BillingPayment,
    BillingRun,
    LedgerJournal,
    LedgerTransfer,
)
from store.demo.billing import GRANT_RATE_BP, READER, seed_billing_demo
from store.demo.commands import MAIN_DEVELOPER
from store.demo.data import BOURG_EN_BRESSE, PEOPLE, publishers
from store.demo.seed import seed_demo
from store.kit.errors import Forbidden
from store.kit.tables import AuditEntry, OutboxEvent
from store.subscriptions.demo import HISTORY_MONTHS
from store.upstream_demo import seed_consultation_demo
from tests.support.people import Persona, sign_in, sign_out

HTML = {"accept": "text/html"}


def closed_months(today: dt.date, count: int) -> list[str]:
    index = today.year * 12 + today.month - 1
    return [f"{(index - k) // 12:04d}-{(index - k) % 12 + 1:02d}" for k in range(count, 0, -1)]


async def counts() -> dict[str, int]:
    tables = (
        BillingRun, BillingCharge, BillingInvoice, BillingInvoiceLine, BillingPayment,
        LedgerJournal, LedgerTransfer, AuditEntry, OutboxEvent,
    )  # fmt: skip
    return {t._meta.tablename: await t.count() for t in tables}


async def person(client: Any, state: Any, email: str) -> None:
    record = await state.accounts.repo.get_by_email(email)
    sign_out(client)
    await sign_in(client, Persona(email=email, account_id=record.id))


def command_line(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Result]:
    """Run ``python -m store …`` on the test database (in a thread: the command runs its own loop)."""
    from store.cli import COMMAND_MODULES, cli

    environment = {
        "TS_DATABASE_URL": settings.database_url,
        "TS_DATA_DIR": settings.data_dir,
        "TS_SECRET_KEY": settings.secret_key,
        "TS_LOG_LEVEL": "warning",
    }
    for key in [k for k in os.environ if k.startswith("TS_") and k not in environment]:
        monkeypatch.delenv(key)
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    if "seed-billing" not in cli.commands:
        for module in COMMAND_MODULES:
            importlib.import_module(module).register(cli)
    return lambda line: CliRunner().invoke(cli, line.split())


async def test_the_demo_has_a_billing_history_on_every_billing_page(
    client: Any, state: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await seed_demo(state)
    await seed_consultation_demo(state)
    await seed_funding_demo(state)
    report = await seed_billing_demo(state)
    today = state.subscription_charges.today()
    assert report.billed == closed_months(today, HISTORY_MONTHS)
    assert report.created["campagnes"] == HISTORY_MONTHS
    assert report.created["financements"] == report.created["avoirs"] == report.created["clôtures"] == 1
    assert report.created["paiements"] > 0

    invoices = await state.billing.statements.invoices(READER, limit=1000)
    bourg = sorted(
        (i for i in invoices if i.payer_siren == BOURG_EN_BRESSE and i.kind == "invoice"),
        key=lambda i: i.period,
    )
    assert [i.period for i in bourg] == report.billed
    assert bourg[0].status == "paid"
    assert bourg[1].overdue
    assert bourg[-1].status == "issued"
    assert not bourg[-1].overdue
    assert 0 < bourg[-1].amount_due < bourg[-1].total_ttc  # the credit note went against what is due
    assert {i.issue_date for i in bourg} == {f"{p}-01" for p in report.billed[1:]} | {f"{today:%Y-%m}-01"}

    agent = next(p for p in PEOPLE if p.siren == BOURG_EN_BRESSE and not p.can_sign)
    await person(client, state, agent.email)
    page = await client.get("/factures", headers=HTML)
    assert page.status_code == 200
    numbers = set(re.findall(r'data-testid="invoice-row" data-number="([^"]+)"', page.text))
    mine = {i.number for i in invoices if i.payer_siren == BOURG_EN_BRESSE}
    assert numbers == mine  # its invoices and its credit note, nobody else's
    for label in ("Payée", "En retard", "À payer", "Avoir"):
        assert label in page.text, label
    detail = await client.get(f"/factures/{bourg[-1].id}", headers=HTML)
    assert detail.status_code == 200
    assert 'data-role="funder"' in detail.text
    assert "cofinancé par l&#39;État" in detail.text or "cofinancé par l'État" in detail.text
    view = await state.billing.get_invoice(None, bourg[-1].id)
    (line,) = view.lines
    shares = {part.role: part.amount_ht for part in line.split}
    total = shares["funder"] + shares["payer"]
    assert shares["funder"] == total * GRANT_RATE_BP // 10_000 > 0
    assert line.amount_ht == shares["payer"]  # the State's share is invoiced to the State
    assert "Avoir" in detail.text

    funder = state.funding.funder_siren
    member_invoice = next(
        i
        for i in invoices
        if i.period == report.billed[-1] and i.payer_siren not in {BOURG_EN_BRESSE, funder}
    )
    shared = await state.billing.get_invoice(None, member_invoice.id)
    assert len(shared.lines[0].split) == 4  # the online council, shared by the four member communes

    await person(client, state, MAIN_DEVELOPER)
    revenue = await client.get("/editeur/revenus", headers=HTML)
    assert revenue.status_code == 200, revenue.text[-3000:]
    assert revenue.text.count('data-testid="revenue-month"') == HISTORY_MONTHS
    assert "Conseil municipal en ligne" in revenue.text
    assert "Consultations citoyennes" in revenue.text
    assert 'data-testid="no-revenue"' not in revenue.text
    atelier = next(p.siren for p in publishers() if p.developer == MAIN_DEVELOPER)
    payable = await state.billing.statements.publisher_revenue(READER, atelier)
    assert payable.payable_paid == 0  # nothing was paid out: the credit note lowers what was earned
    assert payable.payable_balance == payable.payable_earned > 0

    await person(client, state, PEOPLE[0].email)
    desk = await client.get("/curation/facturation", headers=HTML)
    assert desk.status_code == 200
    assert bourg[1].number in desk.text
    assert 'data-testid="no-overdue"' not in desk.text
    assert desk.text.count('data-testid="run-row"') == HISTORY_MONTHS

    before = await counts()
    again = await seed_billing_demo(state)
    assert sum(again.created.values()) == 0
    assert again.billed == report.billed
    assert await counts() == before
    assert [c for c in await state.billing.verify() if not c.ok] == []

    run = command_line(settings, monkeypatch)
    seeded = await asyncio.to_thread(run, "seed-billing")
    assert seeded.exit_code == 0, seeded.output
    assert await counts() == before
    verify = await asyncio.to_thread(run, "ledger verify")
    assert verify.exit_code == 0, verify.output
    assert "Tous les invariants sont respectés" in verify.output


async def test_no_billing_demo_in_production() -> None:
    with pytest.raises(Forbidden):
        await seed_billing_demo(SimpleNamespace(settings=SimpleNamespace(env="prod")))
