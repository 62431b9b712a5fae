"""The contact log through real HTTP: recording from the API and the phone form, bad input refused with
nothing written, corrections that keep the earlier version (encrypted), who may correct, other teams
kept out, the audit trail, notes never in plaintext, follow-up tasks, and the time spent."""

from __future__ import annotations

import datetime as dt
import logging
import re
import typing
import uuid
from typing import Any

import pytest
from litestar.testing import TestClient

from courtjourney.contacts import rules, schemas
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql
from tests.contacts.conftest import NOW
from tests.test_audit_and_encryption import raw_database_text

TABLES = ["contact_log_entry", "contact_log_member", "contact_log_correction", "contact_log_follow_up", "case_task"]


def counts(settings: Settings) -> dict[str, int]:
    """Rows of every table a contact writes to, and the audit events of changes to them."""
    found = {t: sql(settings, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
    found["audited changes"] = sql(settings, "SELECT count(*) FROM audit_event WHERE action LIKE 'contact.%' OR action = 'task.added'")[0][0]
    return found


def log_url(case: uuid.UUID) -> str:
    return f"/api/cases/{case}/contact-log"


def record(client: TestClient[Any], who: Any, case: uuid.UUID, **body: Any) -> Any:
    return client.post(log_url(case), headers=who.auth, json={"kind": "call", "notes": "Rang about the trial", **body})


@pytest.fixture
def south_member(client: TestClient[Any], world: World) -> str:
    response = client.post(f"/api/cases/{world.south_case}/family-members", headers=world.outsider.auth,
                           json={"name": "Sol Southgate", "relationship_to_child": "father", "preferred_language": "en"})
    assert response.status_code == 201, response.text
    return typing.cast(str, response.json()["id"])


# --- recording ---------------------------------------------------------------------------------


def test_the_api_records_a_contact_with_its_members_links_and_follow_ups(client: TestClient[Any], settings: Settings, world: World) -> None:
    before = counts(settings)
    response = record(client, world.worker, world.north_case, kind="visit_home", at="2026-11-30T16:00:00",
                      minutes=90, member_ids=[str(world.north_member)], place="At home", notes="Talked about screens",
                      about={"hearing_id": str(world.north_hearing), "incident_id": str(world.north_incident),
                             "document_id": str(world.north_document), "stage": "trial"},
                      follow_ups=[{"title": "Book the court visit", "due_on": "2026-12-04"}])
    assert response.status_code == 201, response.text
    entry = response.json()
    assert entry["kind"] == "visit_home" and entry["minutes"] == 90 and entry["place"] == "At home"
    assert entry["at"].startswith("2026-11-30T16:00:00")  # UK time in winter is UTC
    assert entry["member_ids"] == [str(world.north_member)] and entry["recorded_by_id"] == str(world.worker.id)
    assert entry["about"] == {"hearing_id": str(world.north_hearing), "incident_id": str(world.north_incident),
                              "document_id": str(world.north_document), "stage": "trial"}
    assert entry["corrected"] is False and entry["earlier"] == []
    [task] = entry["follow_ups"]
    assert task["title"] == "Book the court visit" and task["due_on"] == "2026-12-04"
    after = counts(settings)
    assert after["contact_log_entry"] == before["contact_log_entry"] + 1
    assert after["case_task"] == before["case_task"] + 1  # the follow-up is a task of the case, made in the same save
    tasks = client.get(f"/api/cases/{world.north_case}/tasks", headers=world.worker.auth).json()
    mine = next(t for t in tasks if t["id"] == task["id"])
    assert mine["due_on"] == "2026-12-04" and mine["assigned_to_id"] == str(world.worker.id)
    [recorded] = [e for e in audit_events(settings, action="contact.recorded") if str(e.target_id) == entry["id"]]
    assert recorded.case_id == world.north_case and recorded.actor_id == world.worker.id
    assert recorded.route == "/api/cases/{case_id}/contact-log"
    assert [str(e.target_id) for e in audit_events(settings, action="task.added", case_id=world.north_case)][-1] == task["id"]


def test_the_least_an_entry_needs_is_its_kind_and_a_line_of_notes(client: TestClient[Any], world: World) -> None:
    response = client.post(log_url(world.north_case), headers=world.worker.auth, json={"kind": "call", "notes": "Quick check-in"})
    assert response.status_code == 201, response.text
    entry = response.json()
    at = dt.datetime.fromisoformat(entry["at"])
    assert abs(at - NOW) < dt.timedelta(minutes=1), "when defaults to now"
    assert entry["minutes"] is None and entry["member_ids"] == [] and entry["follow_ups"] == []


def test_an_attempt_that_did_not_connect_needs_no_notes(client: TestClient[Any], world: World) -> None:
    for kind in [k.key for k in rules.KINDS if not k.connected]:
        response = client.post(log_url(world.north_case), headers=world.worker.auth,
                               json={"kind": kind, "member_ids": [str(world.north_member)]})
        assert response.status_code == 201, (kind, response.text)


def test_the_list_is_newest_first(client: TestClient[Any], world: World) -> None:
    record(client, world.worker, world.north_case, at="2026-11-20T10:00:00Z", notes="older")
    record(client, world.worker, world.north_case, at="2026-11-29T10:00:00Z", notes="newer")
    entries = client.get(log_url(world.north_case), headers=world.worker.auth).json()
    times = [e["at"] for e in entries]
    assert times == sorted(times, reverse=True) and entries[0]["notes"] == "newer"


# --- bad input -----------------------------------------------------------------------------------

BAD_BODIES = [
    ({"notes": "x"}, "kind", "Choose"),
    ({"kind": "carrier pigeon", "notes": "x"}, "kind", "must be one of"),
    ({"kind": "call"}, "notes", "Enter a line of notes"),
    ({"kind": "call", "notes": "  "}, "notes", "Enter a line of notes"),
    ({"kind": "call", "notes": "x" * 5001}, "notes", "is too long"),
    ({"kind": "call", "notes": "n\x00"}, "notes", "character"),
    ({"kind": "call", "notes": "x", "at": "2015-11-01T10:00:00Z"}, "at", "Check the year"),
    ({"kind": "call", "notes": "x", "at": "2062-12-01T10:00:00Z"}, "at", "Check the year"),
    ({"kind": "call", "notes": "x", "at": "2026-12-01T11:00:00Z"}, "at", "cannot be in the future"),
    ({"kind": "call", "notes": "x", "at": "yesterday"}, "at", "must be a date"),
    ({"kind": "call", "notes": "x", "minutes": 0}, "minutes", "between 1 and 1440"),
    ({"kind": "call", "notes": "x", "minutes": 1441}, "minutes", "between 1 and 1440"),
    ({"kind": "call", "notes": "x", "minutes": "twenty"}, "minutes", "whole number"),
    ({"kind": "call", "notes": "x", "member_ids": ["not-an-id"]}, "member_ids[0]", "must be an id"),
    ({"kind": "call", "notes": "x", "member_ids": [str(uuid.uuid4())]}, "member_ids", "family members of this case"),
    ({"kind": "call", "notes": "x", "place": "p" * 201}, "place", "200 characters"),
    ({"kind": "call", "notes": "x", "about": {"hearing_id": str(uuid.uuid4())}}, "about.hearing_id", "hearing of this case"),
    ({"kind": "call", "notes": "x", "about": {"incident_id": str(uuid.uuid4())}}, "about.incident_id", "incident of this case"),
    ({"kind": "call", "notes": "x", "about": {"document_id": str(uuid.uuid4())}}, "about.document_id", "document of this case"),
    ({"kind": "call", "notes": "x", "about": {"stage": "the moon"}}, "about.stage", "stages"),
    ({"kind": "call", "notes": "x", "follow_ups": [{"due_on": "2026-12-04"}]}, "follow_ups.0.title", "Enter what"),
    ({"kind": "call", "notes": "x", "follow_ups": [{"title": "Ring back"}]}, "follow_ups.0.due_on", "Enter when"),
    ({"kind": "call", "notes": "x", "follow_ups": [{"title": "Ring back", "due_on": "2026-11-30"}]}, "follow_ups.0.due_on", "before today"),
    ({"kind": "call", "notes": "x", "follow_ups": [{"title": "Ring back", "due_on": "2062-12-04"}]}, "follow_ups.0.due_on", "Check the year"),
    ({"kind": "call", "notes": "x", "whatever": 1}, "whatever", "not a field we know"),
]


@pytest.mark.parametrize("body,field,words", BAD_BODIES)
def test_bad_input_names_the_field_in_plain_english_and_writes_nothing(
    client: TestClient[Any], settings: Settings, world: World, body: dict[str, Any], field: str, words: str
) -> None:
    before = counts(settings)
    response = client.post(log_url(world.north_case), headers=world.worker.auth, json=body)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert field in errors, errors
    assert words in errors[field], errors[field]
    assert "`" not in errors[field] and "Traceback" not in response.text
    assert counts(settings) == before


def test_every_wrong_field_is_told_at_once(client: TestClient[Any], world: World) -> None:
    response = client.post(log_url(world.north_case), headers=world.worker.auth,
                           json={"kind": "call", "minutes": 5000, "at": "1999-01-01T00:00:00Z",
                                 "member_ids": [str(uuid.uuid4())]})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"notes", "minutes", "at", "member_ids"}


def test_a_member_of_another_case_is_refused_plainly(client: TestClient[Any], settings: Settings, world: World, south_member: str) -> None:
    before = counts(settings)
    response = record(client, world.worker, world.north_case, member_ids=[str(world.north_member), south_member])
    assert response.status_code == 400
    assert response.json()["errors"] == {"member_ids": "Choose family members of this case only."}
    assert counts(settings) == before
    # and the other case's own worker cannot log her own member under a case she may not see
    assert record(client, world.outsider, world.north_case, member_ids=[south_member]).status_code == 404


# --- the pages -----------------------------------------------------------------------------------


def test_the_quick_form_records_who_the_kind_and_a_line_of_notes(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    page = client.get(f"/cases/{world.north_case}/contact-log/new")
    assert page.status_code == 200
    assert f'name="member_ids.{world.north_member}"' in page.text and "Nora Northfield" in page.text
    assert 'name="kind"' in page.text and 'name="notes"' in page.text
    assert "<table" not in page.text, "the phone form has no tables"
    assert page.text.index('name="notes"') < page.text.index("<details"), "the minimum comes before the rest"
    before = counts(settings)
    token = csrf_token(client, f"/cases/{world.north_case}/contact-log/new")
    response = client.post(f"/cases/{world.north_case}/contact-log/new", follow_redirects=False,
                           data={f"member_ids.{world.north_member}": "on", "kind": "call",
                                 "notes": "Rang Nora, 20 minutes, she is worried", "_csrf_token": token})
    assert response.status_code == 303, response.text
    target = response.headers["location"]
    assert re.fullmatch(rf"/cases/{world.north_case}/contact-log\?done=entry-[0-9a-f-]+#entry-[0-9a-f-]+", target)
    assert counts(settings)["contact_log_entry"] == before["contact_log_entry"] + 1
    log = client.get(target)
    assert log.status_code == 200 and "Rang Nora, 20 minutes, she is worried" in log.text and "Saved." in log.text
    newest = client.get(log_url(world.north_case), headers=world.worker.auth).json()[0]
    assert newest["member_ids"] == [str(world.north_member)] and newest["kind"] == "call"
    assert audit_events(settings, action="contact.recorded", target_id=uuid.UUID(newest["id"]))[0].route == "/cases/{case_id}/contact-log/new"


def test_the_full_page_form_makes_a_follow_up_task(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    token = csrf_token(client, f"/cases/{world.north_case}/contact-log/new")
    response = client.post(f"/cases/{world.north_case}/contact-log/new", follow_redirects=False, data={
        "kind": "visit_court", "notes": "Court visit", "at": "2026-11-30T14:00", "minutes": "120", "place": "Northtown",
        "about.hearing_id": str(world.north_hearing), "about.stage": "trial",
        "follow_ups.0.title": "Send the Witness Service pack", "follow_ups.0.due_on": "2026-12-03", "_csrf_token": token})
    assert response.status_code == 303, response.text
    entry = client.get(log_url(world.north_case), headers=world.worker.auth).json()[0]
    assert entry["minutes"] == 120 and entry["about"]["hearing_id"] == str(world.north_hearing)
    assert [t["title"] for t in entry["follow_ups"]] == ["Send the Witness Service pack"]
    log = client.get(f"/cases/{world.north_case}/contact-log")
    assert "Send the Witness Service pack" in log.text and f"/hearings/{world.north_hearing}" in log.text


def test_the_page_form_shows_every_error_and_saves_nothing(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    token = csrf_token(client, f"/cases/{world.north_case}/contact-log/new")
    before = counts(settings)
    response = client.post(f"/cases/{world.north_case}/contact-log/new", data={
        "kind": "call", "notes": "", "minutes": "lots", "at": "2062-01-01T10:00",
        f"member_ids.{uuid.uuid4()}": "on", "follow_ups.0.title": "Ring back", "_csrf_token": token})
    assert response.status_code == 400
    for words in ["Enter a line of notes", "whole number of minutes", "Check the year", "family members of this case",
                  "Enter when the follow-up is due"]:
        assert words in response.text, words
    assert "<details class=\"more\" open>" in response.text, "the part with the errors is open"
    assert 'value="Ring back"' in response.text, "what was typed is kept"
    assert counts(settings) == before


def test_the_case_page_starts_a_contact_at_the_top(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.worker.email)
    page = client.get(f"/cases/{world.north_case}").text
    start = page.index(f"/cases/{world.north_case}/contact-log/new")
    assert start < page.index('id="journey"'), "the button is near the top, before the journey"


# --- corrections ---------------------------------------------------------------------------------


def earlier_as_stored(settings: Settings) -> list[str]:
    """The kept versions as the database holds them, undecrypted."""
    return [str(row[0]) for row in sql(settings, "SELECT earlier FROM contact_log_correction")]


def test_a_correction_keeps_the_earlier_version_encrypted(client: TestClient[Any], settings: Settings, world: World) -> None:
    first = record(client, world.worker, world.north_case, notes="Said the trial is Monday-Quillfeather", minutes=10).json()
    response = client.patch(f"{log_url(world.north_case)}/{first['id']}", headers=world.worker.auth,
                            json={"notes": "Said the trial is Tuesday", "minutes": 15})
    assert response.status_code == 200, response.text
    now = response.json()
    assert now["notes"] == "Said the trial is Tuesday" and now["minutes"] == 15 and now["corrected"] is True
    [earlier] = now["earlier"]
    assert earlier["notes"] == "Said the trial is Monday-Quillfeather" and earlier["minutes"] == 10
    assert earlier["corrected_by_id"] == str(world.worker.id) and earlier["kind"] == "call"
    # Kept in the database, and not readable there.
    [stored] = earlier_as_stored(settings)
    assert "Monday-Quillfeather" not in stored and "trial" not in stored, "the earlier version is encrypted"
    assert "Monday-Quillfeather" not in raw_database_text(settings)
    # Shown to those who may see the case: the manager of the team too.
    sign_in(client, world.manager.email)
    page = client.get(f"/cases/{world.north_case}/contact-log").text
    assert "Corrected on" in page and "by Wren Worker" in page and "Said the trial is Monday-Quillfeather" in page
    [changed] = audit_events(settings, action="contact.corrected")
    assert str(changed.target_id) == first["id"] and changed.actor_id == world.worker.id


def test_a_correction_keeps_the_old_date_and_refuses_to_change_nothing(client: TestClient[Any], world: World) -> None:
    first = record(client, world.worker, world.north_case, at="2020-01-06T10:00:00Z").json()  # back-filled from paper
    same = client.patch(f"{log_url(world.north_case)}/{first['id']}", headers=world.worker.auth, json={"notes": first["notes"]})
    assert same.status_code == 400 and "changes nothing" in same.json()["errors"]["notes"]
    fixed = client.patch(f"{log_url(world.north_case)}/{first['id']}", headers=world.worker.auth, json={"kind": "video_call"})
    assert fixed.status_code == 200 and fixed.json()["at"].startswith("2020-01-06T10:00")
    bad = client.patch(f"{log_url(world.north_case)}/{first['id']}", headers=world.worker.auth, json={"minutes": 0})
    assert bad.status_code == 400 and "minutes" in bad.json()["errors"]


def test_only_the_author_or_a_manager_may_correct(client: TestClient[Any], settings: Settings, world: World) -> None:
    entry = str(world.north_contact_entry)
    assert client.post(f"/api/cases/{world.north_case}/workers", headers=world.worker.auth,
                       json={"worker_id": str(world.colleague.id)}).status_code == 201
    before = counts(settings)
    refused = client.patch(f"{log_url(world.north_case)}/{entry}", headers=world.colleague.auth, json={"notes": "Mine now"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only the worker who wrote this entry, or a manager, can correct it."
    assert counts(settings) == before
    sign_in(client, world.colleague.email)
    assert client.get(f"/cases/{world.north_case}/contact-log/{entry}/correct").status_code == 403
    log = client.get(f"/cases/{world.north_case}/contact-log").text
    assert "Talked about the trial" in log and f"/contact-log/{entry}/correct" not in log
    by_manager = client.patch(f"{log_url(world.north_case)}/{entry}", headers=world.manager.auth, json={"notes": "Talked about the trial date"})
    assert by_manager.status_code == 200 and by_manager.json()["earlier"][0]["corrected_by_id"] == str(world.manager.id)


def test_the_correction_page_shows_the_entry_and_saves_a_correction(client: TestClient[Any], settings: Settings, world: World) -> None:
    entry = world.north_contact_entry
    sign_in(client, world.worker.email)
    form = client.get(f"/cases/{world.north_case}/contact-log/{entry}/correct")
    assert form.status_code == 200 and "Talked about the trial" in form.text
    assert f'name="member_ids.{world.north_member}" type="checkbox" checked' in form.text
    at = re.search(r'name="at" type="datetime-local" value="([^"]+)"', form.text)
    assert at, "the date is shown as the form can take it back"
    token = csrf_token(client, f"/cases/{world.north_case}/contact-log/{entry}/correct")
    response = client.post(f"/cases/{world.north_case}/contact-log/{entry}/correct", follow_redirects=False, data={
        "kind": "call", "notes": "Talked about the trial and the screens", "at": at.group(1), "minutes": "20",
        f"member_ids.{world.north_member}": "on", "_csrf_token": token})
    assert response.status_code == 303, response.text
    [now] = [e for e in client.get(log_url(world.north_case), headers=world.worker.auth).json() if e["id"] == str(entry)]
    assert now["notes"] == "Talked about the trial and the screens" and now["earlier"][0]["notes"] == "Talked about the trial"
    assert now["at"] == now["earlier"][0]["at"], "a date left as shown is not a change"


# --- access, audit, privacy ----------------------------------------------------------------------


def test_another_teams_worker_gets_404_on_every_contact_log_route(client: TestClient[Any], settings: Settings, world: World) -> None:
    case, entry = world.north_case, world.north_contact_entry
    before = counts(settings)
    api = [("GET", log_url(case), None), ("POST", log_url(case), {"kind": "call", "notes": "x"}),
           ("PATCH", f"{log_url(case)}/{entry}", {"notes": "x"})]
    for method, path, body in api:
        response = client.request(method, path, headers=world.outsider.auth, json=body)
        assert response.status_code == 404, (method, path)
        assert "Talked about the trial" not in response.text
    sign_in(client, world.outsider.email)
    token = csrf_token(client, "/account")
    for path in [f"/cases/{case}/contact-log", f"/cases/{case}/contact-log/new", f"/cases/{case}/contact-log/{entry}/correct"]:
        assert client.get(path).status_code == 404, path
    for path in [f"/cases/{case}/contact-log/new", f"/cases/{case}/contact-log/{entry}/correct"]:
        response = client.post(path, data={"kind": "call", "notes": "x", "_csrf_token": token}, follow_redirects=False)
        assert response.status_code == 404, path
    assert counts(settings) == before
    assert len(audit_events(settings, case_id=case, actor_id=world.outsider.id, outcome="denied")) == 8


def test_an_entry_of_another_case_is_not_found_under_your_own(client: TestClient[Any], world: World) -> None:
    response = client.patch(f"{log_url(world.south_case)}/{world.north_contact_entry}", headers=world.outsider.auth, json={"notes": "x"})
    assert response.status_code == 404 and response.json()["detail"] == "No contact log entry was found at this address."


def test_reading_the_log_is_audited(client: TestClient[Any], settings: Settings, world: World) -> None:
    client.get(log_url(world.north_case), headers=world.worker.auth)
    [read] = audit_events(settings, action="case.read", route="/api/cases/{case_id}/contact-log")
    assert read.actor_id == world.worker.id and read.case_id == world.north_case


def test_notes_and_places_are_not_in_plaintext_in_the_database_or_the_logs(
    client: TestClient[Any], settings: Settings, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret_notes, secret_place, secret_task = "Worried-Abernethy-notes", "Flat-Kilbride-place", "Ring-Dunmore-task"
    response = record(client, world.worker, world.north_case, notes=secret_notes, place=secret_place,
                      follow_ups=[{"title": secret_task, "due_on": "2026-12-02"}])
    assert response.status_code == 201
    assert client.get(log_url(world.north_case), headers=world.worker.auth).json()[0]["notes"] == secret_notes
    raw = raw_database_text(settings)
    for secret in (secret_notes, secret_place, secret_task):
        assert secret not in raw, secret
        assert secret not in caplog.text, secret


# --- time spent ----------------------------------------------------------------------------------


def test_time_spent_is_summed_per_case_per_worker_and_per_kind(client: TestClient[Any], settings: Settings, world: World) -> None:
    from courtjourney.contacts import services

    # The world's north case already holds a 20-minute call by the worker.
    assert record(client, world.worker, world.north_case, kind="visit_home", minutes=90).status_code == 201
    assert record(client, world.worker, world.north_case, kind="call", minutes=15).status_code == 201
    assert record(client, world.worker, world.north_case, kind="no_answer", notes=None).status_code == 201  # no minutes
    assert record(client, world.manager, world.north_case, kind="call", minutes=30).status_code == 201
    assert record(client, world.outsider, world.south_case, kind="call", minutes=5,
                  at="2026-10-01T10:00:00Z").status_code == 201

    spent = in_db(settings, lambda db: services.time_spent(db))
    assert spent.by_case == {world.north_case: 155, world.south_case: 5}
    assert spent.by_worker == {world.worker.id: 125, world.manager.id: 30, world.outsider.id: 5}
    assert spent.by_kind == {"call": 70, "visit_home": 90, "no_answer": 0}
    assert spent.total == 160 and spent.contacts == 6

    north = in_db(settings, lambda db: services.time_spent(db, case_ids=[world.north_case]))
    assert north.total == 155 and set(north.by_case) == {world.north_case}
    november = in_db(settings, lambda db: services.time_spent(
        db, start=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), end=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)))
    assert november.total == 20, "only the world's call of 16 November falls in November"
    sign_in(client, world.worker.email)
    assert "time spent: 2 h 35 min" in client.get(f"/cases/{world.north_case}/contact-log").text


# --- the API's description -----------------------------------------------------------------------


def test_the_schema_lists_the_same_kinds_as_the_rules() -> None:
    assert set(typing.get_args(schemas.Kind)) == set(rules.BY_KEY)


def test_every_contact_log_operation_is_described_with_its_errors(client: TestClient[Any]) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    log, one = paths["/api/cases/{case_id}/contact-log"], paths["/api/cases/{case_id}/contact-log/{entry_id}"]
    expected = {("get", "log"): {"401", "404", "429"}, ("post", "log"): {"400", "401", "404", "413", "429"},
                ("patch", "one"): {"400", "401", "403", "404", "413", "429"}}
    for (method, which), statuses in expected.items():
        operation = (log if which == "log" else one)[method]
        assert operation["summary"], method
        assert statuses <= set(operation["responses"]), (method, operation["responses"].keys())
        for status in statuses:
            assert operation["responses"][status]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_the_demo_has_a_contact_log(settings: Settings) -> None:
    from courtjourney.demo import load_demo

    in_db(settings, load_demo)
    assert sql(settings, "SELECT count(*) FROM contact_log_entry")[0][0] >= 5
    assert sql(settings, "SELECT count(*) FROM contact_log_correction")[0][0] >= 1
    assert sql(settings, "SELECT count(*) FROM contact_log_follow_up")[0][0] >= 1
