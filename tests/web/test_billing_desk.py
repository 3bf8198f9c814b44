"""The curators' billing desk: run a period from the form (a double submit replays), close a period,
verify the ledger, record payments, import payment orders, credit notes and write-offs. Bad input
answers with the page and a French message, and writes nothing."""

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
from tests.support.people import csrf_headers, make_account, sign_in
from tests.web.billing_seed import HTML, PERIOD, form_keys, invoiced, seed_charges, text

DESK = "/curation/facturation"


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[Litestar]:
    application = create_app(settings)
    yield application
    db = application.state.db
    await db.start()
    await purge_billing(db)
    await test_db.empty_tables(db, all_tables())
    await db.stop()


async def curator(client: Any, state: Any) -> dict[str, str]:
    await sign_in(client, await make_account(state, "curateur@anct.gouv.fr", curator=True))
    return {**HTML, **await csrf_headers(client)}


async def issued(state: Any) -> list[Any]:
    return await state.billing.overdue("2099-01-01")


async def test_a_period_is_run_from_the_form_and_a_double_submit_replays(client: Any, state: Any) -> None:
    await seed_charges(state)
    headers = await curator(client, state)
    desk = text(await client.get(DESK, headers=HTML))
    assert 'data-testid="nav-facturation"' in desk
    run_key, _close_key, _import_key = form_keys(desk)

    for bad, said in (
        ("2026-13", "Période invalide"),
        ("octobre", "Période invalide"),
        ("2999-01", "n'a pas commencé"),
    ):
        refused = await client.post(
            f"{DESK}/periodes", data={"period": bad, "idempotency_key": run_key}, headers=headers
        )
        assert refused.status_code == 422, bad
        assert said in text(refused)
        assert 'data-testid="form-error"' in refused.text
    assert await issued(state) == []
    missing = await client.post(f"{DESK}/periodes", data={"period": PERIOD}, headers=headers)
    assert missing.status_code == 422
    assert "rechargez la page" in text(missing)

    first = await client.post(
        f"{DESK}/periodes", data={"period": PERIOD, "idempotency_key": run_key}, headers=headers
    )
    assert first.status_code == 303
    after = text(await client.get(DESK, headers=HTML))
    assert "Période 2026-10 facturée : 3 facture(s) émise(s)" in after
    assert 'data-testid="run-row" data-period="2026-10"' in after
    numbers = sorted(i.number for i in await issued(state))
    assert numbers == ["F-2026-000001", "F-2026-000002", "F-2026-000003"]

    again = await client.post(
        f"{DESK}/periodes", data={"period": PERIOD, "idempotency_key": run_key}, headers=headers
    )
    assert again.status_code == 303
    assert "rien n'a été facturé deux fois" in text(await client.get(DESK, headers=HTML))
    assert sorted(i.number for i in await issued(state)) == numbers

    await seed_charges(state, period="2026-09", tag="-sept")
    reused = await client.post(
        f"{DESK}/periodes", data={"period": "2026-09", "idempotency_key": run_key}, headers=headers
    )
    assert reused.status_code == 409
    assert "déjà servi pour la période 2026-10" in text(reused)
    assert sorted(i.number for i in await issued(state)) == numbers  # September not invoiced


async def test_payments_by_hand_refuse_more_than_due_and_replay_once(client: Any, state: Any) -> None:
    invoices = await invoiced(state)
    bourg = await state.billing.get_invoice(None, invoices[BOURG].id)
    headers = await curator(client, state)
    path = f"{DESK}/factures/{bourg.id}"
    page = text(await client.get(path, headers=HTML))
    payment_key = form_keys(page)[0]
    body = {"paid_on": "2026-11-20", "reference": "MANDAT-881", "idempotency_key": payment_key}

    cases = (
        ({"amount": "dix euros"}, 422, "montant est invalide"),
        ({"amount": "0"}, 422, "supérieur à zéro"),
        ({"amount": "-5"}, 422, "supérieur à zéro"),
        ({"amount": "100", "paid_on": "31/02/2026"}, 422, "Date invalide"),
        ({"amount": "100", "paid_on": "2999-01-01"}, 422, "dans le futur"),
        ({"amount": "100", "reference": " "}, 422, "référence"),
        (
            {"amount": "9 999,99"},
            422,
            f"dépasse ce qui reste dû sur la facture ({format_eur(bourg.total_ttc)})",
        ),
    )
    for change, status, said in cases:
        refused = await client.post(f"{path}/paiement", data={**body, **change}, headers=headers)
        assert refused.status_code == status, change
        assert said in text(refused), change
        assert (
            'value="MANDAT-881"' in refused.text or change.get("reference") == " "
        )  # the form keeps what was typed
    assert (await state.billing.statements.payments(bourg.id)) == []
    assert (await state.billing.get_invoice(None, bourg.id)).amount_due == bourg.total_ttc

    done = await client.post(f"{path}/paiement", data={**body, "amount": "100,00"}, headers=headers)
    assert done.status_code == 303
    assert "Paiement de 100,00\u00a0€ enregistré." in text(await client.get(path, headers=HTML))
    replay = await client.post(f"{path}/paiement", data={**body, "amount": "100,00"}, headers=headers)
    assert replay.status_code == 303
    assert "rien n'a été ajouté" in text(await client.get(path, headers=HTML))
    other = await client.post(f"{path}/paiement", data={**body, "amount": "200,00"}, headers=headers)
    assert other.status_code == 409
    assert "déjà servi pour un autre paiement" in text(other)
    assert [p.amount for p in await state.billing.statements.payments(bourg.id)] == [10_000]

    excess = bourg.total_ttc - 10_000 + 500
    over = {
        **body,
        "idempotency_key": "page-excess-0001",
        "amount": f"{excess / 100:.2f}".replace(".", ","),
        "accept_excess": "oui",
    }
    assert (await client.post(f"{path}/paiement", data=over, headers=headers)).status_code == 303
    paid = await state.billing.get_invoice(None, bourg.id)
    assert (paid.status, paid.amount_due) == ("paid", 0)
    assert "Payée" in text(await client.get(path, headers=HTML))
    assert not [c for c in await state.billing.verify() if not c.ok]


async def test_credit_notes_and_write_offs_from_the_invoice_page(client: Any, state: Any) -> None:
    invoices = await invoiced(state)
    amberieu = await state.billing.get_invoice(None, invoices[AMBERIEU].id)
    headers = await curator(client, state)
    path = f"{DESK}/factures/{amberieu.id}"
    _pay, credit_key, write_off_key = form_keys(text(await client.get(path, headers=HTML)))

    too_much = await client.post(
        f"{path}/avoir",
        data={"credit_amount": "10 000,00", "reason": "Erreur", "idempotency_key": credit_key},
        headers=headers,
    )
    assert too_much.status_code == 409
    assert f"dépasse ce qui reste créditable sur la facture ({format_eur(amberieu.total_ht)} HT)" in text(
        too_much
    )
    no_reason = await client.post(
        f"{path}/avoir",
        data={"credit_amount": "1", "reason": "", "idempotency_key": credit_key},
        headers=headers,
    )
    assert no_reason.status_code == 422
    assert "motif" in text(no_reason)
    assert await state.billing.statements.credit_notes(amberieu.id) == []

    done = await client.post(
        f"{path}/avoir",
        data={"credit_amount": "10,00", "reason": "Panne du service", "idempotency_key": credit_key},
        headers=headers,
    )
    assert done.status_code == 303
    notes = await state.billing.statements.credit_notes(amberieu.id)
    assert [(n.number, n.total_ht) for n in notes] == [("AV-2026-000001", 1_000)]
    assert "Avoir AV-2026-000001 émis" in text(await client.get(path, headers=HTML))

    unconfirmed = await client.post(
        f"{path}/non-valeur", data={"idempotency_key": write_off_key}, headers=headers
    )
    assert unconfirmed.status_code == 422
    assert "Cochez la case" in text(unconfirmed)
    assert (await state.billing.get_invoice(None, amberieu.id)).status == "issued"
    written = await client.post(
        f"{path}/non-valeur", data={"idempotency_key": write_off_key, "confirm": "oui"}, headers=headers
    )
    assert written.status_code == 303
    after = await state.billing.get_invoice(None, amberieu.id)
    assert (after.status, after.amount_due) == ("written_off", 0)
    assert "Admise en non-valeur" in text(await client.get(path, headers=HTML))
    again = await client.post(
        f"{path}/non-valeur", data={"idempotency_key": write_off_key, "confirm": "oui"}, headers=headers
    )
    assert again.status_code == 303  # the same form sent twice replays
    assert "déjà enregistrée : rien n'a été ajouté" in text(await client.get(path, headers=HTML))
    elsewhere = await state.billing.get_invoice(None, invoices[BOURG].id)
    reused = await client.post(
        f"{DESK}/factures/{elsewhere.id}/non-valeur",
        data={"idempotency_key": write_off_key, "confirm": "oui"},
        headers=headers,
    )
    assert reused.status_code == 409
    assert "déjà servi" in text(reused)
    assert (await state.billing.get_invoice(None, elsewhere.id)).status == "issued"
    nothing_left = await client.post(
        f"{path}/non-valeur",
        data={"idempotency_key": "page-another-write-off", "confirm": "oui"},
        headers=headers,
    )
    assert nothing_left.status_code == 409
    assert "Rien n'est dû" in text(nothing_left)
    assert (await client.get(f"{DESK}/factures/inconnue", headers=HTML)).status_code == 404
    unknown = await client.post(
        f"{DESK}/factures/inconnue/avoir",
        data={"reason": "abcd", "idempotency_key": credit_key},
        headers=headers,
    )
    assert unknown.status_code == 404


async def test_payment_orders_are_imported_from_a_csv_file(client: Any, state: Any) -> None:
    invoices = await invoiced(state)
    amberieu = await state.billing.get_invoice(None, invoices[AMBERIEU].id)
    headers = await curator(client, state)
    import_key = form_keys(text(await client.get(DESK, headers=HTML)))[2]
    euros = format_eur(amberieu.total_ttc).replace("\u00a0€", "").replace("\u202f", "")
    csv = (
        "numero_facture;montant;date_paiement;reference\n"
        f"{amberieu.number};{euros};25/11/2026;MANDAT-17\n"
        "F-2026-999999;10,00;2026-11-25;MANDAT-18\n"
        f"{amberieu.number};dix euros;2026-11-25;MANDAT-19\n"
    ).encode()

    def upload(content: bytes, name: str = "ordres.csv") -> dict[str, Any]:
        return {"files": {"fichier": (name, content, "text/csv")}, "data": {"idempotency_key": import_key}}

    first = await client.post(f"{DESK}/paiements/import", headers=headers, **upload(csv))
    assert first.status_code == 200
    page = text(first)
    assert page.count('data-status="applied"') == 1
    assert page.count('data-status="error"') == 2
    assert "Facture F-2026-999999 introuvable." in page
    assert (await state.billing.get_invoice(None, amberieu.id)).status == "paid"
    second = text(await client.post(f"{DESK}/paiements/import", headers=headers, **upload(csv)))
    assert second.count('data-status="replayed"') == 1
    assert len(await state.billing.statements.payments(amberieu.id)) == 1

    for content, said in (
        (b"facture,montant\nF-1,10\n", "En-tête attendu"),
        (b"\x00\x01\x02\xff\xfe", "pas un CSV texte"),
        (b"", "Choisissez un fichier"),
    ):
        refused = await client.post(
            f"{DESK}/paiements/import", headers=headers, **upload(content, "x.csv" if content else "")
        )
        assert refused.status_code == 422, content
        assert said in text(refused), content
    assert len(await state.billing.statements.payments(amberieu.id)) == 1


async def test_closing_a_period_and_verifying_the_ledger(client: Any, state: Any) -> None:
    await invoiced(state, issue_date="2026-10-01")
    headers = await curator(client, state)
    desk = text(await client.get(DESK, headers=HTML))
    assert 'data-testid="overdue-row"' in desk  # due 2026-10-31
    assert 'data-testid="budget-row"' in desk
    assert "Engagement (subvention)" in desk
    close_key = form_keys(desk)[1]
    unconfirmed = await client.post(
        f"{DESK}/cloture", data={"period": "2026-09", "idempotency_key": close_key}, headers=headers
    )
    assert unconfirmed.status_code == 422
    assert "Cochez la case de confirmation" in text(unconfirmed)
    assert await state.billing.statements.closed_through() is None
    not_over = await client.post(
        f"{DESK}/cloture",
        data={"period": "2026-11", "idempotency_key": close_key, "confirm": "oui"},
        headers=headers,
    )
    assert not_over.status_code == 409
    assert "n'est pas terminée" in text(not_over)
    closed = await client.post(
        f"{DESK}/cloture",
        data={"period": "2026-09", "idempotency_key": close_key, "confirm": "oui"},
        headers=headers,
    )
    assert closed.status_code == 303
    assert await state.billing.statements.closed_through() == "2026-09"
    assert "septembre 2026" in text(await client.get(DESK, headers=HTML))

    verify = await client.get(f"{DESK}/verification", headers=HTML)
    assert verify.status_code == 200
    page = text(verify)
    assert 'data-testid="verify-ok"' in page
    assert 'data-ok="non"' not in page
    assert page.count('data-testid="check"') == len(await state.billing.verify())


async def test_the_desk_opens_an_invoice_by_its_number(client: Any, state: Any) -> None:
    invoices = await invoiced(state)
    await curator(client, state)
    number = invoices[BOURG].number
    found = await client.get(DESK, params={"numero": f" {number.lower()} "}, headers=HTML)
    assert found.status_code == 303
    assert found.headers["location"] == f"{DESK}/factures/{invoices[BOURG].id}"
    missing = await client.get(DESK, params={"numero": "F-2026-999999"}, headers=HTML)
    assert missing.status_code == 404
    assert "Aucune facture ni aucun avoir ne porte le numéro F-2026-999999" in text(missing)
