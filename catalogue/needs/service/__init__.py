"""Consultation rules: the schedule (phases), contributions, and their regroupement into proposals."""

from catalogue.needs.service.consultations import ConsultationService
from catalogue.needs.service.contributions import ContributionService
from catalogue.needs.service.regroupement import RegroupementService

__all__ = ["ConsultationService", "ContributionService", "RegroupementService"]
