"""Billing as users see it: one invoice per payer with the co-funding split, gapless numbers, credit
notes instead of edits, payments by hand and from a CSV of payment orders, overdue invoices, and
the security matrix of the invoice API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import pytest

from store.billing import accounts
from store.billing.schemas import ChargeIn, CreditNoteIn, GrantIn, PaymentIn
from store.billing.split import CoPayer
from store.kit.errors import Conflict
from store.registry.tables import Publisher
from tests.billing.support import AGGLO, AMBERIEU, BOURG, STATE
from tests.support.people import csrf_headers, make_account, make_agent, make_publisher_member, sign_in

PERIOD = "2026-10"
ISSUE = "2026-11-02"


async def seed(state: Any, *, commitment: int = 1_000_000) -> None:
    billing = state.billing
    await billing.budget.fund_envelope(
        "fund", programme="P", envelope_ref="AAP", amount=10**9, day="2026-10-01"
    )
    await billing.register_grant(
        None,
        GrantIn(
            id="AAP-2026",
            label="AAP France Relance",
            funder_siren=STATE,
            funder_name="État — ANCT",
            envelope_ref="AAP",
            cap_bp=5000,
            base="ht",
        ),
    )
    await billing.budget.commit(
        "commit", source=accounts.envelope("AAP"), grant_id="AAP-2026", amount=commitment, day="2026-10-01"
    )
    await billing.add_charges(
        [
            ChargeIn(
                source_ref="sub:1:2026-10",
                payer_siren=AGGLO,
                amount_ht=120_001,
                vat_rate_bp=2000,
                description="Conseil municipal en ligne",
                period=PERIOD,
                grant_id="AAP-2026",
                co_payers=(CoPayer(BOURG, 42_159), CoPayer(AMBERIEU, 14_644)),
                publisher_siren="123456782",
            ),
            ChargeIn(
                source_ref="sub:2:2026-10",
                payer_siren=BOURG,
                amount_ht=10_001,
                vat_rate_bp=2000,
                description="Serveur vocal interactif",
                period=PERIOD,
            ),
            ChargeIn(
                source_ref="sub:3:2026-10",
                payer_siren=AMBERIEU,
                amount_ht=5_000,
                vat_rate_bp=550,
                description="Orientation des usagers",
                period=PERIOD,
            ),
        ]
    )


def failed(checks: list[Any]) -> dict[str, str]:
    return {c.invariant + c.name: c.detail for c in checks if not c.ok}


async def test_run_issues_one_invoice_per_payer_with_the_split(state: Any) -> None:
    await seed(state)
    report = await state.billing.run_billing(None, PERIOD, issue_date=ISSUE)
    assert (report.invoices, report.issued, report.charges_planned, report.charges_blocked) == (3, 3, 3, 0)
    invoices = {i.payer_siren: i for i in await state.billing.overdue("2099-01-01")}
    assert set(invoices) == {STATE, BOURG, AMBERIEU}  # the agglomération shares everything out
    numbers = sorted(i.number for i in invoices.values())
    assert numbers == ["F-2026-000001", "F-2026-000002", "F-2026-000003"]

    state_invoice = await state.billing.get_invoice(None, invoices[STATE].id)
    assert state_invoice.total_ht == 60_000  # floor(50 % × 1 200.01 €): never above the rate
    assert state_invoice.lines[0].role == "funder"
    bourg = await state.billing.get_invoice(None, invoices[BOURG].id)
    shares = {p.siren: p.amount_ht for p in bourg.lines[0].split}
    assert shares == {STATE: 60_000, BOURG: 44_533, AMBERIEU: 15_468}  # 600.01 € by population, to the cent
    assert sum(shares.values()) == 120_001
    assert bourg.total_ht == 44_533 + 10_001
    assert bourg.total_vat == 10_907  # 20 % of 545.34 € = 109.068 €, rounded once on the invoice base
    assert bourg.due_date == "2026-12-02"
    amberieu = await state.billing.get_invoice(None, invoices[AMBERIEU].id)
    assert [(v.rate_bp, v.base_ht, v.vat) for v in amberieu.vat_breakdown] == [
        (550, 5_000, 275),
        (2000, 15_468, 3_094),
    ]

    again = await state.billing.run_billing(None, PERIOD, issue_date="2026-12-01")
    assert (again.run_id, again.invoices, again.issue_date) == (report.run_id, 3, ISSUE)
    consumed = (await state.ledger.balances([accounts.commitment("AAP-2026")]))[
        accounts.commitment("AAP-2026")
    ]
    assert consumed is not None
    assert (
        consumed.debits_posted == state_invoice.total_ttc
    )  # the budget consumed exactly what the State owes
    assert not failed(await state.billing.verify())


async def test_a_grant_that_cannot_pay_blocks_the_charge_instead_of_shifting_it(state: Any) -> None:
    await seed(state, commitment=50_000)  # 500.00 € left; the State's share is 720.00 € TTC
    report = await state.billing.run_billing(None, PERIOD, issue_date=ISSUE)
    assert report.charges_blocked == 1
    assert report.blocked == ["sub:1:2026-10 (grant_exhausted)"]
    assert {i.payer_siren for i in await state.billing.overdue("2099-01-01")} == {BOURG, AMBERIEU}
    assert not failed(await state.billing.verify())


async def test_credit_notes_payments_and_overdue(state: Any) -> None:
    await seed(state)
    await state.billing.run_billing(None, PERIOD, issue_date=ISSUE)
    invoices = {i.payer_siren: i for i in await state.billing.overdue("2099-01-01")}
    bourg = invoices[BOURG]
    assert [i.number for i in await state.billing.overdue("2026-12-02")] == []  # due that day: not late yet
    assert BOURG in {i.payer_siren for i in await state.billing.overdue("2026-12-03")}

    credit = await state.billing.issue_credit_note(
        None, bourg.id, CreditNoteIn(amount_ht=10_000, reason="Panne de 3 jours"), key="cn-bourg-1"
    )
    assert (credit.kind, credit.number, credit.total_ht) == ("credit_note", "AV-2026-000001", 10_000)
    assert sum(line.amount_ht for line in credit.lines) == 10_000
    replay = await state.billing.issue_credit_note(
        None, bourg.id, CreditNoteIn(amount_ht=10_000, reason="Panne de 3 jours"), key="cn-bourg-1"
    )
    assert replay.number == credit.number
    with pytest.raises(Conflict):
        await state.billing.issue_credit_note(
            None, bourg.id, CreditNoteIn(amount_ht=10**6, reason="Trop"), key="cn-bourg-2"
        )

    original = await state.billing.get_invoice(None, bourg.id)
    assert original.total_ttc == 65_441  # never edited
    assert original.amount_due == original.total_ttc - credit.total_ttc
    payment = await state.billing.record_payment(
        None, bourg.id, PaymentIn(amount=60_000, paid_on="2026-11-20", reference="M-2026-881"), key="pay-881"
    )
    assert (payment.applied, payment.excess) == (original.amount_due, 60_000 - original.amount_due)
    assert (await state.billing.get_invoice(None, bourg.id)).status == "paid"
    with pytest.raises(Conflict):
        await state.billing.record_payment(
            None, bourg.id, PaymentIn(amount=1, paid_on="2026-11-20", reference="x"), key="pay-881"
        )
    # A credit note after payment goes to the payer's credit balance.
    await state.billing.issue_credit_note(
        None, bourg.id, CreditNoteIn(amount_ht=1_000, reason="Geste commercial"), key="cn-bourg-3"
    )
    wallet = (await state.ledger.balances([accounts.wallet(BOURG)]))[accounts.wallet(BOURG)]
    assert wallet is not None
    assert wallet.credit_balance == payment.excess + 1_200

    # Full cancellation of the State's invoice restores the grant's commitment.
    state_invoice = invoices[STATE]
    await state.billing.issue_credit_note(
        None, state_invoice.id, CreditNoteIn(reason="Subvention annulée"), key="cn-state"
    )
    assert (await state.billing.get_invoice(None, state_invoice.id)).status == "credited"
    commitment = (await state.ledger.balances([accounts.commitment("AAP-2026")]))[
        accounts.commitment("AAP-2026")
    ]
    assert commitment is not None
    assert commitment.credit_balance == 1_000_000
    assert not failed(await state.billing.verify())


async def test_payment_orders_imported_from_csv_pay_once(state: Any) -> None:
    await seed(state)
    await state.billing.run_billing(None, PERIOD, issue_date=ISSUE)
    invoices = {i.payer_siren: i for i in await state.billing.overdue("2099-01-01")}
    amberieu = await state.billing.get_invoice(None, invoices[AMBERIEU].id)
    text = (
        "numero_facture;montant;date_paiement;reference\n"
        f"{amberieu.number};{amberieu.total_ttc // 100},{amberieu.total_ttc % 100:02d};25/11/2026;MANDAT-17\n"
        "F-2026-999999;10,00;2026-11-25;MANDAT-18\n"
        f"{amberieu.number};dix euros;2026-11-25;MANDAT-19\n"
    )
    first = await state.billing.import_payments(None, text)
    assert [r.status for r in first] == ["applied", "error", "error"]
    second = await state.billing.import_payments(None, text)
    assert [r.status for r in second] == ["replayed", "error", "error"]
    assert (await state.billing.get_invoice(None, amberieu.id)).status == "paid"
    assert not failed(await state.billing.verify())


async def test_issued_invoices_cannot_be_edited_in_the_database(state: Any) -> None:
    await seed(state)
    await state.billing.run_billing(None, PERIOD, issue_date=ISSUE)
    for statement in (
        "UPDATE billing_invoice SET total_ht = 1, total_ttc = 1 + total_vat",
        "DELETE FROM billing_invoice_line",
    ):
        with pytest.raises(Exception, match=r"immutable|append-only"):
            async with state.db.write_transaction():
                await state.db.engine.run_ddl(statement)


async def test_invoice_api_security_matrix(state: Any, client: httpx.AsyncClient) -> None:
    await seed(state)
    await state.billing.run_billing(None, PERIOD, issue_date=ISSUE)
    invoices = {i.payer_siren: i for i in await state.billing.overdue("2099-01-01")}

    anonymous = await client.get("/api/v1/billing/invoices")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")

    agent = await make_agent(state, "agent@bourg.fr", BOURG)
    await sign_in(client, agent)
    mine = (await client.get("/api/v1/billing/invoices")).json()
    assert [i["payer_siren"] for i in mine] == [BOURG]
    assert (await client.get(f"/api/v1/billing/invoices/{invoices[BOURG].id}")).status_code == 200
    other = await client.get(f"/api/v1/billing/invoices/{invoices[AMBERIEU].id}")
    assert other.status_code == 404  # another collectivité's invoice does not exist for this agent
    assert (await client.get(f"/api/v1/billing/invoices/{invoices[AMBERIEU].id}/pdf")).status_code == 404
    headers = {**(await csrf_headers(client)), "Idempotency-Key": "pay-by-agent-1"}
    forbidden = await client.post(
        f"/api/v1/billing/invoices/{invoices[BOURG].id}/payments",
        headers=headers,
        json={"amount": 100, "paid_on": "2026-11-20", "reference": "X"},
    )
    assert forbidden.status_code == 403

    client.cookies.clear()
    await Publisher.insert(
        Publisher(siren="123456782", name="Éditeur libre", created_at=dt.datetime.now(dt.UTC))
    )
    publisher = await make_publisher_member(state, "dev@editeur.fr", "123456782")
    await sign_in(client, publisher)
    assert (await client.get("/api/v1/billing/invoices")).status_code == 403

    client.cookies.clear()
    curator = await make_account(state, "curateur@anct.gouv.fr", curator=True)
    await sign_in(client, curator)
    assert len((await client.get("/api/v1/billing/invoices")).json()) == 3
    headers = await csrf_headers(client)
    missing_key = await client.post(
        f"/api/v1/billing/invoices/{invoices[BOURG].id}/payments",
        headers=headers,
        json={"amount": 100, "paid_on": "2026-11-20", "reference": "X"},
    )
    assert missing_key.status_code == 400
    headers["Idempotency-Key"] = "pay-curator-0001"
    body = {"amount": 100, "paid_on": "2026-11-20", "reference": "VIR-1"}
    paid = await client.post(
        f"/api/v1/billing/invoices/{invoices[BOURG].id}/payments", headers=headers, json=body
    )
    assert paid.status_code == 201
    replayed = await client.post(
        f"/api/v1/billing/invoices/{invoices[BOURG].id}/payments", headers=headers, json=body
    )
    assert replayed.json()["replayed"] is True
    reused = await client.post(
        f"/api/v1/billing/invoices/{invoices[BOURG].id}/payments",
        headers=headers,
        json={**body, "amount": 200},
    )
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    bad = await client.post(
        f"/api/v1/billing/invoices/{invoices[BOURG].id}/payments",
        headers={**headers, "Idempotency-Key": "pay-curator-0002"},
        json={**body, "amount": 1.5},
    )
    assert bad.status_code in (400, 422)
    verify = await client.get("/api/v1/billing/verify")
    assert verify.status_code == 200
    assert all(c["ok"] for c in verify.json())
