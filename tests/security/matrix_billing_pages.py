"""Matrix rows of the billing pages: a collectivité's invoices (its own only), their PDF, a
publisher's revenue (its own only) and the curators' billing desk, whose forms carry an idempotency
key (see tests/security/test_route_matrix.py for how rows are read). The invoices are those of
matrix_billing.py, made by a real billing run; a write-off gets an invoice of its own, so that the
shared ones still have something due for the other rows."""

from __future__ import annotations

import html
from typing import Any

import httpx

from store.billing.schemas import ChargeIn
from tests.security.matrix import Rows, only
from tests.security.matrix_billing import CLOSED_PERIOD, PAID_ON, RUN_PERIOD, charge_to_run, invoices
from tests.support.routes import World

WRITE_OFF_PERIOD = "2026-08"
READERS = {"others": 403, "other_agent": 404, "setup": invoices}


async def invoice_to_write_off(world: World) -> dict[str, Any]:
    """Setup: an invoice of A that nothing else pays or credits (built once)."""

    async def build() -> dict[str, Any]:
        await invoices(world)
        billing = world.state.billing
        await billing.add_charges(
            [
                ChargeIn(
                    source_ref=f"matrice:non-valeur:{WRITE_OFF_PERIOD}",
                    payer_siren=world.collectivite_a,
                    amount_ht=20_000,
                    vat_rate_bp=2000,
                    description="Service resté impayé",
                    period=WRITE_OFF_PERIOD,
                )
            ]
        )
        await billing.run_billing(None, WRITE_OFF_PERIOD)
        made = await billing.list_invoices(await world.actor("curator"), limit=200)
        return {"invoice_id": next(i.id for i in made if i.period == WRITE_OFF_PERIOD)}

    return dict(await world.once("billing-write-off", build))


def key(world: World, params: dict[str, Any] | None = None) -> dict[str, str]:
    return {"idempotency_key": world.unique("page-cle-matrice")}


def _numbers(world: World) -> dict[str, str]:
    return {role: made["number"] for role, made in world.cache["billing"].items()}


def own_invoice_list(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code >= 400:
        return
    text = html.unescape(response.text)
    numbers = _numbers(world)
    if role == "curator":
        assert numbers["agent"] in text
        assert numbers["other_agent"] in text
        return
    other = "other_agent" if role == "agent" else "agent"
    assert numbers[role] in text, f"{role} does not see its invoice"
    assert numbers[other] not in text, f"{role} sees another collectivité's invoice"


def a_invoice_page(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert _numbers(world)["agent"] in response.text


def is_pdf(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def own_revenue(role: str, response: httpx.Response, world: World) -> None:
    """Publisher A's services are invoiced (matrix_billing.py's charges); B sees none of them."""
    if response.status_code >= 400:
        return
    text = html.unescape(response.text)
    if role == "publisher":
        assert 'data-testid="revenue-month"' in text, "publisher A sees no revenue"
    elif role == "other_publisher":
        assert "Service souscrit par" not in text, "publisher B sees A's services"


def ledger_holds(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert 'data-ok="non"' not in response.text


def payment_orders(world: World, params: dict[str, Any]) -> dict[str, Any]:
    reference = world.unique("MANDAT-PAGE")
    csv = f"numero_facture;montant;date_paiement;reference\n{params['number']};1,00;{PAID_ON};{reference}\n"
    return {"fichier": ("ordres.csv", csv.encode(), "text/csv")}


DESK = "/curation/facturation"
ADMIN_INVOICE = DESK + "/factures/{invoice_id:str}"

ROWS: dict[str, Rows] = {
    "GET /factures": only("agent", "other_agent", "curator", setup=invoices, check=own_invoice_list),
    "GET /factures/{invoice_id:str}": only("agent", "curator", check=a_invoice_page, **READERS),
    "GET /factures/{invoice_id:str}/pdf": only("agent", "curator", check=is_pdf, **READERS),
    "GET /editeur/revenus": only(
        "publisher", "other_publisher", "curator", setup=invoices, check=own_revenue
    ),
    "GET " + DESK: only("curator", setup=invoices),
    "GET " + DESK + "/verification": only("curator", setup=invoices, check=ledger_holds),
    "POST " + DESK + "/periodes": only(
        "curator", setup=charge_to_run, form=lambda w: {"period": RUN_PERIOD, **key(w)}
    ),
    "POST " + DESK + "/cloture": only(
        "curator", form=lambda w: {"period": CLOSED_PERIOD, "confirm": "oui", **key(w)}
    ),
    "POST " + DESK + "/paiements/import": only("curator", setup=invoices, files=payment_orders, form=key),
    "GET " + ADMIN_INVOICE: only("curator", setup=invoices, check=a_invoice_page),
    "POST " + ADMIN_INVOICE + "/paiement": only(
        "curator",
        setup=invoices,
        form=lambda w: {"amount": "1,00", "paid_on": PAID_ON, "reference": w.unique("VIR-PAGE"), **key(w)},
    ),
    "POST " + ADMIN_INVOICE + "/avoir": only(
        "curator",
        setup=invoices,
        form=lambda w: {"credit_amount": "1,00", "reason": "Geste commercial", **key(w)},
    ),
    "POST " + ADMIN_INVOICE + "/non-valeur": only(
        "curator", setup=invoice_to_write_off, form=lambda w: {"confirm": "oui", **key(w)}
    ),
}
