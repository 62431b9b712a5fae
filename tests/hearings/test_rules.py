"""The hearing rules are data with their sources, and the forms offer exactly the hearing types that have a rule."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from courtjourney.hearings import briefings, forms, ical, rules, services


def _rows() -> list[object]:
    return [
        *rules.HEARING_TYPES,
        *rules.LISTINGS,
        *rules.STATUSES,
        *rules.SEQUENCE_RULES,
        rules.WARNED_WINDOW_LONGEST,
        rules.WARNED_WINDOW_USUAL,
        rules.CANCELLED_KEPT_FOR,
        rules.telling_standard(dt.date(2026, 12, 1)),
    ]


def test_every_rule_says_where_it_comes_from() -> None:
    for row in _rows():
        assert dataclasses.is_dataclass(row)
        assert isinstance(row.source, str) and row.source.strip(), f"{row} has no source"  # type: ignore[attr-defined]


def test_every_hearing_type_in_the_forms_has_a_rule_and_every_rule_a_choice() -> None:
    offered = [key for key, _label in forms.HEARING_TYPES]
    assert len(offered) == len(set(offered))
    assert set(offered) == set(rules.TYPES)
    assert set(briefings.WHAT_HAPPENS) == set(rules.TYPES)


def test_every_status_and_listing_in_the_forms_has_a_rule_and_every_rule_a_choice() -> None:
    assert {key for key, _label in forms.HEARING_STATUSES} == set(rules.STATUS)
    assert {key for key, _label in forms.LISTINGS} == set(rules.LISTING)


def test_the_facts_are_the_ones_the_service_has_always_used() -> None:
    assert rules.WITNESS_HEARINGS == ("section_28", "trial")
    assert rules.NOT_HAPPENING == {"adjourned", "vacated", "cancelled", "ineffective"}
    assert forms.NOT_HAPPENING == rules.NOT_HAPPENING
    assert services.SEQUENCE_FIELDS == {
        "listing",
        "starts_at",
        "ends_at",
        "window_start",
        "window_end",
        "court_name",
        "court_town",
        "court_address",
        "courtroom",
        "status",
    }
    assert services.WARNED_WINDOW_MAX_DAYS == 28
    assert ical.CANCELLED_KEPT_FOR.days == 14
    standard = rules.telling_standard(dt.date(2026, 12, 1))
    assert standard.within_working_days == 1
    assert "Right 8" in standard.source and "[D8]" in standard.source


def test_a_change_is_late_after_one_working_day() -> None:
    assert not services.TellingDelay(1, told=True, allowed=1).late
    assert services.TellingDelay(2, told=True, allowed=1).late
    # Told two working days after a Friday change (on Tuesday): late under the law's row of that day.
    friday = dt.datetime(2026, 11, 27, 15, 0, tzinfo=dt.UTC)
    delay = services.telling_delay_between(friday, friday + dt.timedelta(days=4))
    assert (delay.working_days, delay.allowed, delay.late) == (2, 1, True)


def test_the_telling_standard_follows_the_law_s_row_in_force_on_the_day_we_learned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When a new Code's row starts, a change learned of after it is held to the new number, one before it
    to the old: the number is read from law.py, not written into the hearings part."""
    from courtjourney import law

    new_code = dataclasses.replace(
        law.rows_for(rules.TELLING_RULE)[0], value=2, since=dt.date(2027, 4, 1), source="D8"
    )
    old_code = dataclasses.replace(law.rows_for(rules.TELLING_RULE)[0], until=dt.date(2027, 3, 31))
    rows = tuple(r for r in law.ROWS if r.key != rules.TELLING_RULE) + (old_code, new_code)
    monkeypatch.setattr(law, "ROWS", rows)
    rules.telling_standard.cache_clear()
    try:
        assert rules.telling_standard(dt.date(2027, 3, 31)).within_working_days == 1
        assert rules.telling_standard(dt.date(2027, 4, 1)).within_working_days == 2
        after = dt.datetime(2027, 4, 1, 9, 0, tzinfo=dt.UTC)  # a Thursday; told the next Monday
        assert not services.telling_delay_between(after, after + dt.timedelta(days=4)).late
    finally:
        rules.telling_standard.cache_clear()


def test_every_field_a_change_can_touch_has_one_sequence_rule() -> None:
    fields = [f for row in rules.SEQUENCE_RULES for f in row.fields]
    assert len(fields) == len(set(fields))
    assert set(fields) == set(services.TRACKED)
