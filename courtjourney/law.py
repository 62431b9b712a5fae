"""The law's numbers as dated rows, in the style of OpenFisca's parameters.

Every figure a deadline or an explanation uses (a number of days, a release fraction, a notification
period, a threshold) is one `Row`: its rule key, its value, the law it comes from, the days it is in force,
whether it has been checked against the primary text, and whether its commencement is confirmed. A rule
asks `at(key, day)` with the day the law looks at (the sentence date, the decision date, the date of birth)
and gets back an `Answer`: the row in force that day, and any enacted change whose commencement is not
confirmed (`pending`), so the words can say the law is changing instead of stating one date as fact.

An unconfirmed row is never the answer: it is only ever `pending` beside the confirmed row in force.
Sources are the letter-numbers of shared/DOMAIN.md (section 6 corrects section 3). Rows that are our
practice rather than the law say so in `law`, and are marked `practice=True`.

Ground floor: imports nothing from courtjourney, so any part may read it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

Value = int | Fraction | str


@dataclass(frozen=True)
class Row:
    key: str  # the rule: "uls.days", "release.standard"
    value: Value
    unit: str  # "calendar days", "working days", "months", "years", "of the sentence", "age", ...
    law: str  # the act and section (or "Our practice, not the law: ...")
    source: str  # the letter-number in shared/DOMAIN.md
    looks_at: str  # the date the law looks at to choose the row
    since: dt.date | None = None  # in force from (None: since before any case we hold)
    until: dt.date | None = None  # the last day in force (None: open)
    checked: bool = False  # checked against the primary text
    confirmed: bool = True  # commencement confirmed (False: enacted, not known to be in force)
    practice: bool = False
    note: str = ""

    @property
    def ref(self) -> str:
        """The row's name on the rules page and in answers: key and the day it starts (unique per row)."""
        if not self.confirmed:
            return f"{self.key}@not-commenced"
        return f"{self.key}@{self.since.isoformat() if self.since else 'always'}"

    def in_force(self, day: dt.date) -> bool:
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)

    def cite(self) -> str:
        return f"[{self.source}] {self.law}"


@dataclass(frozen=True)
class Answer:
    row: Row
    pending: tuple[Row, ...] = ()  # enacted changes, commencement not confirmed

    @property
    def value(self) -> Value:
        return self.row.value

    @property
    def number(self) -> int:
        """The value as a whole number (days, months, years): a DataError-free read for the common case."""
        assert isinstance(self.row.value, int), self.row.ref
        return self.row.value

    @property
    def fraction(self) -> Fraction:
        assert isinstance(self.row.value, Fraction), self.row.ref
        return self.row.value


class NoRowInForce(LookupError):
    """A rule asked of a day with no confirmed row in force (or a rule with no rows at all)."""


D = dt.date
VC = "Code of Practice for Victims of Crime 2020 (in force 1 April 2021; kept by Victims and Prisoners Act 2024 s.2(13))"

ROWS: tuple[Row, ...] = (
    # --- Unduly Lenient Sentence scheme -------------------------------------------------------------
    Row(
        "uls.days",
        28,
        "calendar days",
        "Criminal Justice Act 1988 s.36 and Sch 3 para 1",
        "G1",
        "sentence date",
        checked=True,
        note="Absolute: no extension, whatever is known about eligibility. Indictable-only offences are always covered.",
    ),
    Row(
        "uls.warn_days",
        14,
        "calendar days before the deadline",
        "Our practice, not the law: a warning task two weeks before the 28 days end",
        "G1",
        "sentence date",
        checked=True,
        practice=True,
        note="The Attorney General must act inside the 28 days too, so we warn early.",
    ),
    # --- the defendant's appeal -----------------------------------------------------------------------
    Row(
        "appeal.crown_days",
        28,
        "calendar days",
        "Criminal Appeal Act 1968 s.18; Criminal Procedure Rules 2020 (SI 2020/759) r.39.2",
        "G6",
        "conviction date (against conviction) or sentence date (against sentence)",
        checked=True,
        note="The 2010 Rules are revoked: cite the 2020 Rules.",
    ),
    Row(
        "appeal.magistrates_working_days",
        15,
        "business days",
        "Criminal Procedure Rules 2020 (SI 2020/759) r.34.2",
        "A17",
        "sentence date",
        note="Appeal from the magistrates' or youth court to the Crown Court. Not yet checked against the Rules' text.",
    ),
    # --- telling the family of hearings (Victims' Code) ------------------------------------------------
    Row(
        "vc.hearing_told_working_days",
        1,
        "working days after we learned of it",
        VC + ", Right 8",
        "D8",
        "the day the hearing, or its change, became known",
        checked=True,
        note="The Witness Care Unit tells every victim the time, date and place of any hearing within 1 working "
        "day of receiving it (every victim, not only those entitled to the enhanced service). The 2020 Code is "
        "still the operative Code on 1 December 2026: a new one was consulted on (CP 1502, G13), not yet in "
        "force; when it is, its row starts here. Earlier Codes are not modelled.",
    ),
    # --- Victims' Right to Review ----------------------------------------------------------------------
    Row(
        "vrr.prompt_working_days",
        10,
        "working days",
        "CPS Victims' Right to Review guidance",
        "G5",
        "the day the decision was communicated",
        checked=True,
        note="CPS decisions only. Police decisions (NPCC scheme) have no 10-day window.",
    ),
    Row(
        "vrr.accepted_months",
        3,
        "months",
        "CPS Victims' Right to Review guidance",
        "G5",
        "the day the decision was communicated",
        checked=True,
        note="Later requests only exceptionally. Police decisions: 3 months from notification.",
    ),
    # --- Victim Contact Scheme -------------------------------------------------------------------------
    Row(
        "vcs.min_custody_months",
        12,
        "months of custody",
        "Domestic Violence, Crime and Victims Act 2004 s.35; " + VC + ", Right 11",
        "D11",
        "sentence date",
        checked=True,
        note="A specified violent or sexual offence; or any hospital order.",
    ),
    Row(
        "vcs.referral_working_days",
        10,
        "working days",
        VC + ", Right 11",
        "D11",
        "sentence date",
        checked=True,
    ),
    Row(
        "vcs.contact_working_days",
        20,
        "working days after referral",
        VC + ", Right 11; gov.uk Victim Contact Scheme",
        "D12",
        "referral date",
        checked=True,
    ),
    # --- criminal injuries compensation ---------------------------------------------------------------
    Row(
        "cica.report_before_age",
        18,
        "age",
        "Criminal Injuries Compensation Scheme 2012 para 88",
        "D22",
        "date first reported to the police",
        checked=True,
    ),
    Row(
        "cica.apply_before_age",
        20,
        "age",
        "Criminal Injuries Compensation Scheme 2012 para 88",
        "G3",
        "date of birth",
        note="Worded as an application made before the 20th birthday, so the last safe day is the day before. "
        "Wording not yet read in the Scheme's own text (DOMAIN.md section 6 marks it unconfirmed).",
    ),
    Row(
        "cica.years",
        2,
        "years",
        "Criminal Injuries Compensation Scheme 2012 paras 87-88",
        "D22",
        "date first reported (reported at 18 or over)",
        checked=True,
        note="Extensions only in exceptional cases (para 89).",
    ),
    # --- parole ---------------------------------------------------------------------------------------
    Row(
        "parole.reconsider_days",
        21,
        "calendar days",
        "Parole Board Rules 2019 r.28",
        "G4",
        "the day the decision was provided",
        checked=True,
        note="Only the prisoner or the Secretary of State may apply; only for some sentences (not standard determinate).",
    ),
    Row(
        "parole.ask_vlo_days",
        14,
        "calendar days after the decision",
        "Our practice, not the law: the family asks the Victim Liaison Officer early so the Secretary of State "
        "can apply within the 21 days",
        "G4",
        "the day the decision was provided",
        checked=True,
        practice=True,
    ),
    # --- release --------------------------------------------------------------------------------------
    Row(
        "release.standard",
        Fraction(1, 2),
        "of the sentence",
        "Criminal Justice Act 2003 s.244",
        "D26",
        "sentence date",
        checked=True,
    ),
    Row(
        "release.standard",
        Fraction(1, 3),
        "of the sentence",
        "Sentencing Act 2026 s.23",
        "G9",
        "sentence date",
        confirmed=False,
        note="Adult standard determinate sentences at one-third once s.23 is commenced by regulations. "
        "Commencement not confirmed in any source reached.",
    ),
    Row(
        "release.sds40",
        Fraction(2, 5),
        "of the sentence",
        "Criminal Justice Act 2003 s.244 as amended by SI 2024/844",
        "G7",
        "sentence date",
        since=D(2024, 9, 10),
        checked=True,
        note="Excludes all Sexual Offences Act 2003 offences, Sch 15 Part 1 offences with 4 years or more, and the "
        "Order's Schedule (stalking, coercive control, breach of a restraining order). Existing prisoners too.",
    ),
    Row(
        "release.two_thirds_7y",
        Fraction(2, 3),
        "of the sentence",
        "Criminal Justice Act 2003 s.244ZA; SI 2020/158",
        "D26",
        "sentence date",
        since=D(2020, 4, 1),
        checked=True,
        note="7 years or more for a Sch 15 Part 1 or 2 offence with a life maximum.",
    ),
    Row(
        "release.two_thirds_4y",
        Fraction(2, 3),
        "of the sentence",
        "Criminal Justice Act 2003 s.244ZA (Police, Crime, Sentencing and Courts Act 2022 s.130)",
        "G8",
        "sentence date",
        since=D(2022, 6, 28),
        checked=True,
        note="4 to under 7 years: Part 2 sexual offences with a life maximum and some violent ones. Adults only.",
    ),
    Row(
        "release.particular_concern",
        Fraction(1, 2),
        "of the custodial term (Parole Board eligibility)",
        "Sentencing Act 2020 s.278; Criminal Justice Act 2003 s.244A",
        "D29",
        "sentence date",
        note="DOMAIN.md section 6: since 28 June 2022 eligibility may be at two-thirds (PCSC Act 2022), and the "
        "Sentencing Act 2026 s.7 amends it again. To confirm before stating.",
    ),
    Row(
        "release.months_4y",
        48,
        "months",
        "Criminal Justice Act 2003 s.244ZA",
        "D26",
        "sentence date",
        checked=True,
    ),
    Row(
        "release.months_7y",
        84,
        "months",
        "Criminal Justice Act 2003 s.244ZA",
        "D26",
        "sentence date",
        checked=True,
    ),
    # --- notification (Sexual Offences Act 2003 s.82): months, adult and under 18 -------------------
    Row(
        "notify.30m_plus.adult",
        "indefinite",
        "",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.30m_plus.under_18",
        "indefinite",
        "",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.6_to_30m.adult",
        120,
        "months",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.6_to_30m.under_18",
        60,
        "months",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.up_to_6m.adult",
        84,
        "months",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.up_to_6m.under_18",
        42,
        "months",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.caution.adult",
        24,
        "months",
        "Sexual Offences Act 2003 s.82",
        "G12",
        "date of caution",
        checked=True,
    ),
    Row(
        "notify.caution.under_18",
        12,
        "months",
        "Sexual Offences Act 2003 s.82",
        "G12",
        "date of caution",
        checked=True,
    ),
    Row(
        "notify.conditional_discharge.adult",
        "discharge",
        "the discharge's length",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.conditional_discharge.under_18",
        "discharge",
        "the discharge's length",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.other.adult",
        60,
        "months",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.other.under_18",
        30,
        "months",
        "Sexual Offences Act 2003 s.82",
        "D31",
        "sentence date",
        checked=True,
    ),
    Row(
        "notify.review_years.adult",
        15,
        "years",
        "Sexual Offences Act 2003 s.91A-91F",
        "D31",
        "date notification began",
        checked=True,
        note="Indefinite notification can be reviewed after this long.",
    ),
    Row(
        "notify.review_years.under_18",
        8,
        "years",
        "Sexual Offences Act 2003 s.91A-91F",
        "D31",
        "date notification began",
        checked=True,
    ),
    # --- restraining orders -------------------------------------------------------------------------
    Row(
        "ro.breach_crown_years",
        5,
        "years",
        "Protection from Harassment Act 1997 s.5(6); Sentencing Act 2020 s.363",
        "D37",
        "offence date (the breach)",
        checked=True,
    ),
    Row(
        "ro.breach_magistrates_months",
        6,
        "months",
        "Sentencing Act 2020 s.363; general limit on magistrates' powers",
        "D37",
        "offence date (the breach)",
        until=D(2024, 11, 17),
        note="Magistrates' powers also stood at 12 months from May 2022 to March 2023: check the breach date.",
    ),
    Row(
        "ro.breach_magistrates_months",
        12,
        "months",
        "SI 2024/1067 (magistrates' powers back to 12 months)",
        "G11",
        "offence date (the breach)",
        since=D(2024, 11, 18),
        checked=True,
    ),
)


def _table(rows: Iterable[Row] | None) -> list[Row]:
    return list(ROWS if rows is None else rows)  # read at call time, so a test can swap the table


def rows_for(key: str, rows: Iterable[Row] | None = None) -> list[Row]:
    return [r for r in _table(rows) if r.key == key]


def keys(rows: Iterable[Row] | None = None) -> set[str]:
    return {r.key for r in _table(rows)}


def at(key: str, day: dt.date | None = None, rows: Iterable[Row] | None = None) -> Answer:
    """The confirmed row of `key` in force on `day` (today when the day the law looks at is not known yet),
    with any enacted change not yet confirmed in force. NoRowInForce when there is none."""
    day = day or dt.date.today()
    mine = rows_for(key, rows)
    found = [r for r in mine if r.confirmed and r.in_force(day)]
    if not found:
        raise NoRowInForce(f"No row of {key!r} is in force on {day.isoformat()}.")
    pending = tuple(r for r in mine if not r.confirmed and (r.until is None or day <= r.until))
    return Answer(found[0], pending)


def find(key: str, day: dt.date | None = None, rows: Iterable[Row] | None = None) -> Answer | None:
    """Like `at`, but None when no row is in force that day (a rule that did not exist yet)."""
    try:
        return at(key, day, rows)
    except NoRowInForce:
        return None


def problems(rows: Iterable[Row] | None = None) -> list[str]:
    """What is wrong with the table: a row without a law or source, two rows of one rule in force on the
    same day, a row that ends before it starts. Empty when the table is sound."""
    rows = _table(rows)
    found = []
    for r in rows:
        if not r.law.strip() or not r.source.strip():
            found.append(f"{r.ref} has no source")
        if r.since and r.until and r.until < r.since:
            found.append(f"{r.ref} ends before it starts")
    for key in sorted(keys(rows)):
        mine = sorted((r for r in rows_for(key, rows) if r.confirmed), key=lambda r: r.since or dt.date.min)
        for a, b in itertools.pairwise(mine):
            if a.until is None or (b.since is None) or b.since <= a.until:
                found.append(f"{a.ref} and {b.ref} are both in force on one day")
    return found


#: Every rule key the code reads, filled in as the modules that read them are imported (`used`).
USED: set[str] = set()


def used(*names: str) -> tuple[str, ...]:
    """Declare rule keys a module reads, so the rules check and the tests know them."""
    USED.update(names)
    return names


def without_rows(in_use: Iterable[str] | None = None, rows: Iterable[Row] | None = None) -> list[str]:
    """Rule keys the code reads that have no row at all."""
    have = keys(rows)
    return sorted(k for k in set(USED if in_use is None else in_use) if k not in have)


def unchecked_in_use(rows: Iterable[Row] | None = None, in_use: Iterable[str] | None = None) -> list[Row]:
    """Rows of rules in use that have not been checked against the primary text."""
    wanted = set(USED if in_use is None else in_use)
    return [r for r in _table(rows) if r.key in wanted and not r.checked]
