"""The date-field kit (issue 17): every form and API body refuses an implausible year in plain words
("Check the year") and changes nothing: nothing before 1990, nothing more than 5 years ahead, and a child's
date of birth only for an age from 0 to 25. A hearing on a weekend or bank holiday is kept, with a warning."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from litestar.testing import TestClient

from courtjourney.web.forms import Field, check_year, clean
from courtjourney.errors import InputError
from courtjourney.settings import Settings
from tests.conftest import World, sign_in, sql

NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def pinned_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.mark.parametrize(("years", "day", "refused"), [
    ("event", dt.date(1989, 12, 31), "cannot be before 1990"),
    ("event", dt.date(1990, 1, 1), None),
    ("event", dt.date(2031, 12, 1), None),
    ("event", dt.date(2031, 12, 2), "cannot be more than 5 years ahead"),
    ("birth", dt.date(2001, 12, 2), None),  # 24, turning 25 tomorrow
    ("birth", dt.date(2000, 12, 2), None),  # 25
    ("birth", dt.date(2000, 12, 1), "older than 25"),  # 26 today
    ("birth", dt.date(1926, 4, 1), "older than 25"),
    ("birth", TODAY, None),
    ("any", dt.date(1901, 1, 1), None),
    ("any", dt.date(2199, 1, 1), None),
])
def test_the_kit_s_bounds(years: str, day: dt.date, refused: str | None) -> None:
    if refused is None:
        check_year(years, "Date", day, TODAY)
        return
    with pytest.raises(ValueError, match=refused) as raised:
        check_year(years, "Date of assessment", day, TODAY)
    assert str(raised.value).startswith("Check the year: date of assessment"), raised.value


def test_a_datetime_field_is_held_to_the_same_years_on_its_uk_date() -> None:
    field = Field("at", "When it happened", kind="datetime")
    assert clean([field], {"at": "1990-01-01T00:30"})["at"] == dt.datetime(1990, 1, 1, 0, 30, tzinfo=dt.UTC)
    with pytest.raises(InputError) as raised:
        clean([field], {"at": "1989-12-31T23:30"})
    assert "Check the year" in raised.value.errors["at"]


def row_counts(settings: Settings) -> dict[str, int]:
    return {t: sql(settings, f"SELECT count(*) FROM {t}")[0][0] for t in ("risk_assessment", "consent", "case_task", "case_record")}


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/risk-assessments", {"level": "medium", "assessed_on": "1900-01-01"}, "assessed_on"),
    ("/risk-assessments", {"level": "medium", "assessed_on": "1926-11-30"}, "assessed_on"),
    ("/consents", {"organisation_kind": "police", "purpose": "Court", "given_by": "Nora", "given_on": "1989-06-01"}, "given_on"),
    ("/tasks", {"title": "Ring the school", "due_on": "2032-01-01"}, "due_on"),
    ("/tasks", {"title": "Ring the school", "due_on": "2062-12-01"}, "due_on"),
])
def test_an_implausible_year_is_refused_by_the_api_in_plain_words_and_changes_nothing(
        client: TestClient[Any], settings: Settings, world: World, path: str, body: dict[str, Any], field: str) -> None:
    before = row_counts(settings)
    answer = client.post(f"/api/cases/{world.north_case}{path}", headers=world.worker.auth, json=body)
    assert answer.status_code == 400, answer.text
    assert answer.json()["errors"][field].startswith("Check the year:"), answer.text
    assert row_counts(settings) == before


def test_a_child_born_more_than_25_years_ago_is_refused_and_25_is_accepted(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    before = row_counts(settings)
    old = client.post("/api/cases", headers=world.worker.auth, json={"child_name": "Ash", "child_birth_date": "1996-11-30"})
    assert old.status_code == 400, old.text
    assert "older than 25" in old.json()["errors"]["child_birth_date"]
    assert row_counts(settings) == before
    young = client.post("/api/cases", headers=world.worker.auth, json={"child_name": "Ash", "child_birth_date": "2001-12-01"})
    assert young.status_code == 201, young.text


def test_the_page_form_says_check_the_year_and_keeps_what_was_typed(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    from tests.conftest import csrf_token

    sign_in(client, world.worker.email)
    path = f"/cases/{world.north_case}/risk/new"
    before = row_counts(settings)
    answer = client.post(path, data={"level": "high", "assessed_on": "1926-11-30", "_csrf_token": csrf_token(client, path)},
                         follow_redirects=False)
    assert answer.status_code == 400
    text = html.unescape(answer.text)
    assert "Check the year: date of assessment cannot be before 1990." in text
    assert 'value="1926-11-30"' in answer.text
    assert row_counts(settings) == before


@pytest.mark.parametrize(("day", "warning"), [
    ("2027-01-23", "Saturday 23 January 2027 is at a weekend. Courts rarely sit at weekends: check the date."),
    ("2026-12-28", "Monday 28 December 2026 is a bank holiday. Courts rarely sit on bank holidays: check the date."),
    ("2027-01-20", None),
])
def test_a_hearing_on_a_weekend_or_bank_holiday_is_kept_with_a_warning(
        client: TestClient[Any], world: World, day: str, warning: str | None) -> None:
    body = {"proceeding_id": str(world.north_proceeding), "hearing_type": "mention", "listing": "fixed",
            "date": day, "start_time": "10:00", "court_name": "Northtown Magistrates' Court", "court_town": "Northtown"}
    made = client.post(f"/api/cases/{world.north_case}/hearings", headers=world.worker.auth, json=body)
    assert made.status_code == 201, made.text
    sign_in(client, world.worker.email)
    page = html.unescape(client.get(f"/cases/{world.north_case}/hearings/{made.json()['id']}").text)
    if warning is None:
        assert "day-warning" not in page and "Courts rarely sit" not in page
    else:
        assert warning in page


def test_a_hearing_typed_on_29_february_is_checked_against_the_28th_five_years_on() -> None:
    """On a leap day the latest date a hearing may have is 28 February five years later (that year has no
    29th): the check answers in plain words instead of failing on the date it cannot build."""
    from courtjourney.hearings.services import schedule

    leap_day = dt.date(2028, 2, 29)
    values = {"listing": "fixed", "start_time": dt.time(10, 0), "end_time": None}
    assert schedule({**values, "date": dt.date(2033, 2, 28)}, today=leap_day)["starts_at"] is not None
    with pytest.raises(InputError) as refused:
        schedule({**values, "date": dt.date(2033, 3, 1)}, today=leap_day)
    assert "date" in refused.value.errors
