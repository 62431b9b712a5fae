"""What each calendar feed carries, in the words its privacy level allows.

A family member's feed holds the hearings of their case that they are needed at, want to go to or
follow. Discreet (the default) shows "Appointment" and the town only; standard shows "Court hearing,
Leeds Crown Court", the address, the courtroom and the arrival notes. No feed ever holds the child's
name, the offence, a defendant or a case reference, and UIDs are random. A worker's own feed holds
every hearing in their caseload, titled with the case reference (never the child's name).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import String, and_, bindparam, case, literal, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from courtjourney import i18n
from courtjourney.accounts.models import User, rate_limit
from courtjourney.cases.access import visible_cases
from courtjourney.cases.models import Case, FamilyMember
from courtjourney.hearings import rules, story
from courtjourney.hearings.ical import CANCELLED_KEPT_FOR, FeedEvent, build_feed, build_single, etag
from courtjourney.hearings.models import Attendance, CalendarSubscription, Hearing

# Raise when the words or layout of feeds change, so every stored fingerprint goes stale.
FEED_FORMAT = 1


def ical_status(hearing: Hearing) -> str:
    """CANCELLED when it will not go ahead, CONFIRMED once done; otherwise as its listing shows (rules.py)."""
    status = rules.STATUS.get(hearing.status)
    if status is not None and status.calendar_status is not None:
        return status.calendar_status
    listing = rules.LISTING.get(hearing.listing)
    return listing.calendar_status if listing is not None else "CONFIRMED"


def feed_event(hearing: Hearing, privacy: str, lang: str, reference: str | None = None) -> FeedEvent:
    t = i18n.translations(lang).gettext
    status = ical_status(hearing)
    lines: list[str] = []
    if reference is not None:  # the worker's own calendar
        summary = (
            f"{reference}: {story.label('hearing_type', hearing.hearing_type, lang)}, {hearing.court_name}"
        )
        location = ", ".join(p for p in (hearing.court_name, hearing.court_address) if p)
        lines.append(story.label("status", hearing.status, lang))
        if hearing.courtroom:
            lines.append(t("Courtroom: %(room)s") % {"room": hearing.courtroom})
    elif privacy == "standard":
        summary = t("Court hearing, %(court)s") % {"court": hearing.court_name}
        location = ", ".join(p for p in (hearing.court_name, hearing.court_address) if p)
        lines.append(story.label("hearing_type", hearing.hearing_type, lang))
        if hearing.courtroom:
            lines.append(t("Courtroom: %(room)s") % {"room": hearing.courtroom})
        if hearing.accompanied_by:
            lines.append(t("Going with you: %(who)s") % {"who": hearing.accompanied_by})
        if hearing.arrival_notes:
            lines.append(t("When you arrive: %(notes)s") % {"notes": hearing.arrival_notes})
    else:
        summary = t("Appointment")
        location = hearing.court_town
    if hearing.listing == "warned" and status != "CANCELLED":
        lines.append(
            t(
                "The exact day is not fixed yet. It may be any day in this window. Your support worker will tell you."
            )
        )
    if status == "CANCELLED":
        summary = t("Cancelled: %(what)s") % {"what": summary}
    return FeedEvent(
        uid=hearing.uid,
        sequence=hearing.sequence,
        revised_at=hearing.revised_at,
        summary=summary,
        location=location,
        description="\n".join(lines),
        status=status,
        starts_at=None if hearing.listing == "warned" else hearing.starts_at,
        ends_at=None if hearing.listing == "warned" else hearing.ends_at,
        first_day=hearing.window_start if hearing.listing == "warned" else None,
        last_day=hearing.window_end if hearing.listing == "warned" else None,
        cancelled_at=hearing.cancelled_at,
    )


def calendar_name(privacy: str, lang: str, worker: bool = False) -> str:
    t = i18n.translations(lang).gettext
    if worker:
        return t("Court dates: my caseload")
    return t("Court dates") if privacy == "standard" else t("Appointments")


def ended_feed(sub: CalendarSubscription, lang: str, now: dt.datetime) -> bytes:
    """What a family's calendar address serves once it has ended (turned off, replaced, or its case closed):
    no hearings, so the phone removes the dates it holds, and one all-day entry today saying, in the
    member's language and naming nothing of the case, to ask for a new link. The same bytes all day."""
    t = i18n.translations(lang if lang in i18n.LOCALES else "en").gettext
    today = now.astimezone(i18n.LONDON).date()
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=i18n.LONDON).astimezone(dt.UTC)
    entry = FeedEvent(
        uid=hashlib.sha256(f"ended:{sub.id}".encode()).hexdigest()[:32] + "@courtjourney",
        sequence=0,
        revised_at=midnight,
        summary=t("Ask your support worker for a new link"),
        location="",
        description=t(
            "This calendar has stopped showing dates. Your support worker can give you a new link."
        ),
        status="CONFIRMED",
        first_day=today,
        last_day=today,
    )
    return build_feed(calendar_name(sub.privacy, lang), [entry], midnight)


@dataclass(frozen=True)
class Feed:
    body: bytes
    etag: str
    case_id: UUID | None


async def _language_of(db: AsyncSession, sub: CalendarSubscription, read: str | None) -> str:
    """The family member's language: `read` when the poll read it with the subscription
    (services.feed_asked), else read as one column (loading the member decrypted their name and contact
    details on every poll, for a feed that shows none of them)."""
    lang = read
    if lang is None:
        lang = await db.scalar(
            select(FamilyMember.preferred_language).where(FamilyMember.id == sub.family_member_id)
        )
    return lang if lang in i18n.LOCALES else "en"


async def build_for(
    db: AsyncSession, sub: CalendarSubscription, now: dt.datetime, lang: str | None = None
) -> Feed:
    """The feed's bytes and ETag (`lang`: the family member's language, if already read)."""
    if sub.user_id is not None:
        user = await db.get(User, sub.user_id)
        if user is None or not user.is_active:
            body = build_feed(calendar_name("standard", "en", worker=True), [], now)
            return Feed(body, etag(body), None)
        cases = visible_cases(user).subquery()
        rows = (
            await db.execute(
                select(Hearing, Case.reference)
                .join(Case, Case.id == Hearing.case_id)
                .where(Hearing.case_id.in_(select(cases.c.id)))
            )
        ).all()
        lang = user.locale or "en"
        events = [feed_event(h, "standard", lang, reference=ref) for h, ref in rows]
        body = build_feed(calendar_name("standard", lang, worker=True), events, now)
        return Feed(body, etag(body), None)
    lang = await _language_of(db, sub, lang)
    hearings = await db.scalars(
        select(Hearing)
        .join(Attendance, Attendance.hearing_id == Hearing.id)
        .where(Attendance.family_member_id == sub.family_member_id, Hearing.case_id == sub.case_id)
    )
    body = build_feed(
        calendar_name(sub.privacy, lang), [feed_event(h, sub.privacy, lang) for h in hearings], now
    )
    return Feed(body, etag(body), sub.case_id)


async def fingerprint(
    db: AsyncSession, sub: CalendarSubscription, now: dt.datetime, lang: str | None = None
) -> str:
    """What a feed's bytes depend on, from one query: each hearing in it with its last change and
    SEQUENCE, whether a cancelled one is still inside its 14 days, and the language and privacy level.

    Every hearing counts, not only the latest change: changes are saved in a different order from the
    times they carry (two worker processes, two hearings), so a newest-change time could stay the same
    while a change saved later, with an earlier time, went unnoticed and calendar apps kept getting 304.
    """
    kept_since = now - CANCELLED_KEPT_FOR
    columns = _fingerprint_columns(case((Hearing.cancelled_at > kept_since, 1), else_=0))
    if sub.user_id is not None:
        user = await db.get(User, sub.user_id)
        if user is None or not user.is_active:
            return "inactive"
        cases = visible_cases(user).subquery()
        query = select(*columns).where(Hearing.case_id.in_(select(cases.c.id)))
        lang = user.locale or "en"
    else:
        lang = await _language_of(db, sub, lang)
        query = (
            select(*columns)
            .join(Attendance, Attendance.hearing_id == Hearing.id)
            .where(Attendance.family_member_id == sub.family_member_id, Hearing.case_id == sub.case_id)
        )
    return _digest(sub.privacy, lang, (await db.execute(query)).all())


def _fingerprint_columns(shown_cancelled: Any) -> tuple[Any, ...]:
    # The values as the database holds them: only compared, so not worth turning into Python types.
    return (
        type_coerce(Hearing.id, String),
        type_coerce(Hearing.revised_at, String),
        Hearing.sequence,
        shown_cancelled,
    )


def _digest(privacy: str, lang: str, rows: Iterable[Sequence[Any]]) -> str:
    digest = hashlib.sha256(f"{FEED_FORMAT}|{privacy}|{lang}".encode())
    for hearing_id, revised_at, sequence, shown_cancelled in sorted(tuple(r) for r in rows):
        digest.update(f"|{hearing_id!r}:{revised_at}:{sequence}:{shown_cancelled}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Poll:
    """A poll of a family member's feed, read in one statement (family_poll). `sub_id` None: no live
    family subscription by that token (unknown, ended, or a worker's own: `worker` says which)."""

    blocked_until: int | None
    sub_id: UUID | None = None
    case_id: UUID | None = None
    worker: bool = False
    content_key: str | None = None
    content_etag: str | None = None
    content_changed_at: dt.datetime | None = None
    key: str | None = None  # the fingerprint now, as fingerprint() computes it


def _poll_statement() -> Any:
    sub = CalendarSubscription
    one_row = select(literal(1).label("one")).subquery()
    blocked = select(rate_limit.c.blocked_until).where(rate_limit.c.key == bindparam("rate_key"))
    kept_since = bindparam("kept_since", type_=Hearing.__table__.c.cancelled_at.type)
    return (
        select(
            blocked.scalar_subquery().label("blocked_until"),
            # Ids as the driver gives them: the same on every row, so turned into UUIDs once, for the
            # first row (family_poll), not once per hearing.
            type_coerce(sub.id, NullType()).label("sub_id"),
            type_coerce(sub.case_id, NullType()).label("case_id"),
            type_coerce(sub.user_id, NullType()).label("user_id"),
            sub.revoked_at.label("revoked_at"),
            sub.privacy.label("privacy"),
            sub.content_key.label("content_key"),
            sub.content_etag.label("content_etag"),
            sub.content_changed_at.label("content_changed_at"),
            FamilyMember.preferred_language.label("lang"),
            *(
                column.label(name)
                for column, name in zip(
                    _fingerprint_columns(case((Hearing.cancelled_at > kept_since, 1), else_=0)),
                    ("hearing_id", "hearing_revised_at", "hearing_sequence", "hearing_shown_cancelled"),
                    strict=True,
                )
            ),
        )
        .select_from(one_row)
        .outerjoin(sub, sub.token_hash == bindparam("token_hash"))
        .outerjoin(FamilyMember, FamilyMember.id == sub.family_member_id)
        # Two plain outer joins, each by an index (a parenthesised (attendance JOIN hearing) made SQLite
        # build that join for every hearing first). An attendance at another case's hearing gives a row
        # with no hearing, which family_poll leaves out, as fingerprint()'s inner join does.
        .outerjoin(Attendance, Attendance.family_member_id == sub.family_member_id)
        .outerjoin(Hearing, and_(Hearing.id == Attendance.hearing_id, Hearing.case_id == sub.case_id))
    )


_POLL = _poll_statement()
_UUID_READERS: dict[str, Callable[[Any], Any]] = {}


def _uuid_reader(dialect: Dialect) -> Callable[[Any], Any]:
    """What the id column's own type does to a value the driver gave, for this dialect."""
    if dialect.name not in _UUID_READERS:
        process = CalendarSubscription.__table__.c.id.type.result_processor(dialect, None)
        _UUID_READERS[dialect.name] = process or (lambda value: value)
    return _UUID_READERS[dialect.name]


def family_poll(db: Session, token_hash: str | None, rate_key: str, now: dt.datetime) -> Poll:
    """Everything an unchanged family feed's poll needs, in one statement (one round trip, where
    services.feed_asked and fingerprint() are two): the asker's guessing block, the subscription the
    token names with the ETag it recorded, and the feed's fingerprint now, the same as fingerprint()
    gives. `token_hash` None: not a calendar token (only the block is read). Synchronous: it runs whole
    in db/engine.PollReader (on SQLite, one hop to a thread instead of about five)."""
    # On the session's connection: plain rows, without the ORM's loading (a third of the read's time).
    rows = (
        db.connection()
        .execute(
            _POLL, {"rate_key": rate_key, "token_hash": token_hash, "kept_since": now - CANCELLED_KEPT_FOR}
        )
        .all()
    )
    first = rows[0]
    if first.sub_id is None or first.revoked_at is not None or first.user_id is not None:
        return Poll(first.blocked_until, worker=first.sub_id is not None and first.user_id is not None)
    lang = first.lang if first.lang in i18n.LOCALES else "en"
    as_uuid = _uuid_reader(db.get_bind().dialect)
    return Poll(
        first.blocked_until,
        as_uuid(first.sub_id),
        as_uuid(first.case_id),
        content_key=first.content_key,
        content_etag=first.content_etag,
        content_changed_at=first.content_changed_at,
        key=_digest(first.privacy, lang, (r[-4:] for r in rows if r.hearing_id is not None)),
    )


class BuiltFeeds:
    """The feeds this process built lately, by subscription and fingerprint: a 200 for a feed whose
    fingerprint has not moved sends the bytes built for it, instead of building them again (the build was
    almost all of a 200's time; bench/feeds.py). A changed feed has a new fingerprint, so it is never
    answered from here; a revoked address is refused before its fingerprint is read. Least recently
    used first out, within a budget of bytes."""

    def __init__(self, budget: int = 32 * 1024 * 1024) -> None:
        self.budget = budget
        self._bodies: OrderedDict[UUID, tuple[str, bytes]] = OrderedDict()
        self._size = 0

    def get(self, sub_id: UUID, key: str) -> bytes | None:
        kept = self._bodies.get(sub_id)
        if kept is None or kept[0] != key:
            return None
        self._bodies.move_to_end(sub_id)
        return kept[1]

    def keep(self, sub_id: UUID, key: str, body: bytes) -> None:
        old = self._bodies.pop(sub_id, None)
        if old is not None:
            self._size -= len(old[1])
        if len(body) > self.budget:
            return
        self._bodies[sub_id] = (key, body)
        self._size += len(body)
        while self._size > self.budget:
            _sub, (_key, dropped) = self._bodies.popitem(last=False)
            self._size -= len(dropped)


BODIES = BuiltFeeds()


def single(hearing: Hearing, lang: str, privacy: str = "standard") -> bytes:
    return build_single(calendar_name(privacy, lang), feed_event(hearing, privacy, lang))
