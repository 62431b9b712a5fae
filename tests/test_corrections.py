"""Correcting a case's records (issue 17): a family member, a key contact, a risk assessment and the child's
details, through the pages and the API, on SQLite and PostgreSQL. Every correction keeps what the record said
before (encrypted), is audited, and is seen only by those who may see the case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql

NORA = {"name": "Nora Northfield", "relationship_to_child": "mother", "preferred_language": "en",
        "safe_contact": "", "access_needs": "", "is_witness": "on"}


def post_form(client: TestClient[Any], path: str, data: dict[str, str]) -> Any:
    return client.post(path, data={**data, "_csrf_token": csrf_token(client, "/account")}, follow_redirects=False)


def test_a_typo_in_a_parent_s_name_is_corrected_and_what_it_said_before_is_kept(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    page = f"/cases/{world.north_case}/family/{world.north_member}"
    form = client.get(page)
    assert form.status_code == 200 and 'value="Nora Northfield"' in form.text
    assert "Not corrected yet" in form.text
    with time_machine.travel(dt.datetime(2026, 12, 3, 14, 5, tzinfo=dt.UTC), tick=False):
        saved = post_form(client, page, {**NORA, "name": "Morag Northfield 50%"})
    assert saved.status_code == 303 and saved.headers["location"].endswith("?done=family#family")
    case_page = client.get(f"/cases/{world.north_case}").text
    assert "Morag Northfield 50%" in case_page
    shown = client.get(page).text
    earlier = shown.split('id="earlier"', 1)[1]
    assert "Corrected on Thursday 3 December 2026 at 14:05 by Wren Worker." in earlier, earlier[:600]
    assert "Name was: Nora Northfield" in earlier
    assert "Relationship" not in earlier, "only the field that changed is listed"
    # At rest: the field names in the clear, the earlier values encrypted.
    rows = sql(settings, "SELECT fields, earlier, record_type FROM record_correction")
    assert [(r[0], r[2]) for r in rows] == [("name", "family_member")]
    assert "Nora" not in rows[0][1]
    events = audit_events(settings, action="family.corrected")
    assert len(events) == 1 and events[0].target_id == world.north_member and events[0].actor_id == world.worker.id
    # The search finds the new name, not the old one.
    found = client.get("/api/search", params={"q": "Morag"}, headers=world.worker.auth).json()["results"]
    assert [r["case_id"] for r in found] == [str(world.north_case)]
    assert client.get("/api/search", params={"q": "Nora"}, headers=world.worker.auth).json()["results"] == []


def test_saving_a_form_unchanged_keeps_no_history(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    page = f"/cases/{world.north_case}/family/{world.north_member}"
    assert post_form(client, page, NORA).status_code == 303
    assert sql(settings, "SELECT count(*) FROM record_correction")[0][0] == 0
    assert audit_events(settings, action="family.corrected") == []
    # Unticking "witness" is a change (an unticked box is not sent at all).
    assert post_form(client, page, {k: v for k, v in NORA.items() if k != "is_witness"}).status_code == 303
    member = client.get(f"/api/cases/{world.north_case}/family-members", headers=world.worker.auth).json()[0]
    assert member["is_witness"] is False
    assert "This person is a witness was: Yes" in client.get(page).text


def test_bad_corrections_are_refused_in_plain_words_and_change_nothing(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    api = f"/api/cases/{world.north_case}"
    auth = world.worker.auth
    blank = client.patch(f"{api}/family-members/{world.north_member}", headers=auth, json={"name": ""})
    assert blank.status_code == 400 and "name" in blank.text.lower()
    contact = client.post(f"{api}/contacts", headers=auth,
                          json={"role": "officer_in_case", "name": "DC Reed", "phone": "01632 960000"}).json()
    unreachable = client.patch(f"{api}/contacts/{contact['id']}", headers=auth, json={"phone": None})
    assert unreachable.status_code == 400 and "phone number or an email address" in unreachable.text
    future = client.patch(api, headers=auth, json={"child_birth_date": "2031-01-01"})
    assert future.status_code == 400
    level = client.patch(f"{api}/risk-assessments/{world.north_member}", headers=auth, json={"level": "low"})
    assert level.status_code == 404, "a family member's id is not a risk assessment"
    sign_in(client, world.worker.email)
    form = post_form(client, f"/cases/{world.north_case}/family/{world.north_member}", {**NORA, "name": ""})
    assert form.status_code == 400 and "There is a problem" in form.text
    assert sql(settings, "SELECT count(*) FROM record_correction")[0][0] == 0
    assert client.get(f"{api}/family-members", headers=auth).json()[0]["name"] == "Nora Northfield"
    assert client.get(f"{api}/contacts", headers=auth).json()[0]["phone"] == "01632 960000"


def test_the_api_corrects_the_child_a_contact_and_a_risk_assessment_and_lists_what_each_said(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    api = f"/api/cases/{world.north_case}"
    auth = world.worker.auth
    child = client.patch(api, headers=auth, json={"child_birth_date": "2012-05-01"})
    assert child.status_code == 200 and child.json()["child_birth_date"] == "2012-05-01"
    assert child.json()["child_name"] == "Nell Northfield", "a field not sent is left as it was"
    contact = client.post(f"{api}/contacts", headers=auth,
                          json={"role": "officer_in_case", "name": "DC Reed", "phone": "01632 960000"}).json()
    moved = client.patch(f"{api}/contacts/{contact['id']}", headers=auth,
                         json={"organisation": "Northshire Police", "email": "reed@example.org"})
    assert moved.status_code == 200 and moved.json()["email"] == "reed@example.org"
    risk = client.post(f"{api}/risk-assessments", headers=auth, json={"level": "medium", "assessed_on": "2026-01-01"}).json()
    fixed = client.patch(f"{api}/risk-assessments/{risk['id']}", headers=auth, json={"assessed_on": "2026-10-01"})
    assert fixed.status_code == 200 and fixed.json()["assessed_on"] == "2026-10-01"
    listed = client.get(f"{api}/corrections", headers=auth).json()
    assert [(c["record_type"], c["earlier"]) for c in listed] == [
        ("risk_assessment", {"assessed_on": "2026-01-01"}),
        ("case_contact", {"email": None, "organisation": None}),
        ("case_record", {"child_birth_date": "2012-04-01"}),
    ]
    assert {e.action for e in audit_events(settings, case_id=world.north_case)} >= {
        "case.corrected", "key_contact.corrected", "risk.corrected"}
    # Shown on the pages in words: a date as a date, an empty field as "(empty)".
    sign_in(client, world.worker.email)
    assert "Date of assessment was: 1 Jan 2026" in client.get(f"/cases/{world.north_case}/risk/{risk['id']}").text
    assert "Organisation was: (empty)" in client.get(f"/cases/{world.north_case}/contacts/{contact['id']}").text
    assert "Child&#39;s date of birth was: 1 Apr 2012" in client.get(f"/cases/{world.north_case}/details").text


def test_someone_who_may_not_see_the_case_gets_404_and_changes_nothing(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    for who in (world.outsider, world.colleague):
        answer = client.patch(f"/api/cases/{world.north_case}/family-members/{world.north_member}", headers=who.auth,
                              json={"name": "Someone else"})
        assert answer.status_code == 404
        assert client.get(f"/api/cases/{world.north_case}/corrections", headers=who.auth).status_code == 404
    assert sql(settings, "SELECT count(*) FROM record_correction")[0][0] == 0


# --- tasks: who did them, and removing one that does not apply ----------------------------------


def task_count(settings: Settings, task_id: Any) -> int:
    from sqlalchemy import func, select

    from courtjourney.cases.models import Task

    async def work(db: Any) -> int:
        return int(await db.scalar(select(func.count()).select_from(Task).where(Task.id == task_id)) or 0)

    return in_db(settings, work)


def test_a_done_task_says_who_did_it_and_when_on_the_case_page(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    toggle = f"/cases/{world.north_case}/tasks/{world.north_task}/toggle"
    with time_machine.travel(dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC), tick=False):
        assert post_form(client, toggle, {}).status_code == 303
    tasks = client.get(f"/cases/{world.north_case}").text.split('id="tasks"', 1)[1].split("</section>", 1)[0]
    assert "done on 2 Dec 2026 by Wren Worker" in tasks, tasks[:800]
    assert f"/tasks/{world.north_task}/remove" not in tasks, "a done task offers no removal"


def test_a_task_that_does_not_apply_is_removed_after_saying_so_and_only_by_those_who_see_the_case(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    """The case page links to a page that names the task and says removing it cannot be undone; asking
    removes nothing; the button removes it (audited, with plain words on the trail); another team's worker
    gets 404 and removes nothing; a task that was done is refused in plain words, on the page and the API."""
    page = f"/cases/{world.north_case}/tasks/{world.north_task}/remove"
    sign_in(client, "worker@south.example")
    assert client.get(page).status_code == 404
    assert post_form(client, page, {}).status_code == 404
    assert client.delete(f"/api/cases/{world.north_case}/tasks/{world.north_task}",
                         headers=world.outsider.auth).status_code == 404
    assert task_count(settings, world.north_task) == 1

    sign_in(client, world.worker.email)
    assert f'href="{page}"' in client.get(f"/cases/{world.north_case}").text
    asked = client.get(page)
    assert asked.status_code == 200
    assert "“Phone the school” will no longer be on this case&#39;s tasks" in asked.text
    assert "This cannot be undone." in asked.text
    assert task_count(settings, world.north_task) == 1, "asking removes nothing"
    done = post_form(client, page, {})
    assert done.status_code == 303 and done.headers["location"].endswith("#tasks")
    assert task_count(settings, world.north_task) == 0
    assert "Phone the school" not in client.get(f"/cases/{world.north_case}").text
    (event,) = audit_events(settings, action="task.removed")
    assert event.target_id == world.north_task
    assert client.get(page).status_code == 404, "gone"
    sign_in(client, world.manager.email)
    trail = client.get(f"/cases/{world.north_case}/audit").text
    assert "Wren Worker removed a task that did not apply" in trail


def test_a_task_that_was_done_stays_and_the_api_says_why(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    api = f"/api/cases/{world.north_case}/tasks/{world.north_task}"
    assert client.patch(api, headers=world.worker.auth, json={"done": True}).status_code == 200
    refused = client.delete(api, headers=world.worker.auth)
    assert refused.status_code == 400, refused.text
    assert "stays as a record of the work" in refused.json()["errors"]["task"]
    sign_in(client, world.worker.email)
    page = f"/cases/{world.north_case}/tasks/{world.north_task}/remove"
    shown = client.get(page)
    assert shown.status_code == 200 and "stays as a record of the work" in shown.text
    assert f'action="{page}"' not in shown.text
    assert post_form(client, page, {}).status_code == 400
    assert task_count(settings, world.north_task) == 1
    assert not audit_events(settings, action="task.removed")
    assert client.patch(api, headers=world.worker.auth, json={"done": False}).status_code == 200
    assert client.delete(api, headers=world.worker.auth).status_code == 204
    assert task_count(settings, world.north_task) == 0


# --- a colleague's place on a case -------------------------------------------------------------------


def test_a_colleague_is_taken_off_a_case_after_saying_what_follows_and_their_open_tasks_are_freed(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    api = f"/api/cases/{world.north_case}"
    assert client.post(f"{api}/workers", headers=world.worker.auth, json={"worker_id": str(world.colleague.id)}).status_code == 201
    task = client.post(f"{api}/tasks", headers=world.worker.auth,
                       json={"title": "Ring the school", "assigned_to_id": str(world.colleague.id)}).json()
    assert client.get(api, headers=world.colleague.auth).status_code == 200
    page = f"/cases/{world.north_case}/workers/{world.colleague.id}/remove"
    sign_in(client, world.worker.email)
    assert f'href="{page}"' in client.get(f"/cases/{world.north_case}").text
    asked = client.get(page)
    assert asked.status_code == 200
    assert "Cole Colleague will no longer see this case, its family or its tasks." in asked.text
    assert client.get(api, headers=world.colleague.auth).status_code == 200, "asking changes nothing"
    done = post_form(client, page, {})
    assert done.status_code == 303 and done.headers["location"].endswith("#workers")
    assert client.get(api, headers=world.colleague.auth).status_code == 404, "they no longer see the case"
    [left] = [t for t in client.get(f"{api}/tasks", headers=world.worker.auth).json() if t["id"] == task["id"]]
    assert left["assigned_to_id"] is None, "their open task is left for someone to take"
    [event] = audit_events(settings, action="case.worker_removed")
    assert event.actor_id == world.worker.id and event.case_id == world.north_case
    sign_in(client, world.manager.email)
    assert "took a colleague off the case" in client.get(f"/cases/{world.north_case}/audit").text


def test_someone_always_stays_on_a_case_and_an_outsider_gets_404(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    api = f"/api/cases/{world.north_case}/workers/{world.worker.id}"
    last = client.delete(api, headers=world.worker.auth)
    assert last.status_code == 400 and "Someone must stay on the case" in last.text
    sign_in(client, world.worker.email)
    page = f"/cases/{world.north_case}/workers/{world.worker.id}/remove"
    shown = client.get(page)
    assert shown.status_code == 200 and "Someone must stay on the case" in shown.text and f'action="{page}"' not in shown.text
    assert client.delete(api, headers=world.outsider.auth).status_code == 404
    assert client.delete(f"/api/cases/{world.north_case}/workers/{world.colleague.id}", headers=world.worker.auth).status_code == 404
    assert client.get(f"/api/cases/{world.north_case}", headers=world.worker.auth).status_code == 200
    assert not audit_events(settings, action="case.worker_removed")
