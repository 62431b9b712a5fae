"""Correcting a case's records (issue 17): a family member, a key contact, a risk assessment and the child's
details, through the pages and the API, on SQLite and PostgreSQL. Every correction keeps what the record said
before (encrypted), is audited, and is seen only by those who may see the case."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, sign_in, sql

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
