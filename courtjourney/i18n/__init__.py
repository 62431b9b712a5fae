"""Locale choice, gettext catalogues and Babel date formatting.

The Welsh catalogue is read from its .po file at start-up (Babel compiles it in memory),
so there is no compiled .mo to forget to rebuild.
"""

from __future__ import annotations

import datetime as dt
import io
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("en", "cy")
BABEL_LOCALES = {"en": "en_GB", "cy": "cy_GB"}
LONDON = ZoneInfo("Europe/London")
_current: ContextVar[str] = ContextVar("courtjourney_locale", default="en")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


@cache
def translations(locale: str) -> NullTranslations:
    if locale == "en":
        return NullTranslations()
    po_path = files("courtjourney.i18n") / "locales" / locale / "LC_MESSAGES" / "messages.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=BABEL_LOCALES[locale])
    buf = io.BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return Translations(fp=buf)


def set_locale(locale: str) -> None:
    _current.set(locale if locale in LOCALES else "en")


def get_locale() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(get_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(get_locale()).ngettext(singular, plural, n)


_ = gettext


def babel_locale(locale: str | None = None) -> Locale:
    return _parsed_locale(BABEL_LOCALES[locale or get_locale()])


@cache
def _parsed_locale(tag: str) -> Locale:
    """Babel's Locale for a tag, parsed once: Locale.parse builds a new object (and looks its data up)
    on every call, and every date a page or letter shows asked for one."""
    return Locale.parse(tag)


def long_date(value: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """'Monday 2 March 2026' in the reader's language."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(LONDON).date()
    return format_date(value, "EEEE d MMMM y", locale=babel_locale(locale))


def short_date(value: dt.date | dt.datetime | None, locale: str | None = None) -> str:
    """'2 Mar 2026'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(LONDON).date()
    return format_date(value, "d MMM y", locale=babel_locale(locale))


def long_datetime(value: dt.datetime | None, locale: str | None = None) -> str:
    """'Monday 2 March 2026 at 10:00', in UK time, in the reader's language."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    loc = locale or get_locale()
    at = translations(loc).gettext("at")
    return (
        f"{long_date(local.date(), loc)} {at} {format_time(local.time(), 'HH:mm', locale=babel_locale(loc))}"
    )


def years_on(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier); 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth_date: dt.date | None, today: dt.date) -> int | None:
    if birth_date is None:
        return None
    years = today.year - birth_date.year
    if (today.month, today.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def negotiate(accept_language: str | None) -> str:
    """The first of our locales the browser's Accept-Language asks for (by its q-values), else English.

    "cy-GB,cy;q=0.9,en;q=0.8" -> "cy"; "fr, de" -> "en"; a malformed header -> "en", never an error.
    """
    best: tuple[float, int, str] | None = None
    for position, item in enumerate((accept_language or "").split(",")):
        tag, _sep, params = item.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        if language not in LOCALES:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality <= 0:
            continue
        candidate = (-quality, position, language)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else "en"
