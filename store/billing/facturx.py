"""Invoices as Factur-X: a PDF/A-3 rendering (fpdf2) with the EN 16931 CII XML embedded (factur-x).

Profile EN 16931 (``urn:cen.eu:en16931:2017``), what Chorus Pro accepts. Seller = the platform operator
(settings), buyer = the collectivité or funder, identified by SIREN (scheme 0002); the Chorus Pro
service code goes in BT-10 (BuyerReference) and the engagement number in BT-13 (purchase order).
VAT is one breakdown per rate on the invoice base, exactly what the stored totals say.

PDF/A-3: every font is embedded (DejaVu Sans, subset, licence in ``fonts/LICENSE``), an sRGB output
intent carries the ICC profile shipped with fpdf2, and factur-x writes the XMP metadata (pdfaid
part 3, Factur-X extension schema) and attaches ``factur-x.xml`` with AFRelationship ``Data``. The XML
is checked against the EN 16931 XSD shipped with factur-x before it is embedded.
"""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

from store.billing.schemas import InvoiceView
from store.kit.money import format_eur
from store.kit.settings import Settings

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
FONTS = Path(__file__).parent / "fonts"
INVOICE, CREDIT_NOTE = "380", "381"


def _amount(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


def _rate(rate_bp: int) -> str:
    return f"{rate_bp // 100}.{rate_bp % 100:02d}"


def _who(role: str, siren: str, grant_id: str | None, funder: str, payer: str = "") -> str:
    return f"{funder}{grant_id or ''}" if role == "funder" else f"{payer}{siren}"


def _document_name(view: InvoiceView) -> str:
    return "avoir" if view.kind == "credit_note" else "facture"


def _date(iso: str) -> str:
    return iso.replace("-", "")


class _Builder:
    def __init__(self) -> None:
        self.root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)

    @staticmethod
    def add(parent: Any, tag: str, text: str | None = None, **attrs: str) -> Any:
        prefix, name = tag.split(":")
        element = etree.SubElement(parent, f"{{{NS[prefix]}}}{name}", **attrs)
        if text is not None:
            element.text = text
        return element


def facturx_xml(settings: Settings, view: InvoiceView, original: InvoiceView | None = None) -> bytes:
    b = _Builder()
    add = b.add
    context = add(b.root, "rsm:ExchangedDocumentContext")
    add(add(context, "ram:BusinessProcessSpecifiedDocumentContextParameter"), "ram:ID", "A1")
    add(add(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", "urn:cen.eu:en16931:2017")

    document = add(b.root, "rsm:ExchangedDocument")
    add(document, "ram:ID", view.number or "")
    add(document, "ram:TypeCode", CREDIT_NOTE if view.kind == "credit_note" else INVOICE)
    add(add(document, "ram:IssueDateTime"), "udt:DateTimeString", _date(view.issue_date or ""), format="102")
    note = f"Période {view.period}." + (f" Motif de l'avoir : {view.reason}" if view.reason else "")
    add(add(document, "ram:IncludedNote"), "ram:Content", note)

    transaction = add(b.root, "rsm:SupplyChainTradeTransaction")
    for line in view.lines:
        item = add(transaction, "ram:IncludedSupplyChainTradeLineItem")
        line_doc = add(item, "ram:AssociatedDocumentLineDocument")
        add(line_doc, "ram:LineID", str(line.position))
        if line.split:
            shares = " ; ".join(
                f"{_who(p.role, p.siren, p.grant_id, 'financeur ')} {_amount(p.amount_ht)} EUR HT"
                for p in line.split
            )
            add(add(line_doc, "ram:IncludedNote"), "ram:Content", f"Répartition du cofinancement : {shares}")
        add(add(item, "ram:SpecifiedTradeProduct"), "ram:Name", line.description[:500])
        agreement = add(item, "ram:SpecifiedLineTradeAgreement")
        add(add(agreement, "ram:NetPriceProductTradePrice"), "ram:ChargeAmount", _amount(line.amount_ht))
        add(add(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", "1", unitCode="C62")
        settlement = add(item, "ram:SpecifiedLineTradeSettlement")
        tax = add(settlement, "ram:ApplicableTradeTax")
        add(tax, "ram:TypeCode", "VAT")
        add(tax, "ram:CategoryCode", "S" if line.vat_rate_bp else "E")
        add(tax, "ram:RateApplicablePercent", _rate(line.vat_rate_bp))
        summation = add(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
        add(summation, "ram:LineTotalAmount", _amount(line.amount_ht))

    agreement = add(transaction, "ram:ApplicableHeaderTradeAgreement")
    if view.buyer_service_code:
        add(agreement, "ram:BuyerReference", view.buyer_service_code)
    seller = add(agreement, "ram:SellerTradeParty")
    add(seller, "ram:Name", settings.billing_seller_name)
    add(
        add(seller, "ram:SpecifiedLegalOrganization"),
        "ram:ID",
        settings.billing_seller_siren,
        schemeID="0002",
    )
    address = add(seller, "ram:PostalTradeAddress")
    add(address, "ram:PostcodeCode", settings.billing_seller_postcode)
    add(address, "ram:LineOne", settings.billing_seller_address)
    add(address, "ram:CityName", settings.billing_seller_city)
    add(address, "ram:CountryID", "FR")
    if settings.billing_seller_vat_id:
        add(
            add(seller, "ram:SpecifiedTaxRegistration"),
            "ram:ID",
            settings.billing_seller_vat_id,
            schemeID="VA",
        )
    buyer = add(agreement, "ram:BuyerTradeParty")
    add(buyer, "ram:Name", view.payer_name)
    add(add(buyer, "ram:SpecifiedLegalOrganization"), "ram:ID", view.payer_siren, schemeID="0002")
    add(add(buyer, "ram:PostalTradeAddress"), "ram:CountryID", "FR")
    if view.buyer_engagement:
        add(add(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", view.buyer_engagement)

    add(transaction, "ram:ApplicableHeaderTradeDelivery")
    settlement = add(transaction, "ram:ApplicableHeaderTradeSettlement")
    add(settlement, "ram:InvoiceCurrencyCode", "EUR")
    means = add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    add(means, "ram:TypeCode", "30")
    if settings.billing_seller_iban:
        add(add(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", settings.billing_seller_iban)
    for vat in view.vat_breakdown:
        tax = add(settlement, "ram:ApplicableTradeTax")
        add(tax, "ram:CalculatedAmount", _amount(vat.vat))
        add(tax, "ram:TypeCode", "VAT")
        if not vat.rate_bp:
            add(tax, "ram:ExemptionReason", "Exonération de TVA")
        add(tax, "ram:BasisAmount", _amount(vat.base_ht))
        add(tax, "ram:CategoryCode", "S" if vat.rate_bp else "E")
        add(tax, "ram:RateApplicablePercent", _rate(vat.rate_bp))
    if view.due_date:
        terms = add(settlement, "ram:SpecifiedTradePaymentTerms")
        add(add(terms, "ram:DueDateDateTime"), "udt:DateTimeString", _date(view.due_date), format="102")
    totals = add(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    add(totals, "ram:LineTotalAmount", _amount(view.total_ht))
    add(totals, "ram:TaxBasisTotalAmount", _amount(view.total_ht))
    add(totals, "ram:TaxTotalAmount", _amount(view.total_vat), currencyID="EUR")
    add(totals, "ram:GrandTotalAmount", _amount(view.total_ttc))
    add(totals, "ram:DuePayableAmount", _amount(view.total_ttc))
    if original is not None and original.number:
        referenced = add(settlement, "ram:InvoiceReferencedDocument")
        add(referenced, "ram:IssuerAssignedID", original.number)
        if original.issue_date:
            add(
                add(referenced, "ram:FormattedIssueDateTime"),
                "qdt:DateTimeString",
                _date(original.issue_date),
                format="102",
            )
    return bytes(etree.tostring(b.root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def check_xml(xml: bytes) -> None:
    """Validate against the EN 16931 XSD shipped with factur-x (raises on the first error)."""
    from facturx import xml_check_xsd

    xml_check_xsd(xml, flavor="factur-x", level="en16931")


def render_pdf(settings: Settings, view: InvoiceView, original: InvoiceView | None) -> bytes:
    from fpdf import FPDF
    from fpdf.enums import OutputIntentSubType
    from fpdf.output import PDFICCProfile

    pdf = FPDF(format="A4")
    pdf.set_lang("fr")
    pdf.set_title(f"{'Avoir' if view.kind == 'credit_note' else 'Facture'} {view.number}")
    pdf.set_author(settings.billing_seller_name)
    pdf.set_creation_date(dt.datetime.fromisoformat(f"{view.issue_date or '2000-01-01'}T00:00:00+00:00"))
    icc = (resources.files("fpdf") / "data" / "color_profiles" / "sRGB2014.icc").read_bytes()
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier="sRGB",
        output_condition="IEC 61966-2-1:1999",
        registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(contents=icc, n=3, alternate="DeviceRGB"),
        info="sRGB2014 (v2)",
    )
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    w = pdf.epw

    pdf.set_font("DejaVu", "B", 16)
    title = "AVOIR" if view.kind == "credit_note" else "FACTURE"
    pdf.cell(w, 9, f"{title} {view.number}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 11)
    pdf.multi_cell(w / 2, 5, settings.billing_seller_name, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    seller = [
        settings.billing_seller_address,
        f"{settings.billing_seller_postcode} {settings.billing_seller_city}",
        f"SIREN {settings.billing_seller_siren}",
        f"TVA intracommunautaire {settings.billing_seller_vat_id}" if settings.billing_seller_vat_id else "",
    ]
    pdf.multi_cell(w / 2, 4.5, "\n".join(s for s in seller if s), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_x(pdf.l_margin + w / 2)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(w / 2, 5, view.payer_name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    buyer = [
        f"SIREN {view.payer_siren}",
        f"Code service Chorus Pro : {view.buyer_service_code}" if view.buyer_service_code else "",
        f"N° d'engagement : {view.buyer_engagement}" if view.buyer_engagement else "",
    ]
    pdf.set_x(pdf.l_margin + w / 2)
    pdf.multi_cell(w / 2, 4.5, "\n".join(s for s in buyer if s), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    facts = [f"Date d'émission : {view.issue_date}", f"Période facturée : {view.period}"]
    if view.due_date:
        facts.append(f"Échéance : {view.due_date}")
    if original is not None:
        facts.append(f"Avoir sur la facture {original.number} du {original.issue_date}")
    if view.reason:
        facts.append(f"Motif : {view.reason}")
    pdf.multi_cell(w, 4.5, "\n".join(facts), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    pdf.set_font("DejaVu", "B", 9)
    pdf.set_fill_color(230, 230, 240)
    pdf.cell(w * 0.62, 6, "Désignation", border=1, fill=True)
    pdf.cell(w * 0.13, 6, "TVA", border=1, align="R", fill=True)
    pdf.cell(w * 0.25, 6, "Montant HT", border=1, align="R", fill=True, new_x="LMARGIN", new_y="NEXT")
    for line in view.lines:
        pdf.set_font("DejaVu", "", 9)
        y = pdf.get_y()
        pdf.multi_cell(w * 0.62, 5, line.description, border="LR", new_x="RIGHT", new_y="TOP")
        pdf.cell(w * 0.13, 5, f"{line.vat_rate_bp / 100:g} %".replace(".", ","), align="R")
        pdf.cell(
            w * 0.25, 5, format_eur(line.amount_ht), border="R", align="R", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_y(max(pdf.get_y(), y + 5))
        if len(line.split) > 1:
            pdf.set_font("DejaVu", "", 7.5)
            parts = [
                _who(p.role, p.siren, p.grant_id, "État / financeur ", "SIREN ")
                + f" : {format_eur(p.amount_ht)}"
                for p in line.split
            ]
            pdf.multi_cell(
                w,
                4,
                "Répartition du cofinancement (HT) — " + " ; ".join(parts),
                border="LR",
                align="L",
                new_x="LMARGIN",
                new_y="NEXT",
            )
    pdf.cell(w, 0, "", border="T", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    pdf.set_font("DejaVu", "", 9)
    for vat in view.vat_breakdown:
        label = f"TVA {vat.rate_bp / 100:g} % sur {format_eur(vat.base_ht)}".replace(".", ",")
        pdf.cell(w * 0.75, 5, label, align="R")
        pdf.cell(w * 0.25, 5, format_eur(vat.vat), align="R", new_x="LMARGIN", new_y="NEXT")
    for label, value, bold in (
        ("Total HT", view.total_ht, False),
        ("Total TVA", view.total_vat, False),
        ("Total TTC", view.total_ttc, True),
    ):
        pdf.set_font("DejaVu", "B" if bold else "", 10 if bold else 9)
        pdf.cell(w * 0.75, 6, label, align="R")
        pdf.cell(w * 0.25, 6, format_eur(value), align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 8)
    mentions = []
    if view.kind == "invoice":
        mentions.append(
            f"Paiement par virement à {settings.billing_payment_terms_days} jours "
            "(article R2192-10 du code de la commande publique)"
            + (f", IBAN {settings.billing_seller_iban}" if settings.billing_seller_iban else "")
            + "."
        )
        mentions.append(
            "Tout retard de paiement fait courir de plein droit des intérêts moratoires et une indemnité "
            "forfaitaire de 40 € pour frais de recouvrement (articles L2192-13 et D2192-35 du code de la "
            "commande publique)."
        )
    mentions.append("Document électronique Factur-X (EN 16931) : les données structurées font foi.")
    pdf.multi_cell(w, 4, "\n".join(mentions), align="L")
    return bytes(pdf.output())


def render_facturx(settings: Settings, view: InvoiceView, original: InvoiceView | None) -> bytes:
    from facturx import generate_from_binary

    xml = facturx_xml(settings, view, original)
    check_xml(xml)
    pdf = render_pdf(settings, view, original)
    metadata = {
        "author": settings.billing_seller_name,
        "keywords": "Factur-X, EN 16931",
        "title": f"{settings.billing_seller_name} : {_document_name(view)} {view.number}",
        "subject": f"Factur-X {view.number}",
    }
    return bytes(
        generate_from_binary(
            io.BytesIO(pdf).getvalue(),
            xml,
            flavor="factur-x",
            level="en16931",
            check_xsd=False,
            pdf_metadata=metadata,
            lang="fr-FR",
        )
    )
