"""The funding service: envelope tree, calls, applications, awards, payments, dashboards.

One object, so that it is at once the consultation's ``ReservationPort`` and the subscriptions'
grant finder (``active_grant_for``)."""

from catalogue.funding.service.awards import AwardOps
from catalogue.funding.service.dashboards import DashboardOps
from catalogue.funding.service.grants import GrantOps
from catalogue.funding.service.reservations import ReservationOps


class FundingService(AwardOps, DashboardOps, GrantOps, ReservationOps):
    pass


__all__ = ["FundingService"]
