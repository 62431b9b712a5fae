"""The contact log's rules: record a contact (with its follow-up tasks), correct it keeping what it said
before, read the log, and count the time spent. No HTTP in here."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from advanced_alchemy.types import GUID
from sqlalchemy import Date, Integer, String, TableClause, column, func, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import Role
from courtjourney.cases.journey import STAGE_LABELS, Stage
from courtjourney.cases.models import Case, CaseWorker, FamilyMember, Task
from courtjourney.cases.services import current_stage
from courtjourney.contacts import rules
from courtjourney.contacts.models import (
    ContactCorrection,
    ContactEntry,
    ContactFollowUp,
    ContactMember,
    TeamContactStandard,
)
from courtjourney.db.base import DateTimeUTC, SecretText, utcnow
from courtjourney.db.rows import one_of_case
from courtjourney.errors import InputError
from courtjourney.i18n import gettext as _
from courtjourney.i18n import long_date
from courtjourney.referrals import services as referrals
from courtjourney.web.forms import LONDON

# What an entry may be about, read by table name: contacts sits beside hearings and below threats
# (tests/test_layers.py), so it checks their ids without importing their models.
_HEARING = table(
    "hearing",
    column("id", GUID()),
    column("case_id", GUID()),
    column("hearing_type", String()),
    column("starts_at", DateTimeUTC(timezone=True)),
    column("window_start", Date()),
)
_INCIDENT = table(
    "incident",
    column("id", GUID()),
    column("case_id", GUID()),
    column("number", Integer()),
    column("occurred_from", DateTimeUTC(timezone=True)),
)
_DOCUMENT = table(
    "produced_document",
    column("id", GUID()),
    column("case_id", GUID()),
    column("created_at", DateTimeUTC(timezone=True)),
    column("title", SecretText()),
)
ABOUT_TABLES: dict[str, TableClause] = {
    "hearing_id": _HEARING,
    "incident_id": _INCIDENT,
    "document_id": _DOCUMENT,
}
ABOUT_COLUMNS = {
    "hearing_id": "about_hearing_id",
    "incident_id": "about_incident_id",
    "document_id": "about_document_id",
    "stage": "about_stage",
}
ABOUT_WORDS = {
    "hearing_id": "Choose a hearing of this case.",
    "incident_id": "Choose an incident of this case.",
    "document_id": "Choose a document of this case.",
}
MAX_FOLLOW_UPS = 10
NOT_YOURS = "Only the worker who wrote this entry, or a manager, can correct it."


def kind_label(key: str) -> str:
    kind = rules.BY_KEY.get(key)
    return _(kind.label) if kind else key


# --- checking what was sent --------------------------------------------------------------------


def _when(raw: Any, now: dt.datetime, errors: dict[str, str]) -> dt.datetime | None:
    if raw is None:
        return now
    if not isinstance(raw, dt.datetime):
        errors["at"] = _("When must be a date and time, like 2026-03-02 10:00.")
        return None
    at = (raw.replace(tzinfo=LONDON) if raw.tzinfo is None else raw).astimezone(dt.UTC)
    if at < now - rules.OLDEST:
        errors["at"] = _("Check the year: a contact cannot be dated more than ten years ago.")
    elif at > now + dt.timedelta(days=366):
        errors["at"] = _("Check the year: a contact cannot be dated in the future.")
    elif at > now + rules.FUTURE_GRACE:
        errors["at"] = _("A contact cannot be in the future. Leave When empty for now.")
    return at


def _minutes(raw: Any, errors: dict[str, str]) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        errors["minutes"] = _("How long must be a whole number of minutes, like 20.")
        return None
    try:
        minutes = int(str(raw).strip())
    except ValueError:
        errors["minutes"] = _("How long must be a whole number of minutes, like 20.")
        return None
    if not 1 <= minutes <= rules.MAX_MINUTES:
        errors["minutes"] = _("How long must be between 1 and 1440 minutes (a whole day).")
        return None
    return minutes


async def _members(db: AsyncSession, case: Case, raw: Any, errors: dict[str, str]) -> list[UUID]:
    picked = list(dict.fromkeys(raw or ()))  # the same member twice is one member
    if not picked:
        return []
    ids = [p for p in picked if isinstance(p, UUID)]
    known = (
        set(
            await db.scalars(
                select(FamilyMember.id).where(FamilyMember.case_id == case.id, FamilyMember.id.in_(ids))
            )
        )
        if ids
        else set()
    )
    if len(known) != len(picked):
        errors["member_ids"] = _("Choose family members of this case only.")
    return [p for p in ids if p in known]


async def _about(
    db: AsyncSession, case: Case, raw: Mapping[str, Any] | None, errors: dict[str, str]
) -> dict[str, Any]:
    about = {name: None for name in ABOUT_COLUMNS}
    for name, value in (raw or {}).items():
        if value is None or value == "":
            continue
        if name == "stage":
            if value not in {s.value for s in Stage}:
                errors["about.stage"] = _("Choose one of the stages of the journey.")
            else:
                about["stage"] = value
            continue
        target = ABOUT_TABLES[name]
        found = isinstance(value, UUID) and await db.scalar(
            select(target.c.id).where(target.c.id == value, target.c.case_id == case.id)
        )
        if found:
            about[name] = value
        else:
            errors[f"about.{name}"] = _(ABOUT_WORDS[name])
    return about


def _follow_ups(raw: Any, today: dt.date, errors: dict[str, str]) -> list[dict[str, Any]]:
    tasks: list[dict[str, Any]] = []
    items = list(raw or ())
    if len(items) > MAX_FOLLOW_UPS:
        errors["follow_ups"] = _("Add at most 10 follow-up tasks at once.")
        return []
    for n, item in enumerate(items):
        title = (item.get("title") or "").strip() if isinstance(item.get("title"), str) else item.get("title")
        due = item.get("due_on")
        if not title:
            errors[f"follow_ups.{n}.title"] = _("Enter what the follow-up task is.")
        elif not isinstance(title, str) or len(title) > 300 or "\x00" in title:
            errors[f"follow_ups.{n}.title"] = _("A follow-up task must be text of 300 characters or fewer.")
        if due is None:
            errors[f"follow_ups.{n}.due_on"] = _("Enter when the follow-up is due.")
        elif not isinstance(due, dt.date):
            errors[f"follow_ups.{n}.due_on"] = _(
                "The follow-up's due date must be a real date, like 2026-03-02."
            )
        elif due < today:
            errors[f"follow_ups.{n}.due_on"] = _("A follow-up cannot be due before today.")
        elif due > today + rules.FURTHEST_FOLLOW_UP:
            errors[f"follow_ups.{n}.due_on"] = _("Check the year: a follow-up cannot be due that far ahead.")
        tasks.append({"title": title, "due_on": due})
    return tasks


async def _checked(db: AsyncSession, case: Case, values: Mapping[str, Any]) -> dict[str, Any]:
    """Every field checked at once, so every error is told together and nothing is written before."""
    errors: dict[str, str] = {}
    now = utcnow()
    kind = values.get("kind")
    if not rules.is_kind(kind):
        errors["kind"] = _("Choose what kind of contact it was.")
    elif rules.BY_KEY[str(kind)].connected and not await referrals.first_contact_allowed(db, case.id):
        # A case opened from a referral: nobody reaches the family before a safe way to do so is confirmed.
        errors["kind"] = _(referrals.NOT_CONFIRMED)
    notes = values.get("notes")
    notes = notes.strip() or None if isinstance(notes, str) else notes
    if kind in rules.BY_KEY and rules.needs_notes(kind) and not notes:
        errors["notes"] = _("Enter a line of notes: what was said or done.")
    place = values.get("place")
    checked = {
        "kind": kind,
        "notes": notes,
        "place": place.strip() or None if isinstance(place, str) else place,
        "at": _when(values.get("at"), now, errors),
        "minutes": _minutes(values.get("minutes"), errors),
        "member_ids": await _members(db, case, values.get("member_ids"), errors),
        "about": await _about(db, case, values.get("about"), errors),
        "follow_ups": _follow_ups(values.get("follow_ups"), now.astimezone(LONDON).date(), errors),
    }
    if errors:
        raise InputError(errors)
    return checked


def _apply(entry: ContactEntry, values: Mapping[str, Any]) -> None:
    entry.kind, entry.notes, entry.place = values["kind"], values["notes"], values["place"]
    entry.at, entry.minutes = values["at"], values["minutes"]
    for name, attribute in ABOUT_COLUMNS.items():
        setattr(entry, attribute, values["about"][name])


async def _set_members(db: AsyncSession, case: Case, entry: ContactEntry, member_ids: Iterable[UUID]) -> None:
    for old in await db.scalars(select(ContactMember).where(ContactMember.entry_id == entry.id)):
        await db.delete(old)
    await db.flush()
    for member_id in member_ids:
        db.add(ContactMember(case_id=case.id, entry_id=entry.id, member_id=member_id))


# --- recording and correcting -------------------------------------------------------------------


async def record_contact(
    db: AsyncSession, actor: Actor, case: Case, values: Mapping[str, Any]
) -> ContactEntry:
    """Record one contact, and its follow-up tasks in the same save."""
    checked = await _checked(db, case, values)
    entry = ContactEntry(case_id=case.id, recorded_by_id=actor.id, corrections=0)
    _apply(entry, checked)
    db.add(entry)
    await db.flush()
    await _set_members(db, case, entry, checked["member_ids"])
    if checked["follow_ups"]:
        stage = (await current_stage(db, case.id)).value
        # The follow-up is the recording worker's, where she works on the case (a manager may not).
        works_here = await db.scalar(
            select(CaseWorker.id).where(CaseWorker.case_id == case.id, CaseWorker.user_id == actor.id)
        )
        mine = actor.id if works_here is not None else None
        for item in checked["follow_ups"]:
            task = Task(
                case_id=case.id,
                stage=stage,
                title=item["title"],
                due_on=item["due_on"],
                assigned_to_id=mine,
                position=1000,
            )
            db.add(task)
            await db.flush()
            db.add(ContactFollowUp(case_id=case.id, entry_id=entry.id, task_id=task.id))
            audit.record(db, "task.added", actor, case_id=case.id, target=task)
    await db.flush()
    await _tell_referral(db, case)
    audit.record(db, "contact.recorded", actor, case_id=case.id, target=entry)
    return entry


async def _tell_referral(db: AsyncSession, case: Case) -> None:
    """Tell the case's referral (if it came by one) when its first contact that reached the family was,
    as the log now reads: the time from referral to first contact is measured from it."""
    connected = [k.key for k in rules.KINDS if k.connected]
    first = await db.scalar(
        select(func.min(ContactEntry.at)).where(
            ContactEntry.case_id == case.id, ContactEntry.kind.in_(connected)
        )
    )
    await referrals.note_first_contact(db, case.id, first)


def may_correct(actor: Actor, entry: ContactEntry) -> bool:
    """The worker who wrote an entry may correct it, and so may a manager (who sees the case already)."""
    return actor.id is not None and (actor.id == entry.recorded_by_id or actor.role == Role.MANAGER.value)


async def member_ids_of(db: AsyncSession, entry_ids: Sequence[UUID]) -> dict[UUID, list[UUID]]:
    found: dict[UUID, list[UUID]] = defaultdict(list)
    if entry_ids:
        rows = await db.execute(
            select(ContactMember.entry_id, ContactMember.member_id)
            .where(ContactMember.entry_id.in_(entry_ids))
            .order_by(ContactMember.created_at, ContactMember.id)
        )
        for entry_id, member_id in rows:
            found[entry_id].append(member_id)
    return found


def version_of(entry: ContactEntry, member_ids: Sequence[UUID]) -> dict[str, Any]:
    """An entry as it reads now, in the shape kept for it when it is corrected."""
    return {
        "kind": entry.kind,
        "at": entry.at.isoformat(),
        "minutes": entry.minutes,
        "member_ids": [str(m) for m in member_ids],
        "place": entry.place,
        "notes": entry.notes,
        "about": {
            name: (None if getattr(entry, a) is None else str(getattr(entry, a)))
            for name, a in ABOUT_COLUMNS.items()
        },
    }


async def correct_contact(
    db: AsyncSession, actor: Actor, case: Case, entry: ContactEntry, values: Mapping[str, Any]
) -> ContactEntry:
    """Correct an entry: the fields sent replace what it said, and what it said before is kept, encrypted."""
    if not may_correct(actor, entry):
        raise InputError({"entry": _(NOT_YOURS)})  # pages and the API answer 403 before they get here
    members = (await member_ids_of(db, [entry.id])).get(entry.id, [])
    before = version_of(entry, members)
    merged: dict[str, Any] = {
        "kind": entry.kind,
        "notes": entry.notes,
        "place": entry.place,
        "at": entry.at,
        "minutes": entry.minutes,
        "member_ids": members,
        "about": {name: getattr(entry, a) for name, a in ABOUT_COLUMNS.items()},
    }
    for name, value in values.items():
        if name == "about" and value is not None:
            merged["about"] = {**merged["about"], **value}
        elif name in merged:
            merged[name] = value
    # A correction of an old entry keeps its old date: only a new date is held to the "Check the year" rules.
    keep_at = merged["at"] is None or merged["at"] == entry.at
    checked = await _checked(db, case, {**merged, "at": None if keep_at else merged["at"]})
    if keep_at:
        checked["at"] = entry.at
    after = {**checked, "member_ids": checked["member_ids"]}
    after_version = version_of(_preview(entry, after), after["member_ids"])
    if after_version == before:
        raise InputError({"notes": _("This correction changes nothing: change what was wrong, then save.")})
    db.add(
        ContactCorrection(
            case_id=case.id,
            entry_id=entry.id,
            number=entry.corrections + 1,
            corrected_by_id=actor.id,
            earlier=json.dumps(
                {**before, "written_by_id": str(entry.recorded_by_id) if entry.recorded_by_id else None}
            ),
        )
    )
    _apply(entry, checked)
    entry.corrections += 1
    await _set_members(db, case, entry, checked["member_ids"])
    await db.flush()
    await _tell_referral(db, case)
    audit.record(db, "contact.corrected", actor, case_id=case.id, target=entry)
    return entry


def _preview(entry: ContactEntry, values: Mapping[str, Any]) -> ContactEntry:
    """An unsaved copy of `entry` with `values` applied, to compare with what it says now."""
    copy = ContactEntry(kind=entry.kind, at=entry.at)
    _apply(copy, values)
    return copy


# --- reading ------------------------------------------------------------------------------------


async def get_entry(db: AsyncSession, case: Case, entry_id: UUID) -> ContactEntry:
    return await one_of_case(db, ContactEntry, case.id, entry_id, "contact log entry")


@dataclass
class Earlier:
    """One earlier version of an entry and who corrected it away, when."""

    number: int
    corrected_at: dt.datetime
    corrected_by_id: UUID | None
    version: dict[str, Any]


@dataclass
class EntryView:
    entry: ContactEntry
    member_ids: list[UUID] = field(default_factory=list)
    earlier: list[Earlier] = field(default_factory=list)  # newest correction first
    follow_ups: list[Task] = field(default_factory=list)


def _read(earlier: str) -> dict[str, Any]:
    """A kept version, with its date, members and links as the types they were."""
    v = json.loads(earlier)
    v["at"] = dt.datetime.fromisoformat(v["at"])
    v["member_ids"] = [UUID(m) for m in v["member_ids"]]
    v["about"] = {k: (UUID(x) if x and k != "stage" else x) for k, x in v["about"].items()}
    return v


async def contact_log(
    db: AsyncSession, case_id: UUID, entry_ids: Sequence[UUID] | None = None
) -> list[EntryView]:
    """The case's contact log, newest first, with members, corrections and follow-ups: four queries."""
    query = select(ContactEntry).where(ContactEntry.case_id == case_id)
    if entry_ids is not None:
        query = query.where(ContactEntry.id.in_(entry_ids))
    entries = list(await db.scalars(query.order_by(ContactEntry.at.desc(), ContactEntry.id.desc())))
    ids = [e.id for e in entries]
    views = {e.id: EntryView(e) for e in entries}
    for entry_id, members in (await member_ids_of(db, ids)).items():
        views[entry_id].member_ids = members
    if ids:
        for c in await db.scalars(
            select(ContactCorrection)
            .where(ContactCorrection.entry_id.in_(ids))
            .order_by(ContactCorrection.number.desc())
        ):
            views[c.entry_id].earlier.append(
                Earlier(c.number, c.created_at, c.corrected_by_id, _read(c.earlier))
            )
        for entry_id, task in await db.execute(
            select(ContactFollowUp.entry_id, Task)
            .join(Task, Task.id == ContactFollowUp.task_id)
            .where(ContactFollowUp.entry_id.in_(ids))
            .order_by(Task.due_on, Task.created_at)
        ):
            views[entry_id].follow_ups.append(task)
    return [views[i] for i in ids]


async def about_options(db: AsyncSession, case_id: UUID) -> dict[str, list[tuple[str, str]]]:
    """What an entry of this case may be about, as (id, words) for the form's lists."""
    hearings = await db.execute(
        select(_HEARING.c.id, _HEARING.c.hearing_type, _HEARING.c.starts_at, _HEARING.c.window_start)
        .where(_HEARING.c.case_id == case_id)
        .order_by(_HEARING.c.starts_at)
    )
    incidents = await db.execute(
        select(_INCIDENT.c.id, _INCIDENT.c.number, _INCIDENT.c.occurred_from)
        .where(_INCIDENT.c.case_id == case_id)
        .order_by(_INCIDENT.c.number)
    )
    documents = await db.execute(
        select(_DOCUMENT.c.id, _DOCUMENT.c.title, _DOCUMENT.c.created_at)
        .where(_DOCUMENT.c.case_id == case_id)
        .order_by(_DOCUMENT.c.created_at.desc())
    )

    def day(value: Any) -> str:
        if isinstance(value, str):
            value = (
                dt.datetime.fromisoformat(value)
                if "T" in value or " " in value
                else dt.date.fromisoformat(value)
            )
        return long_date(value) if value else _("date not fixed")

    return {
        # The hearing's type as stored: the composer of shared pages can hand in hearings' own labels later.
        "about.hearing_id": [
            (
                str(i),
                _("Hearing on %(day)s (%(type)s)")
                % {"day": day(at or window), "type": kind.replace("_", " ")},
            )
            for i, kind, at, window in hearings
        ],
        "about.incident_id": [
            (str(i), _("Incident %(n)s, %(day)s") % {"n": n, "day": day(at)}) for i, n, at in incidents
        ],
        "about.document_id": [(str(i), f"{title} ({day(at)})") for i, title, at in documents],
    }


def stage_label(key: str | None) -> str:
    return _(STAGE_LABELS[Stage(key)]) if key in {s.value for s in Stage} else ""


# --- time spent ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeRow:
    case_id: UUID
    worker_id: UUID | None
    kind: str
    minutes: int
    contacts: int


@dataclass(frozen=True)
class TimeSpent:
    """Minutes recorded, by case, worker and kind (entries without minutes are counted, adding none)."""

    rows: tuple[TimeRow, ...]

    def _by(self, key: str) -> dict[Any, int]:
        sums: dict[Any, int] = defaultdict(int)
        for row in self.rows:
            sums[getattr(row, key)] += row.minutes
        return dict(sums)

    @property
    def by_case(self) -> dict[UUID, int]:
        return self._by("case_id")

    @property
    def by_worker(self) -> dict[UUID | None, int]:
        return self._by("worker_id")

    @property
    def by_kind(self) -> dict[str, int]:
        return self._by("kind")

    @property
    def total(self) -> int:
        return sum(r.minutes for r in self.rows)

    @property
    def contacts(self) -> int:
        return sum(r.contacts for r in self.rows)


async def time_spent(
    db: AsyncSession,
    *,
    case_ids: Sequence[UUID] | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> TimeSpent:
    """Time spent on contacts, summed per case, worker and kind in one query; `start` <= at < `end`."""
    query = select(
        ContactEntry.case_id,
        ContactEntry.recorded_by_id,
        ContactEntry.kind,
        func.coalesce(func.sum(ContactEntry.minutes), 0),
        func.count(),
    ).group_by(ContactEntry.case_id, ContactEntry.recorded_by_id, ContactEntry.kind)
    if case_ids is not None:
        query = query.where(ContactEntry.case_id.in_(case_ids))
    if start is not None:
        query = query.where(ContactEntry.at >= start)
    if end is not None:
        query = query.where(ContactEntry.at < end)
    rows = await db.execute(query)
    return TimeSpent(tuple(TimeRow(c, w, k, int(m or 0), int(n)) for c, w, k, m, n in rows))


# --- the team's standard: how long a family may go without a contact that reached them ------------


async def standards_for(db: AsyncSession, team_ids: Iterable[UUID]) -> dict[UUID, rules.ContactStandard]:
    """Each team's standard; a team that never changed it has rules.CONTACT_STANDARD (one query)."""
    ids = list(set(team_ids))
    found = {team_id: rules.CONTACT_STANDARD for team_id in ids}
    if ids:
        for row in await db.scalars(select(TeamContactStandard).where(TeamContactStandard.team_id.in_(ids))):
            found[row.team_id] = rules.ContactStandard(row.high_days, row.medium_days, row.low_days)
    return found


def standard_values(standard: rules.ContactStandard) -> dict[str, int]:
    return {"high_days": standard.high, "medium_days": standard.medium, "low_days": standard.low}


async def set_standard(
    db: AsyncSession, actor: Actor, team_id: UUID, values: Mapping[str, Any]
) -> rules.ContactStandard:
    """The manager sets the team's standard: each a whole number of days from 1 to rules.MOST_DAYS."""
    errors: dict[str, str] = {}
    days: dict[str, int] = {}
    for name in ("high_days", "medium_days", "low_days"):
        raw = str(values.get(name) or "").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= rules.MOST_DAYS:
            errors[name] = _("Enter a whole number of days from 1 to %(most)d, like 14.") % {
                "most": rules.MOST_DAYS
            }
        else:
            days[name] = int(raw)
    if errors:
        raise InputError(errors)
    row = await db.scalar(select(TeamContactStandard).where(TeamContactStandard.team_id == team_id))
    if row is None:
        row = TeamContactStandard(team_id=team_id, **days, changed_by_id=actor.id)
        db.add(row)
    else:
        row.high_days, row.medium_days, row.low_days = (
            days["high_days"],
            days["medium_days"],
            days["low_days"],
        )
        row.changed_by_id = actor.id
    await db.flush()
    audit.record(db, "team.contact_standard_changed", actor, target=row)
    return rules.ContactStandard(days["high_days"], days["medium_days"], days["low_days"])


async def last_reached(db: AsyncSession, case_ids: list[UUID]) -> dict[UUID, dt.datetime]:
    """Each case's last contact that reached the family (rules.KINDS `connected`), one query."""
    if not case_ids:
        return {}
    connected = [k.key for k in rules.KINDS if k.connected]
    rows = await db.execute(
        select(ContactEntry.case_id, func.max(ContactEntry.at))
        .where(ContactEntry.case_id.in_(case_ids), ContactEntry.kind.in_(connected))
        .group_by(ContactEntry.case_id)
    )
    return {case_id: at for case_id, at in rows if at is not None}
