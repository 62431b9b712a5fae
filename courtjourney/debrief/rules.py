"""After the verdict, as data: the sentence explainer tables and the deadline rules.

No database and no HTTP here, so every row and every rule can be read and tested on its own.
Each table row and each deadline carries its source (shared/DOMAIN.md section 3, with the
reference letters used there). Rows marked `check=True` come from secondary sources or depend
on facts we often do not hold (which schedule an offence is in): they say so to the reader.

Words meant for families are marked with N_ and translated where they are shown.
When a rule lacks the data it needs it says what is missing instead of guessing a date; when a
rule does not apply to an outcome at all, `deadline()` raises RuleDoesNotApply with the reason.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from courtjourney import law
from courtjourney.errors import RuleDoesNotApply
from courtjourney.i18n import N_
from courtjourney.workdays import add_working_days, is_working_day

# --- what an outcome can be -------------------------------------------------------------------

RESULTS = (
    ("guilty_plea", N_("Pleaded guilty")),
    ("convicted", N_("Found guilty")),
    ("acquitted", N_("Found not guilty")),
    ("hung_jury", N_("The jury could not agree")),
    ("retrial_ordered", N_("A new trial was ordered")),
    ("discontinued", N_("The prosecution was dropped")),
    ("no_evidence", N_("The prosecution offered no evidence")),
    ("no_further_action", N_("No further action (no charge)")),
)
CONVICTED = frozenset({"guilty_plea", "convicted"})
NOT_PROSECUTED = frozenset({"discontinued", "no_evidence", "no_further_action"})

SENTENCES = (
    ("custody", N_("Prison or youth detention")),
    ("suspended", N_("Suspended sentence")),
    ("community_order", N_("Community order")),
    ("yro", N_("Youth rehabilitation order")),
    ("hospital_order", N_("Hospital order")),
    ("restricted_hospital_order", N_("Hospital order with restrictions")),
    ("fine", N_("Fine")),
    ("conditional_discharge", N_("Conditional discharge")),
    ("absolute_discharge", N_("Absolute discharge")),
)


@dataclass(frozen=True)
class Source:
    ref: str  # the letter-number in shared/DOMAIN.md
    cite: str  # where a reviewer checks it


SOURCES = {
    "A16": Source(
        "A16", "Criminal Procedure Rules 2020 r.39.2; legislation.gov.uk/uksi/2010/60/article/68.2"
    ),
    "A17": Source(
        "A17",
        "Criminal Procedure Rules r.34.2: appeal to the Crown Court within 15 business days of sentence",
    ),
    "D8": Source(
        "D8",
        "Code of Practice for Victims of Crime 2020, Right 8: the time, date and place of any hearing within 1 "
        "working day (Victims' Code summaries: Bedfordshire PCC, casns.org.uk)",
    ),
    "D11": Source("D11", "Code of Practice for Victims of Crime 2020, Right 11 (Victim Contact Scheme)"),
    "D12": Source("D12", "gov.uk Victim Contact Scheme guidance"),
    "D13": Source("D13", "Parole Board Rules 2019 r.28: reconsideration within 21 days of the decision"),
    "D14": Source(
        "D14", "CPS Victims' Right to Review scheme (lighthousevictimcare.org; eventumlegal VRR guide)"
    ),
    "D17": Source("D17", "Criminal Justice Act 1988 s.36 and Sch 3 para 1: 28 days, no extension"),
    "D22": Source("D22", "Criminal Injuries Compensation Scheme 2012 paras 87-89"),
    "D26": Source(
        "D26", "Criminal Justice Act 2003 s.244 and s.244ZA (legislation.gov.uk/ukpga/2003/44/section/244ZA)"
    ),
    "D28": Source("D28", "SDS40 early release from 10 September 2024 (levysolicitors SDS40 summary)"),
    "D29": Source("D29", "Sentencing Act 2020 s.278 and Sch 13 (offenders of particular concern)"),
    "D31": Source("D31", "Sexual Offences Act 2003 s.82 (legislation.gov.uk/ukpga/2003/42/section/82)"),
    "D37": Source(
        "D37",
        "Sentencing Act 2020 s.360; Protection from Harassment Act 1997 s.5A; cps.gov.uk restraining orders",
    ),
    "G1": Source(
        "G1",
        "Criminal Justice Act 1988 Sch 3 para 1, ss.35-36 and the Reviews of Sentencing Order: the 28 days "
        "run from sentence whatever is known about eligibility",
    ),
    "G3": Source(
        "G3",
        "Criminal Injuries Compensation Scheme 2012 para 88 (an application made before the 20th birthday); "
        "Government response on the CICS consultations, April 2025",
    ),
    "G4": Source(
        "G4",
        "Parole Board Rules 2019 r.28; gov.uk 'Apply for a parole decision to be reconsidered': only the "
        "prisoner or the Secretary of State may apply",
    ),
    "G5": Source("G5", "CPS Victims' Right to Review guidance; NPCC police Victims' Right to Review scheme"),
    "G6": Source(
        "G6",
        "Criminal Appeal Act 1968 s.18 (legislation.gov.uk/ukpga/1968/19/section/18); SI 2020/759 r.39.2",
    ),
    "G7": Source("G7", "SI 2024/844 arts 1-3, Schedule and explanatory note (SDS40)"),
    "G8": Source(
        "G8", "Police, Crime, Sentencing and Courts Act 2022 s.130; MoJ 'Annex A: in-scope offences'"
    ),
    "G9": Source("G9", "Sentencing Act 2026 ss.7, 23, 49 and MoJ factsheets"),
    "G12": Source("G12", "Sexual Offences Act 2003 ss.80, 82 and Sch 3"),
    "G11": Source(
        "G11",
        "SI 2024/1067: breach of a restraining order, 12 months in the magistrates' court from 18 Nov 2024; "
        "Protection from Harassment Act 1997 s.5A",
    ),
}


def source(ref: str) -> str:
    s = SOURCES[ref]
    return f"[{s.ref}] {s.cite}"


# --- dates ------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; when that month is shorter, its last day (30 Nov + 3 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def anniversary(day: dt.date, years: int) -> dt.date:
    """`years` after `day`. 29 February becomes 28 February in a common year: for a deadline,
    the earlier day, so a family relying on it is never a day late."""
    return add_months(day, 12 * years)


# --- the explainer tables -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReleaseRule:
    key: str
    applies: str  # for the worker: when this row applies
    explains: str  # for the family, plain words (N_)
    source: str
    check: bool = False


RELEASE_RULES: tuple[ReleaseRule, ...] = (
    ReleaseRule(
        "halfway",
        "standard determinate sentence",
        N_("Most people in prison are released halfway through the sentence."),
        "D26",
    ),
    ReleaseRule(
        "two_thirds_7y",
        "7 years or more, Sch 15 Part 1 or 2 offence with a life maximum, sentenced on or after 1 April 2020",
        N_("For this sentence the person should stay in prison for two-thirds of it."),
        "D26",
    ),
    ReleaseRule(
        "two_thirds_4y_sexual",
        "4 to under 7 years, Part 2 sexual offence with a life maximum, sentenced on or after 28 June 2022",
        N_("For this sentence the person should stay in prison for two-thirds of it."),
        "D26",
    ),
    ReleaseRule(
        "sds40",
        "standard determinate sentence for an offence outside the Sexual Offences Act 2003, sentenced on or after 10 September 2024",
        N_("Some people are now released after 40% of the sentence. This never applies to sexual offences."),
        "D28",
        check=True,
    ),
    ReleaseRule(
        "particular_concern",
        "offender of particular concern",
        N_(
            "The Parole Board decides when the person can leave prison. It will be between halfway and the end of the prison part. "
            "There is always at least one more year on licence after that."
        ),
        "D29",
    ),
)
RELEASE = {r.key: r for r in RELEASE_RULES}
#: The law row (courtjourney/law.py) that gives each release row its fraction and its start date.
RELEASE_LAW = {
    "halfway": "release.standard",
    "two_thirds_7y": "release.two_thirds_7y",
    "two_thirds_4y_sexual": "release.two_thirds_4y",
    "sds40": "release.sds40",
    "particular_concern": "release.particular_concern",
}
law.used(*RELEASE_LAW.values(), "release.months_4y", "release.months_7y")

LICENCE = (
    N_(
        "After release the person is on licence until the end of the sentence. "
        "They must follow rules, such as where they live and who they must not contact. "
        "If they break the rules they can be sent back to prison."
    ),
    "D26",
)


@dataclass(frozen=True)
class NotificationRow:
    """One row of the sex offender notification table (Sexual Offences Act 2003 s.82)."""

    key: str  # its periods are the law rows notify.<key>.adult and notify.<key>.under_18
    when: str  # for the worker
    source: str = "D31"


NOTIFICATION_TABLE: tuple[NotificationRow, ...] = (
    NotificationRow("30m_plus", "custody of 30 months or more, life, IPP, or a restricted hospital order"),
    NotificationRow("6_to_30m", "custody of more than 6 months and less than 30 months"),
    NotificationRow("up_to_6m", "custody of 6 months or less, or a hospital order without restrictions"),
    NotificationRow("caution", "a caution", "G12"),
    NotificationRow("conditional_discharge", "a conditional discharge"),
    NotificationRow("other", "any other sentence, such as a fine or community order"),
)
NOTIFICATION = {r.key: r for r in NOTIFICATION_TABLE}
law.used(*(f"notify.{r.key}.{age}" for r in NOTIFICATION_TABLE for age in ("adult", "under_18")))
law.used("notify.review_years.adult", "notify.review_years.under_18")


def review_years(under_18: bool | None, on: dt.date | None = None) -> int:
    """After how many years indefinite notification can be reviewed."""
    return law.at(f"notify.review_years.{'under_18' if under_18 else 'adult'}", on).number


RESTRAINING_ORDER = (
    N_(
        "A restraining order is a court order. It tells the person not to contact you or your child, or not to go to certain places. "
        "It can last for a set time or until the court changes it. "
        "Breaking it is a crime: up to %(crown)d years in prison in the Crown Court, or %(magistrates)d months in the magistrates' court. "
        "Tell the police at once if it is broken."
    ),
    "G11",
)
law.used("ro.breach_crown_years", "ro.breach_magistrates_months")


def restraining_order_values(on: dt.date | None = None) -> dict[str, int]:
    """The figures RESTRAINING_ORDER's words need, from the law rows in force on `on` (today)."""
    return {
        "crown": law.at("ro.breach_crown_years", on).number,
        "magistrates": law.at("ro.breach_magistrates_months", on).number,
    }


SHPO = (
    N_(
        "A sexual harm prevention order puts limits on what the person can do, to protect children. "
        "Breaking it is a crime. Tell the police at once if you think it has been broken."
    ),
    "D31",
)


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one outcome, all optional: a rule says what it lacks."""

    result: str
    court_type: str | None = None  # magistrates | youth | crown
    category: str | None = None  # sexual | violent | other
    decided_on: dt.date | None = None  # verdict, plea or decision not to prosecute
    sentence_type: str | None = None
    custody_months: int | None = None
    sentence_on: dt.date | None = None
    offender_under_18: bool | None = None
    particular_concern: bool = False
    life_maximum: bool | None = None  # offence with a maximum of life, in Sch 15 (two-thirds rules)
    uls_eligible: bool | None = None  # offence on the Unduly Lenient Sentence list
    restraining_order: bool = False
    restraining_order_months: int | None = None  # None with an order: until further order
    shpo: bool = False
    discharge_months: int | None = None
    parole_decision_on: dt.date | None = None
    child_birth_date: dt.date | None = None
    reported_on: dt.date | None = None  # first reported to the police


def release_rule(f: Facts) -> ReleaseRule | None:
    """Which release row applies to a custodial sentence (None for any other sentence)."""
    if f.sentence_type != "custody":
        return None
    if f.particular_concern:
        return RELEASE["particular_concern"]
    months, on = f.custody_months or 0, f.sentence_on
    four, seven = law.at("release.months_4y", on).number, law.at("release.months_7y", on).number
    if f.life_maximum and on is not None:
        if months >= seven and law.find("release.two_thirds_7y", on):
            return RELEASE["two_thirds_7y"]
        if f.category == "sexual" and four <= months < seven and law.find("release.two_thirds_4y", on):
            return RELEASE["two_thirds_4y_sexual"]
    if f.category != "sexual" and on is not None and law.find("release.sds40", on):
        return RELEASE["sds40"]
    return RELEASE["halfway"]


def release_law(f: Facts) -> law.Answer | None:
    """The law row behind the release point, with any enacted change not yet confirmed in force."""
    rule = release_rule(f)
    return law.at(RELEASE_LAW[rule.key], f.sentence_on) if rule else None


def likely_release(f: Facts) -> dt.date | None:
    """The earliest likely release day from the sentence date (time on remand not counted)."""
    answer = release_law(f)
    if answer is None or f.sentence_on is None or not f.custody_months:
        return None
    share = answer.fraction
    days = (add_months(f.sentence_on, f.custody_months) - f.sentence_on).days
    return f.sentence_on + dt.timedelta(days=days * share.numerator // share.denominator)


def notification_row(f: Facts) -> NotificationRow | None:
    """Which notification row applies: only to sexual offence convictions."""
    if f.category != "sexual" or f.result not in CONVICTED or f.sentence_type is None:
        return None
    if f.sentence_type == "restricted_hospital_order":
        return NOTIFICATION["30m_plus"]
    if f.sentence_type == "hospital_order":
        return NOTIFICATION["up_to_6m"]
    if f.sentence_type in {"custody", "suspended"} and f.custody_months:
        if f.custody_months >= 30:
            return NOTIFICATION["30m_plus"]
        if f.custody_months > 6:
            return NOTIFICATION["6_to_30m"]
        return NOTIFICATION["up_to_6m"]
    if f.sentence_type == "conditional_discharge":
        return NOTIFICATION["conditional_discharge"]
    return NOTIFICATION["other"]


def notification_period(
    row: NotificationRow,
    under_18: bool | None,
    discharge_months: int | None = None,
    on: dt.date | None = None,
) -> str | int | None:
    """'indefinite', a number of months, or None when a discharge's length is not recorded."""
    value = law.at(f"notify.{row.key}.{'under_18' if under_18 else 'adult'}", on).value
    if value == "indefinite":
        return "indefinite"
    if value == "discharge":
        return discharge_months
    assert isinstance(value, int)
    return value


# --- deadlines ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    key: str
    title: str  # N_ marked: what to do, for the task list and the family's letter
    rule: str  # N_ marked: the rule in one plain sentence, its figures as %(name)d from `values`
    source: str
    due: dt.date | None = None
    warn_on: dt.date | None = None
    later: dt.date | None = None  # a softer, later limit (VRR: accepted up to 3 months)
    missing: tuple[str, ...] = field(default_factory=tuple)  # N_ marked: what we need to know first
    # `due` is always the date the law sets. `act_by` is an earlier day the family should act by, when
    # there is one, and `act_by_reasons` say why (N_ marked): the day before a 20th birthday, a day to
    # ask the Victim Liaison Officer, the last working day before a weekend or bank holiday.
    act_by: dt.date | None = None
    act_by_reasons: tuple[str, ...] = field(default_factory=tuple)
    note: str | None = None  # N_ marked: something still being checked that does not move the date
    # The law rows (courtjourney/law.py) this answer used, and the figures its words take from them.
    rows: tuple[law.Row, ...] = field(default_factory=tuple)
    values: dict[str, int] = field(default_factory=dict)

    @property
    def known(self) -> bool:
        return self.due is not None and not self.missing

    @property
    def act_on(self) -> dt.date | None:
        """The day to act by: `act_by` when there is one, else the law's date."""
        return self.act_by or self.due

    def say(self, text: str, gettext: Callable[[str], str]) -> str:
        """One of this deadline's N_-marked texts, translated, with its figures from the law rows."""
        return gettext(text) % self.values

    def rule_text(self, gettext: Callable[[str], str]) -> str:
        return self.say(self.rule, gettext)

    def reason_text(self, gettext: Callable[[str], str]) -> str | None:
        return " ".join(self.say(r, gettext) for r in self.act_by_reasons) or None

    def note_text(self, gettext: Callable[[str], str]) -> str | None:
        return self.say(self.note, gettext) if self.note else None


NOT_A_WORKING_DAY = N_(
    "That day is a weekend or bank holiday. Offices are closed, so act by the working day before it."
)


def acting(
    due: dt.date | None, earlier: dt.date | None = None, reason: str | None = None
) -> tuple[dt.date | None, tuple[str, ...]]:
    """The day to act by, and why, for a deadline the law sets on `due`: `earlier` (for `reason`) when
    the rule gives one, then, if that day is a weekend or bank holiday, the last working day before it.
    (None, ()) when the law's own date is a working day and nothing comes earlier."""
    if due is None:
        return None, ()
    day, reasons = (earlier, (reason,)) if earlier is not None and reason else (due, ())
    if not is_working_day(day):
        while not is_working_day(day):
            day -= dt.timedelta(days=1)
        reasons = (*reasons, NOT_A_WORKING_DAY)
    return (day, reasons) if reasons else (None, ())


def _need(**values: object) -> tuple[str, ...]:
    names = {
        "sentence_on": N_("the date of sentence"),
        "decided_on": N_("the date of the decision"),
        "court_type": N_("which court passed the sentence"),
        "category": N_("what kind of offence it was"),
        "custody_months": N_("the length of the prison sentence"),
        "uls_eligible": N_("whether the offence is one the Unduly Lenient Sentence scheme covers"),
        "child_birth_date": N_("the child's date of birth"),
        "reported_on": N_("the date it was first reported to the police"),
        "parole_decision_on": N_("the date of the Parole Board decision"),
    }
    return tuple(names[k] for k, v in values.items() if v is None)


law.used(
    "uls.days",
    "uls.warn_days",
    "vrr.prompt_working_days",
    "vrr.accepted_months",
    "vcs.min_custody_months",
    "vcs.referral_working_days",
    "vcs.contact_working_days",
    "cica.report_before_age",
    "cica.apply_before_age",
    "cica.years",
    "appeal.crown_days",
    "appeal.magistrates_working_days",
    "parole.reconsider_days",
    "parole.ask_vlo_days",
)


def unduly_lenient(f: Facts) -> Deadline:
    if f.result not in CONVICTED or f.sentence_type is None:
        raise RuleDoesNotApply(
            N_("The Unduly Lenient Sentence scheme is only for a sentence after a conviction.")
        )
    if f.court_type in {"magistrates", "youth"}:
        raise RuleDoesNotApply(
            N_(
                "The Unduly Lenient Sentence scheme only covers Crown Court sentences, not the magistrates' or youth court."
            )
        )
    if f.uls_eligible is False:
        raise RuleDoesNotApply(N_("This offence is not one the Unduly Lenient Sentence scheme covers."))
    # Whether the offence is covered does not move the date: the 28 days run from sentence regardless
    # and cannot be extended ([G1]), so an unknown eligibility never hides the deadline.
    days, warn = law.at("uls.days", f.sentence_on), law.at("uls.warn_days", f.sentence_on)
    missing = _need(sentence_on=f.sentence_on, court_type=f.court_type)
    due = f.sentence_on + dt.timedelta(days=days.number) if f.sentence_on else None
    act_by, reasons = acting(due)
    return Deadline(
        "uls",
        N_("Ask the Attorney General to review the sentence (Unduly Lenient Sentence scheme)"),
        N_(
            "The request must reach the Attorney General within %(days)d days of the sentence. There are no extensions."
        ),
        source("D17") + "; " + source("G1"),
        due=due,
        warn_on=due - dt.timedelta(days=warn.number) if due else None,
        missing=missing,
        act_by=act_by,
        act_by_reasons=reasons,
        note=N_(
            "We are still checking that this offence is covered. The %(days)d days run from the sentence "
            "whatever the answer, so do not wait for it."
        )
        if f.uls_eligible is None
        else None,
        rows=(days.row, warn.row),
        values={"days": days.number, "warn": warn.number},
    )


def right_to_review(f: Facts) -> Deadline:
    if f.result not in NOT_PROSECUTED:
        raise RuleDoesNotApply(
            N_("The Victims' Right to Review is for a decision not to charge or to drop the prosecution.")
        )
    prompt, accepted = (
        law.at("vrr.prompt_working_days", f.decided_on),
        law.at("vrr.accepted_months", f.decided_on),
    )
    missing = _need(decided_on=f.decided_on)
    due = add_working_days(f.decided_on, prompt.number) if f.decided_on else None
    later = add_months(f.decided_on, accepted.number) if f.decided_on else None
    return Deadline(
        "vrr",
        N_("Ask for a review of the decision (Victims' Right to Review)"),
        N_(
            "Ask within %(days)d working days for a quick review. A request is still accepted up to %(months)d months after the decision."
        ),
        source("D14"),
        due=due,
        later=later,
        missing=missing,
        rows=(prompt.row, accepted.row),
        values={"days": prompt.number, "months": accepted.number},
    )


def victim_contact(f: Facts) -> Deadline:
    if f.result not in CONVICTED or f.sentence_type is None:
        raise RuleDoesNotApply(N_("The Victim Contact Scheme starts after a sentence."))
    if f.category not in {"sexual", "violent", None}:
        raise RuleDoesNotApply(N_("The Victim Contact Scheme is for violent or sexual offences."))
    least = law.at("vcs.min_custody_months", f.sentence_on)
    referral = law.at("vcs.referral_working_days", f.sentence_on)
    contact = law.at("vcs.contact_working_days", f.sentence_on)
    hospital = f.sentence_type in {"hospital_order", "restricted_hospital_order"}
    too_short = f.sentence_type != "custody" or (
        f.custody_months is not None and f.custody_months < least.number
    )
    if not hospital and too_short:
        raise RuleDoesNotApply(
            N_(
                "The Victim Contact Scheme is for a prison sentence of %(months)d months or more, or a hospital order."
            ),
            {"months": least.number},
        )
    missing = _need(
        sentence_on=f.sentence_on, category=f.category, custody_months=0 if hospital else f.custody_months
    )
    due = add_working_days(f.sentence_on, referral.number) if f.sentence_on else None
    later = add_working_days(due, contact.number) if due else None
    return Deadline(
        "vcs",
        N_("Check the family has been referred to the Victim Contact Scheme"),
        N_(
            "Referral within %(days)d working days of the sentence. A Victim Liaison Officer should then get in touch within %(contact)d working days."
        ),
        source("D11"),
        due=due,
        later=later,
        missing=missing,
        rows=(least.row, referral.row, contact.row),
        values={"days": referral.number, "contact": contact.number, "months": least.number},
    )


def compensation(f: Facts) -> Deadline:
    # The Scheme looks at the date of birth for the age limits and the report date for the 2 years.
    before = law.at("cica.report_before_age", f.reported_on)
    by_age = law.at("cica.apply_before_age", f.child_birth_date)
    years = law.at("cica.years", f.reported_on)
    missing = _need(child_birth_date=f.child_birth_date, reported_on=f.reported_on)
    due: dt.date | None = None
    act_by: dt.date | None = None
    reasons: tuple[str, ...] = ()
    if not missing:
        assert f.child_birth_date and f.reported_on
        if f.reported_on < anniversary(f.child_birth_date, before.number):
            # The Scheme says an application made *before* the 20th birthday ([G3]): the birthday is
            # the law's date, and the last safe day is the one before it.
            due = anniversary(f.child_birth_date, by_age.number)
            act_by, reasons = acting(
                due,
                due - dt.timedelta(days=1),
                N_(
                    "The application must arrive before the child turns %(age)d. So the day before their birthday is the last safe day."
                ),
            )
        else:
            due = anniversary(f.reported_on, years.number)
            act_by, reasons = acting(due)
    return Deadline(
        "cica",
        N_("Apply for criminal injuries compensation"),
        N_(
            "Reported to the police before the child turned %(report)d: apply before they turn %(age)d. "
            "Reported later: within %(years)d years of the first report. Extensions are rare."
        ),
        source("D22") + "; " + source("G3"),
        due=due,
        missing=missing,
        act_by=act_by,
        act_by_reasons=reasons,
        rows=(before.row, by_age.row, years.row),
        values={"report": before.number, "age": by_age.number, "years": years.number},
    )


def defendant_appeal(f: Facts) -> Deadline:
    if f.result not in CONVICTED:
        raise RuleDoesNotApply(N_("A defendant can only appeal after a conviction."))
    on = f.sentence_on or f.decided_on
    if f.court_type == "crown":
        days = law.at("appeal.crown_days", on)
        due = on + dt.timedelta(days=days.number) if on else None
        rule, ref = (
            N_("The defendant has %(days)d days from the Crown Court's decision to ask the Court of Appeal."),
            "A16",
        )
    else:
        days = law.at("appeal.magistrates_working_days", on)
        due = add_working_days(on, days.number) if on and f.court_type else None
        rule, ref = (
            N_("The defendant has %(days)d working days from sentence to appeal to the Crown Court."),
            "A17",
        )
    missing = _need(court_type=f.court_type, sentence_on=on)
    return Deadline(
        "appeal",
        N_("Watch for an appeal by the defendant"),
        rule,
        source(ref),
        due=due,
        missing=missing,
        rows=(days.row,),
        values={"days": days.number},
    )


def parole_reconsideration(f: Facts) -> Deadline:
    if f.parole_decision_on is None:
        raise RuleDoesNotApply(N_("No Parole Board decision is recorded for this outcome."))
    days = law.at("parole.reconsider_days", f.parole_decision_on)
    ask = law.at("parole.ask_vlo_days", f.parole_decision_on)
    due = f.parole_decision_on + dt.timedelta(days=days.number)
    act_by, reasons = acting(
        due,
        f.parole_decision_on + dt.timedelta(days=ask.number),
        N_(
            "Only the prisoner or the government can ask for the decision to be looked at again. The family asks "
            "the government through their Victim Liaison Officer. The officer needs time to do this before the %(days)d days end."
        ),
    )
    return Deadline(
        "parole",
        N_("If the family wants the Parole Board's decision looked at again, ask the Victim Liaison Officer"),
        N_(
            "The Parole Board can be asked to look at its decision again. This must be done within %(days)d days of the decision."
        ),
        source("D13") + "; " + source("G4"),
        due=due,
        act_by=act_by,
        act_by_reasons=reasons,
        rows=(days.row, ask.row),
        values={"days": days.number},
    )


RULES: dict[str, Callable[[Facts], Deadline]] = {
    "uls": unduly_lenient,
    "vrr": right_to_review,
    "vcs": victim_contact,
    "cica": compensation,
    "appeal": defendant_appeal,
    "parole": parole_reconsideration,
}
RULE_NAMES = (
    ("uls", N_("Unduly Lenient Sentence scheme")),
    ("vrr", N_("Victims' Right to Review")),
    ("vcs", N_("Victim Contact Scheme")),
    ("cica", N_("Criminal injuries compensation")),
    ("appeal", N_("The defendant's appeal")),
    ("parole", N_("Parole Board reconsideration")),
)


def law_rows() -> list[tuple[law.Row, bool, Source | None]]:
    """Every law row, whether the code uses its rule, and its source as cited in SOURCES: the rules page."""
    return [(r, r.key in law.USED, SOURCES.get(r.source)) for r in law.ROWS]


def deadline(rule: str, f: Facts) -> Deadline:
    """One rule's deadline, or RuleDoesNotApply (also for a rule that does not exist)."""
    if rule not in RULES:
        raise RuleDoesNotApply(N_("There is no deadline rule with that name."))
    return RULES[rule](f)


def deadlines(f: Facts) -> list[Deadline]:
    """Every deadline that applies to this outcome, known or still missing data."""
    found = []
    for rule in RULES.values():
        try:
            found.append(rule(f))
        except RuleDoesNotApply:
            continue
    return found
