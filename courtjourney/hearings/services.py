"""Hearing rules: proceedings, charges, hearings and their changes, attendance, calendar subscriptions.

No HTTP here. Every change writes its audit event into the same transaction; every change to a
hearing also writes a HearingChange with the old and new values, who, when, why, when it became
known and (later) when the family was told.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import ScalarSelect, and_, false, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.credentials import new_token, token_hash
from courtjourney.accounts.models import User
from courtjourney.cases.access import Who, visible_cases
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.db.base import utcnow
from courtjourney.db.rows import one_of_case
from courtjourney.documents import store
from courtjourney.documents.models import ProducedDocument
from courtjourney.errors import InputError
from courtjourney.glossary import services as glossary
from courtjourney.glossary.terms import LOCALES as GLOSSARY_LOCALES
from courtjourney.hearings import briefings, forms, rules
from courtjourney.hearings.models import (
    Attendance,
    CalendarSubscription,
    Charge,
    Hearing,
    HearingChange,
    Proceeding,
    SpecialMeasure,
    uk_day,
)
from courtjourney.i18n import LONDON, N_, long_date, years_on
from courtjourney.i18n import gettext as _
from courtjourney.workdays import is_working_day, working_days_between

CALENDAR_PREFIX = "cjcal_"
WARNED_WINDOW_MAX_DAYS = rules.WARNED_WINDOW_LONGEST.days
EARLIEST_YEAR = 2000
YEARS_AHEAD = 5
# What a change is made of; which of these raise the calendar SEQUENCE is a rule (rules.SEQUENCE_RULES).
TIME_FIELDS = ("listing", "starts_at", "ends_at", "window_start", "window_end")
PLACE_FIELDS = ("court_name", "court_town", "court_address", "courtroom")
STATUS_FIELDS = ("status",)
OTHER_FIELDS = ("hearing_type", "status_reason", "accompanied_by", "arrival_notes")
TRACKED = (*TIME_FIELDS, *PLACE_FIELDS, *STATUS_FIELDS, *OTHER_FIELDS)
SEQUENCE_FIELDS = frozenset(f for rule in rules.SEQUENCE_RULES if rule.raises_sequence for f in rule.fields)
ALREADY_TURNED_OFF = N_("This calendar address was already turned off. Make a new one instead.")
PROCEEDING_KEYS = ("court_name", "court_town", "court_address", "court_type", "urn", "defendants", "status")


# --- proceedings and charges -------------------------------------------------------------------


async def proceedings_for(db: AsyncSession, case_id: UUID) -> list[Proceeding]:
    return list(
        await db.scalars(
            select(Proceeding).where(Proceeding.case_id == case_id).order_by(Proceeding.created_at)
        )
    )


async def get_proceeding(db: AsyncSession, case: Case, proceeding_id: UUID) -> Proceeding:
    return await one_of_case(db, Proceeding, case.id, proceeding_id, "proceeding")


async def add_proceeding(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> Proceeding:
    proceeding = Proceeding(case_id=case.id, **{k: values.get(k) for k in PROCEEDING_KEYS})
    proceeding.status = values.get("status") or "active"
    db.add(proceeding)
    await db.flush()
    audit.record(db, "proceeding.added", actor, case_id=case.id, target=proceeding)
    return proceeding


async def update_proceeding(
    db: AsyncSession, actor: Actor, case: Case, proceeding: Proceeding, values: dict[str, Any]
) -> Proceeding:
    for key in PROCEEDING_KEYS:
        if key in values:
            setattr(
                proceeding,
                key,
                values[key]
                if key not in {"status", "court_type"} or values[key]
                else getattr(proceeding, key),
            )
    await db.flush()
    audit.record(db, "proceeding.changed", actor, case_id=case.id, target=proceeding)
    return proceeding


async def charges_for(db: AsyncSession, case_id: UUID) -> list[Charge]:
    return list(await db.scalars(select(Charge).where(Charge.case_id == case_id).order_by(Charge.created_at)))


async def add_charge(
    db: AsyncSession, actor: Actor, case: Case, proceeding: Proceeding, values: dict[str, Any]
) -> Charge:
    charge = Charge(
        case_id=case.id,
        proceeding_id=proceeding.id,
        description=values["description"],
        category=values["category"],
        defendant=values.get("defendant"),
    )
    db.add(charge)
    await db.flush()
    audit.record(db, "charge.added", actor, case_id=case.id, target=charge)
    return charge


# --- when and where: from what people type to what we store ---------------------------------------


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=LONDON).astimezone(dt.UTC)


def _check_day(day: dt.date, field: str, errors: dict[str, str], today: dt.date) -> None:
    if day.year < EARLIEST_YEAR or day > years_on(today, YEARS_AHEAD):
        errors[field] = _("Enter a date between %(first)d and %(last)d.") % {
            "first": EARLIEST_YEAR,
            "last": today.year + YEARS_AHEAD,
        }


def day_warning(hearing: Hearing) -> str | None:
    """A fixed hearing on a weekend or a bank holiday in England and Wales is kept as entered (courts do sit
    then, rarely), with a warning in plain words to check the date: it is more often a typo."""
    if hearing.window_start is not None or hearing.starts_at is None:
        return None
    day = hearing.starts_at.astimezone(LONDON).date()
    if is_working_day(day):
        return None
    if day.weekday() >= 5:
        return _("%(day)s is at a weekend. Courts rarely sit at weekends: check the date.") % {
            "day": long_date(day)
        }
    return _("%(day)s is a bank holiday. Courts rarely sit on bank holidays: check the date.") % {
        "day": long_date(day)
    }


def schedule(values: dict[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """Turn the listing inputs into stored fields, or raise InputError naming each wrong field.

    Fixed and floating listings need a date and a start time (and an end after the start); a warned
    list needs its first and last day, at most four weeks apart.
    """
    today = today or dt.date.today()
    listing = values["listing"]
    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "listing": listing,
        "starts_at": None,
        "ends_at": None,
        "window_start": None,
        "window_end": None,
    }
    if listing == "warned":
        first, last = values.get("window_start"), values.get("window_end")
        if first is None:
            errors["window_start"] = _("Enter the first day of the warned list.")
        if last is None:
            errors["window_end"] = _("Enter the last day of the warned list.")
        if first and last:
            _check_day(first, "window_start", errors, today)
            _check_day(last, "window_end", errors, today)
            if last < first:
                errors["window_end"] = _("The last day must be on or after the first day.")
            elif (last - first).days + 1 > WARNED_WINDOW_MAX_DAYS:
                errors["window_end"] = _("A warned list window can be at most 4 weeks long.")
        out.update(window_start=first, window_end=last)
    else:
        day, start, end = values.get("date"), values.get("start_time"), values.get("end_time")
        if day is None:
            errors["date"] = _("Enter the date of the hearing.")
        else:
            _check_day(day, "date", errors, today)
        if start is None:
            errors["start_time"] = _("Enter the start time, like 10:00.")
        if day and start:
            out["starts_at"] = _local(day, start)
            if end is not None:
                if end <= start:
                    errors["end_time"] = _("The expected end must be after the start.")
                else:
                    out["ends_at"] = _local(day, end)
    if errors:
        raise InputError(errors)
    return out


def form_values(hearing: Hearing) -> dict[str, Any]:
    """A hearing as its change form shows it (UK local dates and times)."""
    start = hearing.starts_at.astimezone(LONDON) if hearing.starts_at else None
    end = hearing.ends_at.astimezone(LONDON) if hearing.ends_at else None
    return {
        "hearing_type": hearing.hearing_type,
        "listing": hearing.listing,
        "date": start.date().isoformat() if start else "",
        "start_time": start.strftime("%H:%M") if start else "",
        "end_time": end.strftime("%H:%M") if end else "",
        "window_start": hearing.window_start.isoformat() if hearing.window_start else "",
        "window_end": hearing.window_end.isoformat() if hearing.window_end else "",
        **{
            k: getattr(hearing, k) or ""
            for k in (*PLACE_FIELDS, "status", "status_reason", "accompanied_by", "arrival_notes")
        },
    }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def snapshot(hearing: Hearing) -> dict[str, Any]:
    """The tracked fields as a change keeps them (JSON values): what history and out-of-date checks compare."""
    return {k: _jsonable(getattr(hearing, k)) for k in TRACKED}


# --- hearings ------------------------------------------------------------------------------


async def hearings_for(db: AsyncSession, case_id: UUID) -> list[Hearing]:
    rows = list(await db.scalars(select(Hearing).where(Hearing.case_id == case_id)))
    return sorted(rows, key=lambda h: (h.sort_day, h.starts_at or dt.datetime.min.replace(tzinfo=dt.UTC)))


async def get_hearing(db: AsyncSession, case: Case, hearing_id: UUID) -> Hearing:
    return await one_of_case(db, Hearing, case.id, hearing_id, "hearing")


async def _lock(db: AsyncSession, hearing: Hearing) -> None:
    """Lock the hearing for this transaction and read it afresh (PostgreSQL), so two people changing it
    at once queue up and the second sees the first's change; SQLite's BEGIN IMMEDIATE already serialises writers."""
    await db.execute(select(Hearing.id).where(Hearing.id == hearing.id).with_for_update())
    await db.refresh(hearing)


async def hearing_for_change(db: AsyncSession, case: Case, hearing_id: UUID) -> Hearing:
    """A hearing of this case, locked and as it stands now: what a change that sends only some fields
    (a new date, say) is merged with, so it cannot undo a change someone else has just saved."""
    hearing = await get_hearing(db, case, hearing_id)
    await _lock(db, hearing)
    return hearing


def raises_sequence(changed: Iterable[str]) -> bool:
    """A change of time, place or status raises the hearing's calendar SEQUENCE; other details do not (rules.py)."""
    return bool(SEQUENCE_FIELDS.intersection(changed))


def sequences(changes: Iterable[HearingChange]) -> dict[UUID, int]:
    """The SEQUENCE each change left the hearing at, replaying its history (listing first, oldest first)."""
    sequence, out = 0, {}
    for change in changes:
        if change.kind != "listed" and raises_sequence(json.loads(change.changes)):
            sequence += 1
        out[change.id] = sequence
    return out


async def changes_for(db: AsyncSession, hearing_id: UUID) -> list[HearingChange]:
    return list(
        await db.scalars(
            select(HearingChange)
            .where(HearingChange.hearing_id == hearing_id)
            .order_by(HearingChange.changed_at, HearingChange.id)
        )
    )


def _check_known(values: dict[str, Any], now: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    known = values.get("known_at") or now
    told = values.get("told_at")
    if told is not None and told < known:
        raise InputError({"told_at": _("The family cannot have been told before we learned of it.")})
    return known, told


async def add_hearing(
    db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any], *, now: dt.datetime | None = None
) -> Hearing:
    now = now or utcnow()
    proceeding = await db.scalar(
        select(Proceeding).where(Proceeding.id == values["proceeding_id"], Proceeding.case_id == case.id)
    )
    if proceeding is None:
        raise InputError({"proceeding_id": _("Choose one of this case's proceedings.")})
    when = schedule(values)
    known, told = _check_known(values, now)
    hearing = Hearing(
        case_id=case.id,
        proceeding_id=proceeding.id,
        uid=f"{uuid.uuid4()}@courtjourney",  # random: nothing about the case can be read from it
        hearing_type=values["hearing_type"],
        **when,
        court_name=values["court_name"],
        court_town=values["court_town"],
        court_address=values.get("court_address"),
        courtroom=values.get("courtroom"),
        status="listed",
        accompanied_by=values.get("accompanied_by"),
        arrival_notes=values.get("arrival_notes"),
        sequence=0,
        revised_at=now,
    )
    db.add(hearing)
    await db.flush()
    listed = snapshot(hearing)
    db.add(
        HearingChange(
            case_id=case.id,
            hearing_id=hearing.id,
            kind="listed",
            changes=json.dumps({k: [None, v] for k, v in listed.items() if v is not None}),
            day_after=uk_day(hearing.window_start, hearing.starts_at),
            changed_at=now,
            changed_by_id=actor.id,
            known_at=known,
            told_at=told,
            told_by_id=actor.id if told else None,
        )
    )
    audit.record(db, "hearing.added", actor, case_id=case.id, target=hearing)
    return hearing


def _change_kind(changed: Iterable[str]) -> str:
    keys = set(changed)
    if keys & set(STATUS_FIELDS):
        return "status"
    if keys & {"starts_at", "ends_at", "window_start", "window_end", "listing"}:
        return "moved"
    if keys & set(PLACE_FIELDS):
        return "place"
    return "details"


async def change_hearing(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    hearing: Hearing,
    values: dict[str, Any],
    *,
    now: dt.datetime | None = None,
) -> HearingChange:
    """Apply a change, keep the old and new values, raise SEQUENCE when time, place or status moved.

    A move or a change of status needs a reason, in words the family can be given. A change that
    changes nothing is refused, so the story has no empty lines.
    """
    await _lock(db, hearing)
    # The time is taken once the lock is held, so the history's order (by changed_at) is the order
    # the changes were made in, and revised_at never goes back.
    now = now or utcnow()
    new: dict[str, Any] = {}
    if "listing" in values:
        new.update(schedule(values))
    for key in (*PLACE_FIELDS, "hearing_type", "status", "status_reason", "accompanied_by", "arrival_notes"):
        if key in values:
            new[key] = values[key]
    old = snapshot(hearing)
    changed = {k: [old[k], _jsonable(v)] for k, v in new.items() if _jsonable(v) != old[k]}
    if not changed:
        raise InputError({"reason": _("Nothing was changed. Change a date, time, place or status first.")})
    kind = _change_kind(changed)
    reason = (values.get("reason") or "").strip() or None
    if kind in {"moved", "status"} and not reason and new.get("status", hearing.status) != "completed":
        raise InputError({"reason": _("Say why, in plain words the family can be given.")})
    if new.get("status", hearing.status) in rules.NOT_HAPPENING and not (
        new.get("status_reason") or hearing.status_reason or reason
    ):
        raise InputError({"status_reason": _("Say why the hearing will not go ahead.")})
    known, told = _check_known(values, now)
    for key, value in new.items():
        setattr(hearing, key, value)
    if kind == "moved" and "status" not in changed and hearing.status in {"listed", "moved"}:
        hearing.status = "moved"
        changed.setdefault("status", [old["status"], "moved"])
    if raises_sequence(changed):
        hearing.sequence += 1
    if hearing.status in rules.NOT_HAPPENING:
        if old["status"] not in rules.NOT_HAPPENING:
            hearing.cancelled_at = now
    else:
        hearing.cancelled_at = None
    hearing.revised_at = now
    change = HearingChange(
        case_id=case.id,
        hearing_id=hearing.id,
        kind=kind,
        changes=json.dumps(changed),
        day_after=uk_day(hearing.window_start, hearing.starts_at),
        went_ahead=changed.get("status", [None, None])[1] == "completed",
        reason=reason,
        changed_at=now,
        changed_by_id=actor.id,
        known_at=known,
        told_at=told,
        told_by_id=actor.id if told else None,
    )
    db.add(change)
    await db.flush()
    audit.record(db, "hearing.changed", actor, case_id=case.id, target=hearing)
    return change


#: What else a change sets going, handed in by the app (app.py provides `after_hearing_change`): the
#: messages part writes the family's notices in the same transaction. Hearings never imports it.
AfterHearingChange = Callable[[AsyncSession, Actor, Case, Hearing, HearingChange], Awaitable[object]]


async def change_and_tell(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    hearing: Hearing,
    values: dict[str, Any],
    after: AfterHearingChange | None,
) -> HearingChange:
    """change_hearing, then what the change sets going (the family's notices), in one transaction."""
    change = await change_hearing(db, actor, case, hearing, values)
    if after is not None:
        await after(db, actor, case, hearing, change)
    return change


async def record_told(
    db: AsyncSession, actor: Actor, case: Case, hearing: Hearing, told_at: dt.datetime
) -> HearingChange:
    """The family has been told: fill in every change of this hearing not yet marked as told."""
    pending = [c for c in await changes_for(db, hearing.id) if c.told_at is None]
    if not pending:
        raise InputError(
            {"told_at": _("The family has already been told about every change to this hearing.")}
        )
    for change in pending:
        if told_at < change.known_at:
            raise InputError({"told_at": _("The family cannot have been told before we learned of it.")})
        change.told_at = told_at
        change.told_by_id = actor.id
    await db.flush()
    audit.record(db, "hearing.family_told", actor, case_id=case.id, target=hearing)
    return pending[-1]


@dataclass(frozen=True)
class TellingDelay:
    """How long the family waited to hear of a change, in working days; late when more than the telling
    standard in force when we learned of it allows (`allowed`: rules.telling_standard, Victims' Code Right 8,
    one working day since 2021)."""

    working_days: int
    told: bool
    allowed: int

    @property
    def late(self) -> bool:
        return self.working_days > self.allowed


def telling_delay(change: HearingChange, now: dt.datetime | None = None) -> TellingDelay:
    return telling_delay_between(change.known_at, change.told_at, now)


def telling_delay_between(
    known_at: dt.datetime, told_at: dt.datetime | None, now: dt.datetime | None = None
) -> TellingDelay:
    """How long the family waited to hear of a change learned of at `known_at` (told at `told_at`, or not
    yet: until `now`), for counts that read only those two columns."""
    known = known_at.astimezone(LONDON).date()
    until = (told_at or now or utcnow()).astimezone(LONDON).date()
    return TellingDelay(
        working_days_between(known, until),
        told_at is not None,
        rules.telling_standard(known).within_working_days,
    )


# --- attendance ------------------------------------------------------------------------------


async def attendance_for(db: AsyncSession, hearing_id: UUID) -> dict[UUID, str]:
    rows = await db.scalars(select(Attendance).where(Attendance.hearing_id == hearing_id))
    return {row.family_member_id: row.attendance for row in rows}


async def set_attendance(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    hearing: Hearing,
    wanted: dict[UUID, str | None],
    *,
    now: dt.datetime | None = None,
) -> None:
    """Who is needed at, wants to go to, or follows this hearing. None removes the person from it."""
    members = {m.id for m in await db.scalars(select(FamilyMember).where(FamilyMember.case_id == case.id))}
    allowed = {key for key, _label in forms.ATTENDANCE}
    errors = {}
    for member_id, value in wanted.items():
        if member_id not in members:
            errors[f"attend_{member_id}"] = _("Choose a family member of this case.")
        elif value is not None and value not in allowed:
            errors[f"attend_{member_id}"] = _("Choose one of the options.")
    if errors:
        raise InputError(errors)
    rows = {
        row.family_member_id: row
        for row in await db.scalars(select(Attendance).where(Attendance.hearing_id == hearing.id))
    }
    for member_id, value in wanted.items():
        row = rows.get(member_id)
        if value is None and row is not None:
            await db.delete(row)
        elif value is not None and row is None:
            db.add(
                Attendance(
                    case_id=case.id, hearing_id=hearing.id, family_member_id=member_id, attendance=value
                )
            )
        elif value is not None and row is not None:
            row.attendance = value
    hearing.revised_at = now or utcnow()  # who follows it changes which feeds carry it
    await db.flush()
    audit.record(db, "hearing.attendance_changed", actor, case_id=case.id, target=hearing)


# --- across the caseload -----------------------------------------------------------------------


@dataclass(frozen=True)
class UpcomingRow:
    case: Case
    hearing: Hearing


def _in_window(first: dt.date, last: dt.date) -> Any:
    """Hearings that fall (or whose warned window overlaps) the days first..last, UK time."""
    start = dt.datetime.combine(first, dt.time(0), tzinfo=LONDON).astimezone(dt.UTC)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=LONDON).astimezone(dt.UTC)
    return or_(
        and_(Hearing.starts_at >= start, Hearing.starts_at < end),
        and_(Hearing.window_start <= last, Hearing.window_end >= first),
    )


async def upcoming(
    db: AsyncSession, user: Who, *, days: int = 14, today: dt.date | None = None
) -> list[UpcomingRow]:
    """Every hearing in the next `days` days (today included) across the cases `user` may see."""
    today = today or dt.datetime.now(LONDON).date()
    cases = visible_cases(user).subquery()
    rows = (
        await db.execute(
            select(Hearing, Case)
            .join(Case, Case.id == Hearing.case_id)
            .where(
                Hearing.case_id.in_(select(cases.c.id)),
                _in_window(today, today + dt.timedelta(days=days - 1)),
            )
        )
    ).all()
    found = [UpcomingRow(case=c, hearing=h) for h, c in rows]
    return sorted(
        found,
        key=lambda r: (r.hearing.sort_day, r.hearing.starts_at or dt.datetime.min.replace(tzinfo=dt.UTC)),
    )


async def hearings_between(
    db: AsyncSession, case_ids: list[UUID], first: dt.date, last: dt.date
) -> list[Hearing]:
    """The hearings of these cases from `first` to `last` (London days, both included), soonest first."""
    if not case_ids:
        return []
    rows = await db.scalars(select(Hearing).where(Hearing.case_id.in_(case_ids), _in_window(first, last)))
    return sorted(rows, key=lambda h: (h.sort_day, h.starts_at or dt.datetime.min.replace(tzinfo=dt.UTC)))


async def next_hearings(
    db: AsyncSession, case_ids: list[UUID], *, today: dt.date | None = None
) -> dict[UUID, Hearing]:
    """Each case's next hearing that is still going ahead (today or later), for the caseload."""
    if not case_ids:
        return {}
    today = today or dt.datetime.now(LONDON).date()
    start = dt.datetime.combine(today, dt.time(0), tzinfo=LONDON).astimezone(dt.UTC)
    rows = await db.scalars(
        select(Hearing).where(
            Hearing.case_id.in_(case_ids),
            Hearing.status.not_in(rules.NOT_HAPPENING | {"completed"}),
            or_(Hearing.starts_at >= start, Hearing.window_end >= today),
        )
    )
    best: dict[UUID, Hearing] = {}
    for hearing in sorted(
        rows, key=lambda h: (h.sort_day, h.starts_at or dt.datetime.min.replace(tzinfo=dt.UTC))
    ):
        best.setdefault(hearing.case_id, hearing)
    return best


# --- calendar subscriptions ------------------------------------------------------------------


async def subscriptions_for(db: AsyncSession, case_id: UUID) -> list[CalendarSubscription]:
    return list(
        await db.scalars(
            select(CalendarSubscription)
            .where(CalendarSubscription.case_id == case_id)
            .order_by(CalendarSubscription.created_at)
        )
    )


async def get_subscription(db: AsyncSession, case: Case, subscription_id: UUID) -> CalendarSubscription:
    return await one_of_case(db, CalendarSubscription, case.id, subscription_id, "calendar subscription")


def _new_subscription(**fields: Any) -> tuple[CalendarSubscription, str]:
    token = new_token(CALENDAR_PREFIX)
    return CalendarSubscription(
        token_hash=token_hash(token), hint=token[: len(CALENDAR_PREFIX) + 4], **fields
    ), token


async def subscribe(
    db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]
) -> tuple[CalendarSubscription, str]:
    """A new feed for one family member. Returns the subscription and its token (shown once)."""
    member = await db.scalar(
        select(FamilyMember).where(
            FamilyMember.id == values["family_member_id"], FamilyMember.case_id == case.id
        )
    )
    if member is None:
        raise InputError({"family_member_id": _("Choose a family member of this case.")})
    sub, token = _new_subscription(
        case_id=case.id,
        family_member_id=member.id,
        privacy=values.get("privacy") or "discreet",
        created_by_id=actor.id,
    )
    db.add(sub)
    await db.flush()
    audit.record(db, "calendar.created", actor, case_id=case.id, target=sub)
    return sub, token


async def revoke(db: AsyncSession, actor: Actor, sub: CalendarSubscription) -> None:
    if sub.revoked_at is None:
        sub.revoked_at = utcnow()
        await db.flush()
    audit.record(db, "calendar.revoked", actor, case_id=sub.case_id, target=sub)


async def replace(
    db: AsyncSession, actor: Actor, case: Case, sub: CalendarSubscription
) -> tuple[CalendarSubscription, str]:
    """Revoke a feed and give the same person a new address (e.g. when a phone is lost or seen)."""
    if sub.revoked_at is not None:
        raise InputError({"subscription": _(ALREADY_TURNED_OFF)})
    await revoke(db, actor, sub)
    return await subscribe(
        db, actor, case, {"family_member_id": sub.family_member_id, "privacy": sub.privacy}
    )


async def worker_subscription(db: AsyncSession, user: Actor | User) -> CalendarSubscription | None:
    return await db.scalar(
        select(CalendarSubscription).where(
            CalendarSubscription.user_id == user.id, CalendarSubscription.revoked_at.is_(None)
        )
    )


async def new_worker_subscription(db: AsyncSession, actor: Actor) -> tuple[CalendarSubscription, str]:
    """The worker's own feed of their caseload: any earlier one stops working."""
    old = await worker_subscription(db, actor)
    if old is not None:
        await revoke(db, actor, old)
    sub, token = _new_subscription(user_id=actor.id, privacy="standard", created_by_id=actor.id)
    db.add(sub)
    await db.flush()
    audit.record(db, "calendar.created", actor, target=sub)
    return sub, token


def _could_be_calendar(token: str) -> bool:
    return token.startswith(CALENDAR_PREFIX) and len(token) <= 100


def calendar_token_hash(token: str) -> str | None:
    """What a calendar token is looked up by; None for anything that cannot be one."""
    return token_hash(token) if _could_be_calendar(token) else None


async def subscription_by_token(db: AsyncSession, token: str) -> CalendarSubscription | None:
    hashed = calendar_token_hash(token)
    if hashed is None:
        return None
    sub = await db.scalar(select(CalendarSubscription).where(CalendarSubscription.token_hash == hashed))
    if sub is None or sub.revoked_at is not None:
        return None
    return sub


@dataclass(frozen=True)
class FeedAsked:
    """What a calendar poll needs before anything else, read in one statement: whether the asker's address
    is blocked for guessing, the live subscription the token names (None: unknown or revoked), and the
    family member's language (a worker's feed: None)."""

    blocked_until: int | None
    sub: CalendarSubscription | None
    lang: str | None


async def feed_asked(db: AsyncSession, token: str, blocked_until: ScalarSelect[Any]) -> FeedAsked:
    """The guessing block, the subscription and its language in one round trip: a poll was three reads
    before it could fingerprint the feed (bench/feeds.py). `blocked_until` is limits.blocked_until(...)."""
    one_row = select(literal(1).label("one")).subquery()
    hashed = calendar_token_hash(token)
    named = CalendarSubscription.token_hash == hashed if hashed is not None else false()
    until, sub, lang = (
        await db.execute(
            select(
                blocked_until.label("blocked_until"), CalendarSubscription, FamilyMember.preferred_language
            )
            .select_from(one_row)
            .outerjoin(CalendarSubscription, named)
            .outerjoin(FamilyMember, FamilyMember.id == CalendarSubscription.family_member_id)
        )
    ).one()
    live = sub if sub is not None and sub.revoked_at is None else None
    return FeedAsked(until, live, lang)


async def ended_calendar(db: AsyncSession, token: str) -> tuple[CalendarSubscription, str] | None:
    """A family member's calendar that was turned off, replaced or ended with its case, with their language;
    none for an unknown address or a worker's own calendar. Its address is answered with the ended calendar
    (feeds.ended_feed), so the phone clears the dates it holds instead of keeping them as they were."""
    hashed = calendar_token_hash(token)
    if hashed is None:
        return None
    row = (
        await db.execute(
            select(CalendarSubscription, FamilyMember.preferred_language)
            .join(FamilyMember, FamilyMember.id == CalendarSubscription.family_member_id)
            .where(
                CalendarSubscription.token_hash == hashed,
                CalendarSubscription.revoked_at.is_not(None),
            )
        )
    ).first()
    if row is None:
        return None
    sub, lang = row
    return sub, lang or "en"


# --- special measures, briefings and Witness Service packs -------------------------------------


async def measures_for(db: AsyncSession, case_id: UUID) -> list[SpecialMeasure]:
    return list(
        await db.scalars(
            select(SpecialMeasure)
            .where(SpecialMeasure.case_id == case_id)
            .order_by(SpecialMeasure.created_at)
        )
    )


async def add_measure(db: AsyncSession, actor: Actor, case: Case, values: dict[str, Any]) -> SpecialMeasure:
    row = SpecialMeasure(
        case_id=case.id, measure=values["measure"], status=values["status"], notes=values.get("notes")
    )
    db.add(row)
    await db.flush()
    audit.record(db, "special_measure.added", actor, case_id=case.id, target=row)
    return row


async def _worker(db: AsyncSession, actor: Actor) -> User:
    """The worker acting: their name, phone and email sign the briefing and the pack."""
    worker = await db.get(User, actor.id) if actor.id is not None else None
    if worker is None:
        raise InputError({"worker": _("Only a support worker can make this document.")})
    return worker


async def make_briefings(
    db: AsyncSession, actor: Actor, case: Case, hearing: Hearing, *, only: UUID | None = None
) -> list[ProducedDocument]:
    """One briefing per family member who is needed at or wants to go to the hearing, each in their language."""
    going = (
        select(FamilyMember)
        .join(Attendance, Attendance.family_member_id == FamilyMember.id)  # one row each: unique per hearing
        .where(
            FamilyMember.case_id == case.id,
            Attendance.hearing_id == hearing.id,
            Attendance.attendance.in_(("needed", "attending")),
        )
        .order_by(FamilyMember.created_at)
    )
    members = [m for m in await db.scalars(going) if only is None or m.id == only]
    if not members:
        raise InputError({"attendance": _("Nobody is going to this hearing yet. Choose who goes first.")})
    worker = await _worker(db, actor)
    proceeding = await db.get(Proceeding, hearing.proceeding_id)
    measures = await measures_for(db, case.id)
    made = []
    linkers = await glossary.letter_linkers(db, case.team_id, GLOSSARY_LOCALES)
    for member in members:
        context, lang, title = briefings.briefing_context(
            case, hearing, member, worker, measures, proceeding.court_type if proceeding else "crown", linkers
        )
        body = await store.render_off_loop("parent_briefing", context, lang=lang, title=title)
        made.append(
            await store.keep(
                db,
                actor,
                case,
                kind="briefing",
                template="parent_briefing",
                lang=lang,
                title=title,
                body=body,
                subject_id=hearing.id,
                family_member_id=member.id,
            )
        )
    return made


class IncidentSummary(Protocol):
    """What the Witness Service pack is handed to read the intimidation log: each incident's date, kind
    and police reference (and what happened, when asked). The app hands in the threats part's summary;
    hearings never imports threats, which sits above it."""

    async def __call__(
        self, db: AsyncSession, case_id: UUID, *, include_narratives: bool = ...
    ) -> list[dict[str, Any]]: ...


async def make_witness_pack(
    db: AsyncSession,
    actor: Actor,
    case: Case,
    hearing: Hearing,
    choices: dict[str, Any],
    *,
    incidents: IncidentSummary | None,
) -> ProducedDocument:
    """The Witness Service pack for a trial, refused unless the family's consent to share with them stands.

    With `incidents` None the pack has no intimidation section (as where no incident log is kept).
    """
    from courtjourney.cases.models import Consent

    today = dt.datetime.now(LONDON).date()
    if not rules.witness_pack_applies(hearing.hearing_type):
        raise InputError(
            {"hearing": _("A Witness Service pack is for a trial or a recorded cross-examination.")}
        )
    consents = list(await db.scalars(select(Consent).where(Consent.case_id == case.id)))
    if briefings.witness_service_consent(consents, today) is None:
        raise InputError(
            {
                "consent": _(
                    "Record the family's consent to share with the Witness Service first. "
                    "Without it, no pack can be made."
                )
            }
        )
    family = {m.id: m for m in await db.scalars(select(FamilyMember).where(FamilyMember.case_id == case.id))}
    attendance = await attendance_for(db, hearing.id)
    attending = [(family[k], v) for k, v in attendance.items() if k in family]
    summary = (
        await incidents(db, case.id, include_narratives=bool(choices.get("include_narratives")))
        if incidents is not None
        else None
    )
    worker = await _worker(db, actor)
    context, title = briefings.witness_pack_context(
        case, hearing, attending, await measures_for(db, case.id), worker, choices, summary, today
    )
    body = await store.render_off_loop("witness_pack", context, lang="en", title=title)
    return await store.keep(
        db,
        actor,
        case,
        kind="witness_pack",
        template="witness_pack",
        lang="en",
        title=title,
        body=body,
        subject_id=hearing.id,
        inputs=choices,
    )


async def remake(
    db: AsyncSession, actor: Actor, case: Case, doc: ProducedDocument, *, incidents: IncidentSummary | None
) -> ProducedDocument:
    """Make a document again from today's data, with the same choices; the old copy stays as it was."""
    hearing = await get_hearing(db, case, doc.subject_id) if doc.subject_id else None
    if hearing is None:
        raise InputError({"document": _("This document cannot be made again.")})
    if doc.kind == "briefing":
        made = await make_briefings(db, actor, case, hearing, only=doc.family_member_id)
        if not made:
            raise InputError({"document": _("This person is no longer going to the hearing.")})
        return made[0]
    if doc.kind == "witness_pack":
        return await make_witness_pack(
            db, actor, case, hearing, json.loads(doc.inputs or "{}"), incidents=incidents
        )
    raise InputError({"document": _("This document cannot be made again.")})
