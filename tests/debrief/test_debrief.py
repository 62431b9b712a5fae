"""Outcomes, deadlines as tasks, the debrief letter, the support plan's reviews, closing and the retention purge,
through the real API and pages on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import uuid
from typing import Any

import docx
import pytest
import time_machine
from docx.oxml.ns import qn
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql
from tests.readability import grade

NEW_OUTCOME = {"result": "convicted", "decided_on": "2026-10-01", "sentence_type": "custody", "custody_months": 18,
               "sentence_on": "2026-10-20"}


def base(world: World) -> str:
    return f"/api/cases/{world.north_case}"


def outcome_body(world: World, **changes: Any) -> dict[str, Any]:
    return {"proceeding_id": str(world.north_proceeding), "charge_id": str(world.north_charge), **NEW_OUTCOME, **changes}


@pytest.mark.parametrize("changes,field", [
    ({"sentence_on": "2026-09-30"}, "sentence_on"),
    ({"custody_months": None}, "custody_months"),
    ({"result": "acquitted"}, "sentence_type"),
    ({"proceeding_id": None}, "proceeding_id"),
])
def test_bad_outcomes_are_refused_plainly_and_change_nothing(client: TestClient[Any], settings: Settings, world: World,
                                                             changes: dict[str, Any], field: str) -> None:
    before = sql(settings, "SELECT count(*) FROM outcome")[0][0]
    response = client.post(f"{base(world)}/outcomes", headers=world.worker.auth, json=outcome_body(world, **changes))
    assert response.status_code == 400, response.text
    assert field in response.text
    assert sql(settings, "SELECT count(*) FROM outcome")[0][0] == before


@pytest.mark.parametrize("field", ["custody_months", "restraining_order_months", "discharge_months"])
@pytest.mark.parametrize("months", [12345, -3, 0, 9_223_372_036_854_775_807])
def test_a_number_of_months_out_of_range_is_refused_in_plain_english(
    client: TestClient[Any], settings: Settings, world: World, field: str, months: int
) -> None:
    """Found by the fuzz (tests/fuzz): 12345 months answered "... in months must be 4 characters or fewer"."""
    extra = {"restraining_order": True} if field == "restraining_order_months" else {}
    if field == "discharge_months":
        extra = {"sentence_type": "conditional_discharge", "custody_months": None}
    before = sql(settings, "SELECT count(*) FROM outcome")[0][0]
    response = client.post(f"{base(world)}/outcomes", headers=world.worker.auth,
                           json=outcome_body(world, **{**extra, field: months}))
    assert response.status_code == 400, response.text
    assert response.json()["errors"][field] == "Enter a number of months from 1 to 1200."
    assert sql(settings, "SELECT count(*) FROM outcome")[0][0] == before


def test_the_outcome_form_shows_its_errors_and_keeps_what_was_typed(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    token = csrf_token(client, f"/cases/{world.north_case}/outcomes/new")
    response = client.post(f"/cases/{world.north_case}/outcomes/new", data={
        "proceeding_id": str(world.north_proceeding), "result": "convicted", "decided_on": "2026-10-01",
        "sentence_type": "custody", "sentence_on": "2026-09-01", "_csrf_token": token})
    assert response.status_code == 400
    assert "The date of sentence cannot be before the verdict." in response.text
    assert "Enter how long the sentence is, in months." in response.text
    assert sql(settings, "SELECT count(*) FROM outcome")[0][0] == 1


def test_an_outcome_is_recorded_explained_and_audited(client: TestClient[Any], settings: Settings, world: World) -> None:
    response = client.post(f"{base(world)}/outcomes", headers=world.worker.auth,
                           json=outcome_body(world, restraining_order=True, restraining_order_months=24))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["category"] == "sexual" and body["court_type"] == "crown" and body["defendant"] == "Defendant A"
    assert any("halfway" in line for line in body["explained"])
    assert any("restraining order" in line for line in body["explained"])
    assert audit_events(settings, case_id=world.north_case, action="outcome.recorded")


def test_a_rule_asked_of_an_outcome_it_does_not_fit_is_a_clear_400(client: TestClient[Any], world: World) -> None:
    url = f"{base(world)}/outcomes/{world.north_outcome}/deadlines"
    refused = client.get(f"{url}/vrr", headers=world.worker.auth)
    assert refused.status_code == 400 and "decision not to charge" in refused.text
    uls = client.get(f"{url}/uls", headers=world.worker.auth).json()
    assert uls["due"] == "2026-11-26" and uls["warn_on"] == "2026-11-12" and "D17" in uls["source"]


def test_deadlines_list_what_is_missing(client: TestClient[Any], world: World) -> None:
    listed = client.get(f"{base(world)}/deadlines", headers=world.worker.auth).json()
    cica = next(d for d in listed if d["rule"] == "cica")
    assert cica["due"] is None and cica["missing"] == ["the date it was first reported to the police"]


def test_deadlines_become_tasks_once_however_often_recomputed(client: TestClient[Any], settings: Settings, world: World) -> None:
    first = client.post(f"{base(world)}/deadlines/tasks", headers=world.worker.auth)
    assert first.status_code == 200
    count = sql(settings, "SELECT count(*) FROM case_task WHERE playbook_key LIKE 'deadline:%'")[0][0]
    assert count >= 4  # ULS, its warning, VCS, appeal, compensation (missing data)
    again = client.post(f"{base(world)}/deadlines/tasks", headers=world.worker.auth)
    assert sorted(t["id"] for t in again.json()) == sorted(t["id"] for t in first.json())
    assert sql(settings, "SELECT count(*) FROM case_task WHERE playbook_key LIKE 'deadline:%'")[0][0] == count
    tasks = {t["title"]: t["due_on"] for t in client.get(f"{base(world)}/tasks", headers=world.worker.auth).json()}
    assert tasks["Ask the Attorney General to review the sentence (Unduly Lenient Sentence scheme)"] == "2026-11-26"
    assert any(title.startswith("Find out the date it was first reported") for title in tasks)


def _paragraphs(body: bytes) -> tuple[Any, str]:
    document = docx.Document(io.BytesIO(body))
    text = "\n".join(p.text for p in document.paragraphs)
    return document, text


def test_the_debrief_letter_is_a_real_accessible_word_document(client: TestClient[Any], world: World) -> None:
    response = client.get(f"{base(world)}/debrief-letter", headers=world.worker.auth)
    assert response.status_code == 200
    document, text = _paragraphs(response.content)
    assert "Defendant A was sent to prison. The sentence is 3 years long." in text
    assert "This may not be the result you hoped for." in text
    assert "{{" not in text and "{%" not in text
    levels = [int(p.style.name.split()[-1]) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-GB"
    assert document.core_properties.title == "After the court case: what happens now"
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert "28 November" not in table.rows[0].cells[1].text
    assert any("Thursday 26 November 2026" in row.cells[1].text for row in table.rows)


def test_a_decision_not_to_prosecute_gets_its_own_letter_in_welsh(client: TestClient[Any], world: World) -> None:
    case = client.post("/api/cases", headers=world.worker.auth, json={"child_name": "Cai", "child_birth_date": "2011-03-01"}).json()
    url = f"/api/cases/{case['id']}"
    client.post(f"{url}/family-members", headers=world.worker.auth, json={"name": "Mari <&> Jones", "relationship_to_child": "mother",
                                                                 "preferred_language": "cy"})
    made = client.post(f"{url}/outcomes", headers=world.worker.auth, json={"result": "no_further_action", "decided_on": "2026-11-02"})
    assert made.status_code == 201, made.text
    document, text = _paragraphs(client.get(f"{url}/debrief-letter", headers=world.worker.auth).content)
    assert "Mari <&> Jones" in text  # hostile characters survive
    assert "Hawl Dioddefwyr i Adolygiad" in text  # the right to review, in Welsh
    assert "16 Tachwedd 2026" in text  # 10 working days after 2 November
    lang = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "cy-GB"


def test_no_letter_before_an_outcome(client: TestClient[Any], world: World) -> None:
    response = client.get(f"/api/cases/{world.south_case}/debrief-letter", headers=world.outsider.auth)
    assert response.status_code == 400 and "Record an outcome first" in response.text


def test_reviews_show_on_the_caseload_when_they_fall_due(client: TestClient[Any], world: World) -> None:
    def caseload_on(day: dt.date) -> str:
        with time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC), tick=False):
            client.cookies.clear()
            sign_in(client, world.worker.email)
            return client.get("/").text

    assert "1-month review" not in caseload_on(dt.date(2026, 11, 28))
    page = caseload_on(dt.date(2026, 11, 29))  # 29 October + 1 month
    assert "1-month review" in page and "3-month review" not in page
    assert "3-month review" in caseload_on(dt.date(2027, 1, 29))
    done = client.post(f"{base(world)}/support-plan/reviews/{world.north_review}/done", headers=world.worker.auth, json={})
    assert done.status_code == 200
    assert "1-month review" not in caseload_on(dt.date(2026, 12, 1))


def test_support_plan_items_have_an_owner_a_due_date_and_a_status(client: TestClient[Any], world: World) -> None:
    made = client.post(f"{base(world)}/support-plan/items", headers=world.worker.auth,
                       json={"kind": "prison_visit", "owner": "IPSW", "due_on": "2027-01-10", "details": "Mum wants to ask about a visit."})
    assert made.status_code == 201
    changed = client.patch(f"{base(world)}/support-plan/items/{made.json()['id']}", headers=world.worker.auth, json={"status": "done"})
    assert changed.json()["status"] == "done" and changed.json()["owner"] == "IPSW"
    plan = client.get(f"{base(world)}/support-plan", headers=world.worker.auth).json()
    assert [r["months"] for r in plan["reviews"]] == [1, 3, 6, 9]
    assert [r["due_on"] for r in plan["reviews"]] == ["2026-11-29", "2027-01-29", "2027-04-29", "2027-07-29"]


def test_the_manager_sees_the_team_page_and_a_worker_does_not(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.manager.email)
    page = client.get("/team")
    assert page.status_code == 200
    assert "<svg" in page.text and "<script" not in page.text
    assert "Cases by stage" in page.text and "Found guilty" in page.text
    client.post("/logout", data={"_csrf_token": csrf_token(client, "/account")})
    sign_in(client, world.worker.email)
    assert client.get("/team").status_code == 404


def test_the_team_page_lists_the_most_recent_trials_and_counts_them_all(
        client: TestClient[Any], settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A team of a thousand cases has had thousands of trials: the page lists the newest few (each a link
    to its case, and only those cases in the audit of the page), while its charts count every one."""
    from courtjourney.debrief import panels
    from tests.myday.test_my_day import add_hearing

    monkeypatch.setattr(panels, "TEAM_HEARINGS_SHOWN", 2)
    with time_machine.travel(dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC), tick=False):
        for day in (dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)):
            add_hearing(client, world, day, hearing_type="trial")
    with time_machine.travel(dt.datetime(2026, 12, 20, 12, tzinfo=dt.UTC), tick=False):  # the world's trial was 14 Dec
        sign_in(client, world.manager.email)
        before = len(audit_events(settings, action="case.listed"))
        page = client.get("/team").text
    table = page.split('id="witness-hearings"', 1)[1].split("</section>", 1)[0]
    assert "The 2 most recent of 4, newest first." in table
    assert table.count("<tr><td>") == 2 and table.index("14 Dec 2026") < table.index("23 Nov 2026")
    assert "16 Nov 2026" not in table
    assert "Did the child come to court?: Came and gave evidence: 0; Came, but did not give evidence that day: 0; Did not come: 0; Not recorded: 4" in page
    listed = audit_events(settings, action="case.listed")[before:]
    assert {e.case_id for e in listed} == {world.north_case}, "the page names only the trials' case"


def test_the_child_s_attendance_is_recorded_after_the_hearing_and_counted_for_the_manager(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    url = f"{base(world)}/hearings/{world.north_hearing}/child-attendance"
    with time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False):
        early = client.put(url, headers=world.worker.auth, json={"attended": "gave_evidence"})  # the trial is on 14 December 2026
    assert early.status_code == 400 and "not happened yet" in early.text
    assert sql(settings, "SELECT count(*) FROM witness_attendance")[0][0] == 0
    with time_machine.travel(dt.datetime(2026, 12, 15, 12, tzinfo=dt.UTC), tick=False):
        done = client.put(url, headers=world.worker.auth, json={"attended": "did_not_attend", "note": "Too frightened after threats."})
        assert done.status_code == 200 and done.json()["attended"] == "did_not_attend"
        again = client.put(url, headers=world.worker.auth, json={"attended": "gave_evidence"})
        assert again.json()["id"] == done.json()["id"]  # corrected, not duplicated
        sign_in(client, world.manager.email)
        page = client.get("/team").text
    assert "Came and gave evidence" in page and "Did the child come to court?" in page


def test_the_debrief_api_is_in_the_openapi_schema(client: TestClient[Any], world: World) -> None:
    paths = client.get("/schema/openapi.json").json()["paths"]
    for path in ("/api/cases/{case_id}/outcomes", "/api/cases/{case_id}/deadlines", "/api/cases/{case_id}/support-plan",
                 "/api/cases/{case_id}/debrief-letter"):
        assert path in paths, path


# --- closing and retention -------------------------------------------------------------------------


def _purge(settings: Settings, case_id: uuid.UUID, today: dt.date) -> Any:
    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.debrief import services

    return in_db(settings, lambda db: services.purge(db, SYSTEM, case_id, today))


def test_an_open_case_is_never_purged(client: TestClient[Any], settings: Settings, world: World) -> None:
    from courtjourney.debrief.services import PurgeRefused

    with pytest.raises(PurgeRefused, match="still open"):
        _purge(settings, world.north_case, dt.date(2040, 1, 1))
    assert sql(settings, "SELECT count(*) FROM case_record WHERE reference IS NOT NULL")[0][0] == 2


def test_closing_and_the_letter_audit_who_and_the_route_in_every_event(client: TestClient[Any], settings: Settings,
                                                                       world: World) -> None:
    # Closing moves the stage and the letter is kept as a document, through other parts' services: their
    # audit events must still say the route and address the request came by, like the debrief's own.
    closed = client.post(f"{base(world)}/close", headers=world.worker.auth, json={"reason_kind": "other", "closed_on": "2026-11-20"})
    assert closed.status_code == 201, closed.text
    assert client.post(f"{base(world)}/debrief-letter", headers=world.worker.auth).status_code == 201
    for action, route, method in (("case.stage_moved", "/close", "POST"), ("case.closed", "/close", "POST"),
                                  ("document.produced", "/debrief-letter", "POST"),
                                  ("document.debrief_produced", "/debrief-letter", "POST")):
        event = audit_events(settings, case_id=world.north_case, action=action)[-1]
        assert (event.route, event.method, event.actor_id) == ("/api/cases/{case_id}" + route, method, world.worker.id), action
        assert event.address, action


def test_closing_ends_the_family_calendars_and_shared_links(client: TestClient[Any], settings: Settings, world: World) -> None:
    from tests.hearings.helpers import assert_ended, feed

    made = client.post(f"{base(world)}/documents/{world.north_document}/shares", headers=world.worker.auth,
                       json={"organisation": "Witness Service", "recipient": "Wynn"})
    assert made.status_code == 201, made.text
    link = made.json()["url"].split("testserver.local", 1)[1]
    assert feed(client, world.north_feed_token).status_code == 200 and client.get(link).status_code == 200
    closed = client.post(f"{base(world)}/close", headers=world.worker.auth, json={"reason_kind": "other", "closed_on": "2026-11-20"})
    assert closed.status_code == 201, closed.text
    assert_ended(feed(client, world.north_feed_token))
    assert client.get(link).status_code == 404, "the shared link is turned off"
    # Each ending is on the case's trail, by the worker who closed it.
    for action in ("calendar.revoked", "document.share_revoked"):
        ends = audit_events(settings, case_id=world.north_case, action=action)
        assert ends and {(e.actor_id, e.outcome) for e in ends} == {(world.worker.id, "ok")}, action
    case_id = world.north_case.hex if settings.is_sqlite else world.north_case
    for table in ("document_share", "calendar_subscription"):
        live = sql(settings, f"SELECT count(*) FROM {table} WHERE revoked_at IS NULL AND case_id = :id", id=case_id)
        assert live[0][0] == 0, f"a {table} of the closed case is still live"
    # A calendar ended by hand on an open case still answers 404, like any address we do not know.
    assert feed(client, "cjcal_" + "z" * 43).status_code == 404


def test_closing_records_why_and_the_purge_leaves_no_trace(client: TestClient[Any], settings: Settings, world: World) -> None:
    from courtjourney.debrief.services import PurgeRefused, case_tables

    closed = client.post(f"{base(world)}/close", headers=world.worker.auth,
                         json={"reason_kind": "support_complete", "reason": "Family doing well.", "closed_on": "2026-11-20"})
    assert closed.status_code == 201, closed.text
    assert closed.json()["retain_until"] == "2032-11-20"
    again = client.post(f"{base(world)}/close", headers=world.worker.auth, json={"reason_kind": "other", "closed_on": "2026-11-21"})
    assert again.status_code == 400 and "already closed" in again.text
    with pytest.raises(PurgeRefused, match="kept until"):
        _purge(settings, world.north_case, dt.date(2032, 11, 20))
    record = _purge(settings, world.north_case, dt.date(2032, 11, 21))
    assert record.reference.startswith("CJ-")
    case_id = world.north_case
    for table in [t.name for t in case_tables()]:
        rows = sql(settings, f"SELECT count(*) FROM {table} WHERE case_id = :id", id=case_id.hex if settings.is_sqlite else case_id)
        assert rows[0][0] == 0, f"{table} still holds rows of the purged case"
    assert sql(settings, "SELECT count(*) FROM case_record")[0][0] == 1  # only the south case is left
    left = sql(settings, "SELECT reference, deleted_at FROM purged_case")
    assert len(left) == 1 and left[0][0] == record.reference
    # The audit trail keeps ids and action names only: nothing that tells the family's story.
    events = audit_events(settings, case_id=case_id)
    assert events and events[-1].action == "case.purged"
    for event in events:
        assert "Nell" not in repr(vars(event)) and "Family doing well" not in repr(vars(event))
    assert client.get(f"{base(world)}", headers=world.worker.auth).status_code == 404


def test_the_retention_command_lists_and_deletes(client: TestClient[Any], settings: Settings, world: World,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from courtjourney import cli

    client.post(f"{base(world)}/close", headers=world.worker.auth, json={"reason_kind": "moved_away", "closed_on": "2026-11-20"})
    runner = CliRunner()
    assert "No cases are past" in runner.invoke(cli.main, ["retention"]).output
    with time_machine.travel(dt.datetime(2033, 1, 1, tzinfo=dt.UTC), tick=False):
        listed = runner.invoke(cli.main, ["retention"])
        assert "CJ-" in listed.output and "--delete" in listed.output
        deleted = runner.invoke(cli.main, ["retention", "--delete"])
        assert deleted.exit_code == 0 and "Deleted" in deleted.output
        refused = runner.invoke(cli.main, ["retention", "--delete", "--case", in_db(settings, _south_reference)])
        assert refused.exit_code != 0 and "still open" in refused.output
    assert sql(settings, "SELECT count(*) FROM purged_case")[0][0] == 1


async def _south_reference(db: Any) -> str:
    from sqlalchemy import select

    from courtjourney.cases.models import Case

    return str(await db.scalar(select(Case.reference).order_by(Case.reference.desc()).limit(1)))


def test_the_demo_letters_read_at_grade_8_or_below_and_convert_in_libreoffice(tmp_path: Any, settings: Settings) -> None:
    from courtjourney.cases.models import Case
    from courtjourney.debrief import letter
    from courtjourney.demo import load_demo
    from courtjourney.documents.convert import docx_to_pdf, soffice

    async def work(db: Any) -> list[tuple[str, str, bytes, str]]:
        from sqlalchemy import select

        from courtjourney.accounts.audit import Actor
        from courtjourney.cases import services as cases

        await load_demo(db, only_if_empty=False)
        made = []
        for case in await db.scalars(select(Case)):
            workers = await cases.workers_for(db, case.id)
            family = await cases.family_for(db, case.id)
            try:
                body, one = await letter.produce(db, Actor.of(workers[0]), case, signed_by=workers[0].full_name,
                                                 member_id=family[0].id)
            except Exception:  # noqa: BLE001 - cases without an outcome have no letter
                continue
            made.append((one.kind, one.lang, body, letter.plain_text(one.context)))
            if one.lang != "en":  # measure the same letter's English words too (textstat measures English)
                from courtjourney.debrief import services

                outcomes = await services.outcomes_for(db, case.id)
                english = letter.context(case, family[0].name, "en", outcomes, {}, services.case_deadlines(case, outcomes), "Bea")
                made.append((english.kind, "en", b"", letter.plain_text(english.context)))
        return made

    made = in_db(settings, work)
    kinds = {kind for kind, _l, _b, _t in made}
    assert kinds == {"outcome", "not_prosecuted"}
    assert {lang for _k, lang, _b, _t in made} == {"en", "cy"}
    for kind, lang, body, text in made:
        if lang != "en":
            continue  # Flesch-Kincaid is an English measure
        assert grade(text) <= 8, (kind, grade(text))
        if body:
            _doc, words = _paragraphs(body)
            assert grade(words) <= 8
            assert "Unduly Lenient Sentence" in words
    if soffice():
        pdf = docx_to_pdf(made[0][2])
        assert pdf.startswith(b"%PDF")


del asyncio
