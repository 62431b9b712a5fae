"""The two worst corrections of issue 18, each from a hand-worked date, through the real API, pages, tasks and
letter on SQLite and PostgreSQL, with the clock pinned.

(a) Unduly Lenient Sentence, eligibility not known yet: sentenced Thursday 12 November 2026, + 28 calendar days
    = Thursday 10 December 2026. The task falls due that day and the letter gives the date and says the scheme
    may apply: the 28 days run from sentence whatever the answer and cannot be extended ([G1]).
(b) Compensation for a child born on 29 February 2012 who reported at 14: the application must be made *before*
    the 20th birthday ([G3]). 29 February 2032 is a Sunday: `due` stays the birthday the law names, the day
    before is Saturday 28 February, so the day to act by is Friday 27 February 2032, with both reasons.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

import docx
import pytest
import time_machine
from litestar.testing import TestClient

from courtjourney.debrief import rules
from courtjourney.debrief.rules import Facts
from tests.conftest import World, sign_in
from tests.readability import grade

D = dt.date


@pytest.fixture
def pinned() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 13, 12, tzinfo=dt.UTC), tick=False):
        yield


def _letter_text(client: TestClient[Any], url: str, world: World) -> str:
    response = client.get(f"{url}/debrief-letter", headers=world.worker.auth)
    assert response.status_code == 200, response.text
    return "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)


def test_an_unknown_uls_eligibility_keeps_the_28_day_task_and_the_letter_gives_the_date(
    client: TestClient[Any], world: World, pinned: None
) -> None:
    url = f"/api/cases/{world.north_case}"
    made = client.post(f"{url}/outcomes", headers=world.worker.auth, json={
        "proceeding_id": str(world.north_proceeding), "charge_id": str(world.north_charge), "result": "convicted",
        "decided_on": "2026-11-02", "sentence_type": "custody", "custody_months": 30, "sentence_on": "2026-11-12"})
    assert made.status_code == 201, made.text
    assert made.json()["uls_eligible"] == "unknown"
    # Release at halfway under the law in force, and the enacted change said plainly, not given as a date.
    assert "The law on release is changing. Your support worker will confirm the date." in made.json()["explained"]
    uls = client.get(f"{url}/outcomes/{made.json()['id']}/deadlines/uls", headers=world.worker.auth).json()
    assert uls["due"] == "2026-12-10" and uls["act_by"] is None and uls["missing"] == []
    assert uls["warn_on"] == "2026-11-26"
    assert "whatever the answer" in uls["note"] and "within 28 days" in uls["rule_text"]
    assert uls["law"] == ["uls.days@always", "uls.warn_days@always"]

    tasks = client.post(f"{url}/deadlines/tasks", headers=world.worker.auth)
    assert tasks.status_code == 200, tasks.text
    listed = client.get(f"{url}/tasks", headers=world.worker.auth).json()
    assert any(t["title"].startswith("Ask the Attorney General") and t["due_on"] == "2026-12-10" for t in listed)
    assert any(t["title"].startswith("14 days left") and t["due_on"] == "2026-11-26" for t in listed)

    text = _letter_text(client, url, world)
    assert "It may apply." in text
    assert "Ask by Thursday 10 December 2026. The 28 days cannot be made longer." in text
    assert "Not known yet" not in text.split("If you think the sentence is too low")[1].split("\n")[1]


def test_uls_may_apply_words_read_plainly() -> None:
    lines = ["We are still checking if the scheme covers this offence. It may apply.",
             "Ask by Thursday 10 December 2026. The 28 days cannot be made longer."]
    assert grade(" ".join(lines)) <= 8


def test_a_child_born_on_29_february_acts_by_the_last_working_day_before_the_20th_birthday(
    client: TestClient[Any], world: World, pinned: None
) -> None:
    case = client.post("/api/cases", headers=world.worker.auth,
                       json={"child_name": "Leap", "child_birth_date": "2012-02-29"}).json()
    url = f"/api/cases/{case['id']}"
    made = client.post(f"{url}/outcomes", headers=world.worker.auth,
                       json={"result": "no_further_action", "decided_on": "2026-11-02", "reported_on": "2026-10-01"})
    assert made.status_code == 201, made.text
    cica = next(d for d in client.get(f"{url}/deadlines", headers=world.worker.auth).json() if d["rule"] == "cica")
    assert cica["due"] == "2032-02-29"  # the birthday the law names (a Sunday)
    assert cica["act_by"] == "2032-02-27"  # Saturday 28th is the day before; Friday 27th is the working day
    assert "before the child turns 20" in cica["act_by_reason"] and "weekend or bank holiday" in cica["act_by_reason"]
    assert "cica.apply_before_age@always" in cica["law"]

    sign_in(client, world.worker.email)
    page = client.get(f"/cases/{case['id']}/debrief")
    assert page.status_code == 200
    assert "Act by" in page.text and "27 February 2032" in page.text and "29 February 2032" in page.text


@pytest.mark.parametrize("born,reported,due,act_by", [
    (D(2008, 2, 29), D(2020, 5, 1), D(2028, 2, 29), D(2028, 2, 28)),  # 20th birthday a Tuesday: Monday before
    (D(2012, 2, 29), D(2026, 10, 1), D(2032, 2, 29), D(2032, 2, 27)),  # a Sunday: Friday before the Saturday
    (D(2009, 2, 28), D(2024, 2, 29), D(2029, 2, 28), D(2029, 2, 27)),  # reported on a leap day, at 14
    (D(2008, 12, 26), D(2020, 1, 6), D(2028, 12, 26), D(2028, 12, 22)),  # Boxing Day 2028 (a Tuesday): 25th
])                                                                      # a bank holiday, 23-24 a weekend
def test_compensation_before_the_20th_birthday_hand_worked(born: dt.date, reported: dt.date, due: dt.date,
                                                           act_by: dt.date) -> None:
    d = rules.deadline("cica", Facts(result="convicted", child_birth_date=born, reported_on=reported))
    assert (d.due, d.act_by) == (due, act_by)


def test_an_18th_birthday_on_the_day_of_reporting_is_not_before_18() -> None:
    d = rules.deadline("cica", Facts(result="convicted", child_birth_date=D(2008, 2, 29), reported_on=D(2026, 2, 28)))
    assert d.due == D(2028, 2, 28) and d.act_by is None  # 2 years from the report; a Monday


def test_every_deadline_s_words_read_at_grade_8_or_below_with_their_figures_filled_in() -> None:
    f = Facts(result="convicted", court_type="crown", category="sexual", sentence_type="custody", custody_months=36,
              sentence_on=D(2026, 11, 7), uls_eligible=None, child_birth_date=D(2012, 2, 29),
              reported_on=D(2026, 10, 1), parole_decision_on=D(2028, 2, 15))
    found = [*rules.deadlines(f), rules.deadline("vrr", Facts(result="discontinued", decided_on=D(2026, 12, 23))),
             rules.deadline("appeal", Facts(result="convicted", court_type="magistrates", sentence_on=D(2026, 8, 21)))]
    assert {d.key for d in found} == {"uls", "vcs", "cica", "appeal", "parole", "vrr"}
    for d in found:
        for text in (d.rule_text(str), d.reason_text(str), d.note_text(str)):
            if text:
                assert "%(" not in text and grade(text) <= 8, (d.key, text)
