"""Matrix rows of billing: invoices (a collectivité reads only its own), their Factur-X PDF, and the
curators' money-moving calls, each with its ``Idempotency-Key`` header (see
tests/security/test_route_matrix.py for how rows are read).

The invoices come from the real path: a charge for collectivité A and one for B, invoiced by a
billing run, once per world. Rows that move money (payments, credit notes) take a few cents from
them each time, so the shared invoices last the whole module. The ledger is append-only:
test_route_matrix.py purges it with the rest when the module ends.
"""

from __future__ import annotations

from typing import Any

import httpx

from store.billing.schemas import ChargeIn
from tests.security.matrix import Rows, only
from tests.support.routes import World

PERIOD = "2026-10"
RUN_PERIOD = "2026-09"
CLOSED_PERIOD = "2020-01"
"""Long before any entry of the module: closing it (and everything earlier) freezes nothing used."""
PAID_ON = "2026-11-20"


async def _build(world: World) -> dict[str, dict[str, Any]]:
    billing = world.state.billing
    payers = {"agent": world.collectivite_a, "other_agent": world.collectivite_b}
    await billing.add_charges(
        [
            ChargeIn(
                source_ref=f"matrice:{role}:{PERIOD}",
                payer_siren=siren,
                amount_ht=1_000_000,
                vat_rate_bp=2000,
                description=f"Service souscrit par {siren}",
                period=PERIOD,
                publisher_siren=world.publisher_a,
            )
            for role, siren in payers.items()
        ]
    )
    await billing.run_billing(None, PERIOD)
    issued = await billing.list_invoices(await world.actor("curator"), limit=200)
    by_payer = {i.payer_siren: i for i in issued if i.period == PERIOD and i.kind == "invoice"}
    return {
        role: {"invoice_id": by_payer[siren].id, "number": by_payer[siren].number}
        for role, siren in payers.items()
    }


async def invoices(world: World) -> dict[str, Any]:
    """Setup: issued invoices of A and of B (shared); params name A's."""
    made: dict[str, dict[str, Any]] = await world.once("billing", lambda: _build(world))
    return dict(made["agent"])


async def charge_to_run(world: World) -> dict[str, Any]:
    """Setup: a fresh charge of A in the run period (the run row invoices it)."""
    await invoices(world)
    await world.state.billing.add_charges(
        [
            ChargeIn(
                source_ref=world.unique(f"matrice:run:{RUN_PERIOD}"),
                payer_siren=world.collectivite_a,
                amount_ht=50_000,
                vat_rate_bp=2000,
                description="Service souscrit pour le mois précédent",
                period=RUN_PERIOD,
            )
        ]
    )
    return {}


def idempotency(world: World, params: dict[str, Any]) -> dict[str, str]:
    return {"Idempotency-Key": world.unique("cle-matrice")}


def own_invoices_only(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code >= 400:
        return
    payers = {i["payer_siren"] for i in response.json()}
    if role == "curator":
        assert {world.collectivite_a, world.collectivite_b} <= payers
        return
    siren = world.collectivite_a if role == "agent" else world.collectivite_b
    assert payers == {siren}, f"{role} lists invoices of {payers}"


def a_invoice(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert response.json()["payer_siren"] == world.collectivite_a


def is_pdf(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def ledger_holds(role: str, response: httpx.Response, world: World) -> None:
    if response.status_code < 400:
        broken = [c for c in response.json() if not c["ok"]]
        assert not broken, broken


def payment_csv(world: World, params: dict[str, Any]) -> dict[str, str]:
    reference = world.unique("MANDAT-MATRICE")
    header = "numero_facture;montant;date_paiement;reference"
    return {"csv": f"{header}\n{params['number']};1,00;{PAID_ON};{reference}\n"}


INVOICE = "/api/v1/billing/invoices/{invoice_id:str}"
# Collectivités read (their own), publishers do not; curators read and move money.
READERS = {"others": 403, "other_agent": 404, "setup": invoices}
MONEY = {"setup": invoices, "headers": idempotency}

ROWS: dict[str, Rows] = {
    "GET /api/v1/billing/invoices": only(
        "agent", "other_agent", "curator", setup=invoices, check=own_invoices_only
    ),
    "GET " + INVOICE: only("agent", "curator", check=a_invoice, **READERS),
    "GET " + INVOICE + "/pdf": only("agent", "curator", check=is_pdf, **READERS),
    "POST " + INVOICE + "/payments": only(
        "curator",
        json=lambda w: {"amount": 100, "paid_on": PAID_ON, "reference": w.unique("VIR-MATRICE")},
        **MONEY,
    ),
    "POST " + INVOICE + "/credit-notes": only(
        "curator", json={"amount_ht": 100, "reason": "Geste commercial"}, **MONEY
    ),
    "POST /api/v1/billing/runs": only(
        "curator", setup=charge_to_run, headers=idempotency, json={"period": RUN_PERIOD}
    ),
    "POST /api/v1/billing/payments/import": only("curator", json=payment_csv, **MONEY),
    "POST /api/v1/billing/periods/{period:str}/close": only(
        "curator", params={"period": CLOSED_PERIOD}, headers=idempotency
    ),
    "GET /api/v1/billing/verify": only("curator", setup=invoices, check=ledger_holds),
}
