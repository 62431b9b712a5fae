"""What the incident API takes and gives. Shapes are checked here; meaning by forms.py and services.py."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from uuid import UUID

import msgspec

from courtjourney.web.schemas import Body, Out

Text = Annotated[str, msgspec.Meta(max_length=10_000)]
Short = Annotated[str, msgspec.Meta(max_length=300)]
Items = Annotated[list[Annotated[str, msgspec.Meta(max_length=100)]], msgspec.Meta(max_length=20)]


class Identifiers(Body):
    """What the family noticed, as structured items (each kind a list)."""

    vehicle: Items = msgspec.field(default_factory=list)
    phone: Items = msgspec.field(default_factory=list)
    username: Items = msgspec.field(default_factory=list)


class Details(Body):
    """Times without a zone are taken as UK time."""

    narrative: Text | None = None
    occurred_from: dt.datetime | None = None
    occurred_to: dt.datetime | None = None
    reported_at: dt.datetime | None = None
    reported_by_member_id: UUID | None = None
    kind: Short | None = None
    place: Short | None = None
    people: Text | None = None
    identifiers: Identifiers | None = None
    how_known: Short | None = None
    how_known_detail: Short | None = None
    evidence_kept: Short | None = None


class NewIncident(Details):
    """Only `narrative` and `occurred_from` are needed; give `occurred_to` too when only a window is known."""


class NewAmendment(Details):
    """A correction or more detail for `incident_id` (an incident of this case). `note` says what and why."""

    incident_id: UUID | None = None
    note: Text | None = None


class PoliceReferralIn(Body):
    """Mark one or more incidents of this case as passed to the police."""

    incident_ids: Annotated[list[UUID], msgspec.Meta(max_length=500)] = msgspec.field(default_factory=list)
    passed_on: dt.date | None = None
    passed_by: Short | None = None
    crime_reference: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    officer: Annotated[str, msgspec.Meta(max_length=120)] | None = None


class AmendmentOut(Out):
    id: UUID
    incident_id: UUID
    chain_position: int | None
    recorded_at: dt.datetime
    recorded_by_id: UUID | None
    note: str
    occurred_from: dt.datetime | None
    occurred_to: dt.datetime | None
    reported_at: dt.datetime | None
    reported_by_member_id: UUID | None
    kind: str | None
    place: str | None
    people: str | None
    identifiers: dict[str, list[str]]
    narrative: str | None
    how_known: str | None
    how_known_detail: str | None
    evidence_kept: str | None


class EvidenceOut(Out):
    id: UUID
    incident_id: UUID
    chain_position: int | None
    filename: str
    media_type: str
    size_bytes: int
    sha256: str
    recorded_at: dt.datetime
    recorded_by_id: UUID | None
    download: str


class PoliceReferralOut(Out):
    id: UUID
    incident_id: UUID
    chain_position: int | None
    passed_on: dt.date
    passed_by: str
    crime_reference: str | None
    officer: str | None
    recorded_at: dt.datetime
    recorded_by_id: UUID | None


class Current(Out):
    """The incident as it now stands: the newest amendment's value for each detail, else the original's."""

    occurred_from: dt.datetime
    occurred_to: dt.datetime | None
    reported_at: dt.datetime | None
    reported_by_member_id: UUID | None
    kind: str | None
    place: str | None
    people: str | None
    identifiers: dict[str, list[str]]
    how_known: str | None
    how_known_detail: str | None
    evidence_kept: str | None
    passed_to_police: bool


class IncidentOut(Out):
    """The original as recorded (never changed), what it now says, and everything added since."""

    id: UUID
    number: int
    chain_position: int | None
    recorded_at: dt.datetime
    recorded_by_id: UUID | None
    occurred_from: dt.datetime
    occurred_to: dt.datetime | None
    reported_at: dt.datetime | None
    reported_by_member_id: UUID | None
    kind: str | None
    place: str | None
    people: str | None
    identifiers: dict[str, list[str]]
    narrative: str
    how_known: str | None
    how_known_detail: str | None
    evidence_kept: str | None
    now: Current
    amendments: list[AmendmentOut]
    evidence: list[EvidenceOut]
    police: list[PoliceReferralOut]


class ChainOut(Out):
    """Whether the case's log is as it was written. `last_link` lets a recipient of an export check nothing was removed."""

    intact: bool
    entries: int
    last_link: str
    broken_at: int | None
    problem: str
