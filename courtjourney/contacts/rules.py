"""The kinds of contact an IPSW records, and the limits on when one can be dated (DOMAIN.md section 0:
visits twice a week, daily calls around court time, calls long after the trial)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from courtjourney.i18n import N_


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    #: False for an attempt that did not reach anyone to talk to: it needs no notes.
    connected: bool = True


KINDS: tuple[Kind, ...] = (
    Kind("call", N_("Phone call")),
    Kind("visit_home", N_("Visit at home")),
    Kind("visit_court", N_("Visit at court")),
    Kind("visit_elsewhere", N_("Visit somewhere else")),
    Kind("text_email", N_("Text or email")),
    Kind("video_call", N_("Video call")),
    Kind("court_with_family", N_("Went with them to court")),
    Kind("professionals_meeting", N_("Meeting with professionals about the family")),
    Kind("no_answer", N_("Tried to reach them: no answer"), connected=False),
    Kind("someone_else_answered", N_("Tried to reach them: someone else answered"), connected=False),
    Kind("not_safe_to_talk", N_("Tried to reach them: not safe to talk now"), connected=False),
    Kind("no_message_left", N_("Tried to reach them: left no message"), connected=False),
)
BY_KEY = {k.key: k for k in KINDS}
CHOICES: tuple[tuple[str, str], ...] = tuple((k.key, k.label) for k in KINDS)

#: How long one contact can last: a whole day at court is the longest.
MAX_MINUTES = 24 * 60
#: A contact written straight after it happened may carry the time on a phone a little ahead of ours.
FUTURE_GRACE = dt.timedelta(minutes=5)
#: Older than this is almost surely a mistyped year; support lasts years, but not this many.
OLDEST = dt.timedelta(days=10 * 366)
#: A follow-up due further ahead than this is almost surely a mistyped year.
FURTHEST_FOLLOW_UP = dt.timedelta(days=2 * 366)


def is_kind(key: str | None) -> bool:
    return key in BY_KEY


def needs_notes(kind: str) -> bool:
    """A contact that connected needs a line of notes; an attempt that did not connect needs none."""
    return BY_KEY[kind].connected


@dataclass(frozen=True)
class ContactStandard:
    """How many days a family may go without a contact that reached them, by the case's risk level."""

    high: int
    medium: int
    low: int

    def days_for(self, risk: str | None) -> int:
        """A case not assessed yet is held to the medium standard until it is."""
        return {"high": self.high, "low": self.low}.get(risk or "medium", self.medium)


#: The standard a team starts with; its manager may change it (the team page). Practice, not law: DOMAIN.md
#: section 0 (visits twice a week around court time, daily calls; calls long after the trial), issue 15.
CONTACT_STANDARD = ContactStandard(high=7, medium=14, low=28)
#: The longest a manager may set: beyond a year a family is not being supported.
MOST_DAYS = 365
#: Stages where the family is no longer being contacted, so they are never "not contacted".
NOT_CONTACTED_AFTER = frozenset({"closed"})
