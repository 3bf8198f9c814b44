"""Each invoice downloads as a PDF/A-3 embedding a Factur-X (EN 16931) XML that agrees with it."""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import httpx
import pypdf
from facturx import get_facturx_xml_from_pdf, xml_check_xsd
from lxml import etree

from store.billing.facturx import NS
from store.billing.schemas import CreditNoteIn
from tests.billing.support import BOURG
from tests.billing.test_billing import ISSUE, PERIOD, seed
from tests.support.people import make_agent, sign_in


def amounts(root: Any, path: str) -> list[Decimal]:
    return [Decimal(e.text) for e in root.xpath(path, namespaces=NS)]


def check_en16931_arithmetic(root: Any) -> None:
    """The calculation rules a validator applies (BR-CO-10, BR-CO-13/15, BR-S-08/09)."""
    lines = amounts(root, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount")
    total = root.xpath("//ram:SpecifiedTradeSettlementHeaderMonetarySummation", namespaces=NS)[0]

    def get(name: str) -> Decimal:
        return Decimal(total.find(f"ram:{name}", NS).text)

    assert sum(lines) == get("LineTotalAmount") == get("TaxBasisTotalAmount")
    breakdown = root.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS)
    assert sum(Decimal(t.find("ram:BasisAmount", NS).text) for t in breakdown) == get("TaxBasisTotalAmount")
    for tax in breakdown:
        base, rate = (
            Decimal(tax.find("ram:BasisAmount", NS).text),
            Decimal(tax.find("ram:RateApplicablePercent", NS).text),
        )
        expected = (base * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        assert Decimal(tax.find("ram:CalculatedAmount", NS).text) == expected
    assert sum(Decimal(t.find("ram:CalculatedAmount", NS).text) for t in breakdown) == get("TaxTotalAmount")
    assert get("GrandTotalAmount") == get("TaxBasisTotalAmount") + get("TaxTotalAmount")


async def test_an_agent_downloads_a_factur_x_invoice(state: Any, client: httpx.AsyncClient) -> None:
    await seed(state)
    await state.billing.run_billing(None, PERIOD, issue_date=ISSUE)
    [invoice] = [i for i in await state.billing.overdue("2099-01-01") if i.payer_siren == BOURG]
    await sign_in(client, await make_agent(state, "agent@bourg.fr", BOURG))

    response = await client.get(f"/api/v1/billing/invoices/{invoice.id}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response.headers["content-disposition"]
    pdf = response.content
    name, xml = get_facturx_xml_from_pdf(pdf, check_xsd=False)
    assert name == "factur-x.xml"
    xml_check_xsd(xml, flavor="factur-x", level="en16931")
    root = etree.fromstring(xml)
    assert root.xpath("//rsm:ExchangedDocument/ram:ID/text()", namespaces=NS) == [invoice.number]
    assert root.xpath("//rsm:ExchangedDocument/ram:TypeCode/text()", namespaces=NS) == ["380"]
    assert root.xpath("//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID/text()", namespaces=NS) == [
        "urn:cen.eu:en16931:2017"
    ]
    assert root.xpath(
        "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/text()", namespaces=NS
    ) == [BOURG]
    assert amounts(root, "//ram:GrandTotalAmount") == [Decimal(invoice.total_ttc) / 100]
    notes = root.xpath(
        "//ram:AssociatedDocumentLineDocument/ram:IncludedNote/ram:Content/text()", namespaces=NS
    )
    assert any("financeur AAP-2026 600.00 EUR HT" in n for n in notes)  # the co-funding split travels too
    check_en16931_arithmetic(root)

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    xmp = catalog["/Metadata"].get_object().get_data()
    assert re.search(rb"pdfaid:part>3<", xmp)
    assert re.search(rb"pdfaid:conformance>B<", xmp)
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # every font embedded (PDF/A)
    assert "FACTURE" in reader.pages[0].extract_text()


async def test_a_credit_note_refers_to_its_invoice(state: Any) -> None:
    await seed(state)
    await state.billing.run_billing(None, PERIOD, issue_date=ISSUE)
    [invoice] = [i for i in await state.billing.overdue("2099-01-01") if i.payer_siren == BOURG]
    credit = await state.billing.issue_credit_note(
        None, invoice.id, CreditNoteIn(amount_ht=1234, reason="Panne"), key="cn-pdf-1"
    )
    filename, pdf = await state.billing.invoice_pdf(None, credit.id)
    assert filename == "AV-2026-000001.pdf"
    _, xml = get_facturx_xml_from_pdf(pdf)
    root = etree.fromstring(xml)
    assert root.xpath("//rsm:ExchangedDocument/ram:TypeCode/text()", namespaces=NS) == ["381"]
    assert root.xpath("//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()", namespaces=NS) == [
        invoice.number
    ]
    check_en16931_arithmetic(root)
