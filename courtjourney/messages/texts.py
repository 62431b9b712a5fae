"""What a family member reads: every message and the "Got it" page, in English and Welsh, in our own
plain words, discreet unless the member chose standard.

The words are kept here side by side rather than in the .po catalogue: a text message is short, its
length is counted in each language (one 160-character part where we can), and the readability test
reads both languages' templates from this one table. Discreet words never say court, hearing, trial,
the child's name, the offence, the defendant or the case reference, so nothing on a phone someone else
picks up says what the family is going through. Standard words may say "court" and the court's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date, format_time

from courtjourney.i18n import BABEL_LOCALES, LONDON

#: (language, discretion, what) -> the template. {when} is "Tue 12 Jan, 10:00", {town} the court's town,
#: {court} its name (standard only), {link} the "Got it" link, {worker} the worker's first name.
TEXTS: dict[tuple[str, str, str], str] = {
    # a hearing moved to a new time or day
    (
        "en",
        "discreet",
        "moved",
    ): "Appointment moved: now {when}, {town}. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "en",
        "standard",
        "moved",
    ): "Court date moved: now {when} at {court}. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "cy",
        "discreet",
        "moved",
    ): "Apwyntiad wedi symud: nawr {when}, {town}. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    (
        "cy",
        "standard",
        "moved",
    ): "Dyddiad llys wedi symud: nawr {when} yn {court}. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    # it will not go ahead (adjourned, vacated, cancelled)
    (
        "en",
        "discreet",
        "off",
    ): "Appointment on {when} is off. We will tell you the new date. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "en",
        "standard",
        "off",
    ): "Court date on {when} at {court} is off. We will tell you the new date. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "cy",
        "discreet",
        "off",
    ): "Mae'r apwyntiad ar {when} wedi'i ganslo. Byddwn yn dweud y dyddiad newydd wrthych. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    (
        "cy",
        "standard",
        "off",
    ): "Mae'r dyddiad llys ar {when} yn {court} wedi'i ganslo. Byddwn yn dweud y dyddiad newydd wrthych. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    # the place changed (another building, another room)
    (
        "en",
        "discreet",
        "place",
    ): "Appointment on {when}: the place has changed, now {town}. Tap to see it and say you have seen this: {link} Questions? Ask {worker}.",
    (
        "en",
        "standard",
        "place",
    ): "Court date on {when}: now at {court}. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "cy",
        "discreet",
        "place",
    ): "Apwyntiad ar {when}: mae'r lle wedi newid, nawr {town}. Tapiwch i'w weld a dweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    (
        "cy",
        "standard",
        "place",
    ): "Dyddiad llys ar {when}: nawr yn {court}. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    # the day before
    (
        "en",
        "discreet",
        "reminder",
    ): "Reminder: appointment tomorrow, {when}, {town}. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "en",
        "standard",
        "reminder",
    ): "Reminder: court tomorrow, {when} at {court}. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "cy",
        "discreet",
        "reminder",
    ): "Nodyn atgoffa: apwyntiad yfory, {when}, {town}. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    (
        "cy",
        "standard",
        "reminder",
    ): "Nodyn atgoffa: llys yfory, {when} yn {court}. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    # the day before a warned list's window opens: the day is not fixed yet
    (
        "en",
        "discreet",
        "window",
    ): "Reminder: your appointment could be on any day from tomorrow ({when}), {town}. We will tell you the day. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "en",
        "standard",
        "window",
    ): "Reminder: your court date could be on any day from tomorrow ({when}) at {court}. We will tell you the day. Tap to say you have seen this: {link} Questions? Ask {worker}.",
    (
        "cy",
        "discreet",
        "window",
    ): "Nodyn atgoffa: gall eich apwyntiad fod ar unrhyw ddiwrnod o yfory ymlaen ({when}), {town}. Byddwn yn dweud y diwrnod wrthych. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
    (
        "cy",
        "standard",
        "window",
    ): "Nodyn atgoffa: gall eich dyddiad llys fod ar unrhyw ddiwrnod o yfory ymlaen ({when}) yn {court}. Byddwn yn dweud y diwrnod wrthych. Tapiwch i ddweud eich bod wedi gweld hwn: {link} Cwestiynau? Holwch {worker}.",
}

#: The email's subject line: as bland as a text, whatever the discretion.
SUBJECTS: dict[str, str] = {
    "en": "A message from {worker}",
    "cy": "Neges gan {worker}",
}

#: Said at the top of an urgent message.
URGENT: dict[str, str] = {"en": "Please read today. ", "cy": "Darllenwch heddiw os gwelwch yn dda. "}

#: The "Got it" page, in the member's language.
PAGE: dict[str, dict[str, str]] = {
    "en": {
        "title": "A message from your support worker",
        "button": "Got it",
        "thanks": "Thank you. Your support worker can see that you have read this.",
        "seen_already": "You told us you had read this on {when}. Thank you.",
        "ended": "This link has ended. Ask your support worker if you need to know more.",
    },
    "cy": {
        "title": "Neges gan eich gweithiwr cymorth",
        "button": "Wedi deall",
        "thanks": "Diolch. Gall eich gweithiwr cymorth weld eich bod wedi darllen hwn.",
        "seen_already": "Dywedoch wrthym eich bod wedi darllen hwn ar {when}. Diolch.",
        "ended": "Mae'r ddolen hon wedi dod i ben. Holwch eich gweithiwr cymorth os oes angen i chi wybod mwy.",
    },
}


@dataclass(frozen=True)
class Notice:
    """What a notice says, before it is put into words."""

    what: str  # moved | off | place | reminder | window
    starts_at: dt.datetime | None
    window_start: dt.date | None
    court_name: str
    court_town: str


def when_words(notice: Notice, language: str) -> str:
    """'Tue 12 Jan, 10:00' (a fixed time) or 'the week of Mon 11 Jan' (a warned list), in the language."""
    locale = BABEL_LOCALES.get(language, "en_GB")
    if notice.starts_at is not None:
        local = notice.starts_at.astimezone(LONDON)
        return f"{format_date(local.date(), 'EEE d MMM', locale=locale)}, {format_time(local.time(), 'HH:mm', locale=locale)}"
    if notice.window_start is not None:
        day = format_date(notice.window_start, "EEE d MMM", locale=locale)
        return f"the week of {day}" if language == "en" else f"wythnos {day}"
    return ""


def words(notice: Notice, *, language: str, discretion: str, link: str, worker: str, urgent: bool) -> str:
    language = language if language in {"en", "cy"} else "en"
    discretion = discretion if discretion in {"discreet", "standard"} else "discreet"
    text = TEXTS[(language, discretion, notice.what)].format(
        when=when_words(notice, language),
        town=notice.court_town,
        court=notice.court_name,
        link=link,
        worker=worker,
    )
    return (URGENT[language] + text) if urgent else text


def subject(language: str, worker: str) -> str:
    return SUBJECTS.get(language, SUBJECTS["en"]).format(worker=worker)


def page_words(language: str) -> dict[str, str]:
    return PAGE.get(language, PAGE["en"])
