"""The facts about hearings, as data: one row each, with where it comes from.

A source is a short citation: an Act and section, the Criminal Procedure Rules, a right of the
Victims' Code, a reference of shared/DOMAIN.md (in square brackets, as that file gives them) or of
shared/CALENDARS-AND-DOCUMENTS.md, or "courtjourney practice" where the choice is our own. The
forms, the briefing, the Witness Service pack, the calendars and the telling measure read these
rows; nothing else spells out a hearing type, a status or a number of days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from courtjourney import law
from courtjourney.i18n import N_

PRACTICE = "courtjourney practice"


@dataclass(frozen=True)
class HearingType:
    """One kind of hearing: what it is called, whether the child gives evidence at it, what the
    family's briefing says happens there. A calendar shows its label (never in a discreet feed)."""

    key: str
    label: str  # N_-marked; what the forms, the story and a standard or worker's calendar show
    witnesses_give_evidence: bool  # so the Witness Service pack applies, and debrief asks if the child came
    what_happens: str  # N_-marked; the briefing's "What happens at this hearing"
    source: str


HEARING_TYPES: tuple[HearingType, ...] = (
    HearingType(
        "first_appearance",
        N_("First appearance"),
        False,
        N_(
            "This is the first time the person accused goes to court. The court checks who they are. "
            "It decides where the case will be heard and if they can stay out of prison until then."
        ),
        "DOMAIN.md §1 [A1]: every case starts in the magistrates' court",
    ),
    HearingType(
        "preliminary",
        N_("Preliminary hearing"),
        False,
        N_("This is a short hearing to plan the case. The judge sets dates for the next steps."),
        "DOMAIN.md §1 [A5] (unconfirmed): within 10 business days, where needed",
    ),
    HearingType(
        "ptph",
        N_("Plea and trial preparation hearing"),
        False,
        N_(
            "The person accused says if they are guilty or not guilty. If they say not guilty, the judge sets the date of the trial."
        ),
        "DOMAIN.md §1 [A4][A6][A7]: the plea; a not-guilty plea gets a trial date",
    ),
    HearingType(
        "mention",
        N_("Mention"),
        False,
        N_("This is a short hearing to check how the case is going. Witnesses do not go."),
        "DOMAIN.md §1 [A8][A9]: short administrative hearing, no witnesses",
    ),
    HearingType(
        "ground_rules",
        N_("Ground rules hearing"),
        False,
        N_(
            "The judge and the lawyers agree how your child will be asked questions. "
            "They agree on breaks, on how long it takes, and on the kind of questions. "
            "Your child does not need to be there."
        ),
        "DOMAIN.md §1 [A10]: expected with every vulnerable witness (Court of Appeal 2014)",
    ),
    HearingType(
        "section_28",
        N_("Recorded cross-examination (Section 28)"),
        True,
        N_(
            "Your child answers the lawyers' questions on video before the trial. "
            "The video is shown at the trial, so your child usually does not need to go to the trial."
        ),
        "Youth Justice and Criminal Evidence Act 1999 s.28; DOMAIN.md §1 [A11]",
    ),
    HearingType(
        "trial",
        N_("Trial"),
        True,
        N_(
            "The court hears the evidence and decides if the person accused is guilty. "
            "A trial can last several days. Your child may only be needed for part of one day."
        ),
        "DOMAIN.md §1 [A12][A13]: fixtures and warned lists",
    ),
    HearingType(
        "sentencing",
        N_("Sentencing"),
        False,
        N_(
            "The judge decides the sentence. Your Victim Personal Statement can be read out. "
            "You can ask to read it yourself."
        ),
        "DOMAIN.md §1 [B1][B2][B3]: the Victim Personal Statement at sentence",
    ),
    HearingType(
        "appeal",
        N_("Appeal"),
        False,
        N_("A higher court looks at the case again. The Witness Care Unit will tell you what happens."),
        "Criminal Appeal Act 1968 s.18; DOMAIN.md §1 [A16][A17][A18]",
    ),
    HearingType(
        "other",
        N_("Other hearing"),
        False,
        N_("Your support worker will explain what this hearing is for."),
        PRACTICE,
    ),
)
TYPES = {t.key: t for t in HEARING_TYPES}
#: What a briefing says of a hearing whose type has no row (none today): the words for "other".
FALLBACK_TYPE = "other"
#: The hearings at which the child gives evidence (a trial, or its recorded cross-examination).
WITNESS_HEARINGS = tuple(t.key for t in HEARING_TYPES if t.witnesses_give_evidence)


def witness_pack_applies(hearing_type: str) -> bool:
    """A Witness Service pack is for a hearing at which the child gives evidence."""
    return hearing_type in WITNESS_HEARINGS


@dataclass(frozen=True)
class Listing:
    """How a hearing is listed, and how a calendar shows it: a fixed time, or an all-day window."""

    key: str
    label: str
    calendar_status: str  # iCalendar STATUS while it is going ahead (RFC 5545 §3.8.1.11)
    all_day_window: bool  # shown as all-day events over its first..last day, not at a time
    source: str


LISTINGS: tuple[Listing, ...] = (
    Listing("fixed", N_("Fixed date and time"), "CONFIRMED", False, "DOMAIN.md §1 [A12]: a fixture"),
    Listing(
        "warned",
        N_("Warned list (a window of dates)"),
        "TENTATIVE",
        True,
        "DOMAIN.md §1 [A12][A13]: may start any day in the window; notice the afternoon before",
    ),
    Listing(
        "floating",
        N_("Fixed floating (date fixed, courtroom on the day)"),
        "TENTATIVE",
        False,
        "DOMAIN.md §1 [A14][A15]: may be adjourned if no courtroom is free",
    ),
)
LISTING = {row.key: row for row in LISTINGS}


@dataclass(frozen=True)
class Status:
    """Where a hearing stands. `happening` False: it will not go ahead at its listed time."""

    key: str
    label: str
    happening: bool
    calendar_status: str | None  # what a calendar shows; None: as its listing shows (fixed or tentative)
    source: str


STATUSES: tuple[Status, ...] = (
    Status("listed", N_("Listed"), True, None, PRACTICE),
    Status("moved", N_("Moved"), True, None, PRACTICE),
    Status(
        "adjourned", N_("Adjourned"), False, "CANCELLED", "DOMAIN.md §1 [A12][A14]: not reached, or adjourned"
    ),
    Status("vacated", N_("Vacated"), False, "CANCELLED", PRACTICE),
    Status("cancelled", N_("Cancelled"), False, "CANCELLED", PRACTICE),
    # Done: no longer tentative, whatever its listing was.
    Status("completed", N_("Completed"), True, "CONFIRMED", PRACTICE),
    Status(
        "ineffective",
        N_("Ineffective (did not go ahead on the day)"),
        False,
        "CANCELLED",
        "DOMAIN.md §1 [A15]: ineffective-trial reason codes",
    ),
)
STATUS = {row.key: row for row in STATUSES}
#: Statuses under which the hearing will not happen at its listed time: feeds show them as CANCELLED.
NOT_HAPPENING = frozenset(row.key for row in STATUSES if not row.happening)


@dataclass(frozen=True)
class SequenceRule:
    """Whether a change to these fields raises the hearing's calendar SEQUENCE."""

    fields: tuple[str, ...]
    raises_sequence: bool
    source: str


CALENDAR_RFC = "RFC 5545 §3.8.7.4; shared/CALENDARS-AND-DOCUMENTS.md point 3"
SEQUENCE_RULES: tuple[SequenceRule, ...] = (
    SequenceRule(("listing", "starts_at", "ends_at", "window_start", "window_end"), True, CALENDAR_RFC),
    SequenceRule(("court_name", "court_town", "court_address", "courtroom"), True, CALENDAR_RFC),
    SequenceRule(("status",), True, CALENDAR_RFC),
    # Words only: a calendar app need not replace its copy for them (the feed's bytes still change).
    SequenceRule(("hearing_type", "status_reason", "accompanied_by", "arrival_notes"), False, PRACTICE),
)


@dataclass(frozen=True)
class Days:
    """A length of time, with where it comes from."""

    days: int
    source: str

    @property
    def delta(self) -> dt.timedelta:
        return dt.timedelta(days=self.days)


#: The longest warned-list window a hearing may be given (the form refuses a longer one).
WARNED_WINDOW_LONGEST = Days(28, PRACTICE + ": four weeks, twice the usual window")
#: How long a warned list usually runs (for reference: nothing fills it in; the longest above is twice it).
WARNED_WINDOW_USUAL = Days(14, "DOMAIN.md §1 [A12][A13]: a window of usually 2 weeks")
#: How long a cancelled hearing stays in a feed, struck through, before it is dropped.
CANCELLED_KEPT_FOR = Days(
    14, PRACTICE + "; shared/CALENDARS-AND-DOCUMENTS.md point 5: keep CANCELLED for a grace period"
)


@dataclass(frozen=True)
class TellingStandard:
    """How soon the family should hear of a hearing's time, date or place, or of a change to it."""

    within_working_days: int
    source: str


#: The law's row for Right 8 (law.py): it applies to every victim, not only those entitled to the enhanced
#: service, and is chosen by the day we learned of the hearing or its change.
TELLING_RULE = "vc.hearing_told_working_days"


@lru_cache(maxsize=4096)
def telling_standard(known_on: dt.date) -> TellingStandard:
    """The telling standard in force on the day we learned of a hearing or its change (kept once found:
    the team page and the quarterly report ask it for every change of a team's cases)."""
    answer = law.at(TELLING_RULE, known_on)
    return TellingStandard(answer.number, answer.row.cite())


@dataclass(frozen=True)
class Shown:
    """What a document about a hearing shows of it (`kinds`: ProducedDocument kinds). When any of
    `fields` is different now from when the document was made, the document is out of date."""

    what: str  # time | place | courtroom | hearing_type | arrival | status: picks the words of the reason
    fields: tuple[str, ...]
    kinds: frozenset[str]
    source: str


BOTH = frozenset({"briefing", "witness_pack"})
BRIEFING_ONLY = frozenset({"briefing"})
#: Read from the documents themselves (hearings/briefings.py): the briefing's When, Where, What happens
#: and When you arrive; the pack's first lines. Neither shows the expected end time or the reason a
#: status was given (`status_reason`), so changing those alone leaves both as they are.
SHOWN: tuple[Shown, ...] = (
    Shown(
        "time",
        ("listing", "starts_at", "window_start", "window_end"),
        BOTH,
        "briefings.py: the briefing's When, the pack's first line; Victims' Code Right 8 (time, date, place)",
    ),
    Shown(
        "place",
        ("court_name", "court_town", "court_address"),
        BOTH,
        "briefings.py: the briefing's Where, the pack's second line; Victims' Code Right 8",
    ),
    Shown("courtroom", ("courtroom",), BRIEFING_ONLY, "briefings.py: the briefing's Where"),
    Shown(
        "hearing_type",
        ("hearing_type",),
        BOTH,
        "briefings.py: the briefing's title and What happens, the pack's first line",
    ),
    Shown(
        "arrival",
        ("arrival_notes", "accompanied_by"),
        BRIEFING_ONLY,
        "briefings.py: the briefing's When you arrive",
    ),
    # Only whether the hearing goes ahead: both are made only for one that does (briefing_context
    # refuses otherwise), and "moved" or "completed" does not make what they say wrong.
    Shown("status", ("status",), BOTH, PRACTICE + "; Status.happening above"),
)
