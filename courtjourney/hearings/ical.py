"""Turn hearings into an iCalendar feed with the `icalendar` library. Pure: no database, no HTTP.

What real calendar clients need (shared/CALENDARS-AND-DOCUMENTS.md): one random UID per hearing for
life; SEQUENCE raised on every change of time, place or status; DTSTAMP the last change, so an
unchanged feed is byte-identical; a VTIMEZONE for Europe/London; warned-list windows as all-day
events with an exclusive end; cancelled hearings kept as CANCELLED for 14 days, then dropped; no
METHOD; NAME / X-WR-CALNAME, REFRESH-INTERVAL and X-PUBLISHED-TTL of one hour. The library folds
lines at 75 octets with CRLF without splitting a character.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from courtjourney.hearings import rules

LONDON = ZoneInfo("Europe/London")
CANCELLED_KEPT_FOR = rules.CANCELLED_KEPT_FOR.delta
REFRESH = dt.timedelta(hours=1)
PRODID = "-//courtjourney//Hearings//EN"


@dataclass(frozen=True)
class FeedEvent:
    """One hearing as a feed shows it. The words are already chosen for the feed's privacy level."""

    uid: str
    sequence: int
    revised_at: dt.datetime
    summary: str
    location: str
    description: str
    status: str  # CONFIRMED | TENTATIVE | CANCELLED
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    cancelled_at: dt.datetime | None = None


def shown(event: FeedEvent, now: dt.datetime) -> bool:
    """Cancelled hearings stay (struck through in most apps) for 14 days, then leave the feed."""
    if event.status != "CANCELLED":
        return True
    since = event.cancelled_at or event.revised_at
    return now - since < CANCELLED_KEPT_FOR


# The VTIMEZONE covers these years, fixed so the same hearings always give the same bytes.
TIMEZONE_YEARS = (dt.date(2020, 1, 1), dt.date(2038, 1, 1))


def _calendar(name: str) -> Calendar:
    # Not Calendar.new(): it adds a random UID to the calendar, and a feed must be byte-identical
    # between requests when nothing has changed.
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("NAME", name)
    cal.add("X-WR-CALNAME", name)
    return cal


def build_feed(name: str, events: Iterable[FeedEvent], now: dt.datetime) -> bytes:
    cal = _calendar(name)
    cal.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("X-PUBLISHED-TTL", "PT1H")
    cal.add("X-WR-TIMEZONE", "Europe/London")
    for event in sorted(events, key=_order):
        if shown(event, now):
            cal.add_component(_vevent(event))
    cal.add_missing_timezones(*TIMEZONE_YEARS)
    return cal.to_ical()


def build_single(name: str, event: FeedEvent) -> bytes:
    """A one-off .ics for one hearing: the same event a feed would carry."""
    cal = _calendar(name)
    cal.add_component(_vevent(event))
    cal.add_missing_timezones(*TIMEZONE_YEARS)
    return cal.to_ical()


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _order(event: FeedEvent) -> tuple[dt.date, str]:
    day = event.first_day or (event.starts_at.astimezone(LONDON).date() if event.starts_at else dt.date.min)
    return day, event.uid


def _vevent(event: FeedEvent) -> Event:
    vevent = Event()
    vevent.add("UID", event.uid)
    vevent.add("DTSTAMP", event.revised_at.astimezone(dt.UTC))
    vevent.add("LAST-MODIFIED", event.revised_at.astimezone(dt.UTC))
    vevent.add("SEQUENCE", event.sequence)
    if event.first_day is not None:
        last = event.last_day or event.first_day
        vevent.add("DTSTART", event.first_day)
        vevent.add("DTEND", last + dt.timedelta(days=1))  # all-day DTEND is exclusive
        vevent.add("TRANSP", "TRANSPARENT")
    else:
        assert event.starts_at is not None
        start = event.starts_at.astimezone(LONDON)
        end = (event.ends_at or event.starts_at + dt.timedelta(hours=3)).astimezone(LONDON)
        vevent.add("DTSTART", start)
        vevent.add("DTEND", end)
    vevent.add("SUMMARY", event.summary)
    if event.location:
        vevent.add("LOCATION", event.location)
    if event.description:
        vevent.add("DESCRIPTION", event.description)
    vevent.add("STATUS", event.status)
    return vevent
