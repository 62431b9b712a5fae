"""Outcomes for families through real HTTP: the measure at the start and end with the change between,
the exit survey (its comment encrypted), equality monitoring asked once and never required; bad input
refused in plain English with nothing written; other teams kept out (404); the audit trail; the pages."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.outcomes import rules
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql
from tests.test_audit_and_encryption import raw_database_text

TABLES = ["family_outcome_measure", "family_outcome_answer", "exit_survey", "equality_monitoring"]
KEYS = [i.key for i in rules.asked_items()]


def counts(settings: Settings) -> dict[str, int]:
    found = {t: sql(settings, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}
    found["audited"] = sql(settings, "SELECT count(*) FROM audit_event WHERE action LIKE 'family_outcome.%'")[0][0]
    return found


def url(case: uuid.UUID, rest: str = "") -> str:
    return f"/api/cases/{case}/family-outcomes{rest}"


def measure(client: TestClient[Any], world: World, point: str, scores: list[int], **body: Any) -> Any:
    return client.post(url(world.north_case), headers=world.worker.auth, json={
        "member_id": str(world.north_member), "point": point, "answers": dict(zip(KEYS, scores, strict=True)), **body})


# --- the measure -------------------------------------------------------------------------------


def test_the_items_are_five_sentences_the_parent_rates_never_a_judgement_of_them() -> None:
    items = rules.all_items()
    assert [i.key for i in items] == ["understanding", "confidence", "listened_to", "wellbeing", "keep_safe"]
    for item in items:
        assert item.en.startswith("I ") and item.cy, item
        words = item.en.lower()
        assert not any(w in words for w in ("fail", "you are", "should", "bad parent", "not good enough")), item


def test_a_start_and_an_end_measure_give_the_change_per_item(client: TestClient[Any], settings: Settings, world: World) -> None:
    before = counts(settings)
    start = measure(client, world, "start", [1, 2, 2, 3, 4], answered_on="2026-09-01", child_at_home=True, engaged_with_case=True)
    assert start.status_code == 201, start.text
    body = start.json()
    assert body["point"] == "start" and body["answered_on"] == "2026-09-01" and body["recorded_by_id"] == str(world.worker.id)
    assert body["answers"] == dict(zip(KEYS, [1, 2, 2, 3, 4], strict=True)) and body["child_at_home"] is True
    # one item left unanswered at the end: its change is not counted
    end = client.post(url(world.north_case), headers=world.worker.auth, json={
        "member_id": str(world.north_member), "point": "end",
        "answers": {"understanding": 4, "confidence": 4, "listened_to": 2, "wellbeing": None, "keep_safe": 5}})
    assert end.status_code == 201, end.text
    after = counts(settings)
    assert after["family_outcome_measure"] == before["family_outcome_measure"] + 2
    assert after["family_outcome_answer"] == before["family_outcome_answer"] + 9
    got = client.get(url(world.north_case), headers=world.worker.auth).json()
    assert [m["point"] for m in got["measures"]] == ["start", "end"]
    assert got["changes"] == [{"member_id": str(world.north_member), "start_id": body["id"], "end_id": end.json()["id"],
                               "change": {"understanding": 3, "confidence": 2, "listened_to": 0, "keep_safe": 1}}]
    assert [i["key"] for i in got["items"]] == KEYS
    [event] = audit_events(settings, action="family_outcome.measure_recorded", target_id=uuid.UUID(body["id"]))
    assert event.case_id == world.north_case and event.actor_id == world.worker.id
    assert event.route == "/api/cases/{case_id}/family-outcomes"
    assert audit_events(settings, action="case.read", case_id=world.north_case, route="/api/cases/{case_id}/family-outcomes")


def test_reviews_may_be_many_but_the_start_and_the_end_are_once_each(client: TestClient[Any], settings: Settings, world: World) -> None:
    assert measure(client, world, "start", [3, 3, 3, 3, 3]).status_code == 201
    assert measure(client, world, "review", [3, 3, 3, 3, 4]).status_code == 201
    assert measure(client, world, "review", [3, 3, 4, 3, 4]).status_code == 201
    before = counts(settings)
    again = measure(client, world, "start", [3, 3, 3, 3, 3])
    assert again.status_code == 400
    assert "already recorded" in again.json()["errors"]["point"]
    assert counts(settings) == before


BAD = [
    ({"point": "start", "answers": {"understanding": 6}}, "answers.understanding", "Choose a score from 1 (not at all) to 5 (very much)."),
    ({"point": "start", "answers": {"understanding": 0}}, "answers.understanding", "from 1"),
    ({"point": "start", "answers": {"understanding": -1}}, "answers.understanding", "from 1"),
    ({"answers": {"understanding": 3}}, "point", "Choose when this was answered"),
    ({"point": "middle", "answers": {"understanding": 3}}, "point", "Choose one of"),
    ({"point": "start", "answers": {"how_bad": 3}}, "answers.how_bad", "not one of the items"),
    ({"point": "start", "answers": {}}, "answers", "Nothing was answered"),
    ({"point": "start", "answers": {"understanding": 3}, "answered_on": "2026-12-25"}, "answered_on", "cannot be in the future"),
    ({"point": "start", "answers": {"understanding": 3}, "member_id": None}, "member_id", "Choose who answered"),
    ({"point": "start", "answers": {"understanding": 3}, "member_id": str(uuid.uuid4())}, "member_id", "family member of this case"),
]


@pytest.mark.parametrize("body,field,words", BAD)
def test_bad_measures_are_refused_in_plain_english_and_change_nothing(
    client: TestClient[Any], settings: Settings, world: World, body: dict[str, Any], field: str, words: str
) -> None:
    before = counts(settings)
    response = client.post(url(world.north_case), headers=world.worker.auth,
                           json={"member_id": str(world.north_member), **body})
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert words in errors[field], errors
    assert "Traceback" not in response.text and "`" not in errors[field]
    assert counts(settings) == before


def test_a_score_that_is_not_a_number_is_refused_without_a_500(client: TestClient[Any], settings: Settings, world: World) -> None:
    before = counts(settings)
    response = client.post(url(world.north_case), headers=world.worker.auth,
                           json={"member_id": str(world.north_member), "point": "start", "answers": {"understanding": "lots"}})
    assert response.status_code == 400 and "Traceback" not in response.text
    assert counts(settings) == before


def test_another_team_s_case_answers_404_and_nothing_changes(client: TestClient[Any], settings: Settings, world: World) -> None:
    measure(client, world, "start", [3, 3, 3, 3, 3])
    before = counts(settings)
    for who in (world.outsider, world.colleague):
        assert client.get(url(world.north_case), headers=who.auth).status_code == 404
        for rest, body in (("", {"member_id": str(world.north_member), "point": "end", "answers": {"understanding": 5}}),
                           ("/exit-survey", {"helped": True, "would_recommend": True}),
                           ("/equality", {"member_id": str(world.north_member), "age_band": "25_34"})):
            response = client.post(url(world.north_case, rest), headers=who.auth, json=body)
            assert response.status_code == 404, (rest, response.text)
            assert "Nora" not in response.text
    assert counts(settings) == before
    assert len(audit_events(settings, case_id=world.north_case, actor_id=world.outsider.id, outcome="denied")) == 4
    # and a member of another case cannot be named on one's own
    south = client.post(url(world.south_case), headers=world.outsider.auth,
                        json={"member_id": str(world.north_member), "point": "start", "answers": {"understanding": 3}})
    assert south.status_code == 400 and south.json()["errors"]["member_id"] == "Choose a family member of this case."


# --- the exit survey ---------------------------------------------------------------------------

COMMENT = "Wren made the court days bearable for us, Nora"


def test_the_exit_survey_is_kept_once_with_its_comment_encrypted(client: TestClient[Any], settings: Settings, world: World) -> None:
    response = client.post(url(world.north_case, "/exit-survey"), headers=world.worker.auth, json={
        "member_id": str(world.north_member), "helped": True, "would_recommend": False, "comment": COMMENT})
    assert response.status_code == 201, response.text
    survey = response.json()
    assert (survey["helped"], survey["would_recommend"], survey["comment"]) == (True, False, COMMENT)
    assert survey["answered_on"] == "2026-12-01"
    assert COMMENT not in raw_database_text(settings) and "court days bearable" not in raw_database_text(settings)
    assert client.get(url(world.north_case), headers=world.worker.auth).json()["exit_survey"]["comment"] == COMMENT
    assert audit_events(settings, action="family_outcome.exit_survey_recorded", case_id=world.north_case)
    before = counts(settings)
    again = client.post(url(world.north_case, "/exit-survey"), headers=world.worker.auth, json={"helped": True, "would_recommend": True})
    assert again.status_code == 400 and "asked once" in again.json()["errors"]["helped"]
    assert counts(settings) == before


@pytest.mark.parametrize("body,field", [
    ({"would_recommend": True}, "helped"),
    ({"helped": True}, "would_recommend"),
    ({"helped": True, "would_recommend": True, "comment": "x" * 2001}, "comment"),
])
def test_a_bad_exit_survey_changes_nothing(client: TestClient[Any], settings: Settings, world: World, body: dict[str, Any], field: str) -> None:
    before = counts(settings)
    response = client.post(url(world.north_case, "/exit-survey"), headers=world.worker.auth, json=body)
    assert response.status_code == 400 and field in response.json()["errors"], response.text
    assert counts(settings) == before


# --- equality monitoring -----------------------------------------------------------------------


def test_the_ethnic_groups_are_the_ons_2021_nineteen_and_every_question_can_be_declined() -> None:
    assert len([k for k, _l in rules.ETHNICITIES if k != rules.PREFER_NOT]) == 19
    for _name, _question, choices in rules.EQUALITY:
        assert choices[-1] == (rules.PREFER_NOT, rules.PREFER_NOT_LABEL)


def test_equality_questions_are_optional_and_asked_once(client: TestClient[Any], settings: Settings, world: World) -> None:
    # all skipped: kept as not asked, not refused
    skipped = client.post(url(world.north_case, "/equality"), headers=world.worker.auth, json={"member_id": str(world.north_member)})
    assert skipped.status_code == 201, skipped.text
    assert {k: skipped.json()[k] for k in ("age_band", "gender", "ethnicity", "disability")} == dict.fromkeys(
        ("age_band", "gender", "ethnicity", "disability"))
    before = counts(settings)
    again = client.post(url(world.north_case, "/equality"), headers=world.worker.auth,
                        json={"member_id": str(world.north_member), "gender": "woman"})
    assert again.status_code == 400 and "asked once" in again.json()["errors"]["member_id"]
    assert counts(settings) == before
    assert audit_events(settings, action="family_outcome.equality_recorded", case_id=world.north_case)


def test_equality_answers_are_encrypted_and_a_made_up_category_is_refused(client: TestClient[Any], settings: Settings, world: World) -> None:
    before = counts(settings)
    bad = client.post(url(world.north_case, "/equality"), headers=world.worker.auth,
                      json={"member_id": str(world.north_member), "ethnicity": "martian"})
    assert bad.status_code == 400 and bad.json()["errors"] == {"ethnicity": "Choose one of the options, or leave it empty."}
    assert counts(settings) == before
    good = client.post(url(world.north_case, "/equality"), headers=world.worker.auth, json={
        "member_id": str(world.north_member), "age_band": "35_44", "gender": rules.PREFER_NOT,
        "ethnicity": "white_gypsy_traveller", "disability": "yes"})
    assert good.status_code == 201, good.text
    assert "white_gypsy_traveller" not in raw_database_text(settings)


# --- the pages ---------------------------------------------------------------------------------


def test_the_measure_form_records_and_the_case_page_shows_the_change(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    form = client.get(f"/cases/{world.north_case}/family-outcomes/measure")
    assert form.status_code == 200
    assert "I understand what is happening in my child&#39;s case." in form.text
    assert 'name="answers.keep_safe"' in form.text and 'value="start" selected' in form.text
    path = f"/cases/{world.north_case}/family-outcomes/measure"
    for point, scores in (("start", ["2", "2", "3", "2", "3"]), ("end", ["4", "5", "4", "3", "5"])):
        token = csrf_token(client, path)
        response = client.post(path, follow_redirects=False, data={
            "_csrf_token": token, "member_id": str(world.north_member), "point": point, "child_at_home": "yes",
            **{f"answers.{k}": v for k, v in zip(KEYS, scores, strict=True)}})
        assert response.status_code == 303, response.text
        assert re.fullmatch(rf"/cases/{world.north_case}/family-outcomes\?done=measure-[0-9a-f-]+#measure-[0-9a-f-]+",
                            response.headers["location"])
    page = client.get(f"/cases/{world.north_case}/family-outcomes")
    assert page.status_code == 200 and "Change from the start to the end of support" in page.text
    assert "+3" in page.text and "+2" in page.text
    case_page = client.get(f"/cases/{world.north_case}")
    assert "Outcomes for the family" in case_page.text and "+3" in case_page.text
    events = audit_events(settings, action="family_outcome.measure_recorded", case_id=world.north_case)
    assert {e.route for e in events} == {"/cases/{case_id}/family-outcomes/measure"}


def test_a_score_of_6_on_the_form_is_shown_again_with_the_error_and_nothing_saved(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    path = f"/cases/{world.north_case}/family-outcomes/measure"
    before = counts(settings)
    token = csrf_token(client, path)
    response = client.post(path, data={"_csrf_token": token, "member_id": str(world.north_member), "point": "",
                                       "answers.understanding": "6"})
    assert response.status_code == 400
    assert "There is a problem" in response.text and "Choose when in their support" in response.text
    assert 'id="error-answers.understanding"' in response.text
    assert counts(settings) == before


def test_the_exit_survey_and_equality_forms_save(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    base = f"/cases/{world.north_case}/family-outcomes"
    token = csrf_token(client, f"{base}/exit-survey")
    done = client.post(f"{base}/exit-survey", follow_redirects=False, data={
        "_csrf_token": token, "helped": "yes", "would_recommend": "yes", "comment": COMMENT})
    assert done.status_code == 303 and done.headers["location"].endswith("#exit-survey")
    token = csrf_token(client, f"{base}/equality")
    form = client.get(f"{base}/equality")
    assert "Prefer not to say" in form.text and "White: Roma" in form.text
    done = client.post(f"{base}/equality", follow_redirects=False, data={
        "_csrf_token": token, "member_id": str(world.north_member), "age_band": "", "gender": "prefer_not_to_say"})
    assert done.status_code == 303, done.text
    page = client.get(base)
    assert COMMENT in page.text and "Prefer not to say" in page.text and "Not asked" in page.text
    assert counts(settings)["exit_survey"] == 1 and counts(settings)["equality_monitoring"] == 1


def test_the_pages_read_in_welsh(client: TestClient[Any], settings: Settings, world: World) -> None:
    async def welsh(db: AsyncSession) -> None:
        await db.execute(text("UPDATE user_account SET locale = 'cy' WHERE email = :email"), {"email": world.worker.email})

    in_db(settings, welsh)
    sign_in(client, world.worker.email)
    measure(client, world, "start", [3, 3, 3, 3, 3])
    for path in ("", "/measure", "/exit-survey", "/equality"):
        page = client.get(f"/cases/{world.north_case}/family-outcomes{path}")
        assert page.status_code == 200 and '<html lang="cy">' in page.text, path
    form = client.get(f"/cases/{world.north_case}/family-outcomes/measure").text
    assert "Rwy&#39;n deall beth sy&#39;n digwydd yn achos fy mhlentyn." in form
    assert "Cofnodi sut mae&#39;r rhiant yn teimlo" in form  # the title, from the catalogue


def test_what_the_parent_is_read_is_plain_english_grade_8_or_lower() -> None:
    from courtjourney.outcomes import pages
    from tests.readability import grade, sentences

    said = [i.en for i in rules.all_items()] + [label for _k, label in rules.SCALE[1:]]
    said += sentences(pages.MEASURE.intro) + sentences(pages.EQUALITY.intro) + sentences(pages.EXIT.intro)
    too_hard = [(s, grade(s)) for s in said if grade(s) > 8]
    assert not too_hard, too_hard


# --- the sentences, in the service's words ------------------------------------------------------

NEW_EN = "I know what is happening with my child's case."
NEW_CY = "Rwy'n gwybod beth sy'n digwydd gydag achos fy mhlentyn."


def wording(client: TestClient[Any], **change: str) -> Any:
    values = {f"{lang}.{i.key}": getattr(i, lang) for i in rules.all_items() for lang in ("en", "cy")}
    token = csrf_token(client, "/family-outcomes/items")
    return client.post("/family-outcomes/items", follow_redirects=False, data={**values, **change, "_csrf_token": token})


def test_a_manager_changes_a_sentence_and_every_page_asks_it_in_the_new_words(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.manager.email)
    page = client.get("/family-outcomes/items")
    assert page.status_code == 200 and 'name="cy.keep_safe"' in page.text
    done = wording(client, **{"en.understanding": NEW_EN, "cy.understanding": NEW_CY})
    assert done.status_code == 303, done.text
    assert sql(settings, "SELECT key, en, cy FROM family_outcome_item_wording") == [("understanding", NEW_EN, NEW_CY)]
    [event] = audit_events(settings, action="family_outcome.items_reworded")
    assert event.actor_id == world.manager.id and event.case_id is None
    got = client.get(url(world.north_case), headers=world.worker.auth).json()
    assert got["items"][0] == {"key": "understanding", "text": NEW_EN, "asked": True}
    sign_in(client, world.worker.email)
    assert "I know what is happening with my child&#39;s case." in client.get(f"/cases/{world.north_case}/family-outcomes/measure").text
    # back to items.toml's words: the service's own row goes
    sign_in(client, world.manager.email)
    item = rules.all_items()[0]
    assert wording(client, **{"en.understanding": item.en, "cy.understanding": item.cy}).status_code == 303
    assert sql(settings, "SELECT count(*) FROM family_outcome_item_wording")[0][0] == 0


def test_only_managers_and_admins_change_the_sentences_and_an_empty_one_is_refused(client: TestClient[Any], settings: Settings, world: World) -> None:
    sign_in(client, world.worker.email)
    assert client.get("/family-outcomes/items").status_code == 404
    token = csrf_token(client, "/account")
    refused = client.post("/family-outcomes/items", data={"en.understanding": "You are failing", "_csrf_token": token})
    assert refused.status_code == 404
    assert sql(settings, "SELECT count(*) FROM family_outcome_item_wording")[0][0] == 0
    sign_in(client, world.admin.email)
    empty = wording(client, **{"cy.wellbeing": "  "})
    assert empty.status_code == 400 and "Enter the words of this sentence." in empty.text
    assert sql(settings, "SELECT count(*) FROM family_outcome_item_wording")[0][0] == 0
    assert not audit_events(settings, action="family_outcome.items_reworded")
