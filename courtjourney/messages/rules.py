"""When a message may go, and how a number or address is read. Plain functions, no database.

Safe times are the family member's own (for example weekdays 09:00 to 19:00); whatever they say, nothing
goes before 07:00 or after 21:00 (QUIET). A notice about a hearing within 48 hours is urgent: it may go
on any day, from the start of their safe time until 21:00. A notice that arrives outside the window waits
for the start of the next one, so a change made at 22:30 for a 10:00 hearing next day goes at the start
of the member's safe time next morning, marked urgent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from courtjourney.errors import InputError
from courtjourney.i18n import LONDON
from courtjourney.i18n import gettext as _
from courtjourney.workdays import is_working_day

#: Never before or after these, whatever a member's safe times say.
EARLIEST = dt.time(7, 0)
LATEST = dt.time(21, 0)
#: A hearing this close makes its notice urgent.
URGENT_WITHIN = dt.timedelta(hours=48)
#: An urgent notice not acknowledged within this many working hours (or by UNANSWERED_BY the day before
#: the hearing, whichever is sooner) puts "Phone the family" at the top of the worker's My day.
ANSWER_WITHIN_WORKING_HOURS = 4
UNANSWERED_BY = dt.time(19, 0)
WORKING_HOURS = (dt.time(9, 0), dt.time(17, 0))
#: Temporary failures are tried again after these waits (then the message is marked failed).
RETRY_AFTER = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)

CHANNELS = ("sms", "email")
DISCRETION = ("discreet", "standard")


@dataclass(frozen=True)
class SafeTimes:
    start: dt.time
    end: dt.time
    weekends: bool

    def window(self, day: dt.date, *, urgent: bool) -> tuple[dt.datetime, dt.datetime] | None:
        """The part of `day` (London) a message may go in, or None if none of it."""
        if not urgent and day.weekday() >= 5 and not self.weekends:
            return None
        start = max(self.start, EARLIEST)
        end = LATEST if urgent else min(self.end, LATEST)
        if end <= start:
            return None
        return (
            dt.datetime.combine(day, start, LONDON).astimezone(dt.UTC),
            dt.datetime.combine(day, end, LONDON).astimezone(dt.UTC),
        )


def is_urgent(now: dt.datetime, hearing_at: dt.datetime | None) -> bool:
    return hearing_at is not None and now <= hearing_at <= now + URGENT_WITHIN


def next_send_time(now: dt.datetime, safe: SafeTimes, *, urgent: bool) -> dt.datetime:
    """Now, if now is inside a window; else the start of the next window (looking a fortnight ahead)."""
    day = now.astimezone(LONDON).date()
    for offset in range(15):
        window = safe.window(day + dt.timedelta(days=offset), urgent=urgent)
        if window is None:
            continue
        start, end = window
        if now < end:
            return max(now, start)
    return now  # no safe time at all in a fortnight: the worker is shown it is waiting (never reached here by the form)


def answer_by(sent: dt.datetime, hearing_at: dt.datetime | None) -> dt.datetime:
    """When an urgent notice sent at `sent` should have been acknowledged: 4 working hours later, or 19:00
    the day before the hearing, whichever is sooner."""
    left = dt.timedelta(hours=ANSWER_WITHIN_WORKING_HOURS)
    at = sent.astimezone(LONDON)
    by = at
    for _step in range(24 * 30):  # a month of hours at most
        day = at.date()
        open_, close = (dt.datetime.combine(day, t, LONDON) for t in WORKING_HOURS)
        if is_working_day(day) and at < close:
            at = max(at, open_)
            take = min(left, close - at)
            at += take
            left -= take
            if left <= dt.timedelta(0):
                by = at
                break
        at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), LONDON)
    if hearing_at is not None:
        eve = dt.datetime.combine(
            hearing_at.astimezone(LONDON).date() - dt.timedelta(days=1), UNANSWERED_BY, LONDON
        )
        if eve > sent:
            by = min(by, eve)
    return by.astimezone(dt.UTC)


def clean_phone(raw: str, field: str = "phone") -> str:
    """A UK number (or one with its country code), as E.164: '07700 900123' -> '+447700900123'."""
    try:
        number = phonenumbers.parse(raw.strip(), "GB")
    except phonenumbers.NumberParseException:
        raise InputError({field: _("Enter a phone number, like 07700 900123.")}) from None
    if not phonenumbers.is_valid_number(number):
        raise InputError({field: _("This is not a phone number that can be used. Check the digits.")})
    if phonenumbers.number_type(number) not in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }:
        raise InputError({field: _("Text messages need a mobile number. This one is a landline.")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def shown_phone(e164: str) -> str:
    """How a number is shown to the worker: in the national format, '07700 900123'."""
    try:
        return phonenumbers.format_number(
            phonenumbers.parse(e164, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL
        )
    except phonenumbers.NumberParseException:
        return e164


def clean_email(raw: str, field: str = "email") -> str:
    try:
        # No DNS lookup: the address is checked as written, and a mistyped domain shows as a failed message.
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        raise InputError({field: _("Enter an email address, like name@example.com.")}) from None
