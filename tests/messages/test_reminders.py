"""Reminders (issue 16): the day before a hearing, or before a warned list's window opens, each family member
who agreed to messages on a safe channel gets one reminder at their first safe time that day, written by the
dispatcher's pass (once, however many passes run) and sent like any notice. Discreet by default."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from litestar.testing import TestClient

from courtjourney.i18n import LONDON
from courtjourney.messages import texts
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, in_db, sign_in, sql
from tests.messages.conftest import NOW, Mailbox
from tests.messages.test_messages import EMAIL, _execute, _reach, _send, _with
from tests.readability import grade


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON).astimezone(dt.UTC)  # type: ignore[misc]


@pytest.fixture
def world(world: World, settings: Settings, client: TestClient[Any]) -> Iterator[World]:
    """The small world (trial on Monday 14 December at 10:00, Nora needed there), with Nora agreeing to email
    from 08:00 to 19:00, weekends too, recorded on 1 December; nothing in the outbox."""
    with time_machine.travel(NOW, tick=False):
        _execute(settings, "DELETE FROM outbox_message")
        _execute(settings, "DELETE FROM member_reach")
        sign_in(client, world.worker.email)
        assert _reach(client, world, weekends="on").status_code == 303
    yield world


def plan(settings: Settings, at: dt.datetime) -> list[Any]:
    from courtjourney.messages.services import plan_reminders

    async def work(db: Any) -> list[Any]:
        return [(m.kind, m.due_at, m.urgent) for m in await plan_reminders(db, now=at)]

    with time_machine.travel(at, tick=False):
        return in_db(settings, work)


def reminders(settings: Settings) -> list[Any]:
    return sql(settings, "SELECT id, status, kind, due_at, hearing_id FROM outbox_message WHERE kind = 'reminder'")


def test_the_day_before_a_hearing_one_reminder_goes_at_the_first_safe_time_and_only_once(
        client: TestClient[Any], world: World, settings: Settings, smtp_server: tuple[str, Mailbox],
        monkeypatch: pytest.MonkeyPatch) -> None:
    url, box = smtp_server
    s = _with(monkeypatch, settings, smtp_url=url, mail_from="North Hub <support@north.example>")
    assert plan(settings, london(2026, 12, 12, 10, 0)) == [], "two days before: nothing yet"
    [(kind, due, urgent)] = plan(settings, london(2026, 12, 13, 6, 30))
    assert (kind, urgent) == ("reminder", False)
    assert due == london(2026, 12, 13, 8, 0), "the start of Nora's safe time, the day before"
    assert plan(settings, london(2026, 12, 13, 6, 31)) == [], "a second pass writes nothing"
    assert plan(settings, london(2026, 12, 13, 9, 0)) == []
    assert len(reminders(settings)) == 1
    queued = [e for e in audit_events(settings, action="message.queued")]
    assert queued and queued[-1].actor_id is None, "written by the service itself"

    with time_machine.travel(london(2026, 12, 13, 7, 59), tick=False):
        assert _send(s).sent == 0, "not before the safe time"
    with time_machine.travel(london(2026, 12, 13, 8, 1), tick=False):
        done = _send(s)
        assert (done.sent, done.reminders) == (1, 0)
        assert _send(s).sent == 0
    [mail] = box.received
    assert mail["To"] == EMAIL and mail["Subject"] == "A message from Wren"
    body = mail.get_payload(decode=True).decode()
    assert body.startswith("Reminder: appointment tomorrow, Mon 14 Dec, 10:00, Northtown. Tap to say you have seen this: http")
    assert re.search(r"http://testserver\.local/m/[\w-]{20,}", body)
    for secret in ("court", "Court", "Nell", "Northfield", "trial", "Defendant", "12AB3456789"):
        assert secret not in body, secret


def test_no_reminder_once_the_day_s_safe_times_are_over_or_for_a_hearing_that_is_off(
        client: TestClient[Any], world: World, settings: Settings) -> None:
    assert plan(settings, london(2026, 12, 13, 19, 30)) == [], "a reminder saying 'tomorrow' would arrive on the day"
    with time_machine.travel(london(2026, 12, 2, 10, 0), tick=False):
        off = client.patch(f"/api/cases/{world.north_case}/hearings/{world.north_hearing}", headers=world.worker.auth,
                           json={"status": "vacated", "reason": "The defendant pleaded guilty"})
        assert off.status_code == 200, off.text
    assert plan(settings, london(2026, 12, 13, 10, 0)) == [], "a vacated hearing gets no reminder"
    assert reminders(settings) == []


def test_a_reminder_follows_the_hearing_when_it_moves_and_a_warned_list_is_told_the_window_opens(
        client: TestClient[Any], world: World, settings: Settings) -> None:
    with time_machine.travel(london(2026, 12, 2, 10, 0), tick=False):
        moved = client.patch(f"/api/cases/{world.north_case}/hearings/{world.north_hearing}", headers=world.worker.auth,
                             json={"listing": "warned", "window_start": "2027-01-12", "window_end": "2027-01-22",
                                   "reason": "The list was full"})
        assert moved.status_code == 200, moved.text
    assert plan(settings, london(2026, 12, 13, 10, 0)) == [], "the old day: nothing"
    [(kind, due, _urgent)] = plan(settings, london(2027, 1, 11, 12, 0))
    assert kind == "reminder" and due == london(2027, 1, 11, 12, 0), "inside the safe time: now"
    answer = client.get(f"/api/cases/{world.north_case}/messages", headers=world.worker.auth)
    [text] = [m["text"] for m in answer.json() if m["kind"] == "reminder"]
    assert text.startswith("Reminder: your appointment could be on any day from tomorrow (the week of Tue 12 Jan), Northtown. "
                           "We will tell you the day."), text


def test_a_closed_case_gets_no_reminder(client: TestClient[Any], world: World, settings: Settings) -> None:
    with time_machine.travel(london(2026, 12, 2, 10, 0), tick=False):
        closed = client.post(f"/api/cases/{world.north_case}/close", headers=world.worker.auth,
                             json={"reason_kind": "other", "closed_on": "2026-12-02"})
        assert closed.status_code == 201, closed.text
    assert plan(settings, london(2026, 12, 13, 10, 0)) == []


def test_every_message_template_reads_plainly_and_discreet_ones_say_nothing_of_court() -> None:
    sample = {"when": "Mon 14 Dec, 10:00", "town": "Northtown", "court": "Northtown Crown Court",
              "link": "the link", "worker": "Bea"}
    for (language, discretion, what), template in texts.TEXTS.items():
        text = template.format(**sample)
        if language == "en":
            assert grade(text) <= 8, (what, discretion, grade(text), text)
        if discretion == "discreet":
            for word in ("court", "Court", "llys", "hearing", "trial"):
                assert word not in text, (language, what, word)


def test_no_reminder_without_an_agreed_safe_channel(client: TestClient[Any], world: World, settings: Settings) -> None:
    with time_machine.travel(NOW, tick=False):
        sign_in(client, world.worker.email)
        assert _reach(client, world, weekends="on", email_safe="").status_code == 303  # someone else reads it
    assert plan(settings, london(2026, 12, 13, 10, 0)) == []
    with time_machine.travel(NOW, tick=False):
        assert _reach(client, world, weekends="on", email_agreed="").status_code == 303  # agreement withdrawn
    assert plan(settings, london(2026, 12, 13, 10, 0)) == []
    with time_machine.travel(NOW, tick=False):
        assert _reach(client, world, weekends="on").status_code == 303
    assert [kind for kind, _due, _u in plan(settings, london(2026, 12, 13, 10, 0))] == ["reminder"]
