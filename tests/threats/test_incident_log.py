"""The incident log through its API and pages: quick entry, amendments, evidence, police, bad input, access."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from typing import Any

import pytest
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, sign_in, sql

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LOG_TABLES = ("incident", "incident_amendment", "incident_evidence", "police_referral", "incident_chain")


def ago(**delta: float) -> str:
    return (dt.datetime.now(dt.UTC) - dt.timedelta(**delta)).isoformat()


def record(client: TestClient[Any], who: Any, case: uuid.UUID, **body: Any) -> Any:
    payload = {"narrative": "A car waited outside the house for an hour.", "occurred_from": ago(hours=3), **body}
    return client.post(f"/api/cases/{case}/incidents", headers=who.auth, json=payload)


def counts(settings: Settings) -> dict[str, int]:
    return {t: sql(settings, f"SELECT count(*) FROM {t}")[0][0] for t in LOG_TABLES}


def chain_of(client: TestClient[Any], who: Any, case: uuid.UUID) -> dict[str, Any]:
    return client.get(f"/api/cases/{case}/incidents/chain", headers=who.auth).json()


# --- quick entry and what is kept ------------------------------------------------------------


def test_only_what_happened_and_when_are_needed_and_the_report_defaults_to_now_by_the_worker(
    client: TestClient[Any], settings: Settings, world: World, case: uuid.UUID) -> None:
    response = record(client, world.worker, case)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["number"] == 1 and body["chain_position"] == 1
    assert body["reported_by_member_id"] is None and body["recorded_by_id"] == str(world.worker.id)
    reported = dt.datetime.fromisoformat(body["reported_at"])
    assert abs((reported - dt.datetime.now(dt.UTC)).total_seconds()) < 60
    assert chain_of(client, world.worker, case)["intact"] is True
    assert audit_events(settings, case_id=case, action="incident.recorded")


def test_a_full_incident_keeps_window_identifiers_and_provenance(client: TestClient[Any], world: World, case: uuid.UUID) -> None:
    response = record(
        client, world.worker, case, occurred_from=ago(days=2), occurred_to=ago(days=1, hours=20),
        kind="followed_watched", place="Outside the school gates", people="Two men, one in a red jacket",
        identifiers={"vehicle": ["ab12 cde", "AB12CDE"], "phone": ["07700 900123"], "username": ["@night_owl"]},
        how_known="told", how_known_detail="The school caretaker told the mother", evidence_kept="Mother's phone",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["occurred_to"] is not None
    assert body["identifiers"] == {"vehicle": ["AB12CDE"], "phone": ["07700 900123"], "username": ["@night_owl"]}
    assert body["how_known"] == "told" and body["evidence_kept"] == "Mother's phone"


def when_run(values: dict[str, Any]) -> dict[str, Any]:
    """Parameters that name a time relative to now are given as functions, and read when the test runs
    (not when the suite is collected, which may be on the day before)."""
    return {k: v() if callable(v) else v for k, v in values.items()}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_from": lambda: (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()}, "occurred_from"),
        ({"occurred_from": lambda: ago(hours=2), "occurred_to": lambda: ago(hours=5)}, "occurred_to"),
        ({"occurred_to": lambda: (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).isoformat()}, "occurred_to"),
        ({"reported_at": lambda: ago(days=30)}, "reported_at"),
        ({"kind": "alien_abduction"}, "kind"),
        ({"how_known": "guessed"}, "how_known"),
        ({"narrative": ""}, "narrative"),
        ({"occurred_from": None}, "occurred_from"),
        ({"reported_by_member_id": str(uuid.uuid4())}, "reported_by_member_id"),
        ({"identifiers": {"vehicle": ["x" * 101]}}, "identifiers"),
        ({"occurred_from": "yesterday"}, "occurred_from"),
    ],
)
def test_bad_incidents_get_a_plain_400_and_nothing_is_stored(
    client: TestClient[Any], settings: Settings, world: World, change: dict[str, Any], field: str, case: uuid.UUID) -> None:
    change = when_run(change)
    before = counts(settings)
    response = record(client, world.worker, case, **change)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert any(key.startswith(field) for key in errors), errors
    assert all(message[:1].isupper() or message.startswith("must") or message.startswith("is") for message in errors.values())
    assert counts(settings) == before


# --- amendments -------------------------------------------------------------------------------


def test_an_amendment_keeps_the_original_and_both_are_shown(client: TestClient[Any], settings: Settings, world: World, case: uuid.UUID) -> None:
    first = record(client, world.worker, case, kind="phone_call").json()
    response = client.post(f"/api/cases/{case}/amendments", headers=world.worker.auth, json={
        "incident_id": first["id"], "note": "The mother checked: it was a video call, not a phone call.", "kind": "messages_online",
        "identifiers": {"username": ["caller_99"]}})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "phone_call", "the original is kept as recorded"
    assert body["now"]["kind"] == "messages_online"
    assert body["now"]["identifiers"] == {"username": ["caller_99"]}
    assert [a["note"] for a in body["amendments"]] == ["The mother checked: it was a video call, not a phone call."]
    assert body["amendments"][0]["chain_position"] == 2
    assert chain_of(client, world.worker, case)["entries"] == 2
    sign_in(client, world.worker.email)
    page = client.get(f"/cases/{case}/incidents/{first['id']}")
    assert page.status_code == 200
    assert "As first recorded" in page.text and "Corrections and additions" in page.text and "video call" in page.text


def test_an_amendment_to_an_incident_of_another_case_is_refused_with_400(
    client: TestClient[Any], settings: Settings, world: World, case: uuid.UUID) -> None:
    south = record(client, world.outsider, world.south_case).json()
    before = counts(settings)
    response = client.post(f"/api/cases/{case}/amendments", headers=world.worker.auth,
                           json={"incident_id": south["id"], "note": "Trying to reach across"})
    assert response.status_code == 400
    assert "incident_id" in response.json()["errors"]
    assert counts(settings) == before


def test_an_amendment_needs_a_note_and_sensible_times(client: TestClient[Any], settings: Settings, world: World, case: uuid.UUID) -> None:
    first = record(client, world.worker, case, occurred_from=ago(days=3)).json()
    before = counts(settings)
    for body, field in [({"incident_id": first["id"]}, "note"),
                        ({"incident_id": first["id"], "note": "x", "occurred_from": ago(days=1), "occurred_to": ago(days=2)}, "occurred_to"),
                        ({"incident_id": first["id"], "note": "x", "reported_at": ago(days=5)}, "reported_at")]:
        response = client.post(f"/api/cases/{case}/amendments", headers=world.worker.auth, json=body)
        assert response.status_code == 400, (body, response.text)
        assert field in response.json()["errors"]
    assert counts(settings) == before


# --- evidence ---------------------------------------------------------------------------------


def upload(client: TestClient[Any], who: Any, case: uuid.UUID, incident: str, name: str, content: bytes, claimed: str = "image/png") -> Any:
    return client.post(f"/api/cases/{case}/incidents/{incident}/evidence", headers=who.auth,
                       files={"file": (name, io.BytesIO(content), claimed)})


def test_evidence_is_typed_from_content_hashed_encrypted_and_downloads_are_audited(
    client: TestClient[Any], settings: Settings, world: World, case: uuid.UUID) -> None:
    import hashlib

    first = record(client, world.worker, case).json()
    # A PDF named and sent as a PNG is kept as what it is.
    response = upload(client, world.worker, case, first["id"], "screenshot.png", PDF, "image/png")
    assert response.status_code == 201, response.text
    item = response.json()
    assert item["media_type"] == "application/pdf" and item["sha256"] == hashlib.sha256(PDF).hexdigest()
    stored = sql(settings, "SELECT content FROM incident_evidence")[0][0]
    assert PDF not in bytes(stored) and b"%PDF" not in bytes(stored)
    download = client.get(item["download"], headers=world.worker.auth)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert audit_events(settings, case_id=case, action="evidence.downloaded", target_id=uuid.UUID(item["id"]))
    # Another case's worker cannot fetch it, even through their own case.
    assert client.get(item["download"], headers=world.outsider.auth).status_code == 404
    assert client.get(f"/api/cases/{world.south_case}/evidence/{item['id']}", headers=world.outsider.auth).status_code == 404


def test_the_openapi_description_lists_the_types_a_download_really_has(
    client: TestClient[Any], world: World, case: uuid.UUID) -> None:
    """Found by the fuzz (tests/fuzz): the download was described as application/octet-stream only, but
    answers in the file's own type; and the upload form's `file` field was not described at all."""
    operations = client.get("/schema/openapi.json").json()["paths"]
    described = operations["/api/cases/{case_id}/evidence/{evidence_id}"]["get"]["responses"]["200"]["content"]
    form = operations["/api/cases/{case_id}/incidents/{incident_id}/evidence"]["post"]["requestBody"]["content"]
    assert form["multipart/form-data"]["schema"]["required"] == ["file"]
    first = record(client, world.worker, case).json()
    for name, content in (("photo.png", PNG), ("letter.pdf", PDF)):
        item = upload(client, world.worker, case, first["id"], name, content).json()
        download = client.get(item["download"], headers=world.worker.auth)
        assert download.status_code == 200 and download.headers["content-type"].split(";")[0] in described, described


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", b"MZ\x90\x00 this is a windows program", "not a type we keep"),
        ("notes.pdf", b"<html><script>alert(1)</script></html>", "not a type we keep"),
        ("empty.png", b"", "empty"),
        ("huge.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (20 * 1024 * 1024), "too large"),
    ],
)
def test_wrong_type_empty_or_too_large_files_get_400_and_nothing_is_stored(
    client: TestClient[Any], settings: Settings, world: World, name: str, content: bytes, message: str, case: uuid.UUID) -> None:
    first = record(client, world.worker, case).json()
    before = counts(settings)
    response = upload(client, world.worker, case, first["id"], name, content)
    assert response.status_code == 400, response.text[:300]
    assert message in response.json()["errors"]["file"]
    assert counts(settings) == before


def test_a_page_upload_of_the_wrong_type_shows_the_form_again_with_the_error(client: TestClient[Any], world: World, case: uuid.UUID) -> None:
    first = record(client, world.worker, case).json()
    sign_in(client, world.worker.email)
    path = f"/cases/{case}/incidents/{first['id']}"
    token = csrf_token(client, path)
    response = client.post(f"{path}/evidence", data={"_csrf_token": token},
                           files={"file": ("x.png", io.BytesIO(b"plain text"), "image/png")})
    assert response.status_code == 400
    assert "not a type we keep" in response.text and "error-summary" in response.text
    ok = client.post(f"{path}/evidence", data={"_csrf_token": token}, files={"file": ("x.png", io.BytesIO(PNG), "image/png")},
                     follow_redirects=False)
    assert ok.status_code == 303


# --- passing to the police --------------------------------------------------------------------


def test_several_incidents_are_marked_passed_to_police_at_once(client: TestClient[Any], settings: Settings, world: World, case: uuid.UUID) -> None:
    ids = [record(client, world.worker, case).json()["id"] for _ in range(3)]
    response = client.post(f"/api/cases/{case}/police-referrals", headers=world.worker.auth, json={
        "incident_ids": ids[:2], "crime_reference": "DC/12345/26", "officer": "PC 1234 Placeholder"})
    assert response.status_code == 201, response.text
    assert [r["incident_id"] for r in response.json()] == ids[:2]
    listed = {i["id"]: i for i in client.get(f"/api/cases/{case}/incidents", headers=world.worker.auth).json()}
    assert [listed[i]["now"]["passed_to_police"] for i in ids] == [True, True, False]
    assert listed[ids[0]]["police"][0]["crime_reference"] == "DC/12345/26"
    assert len(audit_events(settings, case_id=case, action="incident.passed_to_police")) == 2
    assert chain_of(client, world.worker, case) | {"last_link": ""} == {
        "intact": True, "entries": 5, "last_link": "", "broken_at": None, "problem": ""}


def test_bulk_marking_from_the_log_page(client: TestClient[Any], world: World, case: uuid.UUID) -> None:
    ids = [record(client, world.worker, case).json()["id"] for _ in range(2)]
    sign_in(client, world.worker.email)
    path = f"/cases/{case}/incidents"
    token = csrf_token(client, path)
    empty = client.post(f"{path}/police", data={"_csrf_token": token, "passed_on": dt.date.today().isoformat(), "passed_by": "worker"})
    assert empty.status_code == 400 and "Choose at least one incident" in empty.text
    done = client.post(f"{path}/police", data={"_csrf_token": token, "incident_ids": ids, "passed_on": dt.date.today().isoformat(),
                                               "passed_by": "worker", "crime_reference": "REF-1"}, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    listed = client.get(f"/api/cases/{case}/incidents", headers=world.worker.auth).json()
    assert all(i["now"]["passed_to_police"] for i in listed)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"incident_ids": []}, "incident_ids"),
        ({"incident_ids": ["SOUTH"]}, "incident_ids"),
        ({"incident_ids": ["NORTH"], "passed_on": lambda: (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "passed_on"),
        ({"incident_ids": ["NORTH"], "passed_by": "the neighbour"}, "passed_by"),
    ],
)
def test_bad_police_referrals_get_400_and_nothing_is_stored(
    client: TestClient[Any], settings: Settings, world: World, body: dict[str, Any], field: str, case: uuid.UUID) -> None:
    north = record(client, world.worker, case).json()["id"]
    south = record(client, world.outsider, world.south_case).json()["id"]
    body = {**when_run(body), "incident_ids": [{"NORTH": north, "SOUTH": south}[i] for i in body["incident_ids"]]}
    before = counts(settings)
    response = client.post(f"/api/cases/{case}/police-referrals", headers=world.worker.auth, json=body)
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"]
    assert counts(settings) == before


# --- pages ----------------------------------------------------------------------------------


def test_recording_from_the_page_with_a_window_and_a_family_member(client: TestClient[Any], settings: Settings, world: World, case: uuid.UUID) -> None:
    member = client.post(f"/api/cases/{case}/family-members", headers=world.worker.auth, json={
        "name": "Nora Northfield", "relationship_to_child": "mother", "preferred_language": "en"}).json()["id"]
    sign_in(client, world.worker.email)
    path = f"/cases/{case}/incidents/new"
    form = client.get(path)
    assert form.status_code == 200 and "Nora Northfield" in form.text
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    response = client.post(path, data={
        "_csrf_token": csrf_token(client, path), "narrative": "Comments under the girl's photo", "occurred_on": yesterday,
        "occurred_time": "20:00", "until_time": "23:30", "kind": "messages_online", "identifiers_username": "a_user, b_user",
        "reported_by": member, "how_known": "screenshot_photo"}, follow_redirects=False)
    assert response.status_code == 303, response.text[:2000]
    body = client.get(f"/api/cases/{case}/incidents", headers=world.worker.auth).json()[0]
    assert body["reported_by_member_id"] == member
    assert body["identifiers"] == {"username": ["a_user", "b_user"]}
    start, end = (dt.datetime.fromisoformat(body[k]) for k in ("occurred_from", "occurred_to"))
    assert (end - start) == dt.timedelta(hours=3, minutes=30)
    case_page = client.get(f"/cases/{case}")
    assert "Log intact." in case_page.text and "Incident 1" in case_page.text


@pytest.mark.parametrize(
    ("fields", "error_field", "message"),
    [
        ({"narrative": ""}, "narrative", "Enter what happened"),
        ({"occurred_on": lambda: (dt.date.today() + dt.timedelta(days=1)).isoformat()}, "occurred_on", "cannot be in the future"),
        ({"occurred_time": "21:00", "until_time": "20:00"}, "until_on", "before its start"),
        ({"kind": "nonsense"}, "kind", "Choose one of the options"),
        ({"occurred_time": "25:99"}, "occurred_time", "time of day"),
    ],
)
def test_the_page_form_shows_plain_errors_and_stores_nothing(
    client: TestClient[Any], settings: Settings, world: World, fields: dict[str, str], error_field: str, message: str, case: uuid.UUID) -> None:
    sign_in(client, world.worker.email)
    path = f"/cases/{case}/incidents/new"
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    before = counts(settings)
    response = client.post(path, data={"_csrf_token": csrf_token(client, path), "narrative": "Something", "occurred_on": yesterday,
                                       **when_run(fields)})
    assert response.status_code == 400, response.text[:500]
    assert f'id="error-{error_field}"' in response.text and message in response.text
    assert counts(settings) == before


def test_an_incident_of_another_case_is_not_found_under_your_case(client: TestClient[Any], world: World, case: uuid.UUID) -> None:
    north = record(client, world.worker, case).json()["id"]
    assert client.get(f"/api/cases/{world.south_case}/incidents/{north}", headers=world.outsider.auth).status_code == 404
    sign_in(client, world.outsider.email)
    assert client.get(f"/cases/{world.south_case}/incidents/{north}").status_code == 404
    assert client.get(f"/cases/{case}/incidents/{north}").status_code == 404


def test_the_log_chart_and_the_case_page_shade_the_weeks_of_hearings_that_stand(
    client: TestClient[Any], world: World) -> None:
    """The hearing days are handed to the log's summary by each page that shows it."""
    day = (dt.datetime.now(dt.UTC) - dt.timedelta(days=3)).date().isoformat()
    made = client.post(f"/api/cases/{world.north_case}/hearings", headers=world.worker.auth, json={
        "proceeding_id": str(world.north_proceeding), "hearing_type": "mention", "listing": "fixed", "date": day,
        "start_time": "10:00", "court_name": "Northtown Crown Court", "court_town": "Northtown"})
    assert made.status_code == 201, made.text
    sign_in(client, world.worker.email)
    for path in (f"/cases/{world.north_case}/incidents", f"/cases/{world.north_case}"):
        page = client.get(path)
        assert page.status_code == 200 and 'class="chart-hearing"' in page.text, path
