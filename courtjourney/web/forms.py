"""Reading what people type into forms and API bodies, with plain-English messages per field.

Pages and the JSON API clean their input through the same `Field` lists, so a rule (a date
format, a length limit, a choice) is written once and reads the same in both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from courtjourney.errors import InputError
from courtjourney.i18n import age_on, years_on
from courtjourney.i18n import gettext as _


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | longtext | date | time | datetime | choice | bool | email | uuid
    required: bool = True
    max_length: int = 200
    choices: Sequence[tuple[str, str]] = field(default_factory=tuple)
    hint: str = ""
    not_after_today: bool = False
    #: Which dates are plausible (the date-field kit, `check_year`): "event" (the default: from 1990 to 5
    #: years ahead), "birth" (a child's date of birth: an age from 0 to 25 today) or "any" (only a real date).
    years: str = "event"
    # The label is someone's own words (a family member's name): shown as typed, never looked up in
    # the catalogue and never used as a format string, so "Ann 50%" is just a name.
    own_words: bool = False


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _clean_one(f: Field, value: Any) -> Any:
    label = f.label if f.own_words else _(f.label)
    if f.kind == "bool":
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() in {"on", "true", "yes", "1"}
    if _blank(value):
        if f.required:
            raise ValueError(
                _("Enter %(label)s.") % {"label": label.lower()}
                if f.kind != "choice"
                else _("Choose %(label)s.") % {"label": label.lower()}
            )
        return None
    if f.kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            try:
                value = dt.date.fromisoformat(str(value).strip())
            except ValueError:
                raise ValueError(
                    _("%(label)s must be a real date, like 2026-03-02.") % {"label": label}
                ) from None
        if value.year < 1900 or value.year > 2200:
            raise ValueError(_("%(label)s must be a real date, like 2026-03-02.") % {"label": label})
        if f.not_after_today and value > dt.date.today():
            raise ValueError(_("%(label)s cannot be in the future.") % {"label": label})
        check_year(f.years, label, value, dt.date.today())
        return value
    if f.kind == "time":
        return _clean_time(label, value)
    if f.kind == "datetime":
        return _clean_datetime(f, label, value)
    if not isinstance(value, str):
        raise ValueError(_("%(label)s must be text.") % {"label": label})
    value = value.strip()
    if "\x00" in value:
        raise ValueError(_("%(label)s contains a character we cannot store.") % {"label": label})
    if f.kind == "choice":
        allowed = {key for key, _label in f.choices}
        if value not in allowed:
            raise ValueError(_("Choose one of the options for %(label)s.") % {"label": label.lower()})
        return value
    if f.kind == "uuid":
        try:
            return UUID(value)
        except ValueError:
            raise ValueError(
                _("Choose one of the options for %(label)s.") % {"label": label.lower()}
            ) from None
    limit = f.max_length
    if len(value) > limit:
        raise ValueError(
            _("%(label)s must be %(limit)d characters or fewer.") % {"label": label, "limit": limit}
        )
    if f.kind == "email" and (
        "@" not in value or " " in value or value.startswith("@") or value.endswith("@")
    ):
        raise ValueError(_("%(label)s must be an email address, like name@example.org.") % {"label": label})
    return value


LONDON = ZoneInfo("Europe/London")

#: The date-field kit's bounds: no date a worker records for a family is before EARLIEST_YEAR or more than
#: YEARS_AHEAD years ahead, and no child it supports is older than OLDEST_CHILD.
EARLIEST_YEAR = 1990
YEARS_AHEAD = 5
OLDEST_CHILD = 25


def check_year(years: str, label: str, day: dt.date, today: dt.date) -> None:
    """Refuse an implausible year in plain words, the same for every form and API body: a typo such as
    1926 for 2026, or 2062 for 2026, is caught where it is typed, not found later in a deadline or a report."""
    if years == "any":
        return
    label = label[:1].lower() + label[1:]
    if years == "birth":
        if (age_on(day, today) or 0) > OLDEST_CHILD:
            raise ValueError(
                _("Check the year: %(label)s would make the child older than %(n)d.")
                % {"label": label, "n": OLDEST_CHILD}
            )
        return
    if day.year < EARLIEST_YEAR:
        raise ValueError(
            _("Check the year: %(label)s cannot be before %(year)d.")
            % {"label": label, "year": EARLIEST_YEAR}
        )
    if day > years_on(today, YEARS_AHEAD):
        raise ValueError(
            _("Check the year: %(label)s cannot be more than %(n)d years ahead.")
            % {"label": label, "n": YEARS_AHEAD}
        )


def _clean_time(label: str, value: Any) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        parsed = dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(
            _("%(label)s must be a time of day, like 10:00 or 14:30.") % {"label": label}
        ) from None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


def _clean_datetime(f: Field, label: str, value: Any) -> dt.datetime:
    """A date and time as people in England and Wales give it (UK time), returned in UTC."""
    if not isinstance(value, dt.datetime):
        try:
            value = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(
                _("%(label)s must be a date and time, like 2026-03-02 10:00.") % {"label": label}
            ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LONDON)
    value = value.astimezone(dt.UTC)
    if value.year < 1900 or value.year > 2200:
        raise ValueError(_("%(label)s must be a date and time, like 2026-03-02 10:00.") % {"label": label})
    if f.not_after_today and value > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5):
        raise ValueError(_("%(label)s cannot be in the future.") % {"label": label})
    check_year(f.years, label, value.astimezone(LONDON).date(), dt.datetime.now(LONDON).date())
    return value


def clean(fields: Iterable[Field], data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Return the cleaned values, or raise InputError with a message for every wrong field.

    With partial=True (updates), fields that were not sent are left out instead of required.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for f in fields:
        if partial and f.name not in data:
            continue
        try:
            cleaned[f.name] = _clean_one(f, data.get(f.name))
        except ValueError as exc:
            errors[f.name] = str(exc)
    if errors:
        raise InputError(errors)
    return cleaned
