"""Hearings: forms and API refuse bad input plainly, every change is kept and told, pages show the story."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.settings import Settings
from courtjourney.workdays import add_working_days, is_working_day, working_days_between
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql
from tests.hearings.helpers import assert_ended, change, hearing_api

GOOD_FORM = {
    "hearing_type": "mention", "listing": "fixed", "date": "2027-01-20", "start_time": "10:00", "end_time": "11:00",
    "window_start": "", "window_end": "", "court_name": "Northtown Magistrates' Court", "court_town": "Northtown",
    "court_address": "", "courtroom": "2", "accompanied_by": "", "arrival_notes": "", "known_at": "", "told_at": "",
}


def post_form(client: TestClient[Any], path: str, data: dict[str, str]) -> Any:
    return client.post(path, data={**data, "_csrf_token": csrf_token(client, "/account")}, follow_redirects=False)


def counts(settings: Settings) -> tuple[int, int]:
    return sql(settings, "SELECT count(*) FROM hearing")[0][0], sql(settings, "SELECT count(*) FROM hearing_change")[0][0]


@pytest.mark.parametrize(
    "bad,field,words",
    [
        ({"end_time": "09:00"}, "end_time", "after the start"),
        ({"listing": "warned", "window_start": "2027-01-04", "window_end": "2027-02-12"}, "window_end", "at most 4 weeks"),
        ({"listing": "warned", "window_start": "2027-01-14", "window_end": "2027-01-04"}, "window_end", "on or after"),
        ({"listing": "warned", "window_start": "", "window_end": ""}, "window_start", "first day"),
        ({"court_name": ""}, "court_name", "Enter court"),
        ({"court_town": ""}, "court_town", "town"),
        ({"date": "1850-01-01"}, "date", "real date"),
        ({"date": "2045-01-01"}, "date", "Check the year"),
        ({"date": "31/01/2027"}, "date", "real date"),
        ({"date": ""}, "date", "Enter the date"),
        ({"start_time": "25:99"}, "start_time", "time of day"),
        ({"hearing_type": "duel"}, "hearing_type", "Choose one of the options"),
        ({"known_at": "2027-05-01T10:00"}, "known_at", "future"),
        ({"known_at": "2026-11-01T10:00", "told_at": "2026-10-01T10:00"}, "told_at", "before we learned"),
    ],
)
def test_the_hearing_form_refuses_bad_input_plainly_and_changes_nothing(
    client: TestClient[Any], settings: Settings, world: World, bad: dict[str, str], field: str, words: str
) -> None:
    import time_machine

    sign_in(client, world.worker.email)
    before = counts(settings)
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC), tick=True):  # the dates above are read from here
        response = post_form(client, f"/cases/{world.north_case}/hearings/new",
                             {**GOOD_FORM, "proceeding_id": str(world.north_proceeding), **bad})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    assert f'id="error-{field}"' in response.text
    assert words.lower() in response.text.lower()
    assert counts(settings) == before


def test_a_good_hearing_form_lists_the_hearing_then_asks_who_goes(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    response = post_form(client, f"/cases/{world.north_case}/hearings/new", {**GOOD_FORM, "proceeding_id": str(world.north_proceeding)})
    assert response.status_code == 303 and response.headers["location"].endswith("/attendance")
    who = client.get(response.headers["location"])
    assert "Nora Northfield" in who.text
    member_field = f"attend_{world.north_member}"
    saved = post_form(client, response.headers["location"], {member_field: "attending"})
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "Nora Northfield (Wants to go)" in page.text
    assert "Listed for Wednesday 20 January at 10:00 at Northtown Magistrates&#39; Court." in page.text
    assert counts(settings)[0] == 2


def test_a_hearing_from_another_proceeding_or_case_is_refused(client: TestClient[Any], world: World) -> None:
    body = {"proceeding_id": "01234567-89ab-cdef-0123-456789abcdef", "hearing_type": "mention", "listing": "fixed",
            "date": "2027-01-20", "start_time": "10:00", "court_name": "X", "court_town": "Y"}
    response = client.post(f"/api/cases/{world.north_case}/hearings", headers=world.worker.auth, json=body)
    assert response.status_code == 400 and "proceeding" in response.text.lower()


@pytest.mark.parametrize(
    "body,words",
    [
        ({"status": "vacated"}, "why"),
        ({"date": "2027-01-12"}, "plain words"),
        ({"status": "postponed-forever", "reason": "x"}, "options"),
        ({"end_time": "08:00", "reason": "x"}, "after the start"),
        ({"accompanied_by": None, "arrival_notes": None}, "Nothing was changed"),
        ({"date": "not a date"}, "date"),
        ({"courtroom": "x" * 41, "reason": "y"}, "40 characters"),
        ({"known_at": "yesterday"}, "known"),
    ],
)
def test_the_change_api_refuses_bad_changes_plainly(client: TestClient[Any], settings: Settings, world: World,
                                                     body: dict[str, Any], words: str) -> None:
    before = counts(settings), sql(settings, "SELECT sequence, status FROM hearing")
    response = client.patch(hearing_api(world), headers=world.worker.auth, json=body)
    assert response.status_code == 400, response.text
    assert words.lower() in response.text.lower()
    assert (counts(settings), sql(settings, "SELECT sequence, status FROM hearing")) == before


def test_every_change_is_kept_with_old_and_new_values_who_and_why(client: TestClient[Any], settings: Settings, world: World) -> None:
    change(client, world, date="2027-01-12", start_time="14:00", reason="the court had no judge free")
    change(client, world, courtroom="4")
    change(client, world, status="adjourned", status_reason="A witness was ill.", reason="a witness was ill")
    changes = client.get(hearing_api(world, "/changes"), headers=world.worker.auth).json()
    assert [c["kind"] for c in changes] == ["listed", "moved", "place", "status"]
    moved = changes[1]
    assert moved["changes"]["starts_at"][0].startswith("2026-12-14T10:00") and moved["changes"]["starts_at"][1].startswith("2027-01-12T14:00")
    assert moved["changes"]["status"] == ["listed", "moved"]
    assert moved["changed_by_id"] == str(world.worker.id) and moved["reason"] == "the court had no judge free"
    assert changes[2]["story"] == "Now in courtroom 4."
    assert changes[3]["story"] == "Adjourned: a witness was ill."
    hearing = client.get(hearing_api(world), headers=world.worker.auth).json()
    assert hearing["sequence"] == 3 and hearing["status"] == "adjourned"
    assert len(audit_events(settings, case_id=world.north_case, action="hearing.changed")) == 3
    # The history itself cannot be rewritten, whoever connects to the database.
    with pytest.raises(Exception, match="cannot be rewritten|history"):
        sql(settings, "UPDATE hearing_change SET reason = NULL")


def test_the_hearing_page_tells_the_story_and_flags_late_telling(client: TestClient[Any], world: World) -> None:
    # Known on Thursday 12 November, told on Tuesday 17 November: Friday, Monday, Tuesday = 3 working days.
    change(client, world, date="2027-01-12", start_time="14:00", reason="the court had no judge free",
           known_at="2026-11-12T15:00:00+00:00", told_at="2026-11-17T09:00:00+00:00")
    sign_in(client, world.worker.email)
    page = client.get(f"/cases/{world.north_case}/hearings/{world.north_hearing}")
    assert "Moved from Monday 14 December to Tuesday 12 January: the court had no judge free." in page.text
    assert "3 working days to tell the family" in page.text
    changes = client.get(hearing_api(world, "/changes"), headers=world.worker.auth).json()
    assert changes[-1]["working_days_to_tell"] == 3 and changes[-1]["told_late"] is True


def test_recording_that_the_family_was_told(client: TestClient[Any], world: World) -> None:
    import time_machine

    # Known on Friday 20 November; "now" is Monday 23rd, one working day later: in time.
    with time_machine.travel(dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC), tick=False):
        change(client, world, courtroom="7", known_at="2026-11-20T10:00:00+00:00")  # a Friday
        sign_in(client, world.worker.email)
        assert "Family not told yet." in client.get(f"/cases/{world.north_case}/hearings/{world.north_hearing}").text
        told = post_form(client, f"/cases/{world.north_case}/hearings/{world.north_hearing}/told", {"told_at": "2026-11-19T16:30"})
        assert told.status_code == 400, "the family cannot be told before we knew"
        told = post_form(client, f"/cases/{world.north_case}/hearings/{world.north_hearing}/told", {"told_at": ""})  # now
        assert told.status_code == 303
        changes = client.get(hearing_api(world, "/changes"), headers=world.worker.auth).json()
        assert all(c["told_at"] for c in changes)
        assert changes[-1]["told_late"] is False
        again = client.post(hearing_api(world, "/told"), headers=world.worker.auth, json={})
        assert again.status_code == 400 and "already been told" in again.text
    # Known on Friday 20 November, told "now" on Tuesday 24th: two working days, late.
    with time_machine.travel(dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC), tick=False):
        change(client, world, courtroom="8", known_at="2026-11-20T10:00:00+00:00")
        assert client.post(hearing_api(world, "/told"), headers=world.worker.auth, json={}).status_code in (200, 201)
        changes = client.get(hearing_api(world, "/changes"), headers=world.worker.auth).json()
        assert changes[-1]["told_late"] is True


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (dt.date(2026, 11, 20), dt.date(2026, 11, 23), 1),  # Friday -> Monday: one working day
        (dt.date(2026, 11, 20), dt.date(2026, 11, 24), 2),  # Friday -> Tuesday: late
        (dt.date(2026, 11, 23), dt.date(2026, 11, 23), 0),  # same day
        (dt.date(2026, 12, 24), dt.date(2026, 12, 29), 1),  # Christmas Day (Fri) and the Boxing Day substitute (Mon 28th)
        (dt.date(2027, 3, 25), dt.date(2027, 3, 30), 1),  # Good Friday 26 March and Easter Monday 29 March 2027
        (dt.date(2026, 8, 28), dt.date(2026, 9, 1), 1),  # Summer bank holiday Monday 31 August (England and Wales)
    ],
)
def test_working_days_skip_weekends_and_bank_holidays(start: dt.date, end: dt.date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_working_days_between_agree_with_counting_day_by_day() -> None:
    """The running-count lookup gives what walking the days gives, across year ends, leap days, bank
    holidays, dates before and after its base year, and spans of up to two years."""

    def walked(start: dt.date, end: dt.date) -> int:
        days = (start + dt.timedelta(days=n) for n in range(1, (end - start).days + 1))
        return sum(1 for day in days if is_working_day(day))

    starts = [dt.date(1990, 1, 1) + dt.timedelta(days=n) for n in range(0, 45 * 365, 97)]
    starts += [dt.date(1999, 12, 31), dt.date(2000, 1, 1), dt.date(2024, 2, 29), dt.date(2026, 12, 24)]
    for start in starts:
        for span in (-3, 0, 1, 2, 3, 6, 30, 366, 731):
            end = start + dt.timedelta(days=span)
            assert working_days_between(start, end) == (walked(start, end) if span > 0 else 0), (start, end)


def test_adding_working_days() -> None:
    assert add_working_days(dt.date(2026, 12, 23), 2) == dt.date(2026, 12, 29)
    assert not is_working_day(dt.date(2026, 12, 28)) and is_working_day(dt.date(2026, 12, 29))
    # Scotland's 2 January holiday is not one in England and Wales.
    assert is_working_day(dt.date(2026, 1, 2))


def test_the_next_14_days_and_the_caseload_show_the_next_hearing(client: TestClient[Any], world: World) -> None:
    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False):
        sign_in(client, world.worker.email)
        soon = client.get("/hearings/upcoming")
        assert "Monday 14 December at 10:00" in soon.text and "CJ-" in soon.text
        listed = client.get("/api/hearings/upcoming?days=14", headers=world.worker.auth).json()
        assert [r["hearing"]["id"] for r in listed] == [str(world.north_hearing)]
        assert client.get("/api/hearings/upcoming?days=3", headers=world.worker.auth).json() == []
        caseload = client.get("/")
        assert "Trial: Monday 14 December at 10:00" in caseload.text
    with time_machine.travel(dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC), tick=False):
        sign_in(client, world.worker.email)
        assert "No hearings in the next 14 days." in client.get("/hearings/upcoming").text
    assert client.get("/api/hearings/upcoming?days=0", headers=world.worker.auth).status_code == 400
    assert client.get("/api/hearings/upcoming?days=abc", headers=world.worker.auth).status_code == 400
    other = client.get("/api/hearings/upcoming?days=60", headers=world.outsider.auth).json()
    assert other == [], "another team's hearings never show"


def test_the_subscribe_page_for_a_welsh_speaking_parent(client: TestClient[Any], world: World) -> None:
    member = client.post(f"/api/cases/{world.north_case}/family-members", headers=world.worker.auth,
                         json={"name": "Mererid", "relationship_to_child": "grandparent", "preferred_language": "cy"}).json()
    sign_in(client, world.worker.email)
    page = post_form(client, f"/cases/{world.north_case}/calendars", {"family_member_id": member["id"], "privacy": "discreet"})
    assert page.status_code == 200
    assert '<html lang="cy">' in page.text
    token = re.search(r"https?://[^\s<\"]+/calendar/(cjcal_[A-Za-z0-9_\-]+)\.ics", page.text).group(1)  # type: ignore[union-attr]
    assert f"webcal://testserver.local/calendar/{token}.ics" in page.text
    assert 'src="data:image/svg+xml' in page.text
    assert "iPhone" in page.text and "Outlook" in page.text
    listing = client.get(f"/cases/{world.north_case}/calendars")
    assert token not in listing.text, "the address is shown once only"
    assert token[:10] in listing.text


def test_bad_subscription_requests(client: TestClient[Any], world: World) -> None:
    url = f"/api/cases/{world.north_case}/subscriptions"
    for body, words in [({"family_member_id": None}, "family member"), ({"family_member_id": str(world.north_member), "privacy": "loud"}, "options"),
                        ({"family_member_id": "01234567-89ab-cdef-0123-456789abcdef"}, "family member of this case")]:
        response = client.post(url, headers=world.worker.auth, json=body)
        assert response.status_code == 400 and words in response.text, response.text
    revoked = client.post(f"{url}/{world.north_subscription}/revoke", headers=world.worker.auth)
    again = client.post(f"{url}/{world.north_subscription}/replace", headers=world.worker.auth)
    assert revoked.status_code == 200 and again.status_code == 400 and "already turned off" in again.text


def test_bad_proceeding_and_charge_input(client: TestClient[Any], world: World) -> None:
    url = f"/api/cases/{world.north_case}/proceedings"
    response = client.post(url, headers=world.worker.auth, json={"court_name": "X"})
    assert response.status_code == 400 and "court_town" in response.text and "court_type" in response.text
    response = client.post(f"{url}/{world.north_proceeding}/charges", headers=world.worker.auth, json={"description": "x", "category": "minor"})
    assert response.status_code == 400 and "options" in response.text
    good = client.post(f"{url}/{world.north_proceeding}/charges", headers=world.worker.auth,
                       json={"description": "Sexual assault", "category": "sexual", "defendant": "Defendant A"})
    assert good.status_code == 201 and good.json()["category"] == "sexual"


async def _two_changes_at_once(settings: Settings, world: World) -> None:
    from courtjourney.accounts.models import User
    from courtjourney.cases.models import Case
    from courtjourney.db.engine import make_engine
    from courtjourney.accounts.audit import Actor
    from courtjourney.hearings import services
    from courtjourney.hearings.models import Hearing
    from sqlalchemy.ext.asyncio import async_sessionmaker

    engine = make_engine(settings)
    maker = async_sessionmaker(engine, expire_on_commit=False)

    async def one(values: dict[str, Any]) -> None:
        async with maker() as db, db.begin():
            case = await db.get(Case, world.north_case)
            hearing = await db.get(Hearing, world.north_hearing)
            user = await db.get(User, world.worker.id)
            await services.change_hearing(db, Actor.of(user), case, hearing, values)  # type: ignore[arg-type]

    try:
        await asyncio.gather(one({"courtroom": "5"}), one({"accompanied_by": "Bea"}))
    finally:
        await engine.dispose()


def test_two_people_changing_one_hearing_at_once_lose_nothing(settings: Settings, world: World) -> None:
    asyncio.run(_two_changes_at_once(settings, world))
    rows = sql(settings, "SELECT courtroom, accompanied_by, sequence FROM hearing")
    assert len(rows) == 1
    assert rows[0][0] == "5" and rows[0][2] == 1
    assert sql(settings, "SELECT count(*) FROM hearing_change")[0][0] == 3


def test_hearing_fields_are_encrypted_at_rest(client: TestClient[Any], settings: Settings, world: World) -> None:
    change(client, world, arrival_notes="Blue door on Mill Lane", reason="x")
    raw = " ".join(str(v) for row in sql(settings, "SELECT arrival_notes, accompanied_by FROM hearing") for v in row)
    raw += " ".join(str(v) for row in sql(settings, "SELECT urn, defendants FROM proceeding") for v in row)
    raw += " ".join(str(v) for row in sql(settings, "SELECT changes, reason FROM hearing_change") for v in row)
    for plain in ("Mill Lane", "12AB3456789", "Defendant A"):
        assert plain not in raw


@pytest.mark.parametrize("action", ["revoke", "replace"])
def test_a_calendar_is_turned_off_or_replaced_only_after_saying_what_will_happen(
    client: TestClient[Any], settings: Settings, world: World, action: str
) -> None:
    """The calendars page links to a page saying, with the parent's name, what turning off or replacing
    her calendar does; asking ends nothing, and only its button does. Another team's worker gets 404."""
    feed = f"/calendar/{world.north_feed_token}.ics"
    sign_in(client, world.worker.email)
    listing = client.get(f"/cases/{world.north_case}/calendars").text
    confirm = f"/cases/{world.north_case}/calendars/{world.north_subscription}/{action}"
    assert f'href="{confirm}"' in listing
    assert f'action="{confirm}"' not in listing, "no one-click turning off on the list"
    asked = client.get(confirm)
    assert asked.status_code == 200
    words = {"revoke": "Nora Northfield's phone will stop getting court dates", "replace": "The address Nora Northfield has now will stop working"}
    assert words[action] in asked.text.replace("&#39;", "'")
    assert f'action="{confirm}"' in asked.text
    assert client.get(feed).status_code == 200, "asking turns nothing off"
    assert not audit_events(settings, action="calendar.revoked")
    done = client.post(confirm, data={"_csrf_token": csrf_token(client, confirm)}, follow_redirects=False)
    assert done.status_code in (200, 303)
    assert_ended(client.get(feed))
    assert len(audit_events(settings, action="calendar.revoked")) == 1
    again = client.get(confirm)
    assert again.status_code == 200 and "already turned off" in again.text and f'action="{confirm}"' not in again.text
    sign_in(client, "worker@south.example")
    assert client.get(confirm).status_code == 404
