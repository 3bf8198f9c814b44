"""Vote rules: supports, results, committee decisions, positionings and deployment progress."""

from catalogue.votes.service.deployment import DeploymentService
from catalogue.votes.service.interest import InterestService
from catalogue.votes.service.results import ResultsService
from catalogue.votes.service.selection import SelectionService
from catalogue.votes.service.supports import SupportService

__all__ = ["DeploymentService", "InterestService", "ResultsService", "SelectionService", "SupportService"]
