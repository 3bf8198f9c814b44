"""Votes: supports, committee decisions, interest declarations, deployment progress."""

import os

from piccolo.conf.apps import AppConfig

from catalogue.votes.tables import (
    Ballot,
    InterestDeclaration,
    Milestone,
    ProposalTally,
    SelectionDecision,
    Support,
)

APP_CONFIG = AppConfig(
    app_name="votes",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Ballot, Support, ProposalTally, SelectionDecision, InterestDeclaration, Milestone],
    # By name only: the constraints migration references the proposal table of catalogue.needs.
    migration_dependencies=["store.accounts.piccolo_app", "catalogue.needs.piccolo_app"],
    commands=[],
)
