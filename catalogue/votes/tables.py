"""Supports (votes), ballots, committee decisions, interest declarations and deployment milestones.

Proposals and consultations belong to ``catalogue.needs``; this module refers to them by id only
(the database still checks the references: see the constraints migration).
"""

from __future__ import annotations

from piccolo.columns import (
    BigInt,
    BigSerial,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from store.accounts.tables import Account
from store.registry.tables import Collectivite


class Ballot(Table, tablename="ballot"):
    """One row per (consultation, voting collectivité): the row every support of that voter locks."""

    id = Serial(primary_key=True)
    consultation_id = Integer(index=True)
    voter = ForeignKey(Collectivite, on_delete=OnDelete.restrict)
    created_at = Timestamptz()


class Support(Table, tablename="support"):
    """A collectivité supports a proposal. Withdrawn supports are kept (soft delete)."""

    id = BigSerial(primary_key=True)
    consultation_id = Integer(index=True)
    proposal_id = Integer(index=True)
    voter = ForeignKey(Collectivite, on_delete=OnDelete.restrict, index=True)
    cast_by = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)
    temporary = Boolean(default=False)
    """Decidim's minimum votes per voter: not counted until the voter has cast enough."""
    created_at = Timestamptz()
    withdrawn_at = Timestamptz(null=True, default=None)
    withdrawn_by = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)


class ProposalTally(Table, tablename="proposal_tally"):
    """Active supports per proposal; the row a threshold check locks."""

    proposal_id = Integer(primary_key=True)
    consultation_id = Integer(index=True)
    supports = Integer(default=0)


class SelectionDecision(Table, tablename="selection_decision"):
    id = Serial(primary_key=True)
    consultation_id = Integer(index=True)
    proposal_id = Integer(unique=True)
    decision = Varchar(length=16)
    """selected | not_selected | deferred (only a deferred decision may be taken again)"""
    rationale = Text()
    committee_session = Varchar(length=120, default="")
    funding_amount_cents = BigInt(default=0)
    envelope_code = Varchar(length=60, default="")
    listing_slug = Varchar(length=120, default="")
    pilot_capacity = Integer(default=0)
    supports_at_decision = Integer(default=0)
    population_at_decision = BigInt(default=0)
    """The deduplicated population the supports covered when the committee decided."""
    population_year = Integer(null=True, default=None)
    decided_at = Timestamptz()
    decided_by = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)


class InterestDeclaration(Table, tablename="interest_declaration"):
    id = Serial(primary_key=True)
    consultation_id = Integer(index=True)
    proposal_id = Integer(index=True)
    collectivite = ForeignKey(Collectivite, on_delete=OnDelete.restrict, index=True)
    cast_by = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)
    role = Varchar(length=24)
    """territoire_referent | early_adopter | cofinanceur | observateur"""
    commitment_text = Text(default="")
    cofunding_amount_cents = BigInt(default=0)
    state = Varchar(length=12)
    """submitted → accepted | declined; submitted | accepted → withdrawn"""
    review_reason = Text(default="")
    created_at = Timestamptz()
    reviewed_at = Timestamptz(null=True, default=None)
    reviewed_by = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)


class Milestone(Table, tablename="deployment_milestone"):
    """Decidim Accountability style: weighted milestones roll up into a project's progress."""

    id = Serial(primary_key=True)
    consultation_id = Integer(index=True)
    proposal_id = Integer(index=True)
    title = Varchar(length=200)
    weight = Integer(default=1)
    progress = Integer(default=0)
    """0–100"""
    position = Integer(default=0)
    due_on = Timestamptz(null=True, default=None)
    updated_at = Timestamptz()
