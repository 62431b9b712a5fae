"""My day through real HTTP, at pinned clocks: each list's content and order (across working days and a
bank holiday), late in red, "told" removing the line, the team's standard for contact (and its form
refusing bad input), incidents since the last visit, the counts on the caseload, case and team pages,
other teams' cases never shown, the JSON API and the audit trail; and the demo showing it working."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import time_machine
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql

UTC = dt.UTC


@contextmanager
def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> Iterator[None]:
    """The clock stands at this moment (UTC; in winter the same as UK time)."""
    with time_machine.travel(dt.datetime(year, month, day, hour, minute, tzinfo=UTC), tick=False):
        yield


def my_day(client: TestClient[Any], who: Any) -> dict[str, Any]:
    response = client.get("/api/me/day", headers=who.auth)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def lines(day: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(s for s in day["sections"] if s["key"] == key)["lines"]


def add_hearing(client: TestClient[Any], world: World, day: dt.date, *, known_at: dt.datetime | None = None,
                hearing_type: str = "mention", case: uuid.UUID | None = None, who: Any = None) -> str:
    body: dict[str, Any] = {
        "proceeding_id": str(world.north_proceeding), "hearing_type": hearing_type, "listing": "fixed",
        "date": day.isoformat(), "start_time": "10:00", "court_name": "Northtown Crown Court", "court_town": "Northtown"}
    if known_at is not None:
        body["known_at"] = known_at.isoformat()
    response = client.post(f"/api/cases/{case or world.north_case}/hearings", headers=(who or world.worker).auth, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def tell(client: TestClient[Any], world: World, hearing: Any, when: dt.datetime | None = None) -> None:
    body = {"told_at": when.isoformat()} if when else {}
    response = client.post(f"/api/cases/{world.north_case}/hearings/{hearing}/told", headers=world.worker.auth, json=body)
    assert response.status_code in (200, 201), response.text


def quiet_world(client: TestClient[Any], world: World) -> None:
    """Tell the family of the world's own hearing listing (known 16 November), so each test starts clean."""
    with at(2026, 11, 16, 12):
        tell(client, world, world.north_hearing)


# --- 1. families to tell about a hearing change ---------------------------------------------------------


def test_to_tell_counts_working_days_over_christmas_and_turns_red_once_late(client: TestClient[Any], world: World) -> None:
    quiet_world(client, world)
    # Thursday 24 December 2026; Friday 25 and Monday 28 (Boxing Day's substitute) are bank holidays.
    with at(2026, 12, 24, 11):
        first = add_hearing(client, world, dt.date(2027, 1, 11), known_at=dt.datetime(2026, 12, 24, 10, tzinfo=UTC))
        [line] = lines(my_day(client, world.worker), "to_tell")
        assert line["days"] == 0 and line["late"] is False and line["family"] is True
        assert line["href"] == f"/cases/{world.north_case}/hearings/{first}#story"
        assert line["text"].startswith("Tell the family about the change to the mention")
    with at(2026, 12, 29, 9):  # Tuesday: the first working day after the 24th
        second = add_hearing(client, world, dt.date(2027, 1, 12), known_at=dt.datetime(2026, 12, 29, 9, tzinfo=UTC))
        shown = lines(my_day(client, world.worker), "to_tell")
        assert [(x["days"], x["late"]) for x in shown] == [(1, False), (0, False)]
    with at(2026, 12, 30, 9):  # Wednesday: two working days, past the standard of one
        day = my_day(client, world.worker)
        shown = lines(day, "to_tell")
        assert [x["href"].split("/")[-1] for x in shown] == [f"{first}#story", f"{second}#story"]
        assert [(x["days"], x["late"]) for x in shown] == [(2, True), (1, False)]
        assert "2 working days since we learned of it: the standard is 1." == shown[0]["detail"]
        assert (day["to_tell"], day["late"]) == (2, 1)
        sign_in(client, "worker@north.example")
        page = client.get("/my-day").text
        late_line = re.search(r'<li class="day-line day-late">(.*?)</li>', page, re.S)
        assert late_line and f"/hearings/{first}#story" in late_line.group(1) and "Late" in late_line.group(1)
        assert f'href="/cases/{world.north_case}/contact-log/new"' in late_line.group(1)


def test_recording_told_takes_the_line_off(client: TestClient[Any], world: World) -> None:
    with at(2026, 12, 1):
        [line] = lines(my_day(client, world.worker), "to_tell")  # the world's listing, known 16 November
        assert line["late"] is True and line["days"] == 11
        tell(client, world, world.north_hearing)
        day = my_day(client, world.worker)
        assert lines(day, "to_tell") == [] and (day["to_tell"], day["late"]) == (0, 0)


# --- 2. hearings in the next 7 days ---------------------------------------------------------------------


def test_hearings_of_the_next_seven_days_soonest_first(client: TestClient[Any], world: World) -> None:
    with at(2026, 12, 7):  # the world's trial is on Monday 14 December: 8 days away
        assert lines(my_day(client, world.worker), "hearings") == []
        sooner = add_hearing(client, world, dt.date(2026, 12, 9))
    with at(2026, 12, 8):  # 8..14 December
        shown = lines(my_day(client, world.worker), "hearings")
        assert [x["href"].rsplit("/", 1)[1] for x in shown] == [sooner, str(world.north_hearing)]
        assert [x["on"] for x in shown] == ["2026-12-09", "2026-12-14"]
        # A hearing that will not go ahead leaves the list.
        vacated = client.patch(f"/api/cases/{world.north_case}/hearings/{sooner}", headers=world.worker.auth,
                               json={"status": "vacated", "reason": "not needed"})
        assert vacated.status_code == 200, vacated.text
        assert [x["on"] for x in lines(my_day(client, world.worker), "hearings")] == ["2026-12-14"]


# --- 3. tasks and deadlines -----------------------------------------------------------------------------


def test_tasks_overdue_or_due_this_week_mine_or_nobodys_most_overdue_first(client: TestClient[Any], world: World) -> None:
    colleague = client.post(f"/api/cases/{world.north_case}/workers", headers=world.worker.auth,
                            json={"worker_id": str(world.colleague.id)})
    assert colleague.status_code in (200, 201), colleague.text

    def task(title: str, due: str, who: Any = None) -> None:
        body: dict[str, Any] = {"title": title, "due_on": due}
        if who is not None:
            body["assigned_to_id"] = str(who)
        assert client.post(f"/api/cases/{world.north_case}/tasks", headers=world.worker.auth, json=body).status_code == 201

    with at(2026, 12, 1):
        task("Ring the school", "2026-12-03")
        task("Send the travel form", "2026-11-29")
        task("Book the court visit", "2026-12-08")  # 7 days ahead: past today and the six days after it
        task("The colleague's call", "2026-12-02", who=world.colleague.id)
        shown = [x for x in lines(my_day(client, world.worker), "tasks") if x["text"] in
                 {"Ring the school", "Send the travel form", "Book the court visit", "The colleague's call"}]
        assert [(x["text"], x["late"], x["detail"]) for x in shown] == [
            ("Send the travel form", True, "Overdue by 2 days."), ("Ring the school", False, "Due in 2 days.")]
        assert all(x["href"] == f"/cases/{world.north_case}#tasks" for x in shown)
        every = lines(my_day(client, world.worker), "tasks")
        assert [x["on"] for x in every] == sorted(x["on"] for x in every)


def test_deadline_after_the_verdict_says_how_many_days_are_left(client: TestClient[Any], world: World) -> None:
    # Sentenced 29 October 2026: the Unduly Lenient Sentence scheme's 28 days end on 26 November.
    with at(2026, 11, 16, 12):
        synced = client.post(f"/api/cases/{world.north_case}/deadlines/tasks", headers=world.worker.auth)
        assert synced.status_code == 200, synced.text
    with at(2026, 11, 23):
        shown = lines(my_day(client, world.worker), "deadlines")
        three = [x for x in shown if x["on"] == "2026-11-26"]
        assert three and all(x["text"].endswith(": 3 days left") and x["late"] is False for x in three)
        assert three[0]["href"] == f"/cases/{world.north_case}/debrief"
        assert not any(x["text"].startswith("14 days left") for x in shown)  # the reminder task is not repeated
        assert not any(x["on"] == "2026-11-26" for x in lines(my_day(client, world.worker), "tasks"))
    with at(2026, 11, 28):
        passed = [x for x in lines(my_day(client, world.worker), "deadlines") if x["on"] == "2026-11-26"]
        assert passed and all(x["text"].endswith(": passed 2 days ago") and x["late"] for x in passed)


# --- 4. support plan reviews ----------------------------------------------------------------------------


def test_support_plan_review_shows_a_week_ahead_and_turns_late(client: TestClient[Any], world: World) -> None:
    # Reviews from 29 October: the 1-month review falls on 29 November.
    with at(2026, 11, 22):
        assert [x for x in lines(my_day(client, world.worker), "reviews") if x["on"] == "2026-11-29"] == []
    with at(2026, 11, 23):
        [due] = [x for x in lines(my_day(client, world.worker), "reviews") if x["on"] == "2026-11-29"]
        assert due["text"] == "Support plan: 1-month review" and due["late"] is False
        assert due["href"] == f"/cases/{world.north_case}/support-plan"
    with at(2026, 12, 1):
        [late] = [x for x in lines(my_day(client, world.worker), "reviews") if x["on"] == "2026-11-29"]
        assert late["late"] is True


# --- 5. incidents since the last visit ------------------------------------------------------------------


def incident(client: TestClient[Any], world: World, who: Any, narrative: str) -> str:
    response = client.post(f"/api/cases/{world.north_case}/incidents", headers=who.auth,
                           json={"narrative": narrative, "occurred_from": "2026-11-30T18:00:00Z"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_incidents_since_the_last_visit_move_forward_after_a_visit(client: TestClient[Any], world: World) -> None:
    with at(2026, 12, 1, 9):
        first = incident(client, world, world.manager, "A car waited outside")
        incident(client, world, world.worker, "Recorded by the worker herself")
    sign_in(client, "worker@north.example")
    with at(2026, 12, 1, 10):
        [line] = lines(my_day(client, world.worker), "incidents")  # never looked: the last week is news
        assert line["href"] == f"/cases/{world.north_case}/incidents/{first}"
        assert my_day(client, world.worker)["since"] is None  # the API does not move the mark
        assert f"/incidents/{first}" in client.get("/my-day").text  # the page does
    with at(2026, 12, 1, 11):
        day = my_day(client, world.worker)
        assert lines(day, "incidents") == [] and day["since"].startswith("2026-12-01T10:00")
        assert f"/incidents/{first}" not in client.get("/my-day").text
    with at(2026, 12, 1, 12):
        second = incident(client, world, world.manager, "Messages from an unknown account")
    with at(2026, 12, 1, 13):
        assert [x["href"].rsplit("/", 1)[1] for x in lines(my_day(client, world.worker), "incidents")] == [second]


# --- 6. families not contacted: the team's standard -------------------------------------------------------


def test_team_standard_decides_who_is_listed_as_not_contacted(client: TestClient[Any], world: World, settings: Settings) -> None:
    # The world's last call was on 16 November; not assessed yet, the case has the medium standard (14 days).
    with at(2026, 11, 30):
        assert lines(my_day(client, world.worker), "not_contacted") == []
    with at(2026, 12, 1):
        [line] = lines(my_day(client, world.worker), "not_contacted")
        assert line["days"] == 15 and line["late"] and line["href"] == f"/cases/{world.north_case}/contact-log/new"
        assert "14 days" in line["detail"]
        sign_in(client, "manager@north.example")
        form = client.get("/team/contact-standard")
        assert form.status_code == 200 and 'value="14"' in form.text
        token = csrf_token(client, "/team/contact-standard")
        saved = client.post("/team/contact-standard", follow_redirects=False, data={
            "high_days": "7", "medium_days": "20", "low_days": "28", "_csrf_token": token})
        assert saved.status_code == 303 and saved.headers["location"].startswith("/team")
        assert lines(my_day(client, world.worker), "not_contacted") == []
        assert "20 days" in client.get("/team").text
        # A high risk assessment: 7 days.
        assert client.post(f"/api/cases/{world.north_case}/risk-assessments", headers=world.worker.auth,
                           json={"level": "high", "assessed_on": "2026-11-20"}).status_code == 201
        [line] = lines(my_day(client, world.worker), "not_contacted")
        assert "high risk is 7 days" in line["detail"]
        # An attempt that did not reach anyone does not count; a call does.
        assert client.post(f"/api/cases/{world.north_case}/contact-log", headers=world.worker.auth,
                           json={"kind": "no_answer"}).status_code == 201
        assert len(lines(my_day(client, world.worker), "not_contacted")) == 1
        assert client.post(f"/api/cases/{world.north_case}/contact-log", headers=world.worker.auth,
                           json={"kind": "call", "notes": "Rang her"}).status_code == 201
        assert lines(my_day(client, world.worker), "not_contacted") == []
    assert [e.action for e in audit_events(settings, action="team.contact_standard_changed")] == ["team.contact_standard_changed"]


def test_bad_input_to_the_standard_is_refused_plainly_and_nothing_is_written(client: TestClient[Any], world: World, settings: Settings) -> None:
    sign_in(client, "manager@north.example")
    token = csrf_token(client, "/team/contact-standard")
    for bad in ("ten", "0", "", "366", "7.5", "-3"):
        answer = client.post("/team/contact-standard", data={
            "high_days": bad, "medium_days": "14", "low_days": "28", "_csrf_token": token})
        assert answer.status_code == 400, bad
        said = "Enter high risk: days between contacts." if bad == "" else "Enter a whole number of days from 1 to 365, like 14."
        assert said in answer.text, bad
    assert sql(settings, "SELECT count(*) FROM team_contact_standard")[0][0] == 0


def test_only_a_manager_sets_the_standard(client: TestClient[Any], world: World) -> None:
    sign_in(client, "worker@north.example")
    assert client.get("/team/contact-standard").status_code == 404
    token = csrf_token(client, "/my-day")
    assert client.post("/team/contact-standard", data={
        "high_days": "1", "medium_days": "1", "low_days": "1", "_csrf_token": token}).status_code == 404


# --- the counts on the caseload, the case page and the team page --------------------------------------------


def test_to_tell_and_late_counts_on_caseload_case_page_and_team_page(client: TestClient[Any], world: World) -> None:
    with at(2026, 12, 1, 9):
        told = add_hearing(client, world, dt.date(2027, 1, 11), known_at=dt.datetime(2026, 12, 1, 8, tzinfo=UTC))
        tell(client, world, told)
        add_hearing(client, world, dt.date(2027, 1, 12), known_at=dt.datetime(2026, 12, 1, 8, tzinfo=UTC))
    with at(2026, 12, 3):  # the world's listing (16 November) is late; the 1 December one is now late too
        sign_in(client, "worker@north.example")
        card = client.get("/").text
        assert "2 hearing changes: 2 late" in card and f'href="/cases/{world.north_case}#todo"' in card
        case_page = client.get(f"/cases/{world.north_case}").text
        assert "2 hearing changes the family has not been told of" in case_page and "2 late" in case_page
        assert f'/cases/{world.north_case}/incidents/new' in case_page and "Record an incident" in case_page
        assert case_page.index('id="todo"') < case_page.index('id="journey"')
        todo = case_page[case_page.index('id="todo"'):case_page.index('id="journey"')]
        assert f"/hearings/{world.north_hearing}#story" in todo and "Late" in todo  # what to do: tell the family
        assert "No key contacts recorded yet." in case_page and "No contacts recorded yet." not in case_page
        client.get("/logout")
        sign_in(client, "manager@north.example")
        team = client.get("/team").text
        row = re.search(r"<tr><td>Wren Worker</td><td>(\d+)</td><td[^>]*>(\d+)</td></tr>", team)
        assert row and row.groups() == ("2", "2")
        # This month: the change told the same day was in time; the untold one is late: 1 of 2.
        assert "50% of hearing changes were told to the family within one working day (1 of 2)" in team


# --- other teams, the API, the audit trail ------------------------------------------------------------------


def test_next_14_days_says_which_hearings_the_family_has_not_been_told_about(client: TestClient[Any], world: World) -> None:
    quiet_world(client, world)
    with at(2026, 12, 1, 10):  # Tuesday
        late = add_hearing(client, world, dt.date(2026, 12, 8), known_at=dt.datetime(2026, 11, 27, 10, tzinfo=UTC))
        fresh = add_hearing(client, world, dt.date(2026, 12, 9), known_at=dt.datetime(2026, 12, 1, 9, tzinfo=UTC))
        told = add_hearing(client, world, dt.date(2026, 12, 10), known_at=dt.datetime(2026, 12, 1, 9, tzinfo=UTC))
        tell(client, world, told)
        sign_in(client, "worker@north.example")
        page = client.get("/hearings/upcoming")
    assert page.status_code == 200
    rows = {m.group(1): m.group(2) for m in re.finditer(r'hearings/([0-9a-f-]{36})">[^<]*</a></td>(.*?)</tr>', page.text, re.S)}
    assert "Not yet: tell the family" in rows[late] and "Late" in rows[late]
    assert "Not yet: tell the family" in rows[fresh] and "Late" not in rows[fresh]
    assert "Not yet" not in rows[told] and "Yes" in rows[told]


def test_another_teams_cases_are_never_shown(client: TestClient[Any], world: World) -> None:
    with at(2026, 12, 1):
        south = client.post(f"/api/cases/{world.south_case}/proceedings", headers=world.outsider.auth, json={
            "court_name": "Southport Crown Court", "court_town": "Southport", "court_type": "crown", "status": "active"})
        assert south.status_code == 201, south.text
        hearing = client.post(f"/api/cases/{world.south_case}/hearings", headers=world.outsider.auth, json={
            "proceeding_id": south.json()["id"], "hearing_type": "trial", "listing": "fixed", "date": "2026-12-03",
            "start_time": "10:00", "court_name": "Southport Crown Court", "court_town": "Southport"})
        assert hearing.status_code == 201, hearing.text
        for who in (world.worker, world.manager, world.colleague):
            day = my_day(client, who)
            assert all(line["case_id"] != str(world.south_case) for s in day["sections"] for line in s["lines"])
        theirs = my_day(client, world.outsider)
        assert {line["case_id"] for s in theirs["sections"] for line in s["lines"]} == {str(world.south_case)}
        sign_in(client, "worker@north.example")
        assert str(world.south_case) not in client.get("/my-day").text
        hop = client.get(f"/my-day/record-contact?case_id={world.south_case}", follow_redirects=False)
        assert hop.status_code == 303 and client.get(hop.headers["location"]).status_code == 404


def test_the_api_gives_the_lists_in_order_and_the_page_the_same(client: TestClient[Any], world: World, settings: Settings) -> None:
    with at(2026, 12, 1):
        day = my_day(client, world.worker)
        assert [s["key"] for s in day["sections"]] == [
            "to_tell", "unacknowledged", "hearings", "tasks", "deadlines", "reviews", "incidents", "not_contacted"]
        line = lines(day, "to_tell")[0]
        assert set(line) == {"case_id", "case_reference", "text", "href", "late", "detail", "on", "family", "days"}
        sign_in(client, "worker@north.example")
        page = client.get("/my-day").text
        for section in day["sections"]:
            assert f'id="{section["key"]}"' in page
            for x in section["lines"]:
                assert x["href"] in page
        assert 'action="/my-day/record-contact"' in page and 'href="/">See your whole caseload' in page
        listed = [e.case_id for e in audit_events(settings, action="case.listed") if e.route in ("/my-day", "/api/me/day")]
        assert world.north_case in listed
        schema = client.get("/schema/openapi.json").json()
        operation = schema["paths"]["/api/me/day"]["get"]
        assert operation["summary"] and operation["description"]


def test_sign_in_lands_on_my_day_and_my_day_is_first_in_the_menu(client: TestClient[Any], world: World) -> None:
    token = csrf_token(client)
    answer = client.post("/login", data={"email": "worker@north.example", "password": "correct horse battery staple",
                                         "_csrf_token": token}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/my-day"
    page = client.get("/my-day").text
    menu = page[page.index('<ul class="nav">'):]
    assert menu.index('href="/my-day"') < menu.index('href="/"')


# --- the demo --------------------------------------------------------------------------------------------------


def test_the_demo_has_a_family_to_tell_about_yesterdays_change(client: TestClient[Any], settings: Settings) -> None:
    from courtjourney.demo import load_demo

    with at(2026, 12, 2, 8):
        in_db(settings, lambda db: load_demo(db))
        sign_in(client, "worker@demo.example", "demo-worker-2026")
        page = client.get("/my-day")
        assert page.status_code == 200
        to_tell = page.text[page.text.index('id="to_tell"'):page.text.index('id="hearings"')]
        assert "Tell the family about the change to the trial" in to_tell
        assert "1 working day since we learned of it: the standard is 1." in to_tell  # known yesterday
