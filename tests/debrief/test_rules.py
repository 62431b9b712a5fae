"""The explainer tables row by row, and each deadline rule across month ends, leap years, bank holidays
and the 18th and 20th birthdays. Pure: no database."""

from __future__ import annotations

import datetime as dt

import pytest

from courtjourney.debrief import rules
from courtjourney.debrief.rules import Facts, RuleDoesNotApply

D = dt.date


def sentenced(**kw: object) -> Facts:
    base: dict[str, object] = {"result": "convicted", "court_type": "crown", "category": "sexual", "decided_on": D(2026, 1, 5),
                               "sentence_type": "custody", "custody_months": 36, "sentence_on": D(2026, 2, 2), "uls_eligible": True}
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


# --- tables --------------------------------------------------------------------------------------


def test_every_table_row_names_a_source_in_the_fact_sheet() -> None:
    for row in rules.RELEASE_RULES:
        assert row.source in rules.SOURCES
    for row in rules.NOTIFICATION_TABLE:
        assert row.source in rules.SOURCES
    assert rules.LICENCE[1] in rules.SOURCES and rules.RESTRAINING_ORDER[1] in rules.SOURCES


@pytest.mark.parametrize("key,adult,under_18", [
    ("30m_plus", "indefinite", "indefinite"),   # 30 months+, life, IPP, restricted hospital order
    ("6_to_30m", 120, 60),                      # 10 years (5 under 18)
    ("up_to_6m", 84, 42),                       # 7 years (3½)
    ("caution", 24, 12),                        # 2 years (1)
    ("other", 60, 30),                          # 5 years (2½): fine, community order
])
def test_notification_periods_match_the_fact_sheet(key: str, adult: object, under_18: object) -> None:
    row = rules.NOTIFICATION[key]
    assert rules.notification_period(row, under_18=False) == adult
    assert rules.notification_period(row, under_18=True) == under_18


def test_a_conditional_discharge_notifies_for_the_discharge_s_length() -> None:
    row = rules.NOTIFICATION["conditional_discharge"]
    assert rules.notification_period(row, False, 18) == 18
    assert rules.notification_period(row, True, None) is None  # not recorded: no guess


@pytest.mark.parametrize("facts,row", [
    (sentenced(custody_months=30), "30m_plus"),
    (sentenced(custody_months=29), "6_to_30m"),
    (sentenced(custody_months=7), "6_to_30m"),
    (sentenced(custody_months=6), "up_to_6m"),
    (sentenced(sentence_type="restricted_hospital_order", custody_months=None), "30m_plus"),
    (sentenced(sentence_type="hospital_order", custody_months=None), "up_to_6m"),
    (sentenced(sentence_type="conditional_discharge", custody_months=None), "conditional_discharge"),
    (sentenced(sentence_type="community_order", custody_months=None), "other"),
    (sentenced(sentence_type="fine", custody_months=None), "other"),
])
def test_the_right_notification_row_is_chosen(facts: Facts, row: str) -> None:
    found = rules.notification_row(facts)
    assert found is not None and found.key == row


def test_notification_is_only_for_sexual_offence_convictions() -> None:
    assert rules.notification_row(sentenced(category="violent")) is None
    assert rules.notification_row(sentenced(result="acquitted", sentence_type=None)) is None


@pytest.mark.parametrize("facts,row", [
    (sentenced(custody_months=36), "halfway"),
    (sentenced(custody_months=84, life_maximum=True, sentence_on=D(2020, 4, 1)), "two_thirds_7y"),
    (sentenced(custody_months=84, life_maximum=True, sentence_on=D(2020, 3, 31)), "halfway"),  # the day before
    (sentenced(custody_months=48, life_maximum=True, sentence_on=D(2022, 6, 28)), "two_thirds_4y_sexual"),
    (sentenced(custody_months=48, life_maximum=True, sentence_on=D(2022, 6, 27)), "halfway"),
    (sentenced(custody_months=48, life_maximum=True, category="violent", sentence_on=D(2023, 1, 9)), "halfway"),
    (sentenced(custody_months=36, category="violent", sentence_on=D(2024, 9, 10)), "sds40"),
    (sentenced(custody_months=36, category="sexual", sentence_on=D(2024, 9, 10)), "halfway"),  # SDS40 excludes SOA 2003
    (sentenced(particular_concern=True), "particular_concern"),
])
def test_release_rows(facts: Facts, row: str) -> None:
    found = rules.release_rule(facts)
    assert found is not None and found.key == row


def test_likely_release_is_halfway_or_two_thirds_of_the_calendar_length() -> None:
    assert rules.likely_release(sentenced(custody_months=24, sentence_on=D(2026, 1, 1))) == D(2027, 1, 1)
    assert rules.likely_release(sentenced(custody_months=84, life_maximum=True, sentence_on=D(2021, 1, 1))) is not None
    assert rules.likely_release(sentenced(sentence_type="suspended")) is None


def test_sds40_is_marked_as_needing_checking() -> None:
    assert rules.RELEASE["sds40"].check is True


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("day,months,expected", [
    (D(2026, 11, 30), 3, D(2027, 2, 28)),   # month end into a short month
    (D(2027, 11, 30), 3, D(2028, 2, 29)),   # into a leap February
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2026, 8, 31), 1, D(2026, 9, 30)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),   # across a year end
])
def test_add_months_keeps_to_the_last_day_of_a_shorter_month(day: dt.date, months: int, expected: dt.date) -> None:
    assert rules.add_months(day, months) == expected


def test_a_29_february_anniversary_falls_on_28_february_in_a_common_year() -> None:
    assert rules.anniversary(D(2008, 2, 29), 20) == D(2028, 2, 29)
    assert rules.anniversary(D(2008, 2, 29), 18) == D(2026, 2, 28)


# --- Unduly Lenient Sentence -----------------------------------------------------------------------


def test_uls_is_28_calendar_days_from_sentence_with_a_warning_14_days_before() -> None:
    d = rules.deadline("uls", sentenced(sentence_on=D(2026, 2, 2)))
    assert d.due == D(2026, 3, 2) and d.warn_on == D(2026, 2, 16)
    assert "D17" in d.source and not d.missing


def test_uls_across_a_leap_february_and_a_year_end() -> None:
    assert rules.deadline("uls", sentenced(sentence_on=D(2028, 2, 10))).due == D(2028, 3, 9)
    assert rules.deadline("uls", sentenced(sentence_on=D(2026, 12, 20))).due == D(2027, 1, 17)


def test_uls_counts_calendar_days_even_over_bank_holidays() -> None:
    # Sentence on Maundy Thursday 2026: Good Friday and Easter Monday still count.
    assert rules.deadline("uls", sentenced(sentence_on=D(2026, 4, 2))).due == D(2026, 4, 30)


@pytest.mark.parametrize("facts,why", [
    (sentenced(court_type="magistrates"), "Crown Court"),
    (sentenced(court_type="youth"), "Crown Court"),
    (sentenced(uls_eligible=False), "not one"),
    (sentenced(result="acquitted", sentence_type=None), "conviction"),
])
def test_uls_does_not_apply_outside_crown_court_eligible_sentences(facts: Facts, why: str) -> None:
    with pytest.raises(RuleDoesNotApply, match=why):
        rules.deadline("uls", facts)


def test_uls_says_what_is_missing_instead_of_guessing() -> None:
    d = rules.deadline("uls", sentenced(sentence_on=None))
    assert d.due is None and not d.known
    assert d.missing == ("the date of sentence",)


def test_uls_keeps_its_date_while_eligibility_is_being_checked() -> None:
    """The 28 days run from sentence whatever anyone knows about eligibility (DOMAIN.md §6 [G1]): an unknown
    eligibility gives the date and a note, never "not known yet"."""
    d = rules.deadline("uls", sentenced(sentence_on=D(2026, 2, 2), uls_eligible=None))
    assert d.known and d.due == D(2026, 3, 2) and d.warn_on == D(2026, 2, 16)
    assert d.note and "whatever the answer" in d.note
    assert "G1" in d.source
    assert rules.deadline("uls", sentenced(sentence_on=D(2026, 2, 2), uls_eligible=True)).note is None


def test_a_deadline_on_a_weekend_or_bank_holiday_gives_the_working_day_before_it_to_act_by() -> None:
    saturday = rules.deadline("uls", sentenced(sentence_on=D(2026, 11, 7)))  # + 28 days = Sat 5 Dec
    assert saturday.due == D(2026, 12, 5) and saturday.act_by == D(2026, 12, 4)
    assert saturday.act_by_reasons == (rules.NOT_A_WORKING_DAY,)
    christmas = rules.deadline("uls", sentenced(sentence_on=D(2026, 11, 27)))  # + 28 = Fri 25 Dec
    assert christmas.due == D(2026, 12, 25) and christmas.act_by == D(2026, 12, 24)
    # Boxing Day 2026 is a Saturday; Monday 28 December is its substitute bank holiday.
    substitute = rules.deadline("uls", sentenced(sentence_on=D(2026, 11, 30)))
    assert substitute.due == D(2026, 12, 28) and substitute.act_by == D(2026, 12, 24)
    weekday = rules.deadline("uls", sentenced(sentence_on=D(2026, 2, 2)))
    assert weekday.act_by is None and weekday.act_on == weekday.due == D(2026, 3, 2)


# --- Victims' Right to Review --------------------------------------------------------------------


def test_vrr_is_10_working_days_and_accepted_up_to_3_months() -> None:
    d = rules.deadline("vrr", Facts(result="no_further_action", decided_on=D(2026, 11, 30)))
    assert d.due == D(2026, 12, 14)
    assert d.later == D(2027, 2, 28)  # 30 November + 3 months: the last day of February


def test_vrr_skips_christmas_and_new_year_bank_holidays() -> None:
    # Decided Wednesday 23 Dec 2026: 25, 28 Dec (Boxing Day substitute) and 1 Jan are not working days.
    d = rules.deadline("vrr", Facts(result="discontinued", decided_on=D(2026, 12, 23)))
    assert d.due == D(2027, 1, 11)


def test_vrr_only_follows_a_decision_not_to_prosecute() -> None:
    with pytest.raises(RuleDoesNotApply):
        rules.deadline("vrr", sentenced())
    assert rules.deadline("vrr", Facts(result="no_evidence", decided_on=None)).missing == ("the date of the decision",)


# --- Victim Contact Scheme -----------------------------------------------------------------------


def test_vcs_referral_in_10_working_days_then_contact_in_20() -> None:
    d = rules.deadline("vcs", sentenced(custody_months=12, sentence_on=D(2026, 5, 20)))  # spring bank holiday 25 May
    assert d.due == D(2026, 6, 4)
    assert d.later == D(2026, 7, 2)


@pytest.mark.parametrize("facts", [
    sentenced(custody_months=11),
    sentenced(sentence_type="suspended", custody_months=24),
    sentenced(category="other"),
    sentenced(result="acquitted", sentence_type=None),
])
def test_vcs_needs_a_violent_or_sexual_offence_and_12_months_custody(facts: Facts) -> None:
    with pytest.raises(RuleDoesNotApply):
        rules.deadline("vcs", facts)


def test_vcs_applies_to_a_hospital_order_too() -> None:
    assert rules.deadline("vcs", sentenced(sentence_type="hospital_order", custody_months=None)).known


# --- compensation ------------------------------------------------------------------------------------


def test_cica_reported_before_18_runs_to_the_20th_birthday() -> None:
    f = Facts(result="convicted", child_birth_date=D(2010, 6, 15), reported_on=D(2028, 6, 14))  # the day before 18
    d = rules.deadline("cica", f)
    assert d.due == D(2030, 6, 15)


def test_cica_before_the_20th_birthday_means_the_day_before_it_is_the_last_safe_day() -> None:
    """The Scheme's words are "before" the 20th birthday (DOMAIN.md §6 [G3]): due stays the birthday the law
    names, act_by is the day before, with its reason; and the working day before that when it is a weekend."""
    d = rules.deadline("cica", Facts(result="convicted", child_birth_date=D(2010, 6, 13), reported_on=D(2025, 1, 1)))
    assert d.due == D(2030, 6, 13) and d.act_by == D(2030, 6, 12)  # Thursday 13 June 2030, Wednesday before
    assert len(d.act_by_reasons) == 1 and "before the child turns 20" in (d.reason_text(str) or "")
    monday = rules.deadline("cica", Facts(result="convicted", child_birth_date=D(2010, 6, 17), reported_on=D(2025, 1, 1)))
    assert monday.due == D(2030, 6, 17) and monday.act_by == D(2030, 6, 14)  # Sunday 16th -> Friday 14th
    assert monday.act_by_reasons[1] == rules.NOT_A_WORKING_DAY
    assert "G3" in d.source


def test_cica_reported_on_the_18th_birthday_runs_2_years_from_the_report() -> None:
    f = Facts(result="convicted", child_birth_date=D(2010, 6, 15), reported_on=D(2028, 6, 15))
    assert rules.deadline("cica", f).due == D(2030, 6, 15)
    later = Facts(result="convicted", child_birth_date=D(2010, 6, 15), reported_on=D(2029, 1, 3))
    assert rules.deadline("cica", later).due == D(2031, 1, 3)


def test_cica_for_a_child_born_on_29_february_takes_the_earlier_day() -> None:
    f = Facts(result="acquitted", child_birth_date=D(2008, 2, 29), reported_on=D(2020, 5, 1))
    assert rules.deadline("cica", f).due == D(2028, 2, 29)  # 2028 is a leap year
    f = Facts(result="acquitted", child_birth_date=D(2009, 2, 28), reported_on=D(2024, 2, 29))
    assert rules.deadline("cica", f).due == D(2029, 2, 28)


def test_cica_says_what_it_needs() -> None:
    d = rules.deadline("cica", Facts(result="convicted"))
    assert set(d.missing) == {"the child's date of birth", "the date it was first reported to the police"}


# --- the defendant's appeal and parole -------------------------------------------------------------


def test_crown_court_appeal_is_28_days_magistrates_15_working_days() -> None:
    assert rules.deadline("appeal", sentenced(sentence_on=D(2026, 1, 31))).due == D(2026, 2, 28)
    mags = sentenced(court_type="magistrates", sentence_on=D(2026, 8, 21))  # summer bank holiday 31 Aug
    assert rules.deadline("appeal", mags).due == D(2026, 9, 14)


def test_appeal_only_after_a_conviction() -> None:
    with pytest.raises(RuleDoesNotApply):
        rules.deadline("appeal", Facts(result="acquitted", court_type="crown", decided_on=D(2026, 1, 1)))


def test_parole_reconsideration_is_21_days_and_only_when_a_decision_is_recorded() -> None:
    assert rules.deadline("parole", sentenced(parole_decision_on=D(2028, 2, 15))).due == D(2028, 3, 7)
    with pytest.raises(RuleDoesNotApply):
        rules.deadline("parole", sentenced())


def test_parole_reconsideration_gives_the_family_an_earlier_day_to_ask_the_victim_liaison_officer() -> None:
    """Only the prisoner or the Secretary of State may apply ([G4]): the family asks through the VLO, earlier."""
    d = rules.deadline("parole", sentenced(parole_decision_on=D(2028, 2, 15)))
    assert d.act_by == D(2028, 2, 29) and d.act_by < d.due
    assert "Victim Liaison Officer" in d.title and "Victim Liaison Officer" in d.act_by_reasons[0]
    assert "G4" in d.source


def test_restraining_order_breach_is_12_months_in_the_magistrates_court() -> None:
    text, ref = rules.RESTRAINING_ORDER
    assert "12 months in the magistrates' court" in text % rules.restraining_order_values(D(2026, 12, 1))
    assert ref == "G11"


def test_an_unknown_rule_does_not_apply() -> None:
    with pytest.raises(RuleDoesNotApply):
        rules.deadline("nonsense", sentenced())


def test_every_deadline_carries_its_rule_and_source() -> None:
    f = sentenced(child_birth_date=D(2012, 1, 1), reported_on=D(2025, 1, 1), parole_decision_on=D(2027, 1, 1))
    found = rules.deadlines(f)
    assert {d.key for d in found} == {"uls", "vcs", "cica", "appeal", "parole"}
    assert all(d.rule and d.source.startswith("[") for d in found)
