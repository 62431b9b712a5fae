"""The law's numbers as dated rows (courtjourney/law.py): every row sourced, no two rows of one rule in force
on one day, every rule the code reads has a row, the row in force on the day the law looks at is the one used,
and an enacted change whose commencement is not confirmed is flagged, never used. Pure: no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction

import pytest

from courtjourney import law
from courtjourney.debrief import rules
from courtjourney.debrief.rules import Facts

D = dt.date
ROW = law.Row("test.days", 10, "days", "Test Act 2000 s.1", "G1", "sentence date", checked=True)


def test_the_shipped_table_has_no_problems() -> None:
    assert law.problems() == []


def test_a_row_without_a_source_is_a_problem() -> None:
    assert law.problems([replace(ROW, source="")]) == ["test.days@always has no source"]
    assert law.problems([replace(ROW, law=" ")]) == ["test.days@always has no source"]


def test_two_rows_of_one_rule_in_force_on_one_day_are_a_problem() -> None:
    old = replace(ROW, until=D(2025, 1, 1))
    new = replace(ROW, value=12, since=D(2025, 1, 1))  # both in force on 1 January 2025
    assert law.problems([old, new]) == ["test.days@always and test.days@2025-01-01 are both in force on one day"]
    assert law.problems([old, replace(new, since=D(2025, 1, 2))]) == []  # the next day: sound
    assert law.problems([ROW, new])  # an open-ended row overlaps everything after it


def test_an_unconfirmed_change_does_not_overlap_but_is_never_the_answer() -> None:
    pending = replace(ROW, value=5, since=D(2026, 10, 1), confirmed=False, checked=False)
    rows = [ROW, pending]
    assert law.problems(rows) == []
    answer = law.at("test.days", D(2030, 1, 1), rows)
    assert answer.value == 10 and answer.pending == (pending,)


def test_every_rule_the_code_reads_has_a_row() -> None:
    assert {"uls.days", "cica.apply_before_age", "release.sds40", "notify.caution.under_18"} <= law.USED
    assert law.without_rows() == []
    assert law.without_rows(["uls.days", "no.such.rule"]) == ["no.such.rule"]


def test_every_row_names_a_source_in_the_fact_sheet_and_every_rule_a_row_in_force_today() -> None:
    for row in law.ROWS:
        assert row.source in rules.SOURCES, row.ref
    for key in law.USED:
        assert law.find(key, D(2026, 12, 1)) is not None, key


def test_a_rule_with_no_row_in_force_is_refused_not_guessed() -> None:
    with pytest.raises(law.NoRowInForce):
        law.at("release.sds40", D(2024, 9, 9))
    with pytest.raises(law.NoRowInForce):
        law.at("no.such.rule", D(2026, 1, 1))


@pytest.mark.parametrize("day,months", [(D(2024, 11, 17), 6), (D(2024, 11, 18), 12)])
def test_both_sides_of_the_magistrates_restraining_order_change(day: dt.date, months: int) -> None:
    """SI 2024/1067 from 18 November 2024 ([G11]): the breach on the day before gets the old row."""
    assert law.at("ro.breach_magistrates_months", day).number == months
    assert rules.restraining_order_values(day)["magistrates"] == months


@pytest.mark.parametrize("day,rule,share", [
    (D(2024, 9, 9), "halfway", Fraction(1, 2)),
    (D(2024, 9, 10), "sds40", Fraction(2, 5)),
])
def test_both_sides_of_the_sds40_commencement(day: dt.date, rule: str, share: Fraction) -> None:
    f = Facts(result="convicted", court_type="crown", category="violent", sentence_type="custody",
              custody_months=24, sentence_on=day)
    found = rules.release_rule(f)
    answer = rules.release_law(f)
    assert found is not None and found.key == rule and answer is not None and answer.value == share
    # 24 months from 9 Sep 2024 is 731 days (2025-2026): halfway is 365 days, 40% is 292 days.
    assert rules.likely_release(f) == day + dt.timedelta(days=731 * share.numerator // share.denominator)


def test_the_sentencing_act_2026_release_change_is_flagged_and_not_used() -> None:
    """Enacted, commencement not confirmed ([G9]): the release point stays under the confirmed row, with the
    change beside it, so the letter can say the law is changing."""
    f = Facts(result="convicted", court_type="crown", category="sexual", sentence_type="custody",
              custody_months=36, sentence_on=D(2026, 12, 1))
    answer = rules.release_law(f)
    assert answer is not None and answer.value == Fraction(1, 2)
    assert [r.law for r in answer.pending] == ["Sentencing Act 2026 s.23"]
    assert not answer.pending[0].checked and not answer.pending[0].confirmed


def test_a_deadline_says_which_rows_it_used_and_its_words_take_their_figures_from_them() -> None:
    f = Facts(result="convicted", court_type="crown", category="sexual", sentence_type="custody",
              custody_months=36, sentence_on=D(2026, 2, 2))
    d = rules.deadline("uls", f)
    assert [r.ref for r in d.rows] == ["uls.days@always", "uls.warn_days@always"]
    assert d.rule_text(str).startswith("The request must reach the Attorney General within 28 days")


def test_changing_a_row_changes_the_date_and_the_words_together(monkeypatch: pytest.MonkeyPatch) -> None:
    """No number typed twice: a different row moves the due day and the family's words alike."""
    changed = tuple(replace(r, value=30) if r.key == "uls.days" else r for r in law.ROWS)
    monkeypatch.setattr(law, "ROWS", changed)
    f = Facts(result="convicted", court_type="crown", category="sexual", sentence_type="custody",
              custody_months=36, sentence_on=D(2026, 2, 2), uls_eligible=None)
    d = rules.deadline("uls", f)
    assert d.due == D(2026, 3, 4)
    assert "within 30 days" in d.rule_text(str) and "The 30 days run" in (d.note_text(str) or "")


def test_unchecked_rows_in_use_are_listed() -> None:
    unchecked = {r.key for r in law.unchecked_in_use()}
    assert "cica.apply_before_age" in unchecked  # DOMAIN.md section 6 marks the "before" wording unconfirmed
    assert "uls.days" not in unchecked
    assert law.unchecked_in_use([replace(ROW, checked=False)], in_use=["test.days"])
    assert law.unchecked_in_use([replace(ROW, checked=False)], in_use=["other"]) == []


def test_every_row_has_its_own_name() -> None:
    refs = [r.ref for r in law.ROWS]
    assert len(refs) == len(set(refs))


def test_the_rules_check_command_exits_1_listing_unchecked_rows_in_use() -> None:
    from click.testing import CliRunner

    from courtjourney.cli import main

    result = CliRunner().invoke(main, ["rules", "check"])
    assert result.exit_code == 1, result.output
    assert "cica.apply_before_age@always" in result.output and "not checked" in result.output
    assert "uls.days@" not in result.output


def test_the_rules_check_command_exits_0_when_every_row_in_use_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from courtjourney.cli import main

    monkeypatch.setattr(law, "ROWS", tuple(replace(r, checked=True) for r in law.ROWS if r.confirmed))
    result = CliRunner().invoke(main, ["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "is checked" in result.output


def test_the_rules_check_command_fails_on_a_rule_in_use_without_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from courtjourney.cli import main

    monkeypatch.setattr(law, "ROWS", tuple(replace(r, checked=True) for r in law.ROWS if r.key != "uls.days"))
    result = CliRunner().invoke(main, ["rules", "check"])
    assert result.exit_code == 1 and "uls.days is used but has no row" in result.output


@pytest.mark.parametrize("key", sorted(rules.RELEASE))
def test_the_release_words_say_the_fraction_of_their_law_row(key: str) -> None:
    """The release sentences name their share in words; they must match the row they stand for."""
    words = {Fraction(1, 2): "halfway", Fraction(2, 3): "two-thirds", Fraction(2, 5): "40%"}
    row = law.at(rules.RELEASE_LAW[key], D(2026, 12, 1)).row
    assert isinstance(row.value, Fraction) and words[row.value] in rules.RELEASE[key].explains
