"""What the outcome, support plan and closing forms and API bodies accept. One definition per input."""

from __future__ import annotations

from courtjourney.debrief.rules import RESULTS, SENTENCES
from courtjourney.i18n import N_
from courtjourney.web.forms import Field

ULS_CHOICES = (("unknown", N_("Not known yet")), ("yes", N_("Yes")), ("no", N_("No")))
PLAN_KINDS = (
    ("emotional", N_("Emotional support")),
    ("compensation", N_("Criminal injuries compensation claim")),
    ("housing", N_("Housing or moving home")),
    ("schooling", N_("Brothers' and sisters' schooling")),
    ("prison_visit", N_("Wish to visit the offender in prison")),
    ("victim_contact", N_("Victim Contact Scheme")),
    ("parole", N_("Parole")),
    ("other", N_("Other support")),
)
PLAN_STATUSES = (
    ("planned", N_("Planned")),
    ("in_progress", N_("Under way")),
    ("done", N_("Done")),
    ("not_needed", N_("No longer needed")),
)
CLOSING_REASONS = (
    ("support_complete", N_("Support is complete")),
    ("family_ended", N_("The family asked to end support")),
    ("moved_away", N_("The family moved out of the area")),
    ("transferred", N_("Passed to another service")),
    ("other", N_("Other reason")),
)

# The months fields take any whole number the API can be sent (20 characters hold every 64-bit one), so
# that services._months, not a length limit, says what is wrong with one: "from 1 to 1200".
MONTHS_LENGTH = 20
OUTCOME = (
    Field(
        "proceeding_id",
        N_("Proceeding"),
        kind="uuid",
        required=False,
        hint=N_("Leave empty for no further action before any charge."),
    ),
    Field("charge_id", N_("Charge"), kind="uuid", required=False),
    Field("defendant", N_("Defendant (label or initials)"), required=False, max_length=60),
    Field("result", N_("Outcome"), kind="choice", choices=RESULTS),
    Field("decided_on", N_("Date of the verdict or decision"), kind="date", not_after_today=True),
    Field("sentence_type", N_("Sentence"), kind="choice", choices=SENTENCES, required=False),
    Field(
        "custody_months",
        N_("Length of the prison or suspended sentence, in months"),
        required=False,
        max_length=MONTHS_LENGTH,
        hint=N_("For example, 30 for two and a half years."),
    ),
    Field("sentence_on", N_("Date of sentence"), kind="date", required=False, not_after_today=True),
    Field("offender_under_18", N_("The offender was under 18 when convicted"), kind="bool", required=False),
    Field(
        "particular_concern",
        N_("Sentenced as an offender of particular concern"),
        kind="bool",
        required=False,
    ),
    Field(
        "life_maximum",
        N_("The offence has a maximum of life (this can change the release point)"),
        kind="bool",
        required=False,
    ),
    Field(
        "uls_eligible",
        N_("The offence is covered by the Unduly Lenient Sentence scheme"),
        kind="choice",
        choices=ULS_CHOICES,
        required=False,
        hint=N_("Ask the CPS or witness care if you are not sure."),
    ),
    Field("restraining_order", N_("A restraining order was made"), kind="bool", required=False),
    Field(
        "restraining_order_months",
        N_("How long the restraining order lasts, in months"),
        required=False,
        max_length=MONTHS_LENGTH,
        hint=N_("Leave empty if it lasts until the court changes it."),
    ),
    Field("shpo", N_("A sexual harm prevention order was made"), kind="bool", required=False),
    Field(
        "discharge_months",
        N_("Length of a conditional discharge, in months"),
        required=False,
        max_length=MONTHS_LENGTH,
    ),
    Field(
        "reported_on",
        N_("Date it was first reported to the police"),
        kind="date",
        required=False,
        not_after_today=True,
        hint=N_("Needed for the compensation deadline."),
    ),
    Field(
        "parole_decision_on",
        N_("Date of a Parole Board decision"),
        kind="date",
        required=False,
        not_after_today=True,
    ),
    Field("notes", N_("Notes"), kind="longtext", required=False, max_length=5000),
)
OUTCOME_KEYS = tuple(f.name for f in OUTCOME)

PLAN_ITEM = (
    Field("kind", N_("Kind of support"), kind="choice", choices=PLAN_KINDS),
    Field(
        "owner",
        N_("Who will do it"),
        max_length=120,
        hint=N_("A name or a role, for example: IPSW, or Mum with the IPSW."),
    ),
    Field("due_on", N_("Due date"), kind="date", required=False),
    Field("status", N_("Status"), kind="choice", choices=PLAN_STATUSES),
    Field("details", N_("Details"), kind="longtext", required=False, max_length=2000),
)

REVIEWS = (
    Field(
        "start_on",
        N_("Plan starts on"),
        kind="date",
        hint=N_("Reviews fall 1, 3, 6 and 9 months after this day."),
    ),
)

CHILD_ATTENDANCE_CHOICES = (
    ("gave_evidence", N_("Came and gave evidence")),
    ("attended", N_("Came, but did not give evidence that day")),
    ("did_not_attend", N_("Did not come")),
)
CHILD_ATTENDANCE = (
    Field(
        "attended", N_("Did the child come to this hearing?"), kind="choice", choices=CHILD_ATTENDANCE_CHOICES
    ),
    Field(
        "note",
        N_("Why, or what helped"),
        kind="longtext",
        required=False,
        max_length=2000,
        hint=N_("For example: too frightened after threats; the live link helped."),
    ),
)

#: Why a case opened in error is deleted: codes only, so nothing written about the case outlives it.
OPENED_IN_ERROR = (
    ("duplicate", N_("Opened twice: the family already has a case")),
    ("wrong_family", N_("Opened for the wrong family")),
    ("not_accepted", N_("Opened before the referral was accepted")),
    ("practice", N_("A practice or test case")),
)
DELETE_CASE = (
    Field("reason_kind", N_("Why is this case being deleted?"), kind="choice", choices=OPENED_IN_ERROR),
    Field(
        "understood",
        N_("I understand that everything recorded on this case is deleted for good"),
        kind="bool",
    ),
)

CLOSE = (
    Field("reason_kind", N_("Why support is ending"), kind="choice", choices=CLOSING_REASONS),
    Field("reason", N_("In your own words"), kind="longtext", required=False, max_length=2000),
    Field("closed_on", N_("Date support ended"), kind="date", not_after_today=True),
)
