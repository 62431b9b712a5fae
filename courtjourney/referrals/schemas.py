"""What the referrals API takes and gives. Shapes are checked here; meaning by forms.py and services.py."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from courtjourney.web.schemas import Body, Out, Text

# The keys of rules.SOURCES, URGENCIES and STATUSES (tests/referrals checks they agree), spelled out so
# OpenAPI lists them.
Source = Literal["police", "childrens_social_care", "school", "health", "other_agency", "parent", "other"]
Urgency = Literal["routine", "soon", "urgent"]
Status = Literal["new", "waiting", "accepted", "declined", "withdrawn"]
StatusFilter = Literal["open", "new", "waiting", "accepted", "declined", "withdrawn", "all"]
Relationship = Literal["mother", "father", "step_parent", "carer", "grandparent", "other"]


class NewReferral(Body):
    received_at: dt.datetime | None = None  # empty: now; without an offset it is UK time
    source: Source | None = None
    referrer_name: Text | None = None
    referrer_organisation: Text | None = None
    referrer_contact: Text | None = None
    parent_first_name: Text | None = None
    parent_relationship: Relationship | None = None
    child_first_name: Text | None = None
    child_birth_date: dt.date | None = None
    reason: Text | None = None
    consent: bool | None = None
    safe_contact: Text | None = None
    urgency: Urgency | None = None  # empty: routine


class AcceptIn(Body):
    """Who on the team will support the family: the new case is assigned to them."""

    worker_id: UUID | None = None


class ReasonIn(Body):
    """Why (needed to decline; optional to withdraw or to put on the waiting list)."""

    reason: Text | None = None


class ConfirmContactIn(Body):
    """The safe way to make first contact as confirmed; empty keeps the words already recorded."""

    safe_contact: Text | None = None


class ReferralOut(Out):
    id: UUID
    team_id: UUID
    received_at: dt.datetime
    source: str
    referrer_name: str | None
    referrer_organisation: str | None
    referrer_contact: str | None
    parent_first_name: str
    parent_relationship: str | None
    child_first_name: str
    child_birth_date: dt.date | None
    reason: str
    consent: bool
    consent_recorded_by_id: UUID | None
    consent_recorded_at: dt.datetime
    safe_contact: str | None
    safe_contact_confirmed: bool
    safe_contact_confirmed_by_id: UUID | None
    safe_contact_confirmed_at: dt.datetime | None
    urgency: str
    status: str
    waiting_since: dt.datetime | None
    waiting_for: str | None
    decision_reason: str | None
    decided_at: dt.datetime | None
    decided_by_id: UUID | None
    case_id: UUID | None
    days_waiting: int
    first_contact_at: dt.datetime | None
    days_to_first_contact: int | None
    recorded_by_id: UUID | None
    created_at: dt.datetime


class DuplicateOut(Out):
    """A case of the team whose child has the referral's first name (and date of birth, where both are known)."""

    case_id: UUID
    reference: str
    child_name: str
    child_birth_date: dt.date | None
    same_birth_date: bool | None
