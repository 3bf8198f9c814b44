"""Every page controller of the site, in one list."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from store.web.pages.auth import AuthPages
from store.web.pages.billing_admin import BillingAdminPages
from store.web.pages.billing_invoice_admin import BillingInvoiceAdminPages
from store.web.pages.collectivites import CollectivitePages
from store.web.pages.consultations import ConsultationPages
from store.web.pages.consultations_admin import ConsultationAdminPages
from store.web.pages.consultations_interest import ConsultationInterestPages
from store.web.pages.consultations_regroupement import ConsultationRegroupementPages
from store.web.pages.consultations_selection import ConsultationSelectionPages
from store.web.pages.curation import CurationPages
from store.web.pages.funding import FundingPages
from store.web.pages.funding_curation import FundingCurationPages
from store.web.pages.funding_setup import FundingSetupPages
from store.web.pages.home import HomePages
from store.web.pages.invoices import InvoicePages
from store.web.pages.listings import ListingPages
from store.web.pages.plugins import PublisherPluginPages
from store.web.pages.plugins_curation import PluginCurationPages
from store.web.pages.publisher import PublisherPages
from store.web.pages.revenue import RevenuePages
from store.web.pages.search import SearchPages
from store.web.pages.service_search import ServiceSearchPages
from store.web.pages.subscriptions import SubscriptionPages


def web_route_handlers() -> list[ControllerRouterHandler]:
    return [
        AuthPages,
        CollectivitePages,
        HomePages,
        ListingPages,
        PublisherPages,
        CurationPages,
        ConsultationPages,
        ConsultationInterestPages,
        ConsultationAdminPages,
        ConsultationRegroupementPages,
        ConsultationSelectionPages,
        SearchPages,
        PublisherPluginPages,
        PluginCurationPages,
        InvoicePages,
        RevenuePages,
        BillingAdminPages,
        BillingInvoiceAdminPages,
        SubscriptionPages,
        ServiceSearchPages,
        FundingPages,
        FundingCurationPages,
        FundingSetupPages,
    ]
