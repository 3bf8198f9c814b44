"""Consultations, their phases, the contributions collected and the proposals regrouped from them."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
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


class Consultation(Table, tablename="consultation"):
    id = Serial(primary_key=True)
    slug = Varchar(length=120, unique=True)
    title = Varchar(length=200)
    summary = Varchar(length=500, default="")
    description = Text(default="")
    published_at = Timestamptz(null=True, default=None)
    """Null while the curators prepare it; from then on exactly one phase is active."""
    vote_limit = Integer(default=5)
    """Proposals one collectivité may support at once (0: unlimited)."""
    minimum_votes_per_voter = Integer(default=0)
    """Supports stay temporary (uncounted) until the collectivité casts this many (0: off)."""
    threshold_per_proposal = Integer(default=0)
    """Supports a proposal needs to reach its threshold (0: none)."""
    can_accumulate_beyond_threshold = Boolean(default=True)
    default_pilot_capacity = Integer(default=3)
    """Territoires référents accepted per selected service, unless its decision says otherwise."""
    envelope_code = Varchar(length=60, default="")
    """The funding envelope selections reserve from (consumed by the funding module)."""
    created_at = Timestamptz()
    created_by = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)


class Phase(Table, tablename="consultation_phase"):
    id = Serial(primary_key=True)
    consultation = ForeignKey(Consultation, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)
    position = Integer()
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    active = Boolean(default=False)
    settings = JSON()


class Contribution(Table, tablename="contribution"):
    id = Serial(primary_key=True)
    consultation = ForeignKey(Consultation, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=20)
    """besoin | service_existant"""
    collectivite = ForeignKey(Collectivite, on_delete=OnDelete.restrict, index=True)
    """The contributing collectivité (a groupement when it speaks for members)."""
    author = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)
    title = Varchar(length=200)
    body = Text()
    thematique = Varchar(length=80)
    service_url = Varchar(length=500, default="")
    repository_url = Varchar(length=500, default="")
    licence = Varchar(length=40, default="")
    """SPDX identifier, for existing services."""
    state = Varchar(length=16, index=True)
    """draft → published → reoriented | rejected | merged"""
    outcome_message = Text(default="")
    """The curator's message (reorientation) or reason (rejection), shown to the contributor."""
    created_at = Timestamptz()
    published_at = Timestamptz(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decided_by = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)


class ContributionBeneficiary(Table, tablename="contribution_beneficiary"):
    """A member collectivité a groupement contributed on behalf of."""

    id = Serial(primary_key=True)
    contribution = ForeignKey(Contribution, on_delete=OnDelete.cascade, index=True)
    collectivite = ForeignKey(Collectivite, on_delete=OnDelete.restrict, index=True)


class Proposal(Table, tablename="proposal"):
    id = Serial(primary_key=True)
    consultation = ForeignKey(Consultation, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    summary = Text()
    thematique = Varchar(length=80)
    kind = Varchar(length=40)
    """nouveau_service | acceleration_service_existant"""
    state = Varchar(length=16)
    """published | withdrawn"""
    listing_slug = Varchar(length=120, default="")
    """An existing catalogue listing this proposal would accelerate, if any."""
    created_at = Timestamptz()
    created_by = ForeignKey(Account, on_delete=OnDelete.set_null, null=True, default=None)


class ProposalSource(Table, tablename="proposal_source"):
    """Which contributions a proposal was regrouped from (one contribution may feed several)."""

    id = Serial(primary_key=True)
    proposal = ForeignKey(Proposal, on_delete=OnDelete.cascade, index=True)
    contribution = ForeignKey(Contribution, on_delete=OnDelete.cascade, index=True)
