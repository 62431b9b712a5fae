"""The hearing rules are data with their sources, and the forms offer exactly the hearing types that have a rule."""

from __future__ import annotations

import dataclasses

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
        rules.TELLING,
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
    assert rules.TELLING.within_working_days == 1
    assert "Right 8" in rules.TELLING.source


def test_a_change_is_late_after_one_working_day() -> None:
    assert not services.TellingDelay(1, told=True).late
    assert services.TellingDelay(2, told=True).late


def test_every_field_a_change_can_touch_has_one_sequence_rule() -> None:
    fields = [f for row in rules.SEQUENCE_RULES for f in row.fields]
    assert len(fields) == len(set(fields))
    assert set(fields) == set(services.TRACKED)
