"""Consultations: phases, contributions and proposals."""

import os

from piccolo.conf.apps import AppConfig

from catalogue.needs.tables import (
    Consultation,
    Contribution,
    ContributionBeneficiary,
    Phase,
    Proposal,
    ProposalSource,
)

APP_CONFIG = AppConfig(
    app_name="needs",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Consultation, Phase, Contribution, ContributionBeneficiary, Proposal, ProposalSource],
    migration_dependencies=["store.accounts.piccolo_app", "store.registry.piccolo_app"],
    commands=[],
)
