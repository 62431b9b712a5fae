"""What the contact log API takes and gives. Shapes are checked here; meaning by services.py."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

import msgspec

from courtjourney.web.schemas import Body, Out, Text

# The keys of rules.KINDS (tests/contacts checks the two agree), spelled out so OpenAPI lists them.
Kind = Literal[
    "call",
    "visit_home",
    "visit_court",
    "visit_elsewhere",
    "text_email",
    "video_call",
    "court_with_family",
    "professionals_meeting",
    "no_answer",
    "someone_else_answered",
    "not_safe_to_talk",
    "no_message_left",
]


class ContactAbout(Body):
    """What the contact was about: any of a hearing, an incident and a document of this case, and a stage."""

    hearing_id: UUID | None = None
    incident_id: UUID | None = None
    document_id: UUID | None = None
    stage: Text | None = None


class ContactFollowUpIn(Body):
    """A task to create with the entry, in the same save."""

    title: Text | None = None
    due_on: dt.date | None = None


class NewContactEntry(Body):
    kind: Kind | None = None
    at: dt.datetime | None = None  # empty: now; without an offset it is UK time
    minutes: int | None = None
    member_ids: list[UUID] = msgspec.field(default_factory=list)
    notes: Text | None = None
    place: Text | None = None
    about: ContactAbout | None = None
    follow_ups: list[ContactFollowUpIn] = msgspec.field(default_factory=list)


class ContactCorrectionIn(Body):
    """The fields that were wrong, with what they should say; fields not sent stay as they are."""

    kind: Kind | msgspec.UnsetType = msgspec.UNSET
    at: dt.datetime | msgspec.UnsetType = msgspec.UNSET
    minutes: int | msgspec.UnsetType | None = msgspec.UNSET
    member_ids: list[UUID] | msgspec.UnsetType = msgspec.UNSET
    notes: Text | msgspec.UnsetType | None = msgspec.UNSET
    place: Text | msgspec.UnsetType | None = msgspec.UNSET
    about: ContactAbout | msgspec.UnsetType | None = msgspec.UNSET


class ContactAboutOut(Out):
    hearing_id: UUID | None
    incident_id: UUID | None
    document_id: UUID | None
    stage: str | None


class ContactFollowUpOut(Out):
    id: UUID
    title: str
    due_on: dt.date | None
    done_at: dt.datetime | None


class EarlierVersionOut(Out):
    """What the entry said before one correction, and who corrected it when."""

    number: int
    corrected_at: dt.datetime
    corrected_by_id: UUID | None
    kind: str
    at: dt.datetime
    minutes: int | None
    member_ids: list[UUID]
    place: str | None
    notes: str | None
    about: ContactAboutOut


class ContactEntryOut(Out):
    id: UUID
    kind: str
    at: dt.datetime
    minutes: int | None
    member_ids: list[UUID]
    recorded_by_id: UUID | None
    place: str | None
    notes: str | None
    about: ContactAboutOut
    follow_ups: list[ContactFollowUpOut]
    corrected: bool
    earlier: list[EarlierVersionOut]  # newest correction first
    created_at: dt.datetime
