"""What the hearings API takes and gives. Shapes here; meaning (dates in range, end after start) in forms/services."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

import msgspec

from courtjourney.web.schemas import Body, Out, Text

Short = Annotated[str, msgspec.Meta(max_length=300)]


class NewProceeding(Body):
    court_name: Short | None = None
    court_town: Short | None = None
    court_address: Short | None = None
    court_type: Short | None = None
    urn: Short | None = None
    defendants: Text | None = None
    status: Short | None = "active"


class NewCharge(Body):
    description: Text | None = None
    category: Short | None = None
    defendant: Short | None = None


class HearingWhen(Body):
    hearing_type: Short | None = None
    listing: Short | None = None
    date: dt.date | None = None
    start_time: Short | None = None
    end_time: Short | None = None
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    court_name: Short | None = None
    court_town: Short | None = None
    court_address: Short | None = None
    courtroom: Short | None = None
    accompanied_by: Short | None = None
    arrival_notes: Text | None = None
    known_at: dt.datetime | None = None
    told_at: dt.datetime | None = None


class NewHearing(HearingWhen):
    proceeding_id: UUID | None = None


class HearingChangeIn(Body):
    """Send only what changes; a move (date, time or listing) needs the full listing: listing and its dates."""

    hearing_type: Short | msgspec.UnsetType | None = msgspec.UNSET
    listing: Short | msgspec.UnsetType | None = msgspec.UNSET
    date: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    start_time: Short | msgspec.UnsetType | None = msgspec.UNSET
    end_time: Short | msgspec.UnsetType | None = msgspec.UNSET
    window_start: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    window_end: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    court_name: Short | msgspec.UnsetType | None = msgspec.UNSET
    court_town: Short | msgspec.UnsetType | None = msgspec.UNSET
    court_address: Short | msgspec.UnsetType | None = msgspec.UNSET
    courtroom: Short | msgspec.UnsetType | None = msgspec.UNSET
    status: Short | msgspec.UnsetType | None = msgspec.UNSET
    status_reason: Text | msgspec.UnsetType | None = msgspec.UNSET
    accompanied_by: Short | msgspec.UnsetType | None = msgspec.UNSET
    arrival_notes: Text | msgspec.UnsetType | None = msgspec.UNSET
    reason: Text | msgspec.UnsetType | None = msgspec.UNSET
    known_at: dt.datetime | msgspec.UnsetType | None = msgspec.UNSET
    told_at: dt.datetime | msgspec.UnsetType | None = msgspec.UNSET


class ToldIn(Body):
    told_at: dt.datetime | None = None


class AttendanceIn(Body):
    family_member_id: UUID | None = None
    attendance: Short | None = None


class NewSubscription(Body):
    family_member_id: UUID | None = None
    privacy: Short | None = "discreet"


class ProceedingOut(Out):
    id: UUID
    court_name: str
    court_town: str
    court_address: str | None
    court_type: str
    urn: str | None
    defendants: list[str]
    status: str


class ChargeOut(Out):
    id: UUID
    proceeding_id: UUID
    description: str
    category: str
    defendant: str | None


class ChangeOut(Out):
    id: UUID
    kind: str
    story: str
    changes: dict[str, list[object]]
    reason: str | None
    changed_at: dt.datetime
    changed_by_id: UUID | None
    known_at: dt.datetime
    told_at: dt.datetime | None
    working_days_to_tell: int
    told_late: bool
    # The hearing's calendar SEQUENCE once this change was made: feeds carry it, and it only rises.
    sequence: int


class AttendanceOut(Out):
    family_member_id: UUID
    attendance: str


class HearingOut(Out):
    id: UUID
    proceeding_id: UUID
    hearing_type: str
    listing: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    window_start: dt.date | None
    window_end: dt.date | None
    court_name: str
    court_town: str
    court_address: str | None
    courtroom: str | None
    status: str
    status_reason: str | None
    accompanied_by: str | None
    arrival_notes: str | None
    sequence: int
    when: str
    attendance: list[AttendanceOut]


class SubscriptionOut(Out):
    id: UUID
    family_member_id: UUID | None
    privacy: str
    hint: str
    created_at: dt.datetime
    last_fetched_at: dt.datetime | None
    fetch_count: int
    revoked_at: dt.datetime | None


class NewSubscriptionOut(Out):
    subscription: SubscriptionOut
    token: str
    https_url: str
    webcal_url: str


class UpcomingOut(Out):
    case_id: UUID
    case_reference: str
    hearing: HearingOut
