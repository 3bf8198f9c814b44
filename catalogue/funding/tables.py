"""Funding: the envelope tree, calls for projects, applications, reservations from the consultation
and payments. Amounts live in the ledger (store.billing); these tables say what each ledger account
means (which node, which application) and keep the workflow's states.
"""

from __future__ import annotations

from piccolo.columns import BigInt, Date, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class Envelope(Table, tablename="funding_envelope"):
    """A node of the tree: the plan, an axis, a departmental guichet, a share of a guichet.

    Its money is the ledger account ``envelope:{code}``; a child receives its allocation from its
    parent's account, so no node can hand out more than it received (DMNEC under lock, CHECK in
    the database)."""

    id = Serial(primary_key=True)
    code = Varchar(length=60, unique=True)
    label = Varchar(length=200)
    parent_code = Varchar(length=60, null=True, default=None, index=True)
    programme = Varchar(length=60)
    """The programme of the root (the budget source the tree is funded from)."""
    kind = Varchar(length=16)
    """plan | axe | guichet | part"""
    departement = Varchar(length=3, null=True, default=None, index=True)
    position = Integer(default=0)
    created_at = Timestamptz()


class Call(Table, tablename="funding_call"):
    """An appel à projets: a dated window on one envelope, a maximum co-funding rate, audiences and
    declarative eligibility rules (``catalogue.funding.rules``, stored as JSON)."""

    id = Serial(primary_key=True)
    slug = Varchar(length=80, unique=True)
    title = Varchar(length=200)
    description = Text(default="")
    envelope_code = Varchar(length=60, index=True)
    opens_on = Date()
    closes_on = Date()
    max_rate_bp = Integer()
    audiences = Text(default="[]")
    """JSON list of collectivité kinds the lead may be (empty: every kind)."""
    rules = Text(default="null")
    grant_months = Integer(default=24)
    """How long an award that co-funds a subscription lasts, from the month of the award."""
    published = Integer(default=1)
    created_at = Timestamptz()


class Application(Table, tablename="funding_application"):
    id = Serial(primary_key=True)
    call_id = Integer(index=True)
    lead_siren = Varchar(length=9, index=True)
    lead_departement = Varchar(length=3, null=True, default=None, index=True)
    co_applicants = Text(default="[]")
    """JSON list of SIRENs."""
    title = Varchar(length=200)
    summary = Text(default="")
    contact_name = Varchar(length=120)
    contact_email = Varchar(length=254)
    contact_phone = Varchar(length=30, default="")
    budget_cents = BigInt()
    requested_cents = BigInt()
    listing_id = Varchar(length=36, null=True, default=None, index=True)
    """A subscription the award co-funds through a billing grant (none for a project grant)."""
    state = Varchar(length=16, default="submitted", index=True)
    """submitted | eligible | ineligible | in_review | awarded | declined"""
    eligibility = Text(default="")
    """The last verdict (JSON ``Verdict``) with its reasons, as the registry answered then."""
    eligibility_checked_at = Timestamptz(null=True, default=None)
    review_note = Text(default="")
    decline_reason = Text(default="")
    awarded_cents = BigInt(default=0)
    award_key = Varchar(length=200, null=True, default=None, unique=True)
    grant_id = Varchar(length=100, null=True, default=None, unique=True)
    grant_from = Varchar(length=7, null=True, default=None)
    grant_until = Varchar(length=7, null=True, default=None)
    submitted_by = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Reservation(Table, tablename="funding_reservation"):
    """A pending reservation on an envelope (a proposal selected by the consultation committee)."""

    id = Serial(primary_key=True)
    idempotency_key = Varchar(length=200, unique=True)
    envelope_code = Varchar(length=60, index=True)
    reference = Varchar(length=120)
    label = Varchar(length=300)
    amount_cents = BigInt()
    grant_id = Varchar(length=100, unique=True)
    pending_id = Varchar(length=36)
    state = Varchar(length=16, default="pending")
    """pending | committed (posted, all or part: the rest went back) | released (voided)"""
    committed_cents = BigInt(default=0)
    settled_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Payment(Table, tablename="funding_payment"):
    """A payment to an awarded applicant: it consumes the award's commitment."""

    id = Serial(primary_key=True)
    application_id = Integer(index=True)
    idempotency_key = Varchar(length=200, unique=True)
    amount_cents = BigInt()
    paid_on = Date()
    reference = Varchar(length=120, default="")
    created_at = Timestamptz()


class ListingGrant(Table, tablename="funding_listing_grant"):
    """A national "free State service": an envelope co-funds every collectivité's subscription to a
    listing, at ``cap_bp``, for the months ``from_period``..``until_period`` (a billing grant)."""

    id = Serial(primary_key=True)
    grant_id = Varchar(length=100, unique=True)
    envelope_code = Varchar(length=60, index=True)
    listing_id = Varchar(length=36, index=True)
    label = Varchar(length=200)
    cap_bp = Integer()
    amount_cents = BigInt()
    from_period = Varchar(length=7)
    until_period = Varchar(length=7)
    idempotency_key = Varchar(length=200, unique=True)
    created_at = Timestamptz()
