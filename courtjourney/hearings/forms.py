"""What the proceeding, hearing and calendar forms and API bodies accept. One definition per input."""

from __future__ import annotations

from courtjourney.hearings import rules
from courtjourney.i18n import N_
from courtjourney.web.forms import Field

COURT_TYPES = (
    ("magistrates", N_("Magistrates' court")),
    ("youth", N_("Youth court")),
    ("crown", N_("Crown Court")),
)
CHARGE_CATEGORIES = (
    ("sexual", N_("Sexual offence")),
    ("violent", N_("Violent offence")),
    ("other", N_("Other offence")),
)
PROCEEDING_STATUSES = (
    ("active", N_("Going ahead")),
    ("concluded", N_("Finished")),
    ("discontinued", N_("Dropped by the prosecution")),
)
# Hearing types, listings and statuses are rules (rules.py, each with its source): the choices follow them.
HEARING_TYPES = tuple((t.key, t.label) for t in rules.HEARING_TYPES)
LISTINGS = tuple((row.key, row.label) for row in rules.LISTINGS)
HEARING_STATUSES = tuple((row.key, row.label) for row in rules.STATUSES)
NOT_HAPPENING = rules.NOT_HAPPENING
ATTENDANCE = (
    ("needed", N_("Needed at court")),
    ("attending", N_("Wants to go")),
    ("following", N_("Only follows it in their calendar")),
)
PRIVACY = (
    ("discreet", N_('Discreet: shows only "Appointment" and the town')),
    ("standard", N_('Standard: shows "Court hearing", the court and its address')),
)

COURT = (
    Field("court_name", N_("Court"), max_length=120, hint=N_("For example, Leeds Crown Court.")),
    Field(
        "court_town",
        N_("Town or city"),
        max_length=80,
        hint=N_("A discreet calendar shows only this, never the court's name."),
    ),
    Field("court_address", N_("Court address"), kind="longtext", required=False, max_length=300),
)

PROCEEDING = (
    *COURT,
    Field("court_type", N_("Type of court"), kind="choice", choices=COURT_TYPES),
    Field("urn", N_("Prosecution reference (URN)"), required=False, max_length=40),
    Field(
        "defendants",
        N_("Defendants"),
        kind="longtext",
        required=False,
        max_length=600,
        hint=N_("Labels or initials only, one per line. For example: Defendant A."),
    ),
    Field("status", N_("Status"), kind="choice", choices=PROCEEDING_STATUSES),
)

CHARGE = (
    Field("description", N_("Charge"), kind="longtext", max_length=500),
    Field("category", N_("Kind of offence"), kind="choice", choices=CHARGE_CATEGORIES),
    Field("defendant", N_("Defendant (label or initials)"), required=False, max_length=60),
)

HEARING_WHEN = (
    Field("hearing_type", N_("Type of hearing"), kind="choice", choices=HEARING_TYPES),
    Field("listing", N_("How it is listed"), kind="choice", choices=LISTINGS),
    Field("date", N_("Date"), kind="date", required=False, hint=N_("For a fixed or floating listing.")),
    Field(
        "start_time", N_("Start time"), kind="time", required=False, hint=N_("UK time, for example 10:00.")
    ),
    Field("end_time", N_("Expected end time"), kind="time", required=False),
    Field(
        "window_start",
        N_("Warned list: first day"),
        kind="date",
        required=False,
        hint=N_("For a warned list: often the Monday of the week it starts."),
    ),
    Field("window_end", N_("Warned list: last day"), kind="date", required=False),
)
HEARING_WHERE = (*COURT, Field("courtroom", N_("Courtroom"), required=False, max_length=40))
HEARING_STATUS = (
    Field("status", N_("Status"), kind="choice", choices=HEARING_STATUSES),
    Field(
        "status_reason",
        N_("Why (for adjourned, vacated, cancelled or ineffective)"),
        kind="longtext",
        required=False,
        max_length=1000,
    ),
)
HEARING_CARE = (
    Field("accompanied_by", N_("Who goes with the family"), required=False, max_length=200),
    Field(
        "arrival_notes",
        N_("Arriving at court"),
        kind="longtext",
        required=False,
        max_length=2000,
        hint=N_("Which entrance, where to wait, who meets them."),
    ),
)
KNOWN = (
    Field(
        "known_at",
        N_("When we learned of this"),
        kind="datetime",
        required=False,
        not_after_today=True,
        hint=N_("Leave empty for now."),
    ),
    Field(
        "told_at",
        N_("When the family was told"),
        kind="datetime",
        required=False,
        not_after_today=True,
        hint=N_("Leave empty if they have not been told yet."),
    ),
)
NEW_HEARING = (
    Field("proceeding_id", N_("Proceeding"), kind="uuid"),
    *HEARING_WHEN,
    *HEARING_WHERE,
    *HEARING_CARE,
    *KNOWN,
)
CHANGE_HEARING = (
    *HEARING_WHEN,
    *HEARING_WHERE,
    *HEARING_STATUS,
    *HEARING_CARE,
    Field(
        "reason",
        N_("Reason for the change"),
        kind="longtext",
        required=False,
        max_length=1000,
        hint=N_("In plain words, for the family. For example: the court had no judge free."),
    ),
    *KNOWN,
)
TOLD = (Field("told_at", N_("When the family was told"), kind="datetime", not_after_today=True),)
SUBSCRIBE = (
    Field("family_member_id", N_("Family member"), kind="uuid"),
    Field("privacy", N_("What the calendar shows"), kind="choice", choices=PRIVACY),
)
WORKER_FEED = (
    Field("privacy", N_("What the calendar shows"), kind="choice", choices=PRIVACY, required=False),
)

SPECIAL_MEASURES = (
    ("screens", N_("Screens")),
    ("live_link", N_("Live link")),
    ("evidence_in_private", N_("Evidence in private")),
    ("wigs_and_gowns", N_("Wigs and gowns taken off")),
    ("video_evidence", N_("Video-recorded evidence (the ABE interview)")),
    ("section_28", N_("Recorded cross-examination (Section 28)")),
    ("intermediary", N_("Intermediary")),
    ("communication_aids", N_("Communication aids")),
)
MEASURE_STATUSES = (("applied", N_("Applied for")), ("granted", N_("Granted")), ("refused", N_("Refused")))
SPECIAL_MEASURE = (
    Field("measure", N_("Special measure"), kind="choice", choices=SPECIAL_MEASURES),
    Field("status", N_("Status"), kind="choice", choices=MEASURE_STATUSES),
    Field(
        "notes",
        N_("Notes"),
        kind="longtext",
        required=False,
        max_length=1000,
        hint=N_("For an intermediary, their name. No details of the evidence."),
    ),
)
WITNESS_PACK = (
    Field("separate_entrance", N_("A separate entrance is arranged"), kind="bool", required=False),
    Field("separate_waiting", N_("A separate waiting area is arranged"), kind="bool", required=False),
    Field(
        "keep_apart",
        N_("People to keep apart from the family"),
        kind="longtext",
        required=False,
        max_length=500,
        hint=N_("Who, not why. For example: the defendant's family."),
    ),
    Field(
        "include_narratives",
        N_("Include what happened in each intimidation incident"),
        kind="bool",
        required=False,
        hint=N_("Leave this unticked unless the Witness Service needs it for the family's safety."),
    ),
)
