"""Messages to families (issue 16): how a member may be reached, notices written with a hearing change,
sent once by the dispatcher to a real SMTP server or the Notify stand-in, the "Got it" page, and My day."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import re
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from courtjourney.i18n import LONDON
from courtjourney.messages import dispatch, rules
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql, use_settings
from tests.messages.conftest import API_KEY, NOW, Mailbox, NotifyStandIn

pytestmark = pytest.mark.usefixtures("pinned_clock")


@pytest.fixture
def world(world: World, settings: Settings) -> World:
    """The small world, with nothing yet recorded of how its parent can be reached (nor its one message)."""
    _execute(settings, "DELETE FROM outbox_message")
    _execute(settings, "DELETE FROM member_reach")
    return world


def _since(settings: Settings, prefix: str) -> list[str]:
    """This test's audit actions starting with `prefix` (the small world was built before NOW)."""
    return [e.action for e in audit_events(settings) if e.action.startswith(prefix) and e.created_at >= NOW]

EMAIL = "nora@family.example"
MOBILE = "07911 123456"


def london(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=LONDON).astimezone(dt.UTC)  # type: ignore[misc]


# --- when a message may go ---------------------------------------------------------------------


def test_a_late_change_for_tomorrow_morning_goes_at_the_start_of_the_safe_time_and_is_urgent() -> None:
    now = london(2026, 12, 1, 22, 30)  # Tuesday 22:30
    hearing = london(2026, 12, 2, 10, 0)
    safe = rules.SafeTimes(dt.time(8, 0), dt.time(17, 0), weekends=False)
    assert rules.is_urgent(now, hearing)
    assert rules.next_send_time(now, safe, urgent=True) == london(2026, 12, 2, 8, 0)
    later = rules.SafeTimes(dt.time(9, 30), dt.time(17, 0), weekends=False)
    assert rules.next_send_time(now, later, urgent=True) == london(2026, 12, 2, 9, 30)


def test_urgent_notices_may_go_until_21_00_and_on_a_weekend_others_keep_to_the_safe_times() -> None:
    safe = rules.SafeTimes(dt.time(9, 0), dt.time(17, 0), weekends=False)
    evening = london(2026, 12, 4, 18, 0)  # Friday 18:00
    assert rules.next_send_time(evening, safe, urgent=True) == evening
    assert rules.next_send_time(evening, safe, urgent=False) == london(2026, 12, 7, 9, 0)  # Monday
    saturday = london(2026, 12, 5, 12, 0)
    assert rules.next_send_time(saturday, safe, urgent=True) == saturday
    assert rules.next_send_time(london(2026, 12, 4, 21, 30), safe, urgent=True) == london(2026, 12, 5, 9, 0)
    # Whatever they say, never after 21:00 or before 07:00.
    owl = rules.SafeTimes(dt.time(5, 0), dt.time(23, 0), weekends=True)
    assert rules.next_send_time(london(2026, 12, 1, 22, 0), owl, urgent=False) == london(2026, 12, 2, 7, 0)
    assert not rules.is_urgent(london(2026, 12, 1, 10, 0), london(2026, 12, 3, 10, 1))


def test_an_urgent_notice_should_be_answered_within_four_working_hours_or_by_19_00_the_day_before() -> None:
    sent = london(2026, 12, 1, 15, 0)  # Tuesday 15:00: 2 hours today, 2 tomorrow
    assert rules.answer_by(sent, london(2026, 12, 9, 10, 0)) == london(2026, 12, 2, 11, 0)
    assert rules.answer_by(sent, london(2026, 12, 2, 10, 0)) == london(2026, 12, 1, 19, 0)


@pytest.mark.parametrize(
    ("raw", "words"),
    [("12", "not a phone number"), ("0113 496 0000", "landline"), ("07911 12345", "not a phone number"), ("phone me", "Enter a phone number")],
)
def test_bad_numbers_are_refused_in_plain_words(raw: str, words: str) -> None:
    from courtjourney.errors import InputError

    with pytest.raises(InputError) as caught:
        rules.clean_phone(raw)
    assert words in caught.value.errors["phone"]
    assert rules.clean_phone(" 07911 123456 ") == "+447911123456"


# --- through the service -------------------------------------------------------------------------


def _form(client: TestClient[Any], path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data={**data, "_csrf_token": csrf_token(client, path)}, follow_redirects=False)


def _reach(client: TestClient[Any], world: World, **extra: Any) -> Any:
    data = {"email": EMAIL, "email_agreed": "on", "email_safe": "on", "safe_from": "08:00", "safe_until": "19:00",
            "discretion": "discreet", **extra}
    return _form(client, f"/cases/{world.north_case}/members/{world.north_member}/reach", data)


def _move(client: TestClient[Any], world: World, day: str = "2026-12-15") -> Any:
    answer = client.patch(
        f"/api/cases/{world.north_case}/hearings/{world.north_hearing}",
        headers=world.worker.auth,
        json={"listing": "fixed", "date": day, "start_time": "10:00", "reason": "The judge is ill"},
    )
    assert answer.status_code == 200, answer.text
    return answer


def _outbox(settings: Settings) -> list[Any]:
    return sql(settings, "SELECT id, status, channel, kind, urgent, attempts, due_at, acknowledged_at FROM outbox_message ORDER BY created_at")


def _texts(client: TestClient[Any], world: World) -> list[dict[str, Any]]:
    answer = client.get(f"/api/cases/{world.north_case}/messages", headers=world.worker.auth)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_bad_reach_details_are_refused_and_change_nothing(client: TestClient[Any], world: World, settings: Settings) -> None:
    sign_in(client, world.worker.email)
    answer = _reach(client, world, phone="0113 496 0000", sms_agreed="on", email="not an address")
    assert answer.status_code == 400
    assert "landline" in answer.text and "email address" in answer.text
    assert sql(settings, "SELECT count(*) FROM member_reach")[0][0] == 0
    answer = _reach(client, world, safe_from="18:00", safe_until="09:00")
    assert answer.status_code == 400 and "must be after its start" in answer.text


def test_a_hearing_change_writes_a_discreet_notice_kept_for_the_worker_when_no_channel_is_set(
    client: TestClient[Any], world: World, settings: Settings
) -> None:
    sign_in(client, world.worker.email)
    assert _reach(client, world, phone=MOBILE).status_code == 303
    raw = sql(settings, "SELECT phone, email FROM member_reach")[0]
    assert "7911" not in raw[0] and EMAIL not in raw[1]  # encrypted at rest
    _move(client, world)
    [row] = _outbox(settings)
    assert row.status == "hold" and row.channel == "email" and row.kind == "hearing_change" and not row.urgent
    [shown] = _texts(client, world)
    text = shown["text"]
    assert text.startswith("Appointment moved: now Tue 15 Dec, 10:00, Northtown.")
    assert re.search(r"http://testserver\.local/m/[\w-]{20,}", text)
    for secret in ("court", "Court", "Nell", "Northfield", "trial", "Defendant", "12AB3456789"):
        assert secret not in text, secret
    assert shown["to_hint"] == "no…@family.example" and shown["status"] == "hold"
    body = sql(settings, "SELECT body FROM outbox_message")[0][0]
    assert "Appointment" not in body  # the text is encrypted at rest
    page = client.get(f"/cases/{world.north_case}/messages")
    assert page.status_code == 200 and "Copy this and send it yourself" in page.text
    assert _since(settings, "message.") == ["message.queued"]


def test_no_agreement_or_an_unsafe_channel_means_no_message(client: TestClient[Any], world: World, settings: Settings) -> None:
    sign_in(client, world.worker.email)
    assert _reach(client, world, email_safe="").status_code == 303  # agreed, but someone else reads the mailbox
    _move(client, world)
    assert _outbox(settings) == []
    answer = client.post(f"/api/cases/{world.north_case}/messages", headers=world.worker.auth,
                         json={"member_id": str(world.north_member), "text": "Hello"})
    assert answer.status_code == 400 and "safe to use" in answer.text


def _send(settings: Settings) -> dispatch.Pass:
    from courtjourney.db.engine import make_engine

    async def run() -> dispatch.Pass:
        engine = make_engine(settings)
        try:
            return await dispatch.send_due(async_sessionmaker(engine, expire_on_commit=False), settings)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _execute(settings: Settings, statement: str, **params: Any) -> None:
    from sqlalchemy import text

    async def work(db: Any) -> None:
        await db.execute(text(statement), params)

    in_db(settings, work)


def _with(monkeypatch: pytest.MonkeyPatch, settings: Settings, **changes: Any) -> Settings:
    s = dataclasses.replace(settings, **changes)
    use_settings(monkeypatch, s)
    return s


def test_the_dispatcher_sends_by_email_once_and_the_family_says_got_it(
    client: TestClient[Any], world: World, settings: Settings, smtp_server: tuple[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, box = smtp_server
    s = _with(monkeypatch, settings, smtp_url=url, mail_from="North Hub <support@north.example>")
    sign_in(client, world.worker.email)
    assert _reach(client, world).status_code == 303
    _move(client, world)
    assert [r.status for r in _outbox(s)] == ["queued"]
    done = _send(s)
    assert (done.sent, done.failed) == (1, 0)
    assert _send(s).sent == 0  # nothing is sent twice
    [mail] = box.received
    assert mail["To"] == EMAIL and mail["Subject"] == "A message from Wren"
    assert mail["Message-ID"].startswith("<") and mail["Message-ID"].endswith("@north.example>")
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"http://testserver\.local(/m/[\w-]+)", body)
    assert link, body
    assert [r.status for r in _outbox(s)] == ["sent"]
    # Before: the change is one the family has not been told about.
    day = client.get("/api/me/day", headers=world.worker.auth).json()
    assert any(line["case_id"] == str(world.north_case) for line in _section(day, "to_tell"))
    assert any(line["case_id"] == str(world.north_case) for line in _section(day, "unacknowledged"))
    client.cookies.clear()  # the family member: nobody signed in
    family = client
    page = family.get(link.group(1))
    assert page.status_code == 200 and "Got it" in page.text and "courtjourney" not in page.text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    thanks = family.post(link.group(1), data={"_csrf_token": token})
    assert thanks.status_code == 200 and "can see that you have read this" in thanks.text
    again = family.get(link.group(1))
    assert "You told us you had read this" in again.text and "Got it" not in again.text
    assert family.get("/m/not-a-real-token").status_code == 404
    [row] = _outbox(s)
    assert row.acknowledged_at is not None
    told = sql(s, "SELECT told_at FROM hearing_change WHERE kind = 'moved'")
    assert told and all(t[0] is not None for t in told)
    day = client.get("/api/me/day", headers=world.worker.auth).json()
    assert not any(line["case_id"] == str(world.north_case) for line in _section(day, "to_tell"))
    assert not _section(day, "unacknowledged")
    assert _since(s, "message.") == ["message.queued", "message.sent", "message.opened", "message.acknowledged", "message.opened"]


def _section(day: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return next(s["lines"] for s in day["sections"] if s["key"] == key)


def test_a_refused_address_is_a_permanent_failure_shown_in_plain_words(
    client: TestClient[Any], world: World, settings: Settings, smtp_server: tuple[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, box = smtp_server
    box.refuse_rcpt.add(EMAIL)
    s = _with(monkeypatch, settings, smtp_url=url, mail_from="support@north.example")
    sign_in(client, world.worker.email)
    _reach(client, world)
    _move(client, world)
    assert _send(s).failed == 1
    [shown] = _texts(client, world)
    assert shown["status"] == "failed" and "refused this address" in shown["last_error"]
    assert EMAIL not in shown["last_error"]
    day = client.get("/api/me/day", headers=world.worker.auth).json()
    assert [line["text"] for line in _section(day, "unacknowledged")] == ["A message could not be sent: phone the family"]


def test_a_mail_server_that_is_down_is_tried_again_later(
    client: TestClient[Any], world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.served import free_port

    s = _with(monkeypatch, settings, smtp_url=f"smtp://127.0.0.1:{free_port()}", mail_from="support@north.example")
    sign_in(client, world.worker.email)
    _reach(client, world)
    _move(client, world)
    assert _send(s).retry == 1
    [row] = _outbox(s)
    assert row.status == "queued" and row.attempts == 1
    assert _send(s).claimed == 0  # not due again until the wait is over


def test_texts_go_through_notify_with_a_signed_token(
    client: TestClient[Any], world: World, settings: Settings, notify_server: NotifyStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = _with(monkeypatch, settings, notify_api_key=API_KEY, notify_base_url=notify_server.url,
              notify_sms_template_id="11111111-1111-1111-1111-111111111111")
    sign_in(client, world.worker.email)
    assert _reach(client, world, phone=MOBILE, sms_agreed="on", phone_safe="on").status_code == 303
    _move(client, world)
    assert _send(s).sent == 1
    [sent] = notify_server.sent
    assert sent["type"] == "sms" and sent["phone_number"] == "+447911123456"
    assert sent["personalisation"]["body"].startswith("Appointment moved")
    assert notify_server.bad_tokens == 0
    [row] = _outbox(s)
    assert row.channel == "sms" and row.status == "sent"


def test_after_a_crash_notify_is_asked_before_a_message_is_sent_again(
    client: TestClient[Any], world: World, settings: Settings, notify_server: NotifyStandIn, monkeypatch: pytest.MonkeyPatch,
    pinned_clock: Any,
) -> None:
    s = _with(monkeypatch, settings, notify_api_key=API_KEY, notify_base_url=notify_server.url,
              notify_sms_template_id="11111111-1111-1111-1111-111111111111", message_lease_seconds=60)
    sign_in(client, world.worker.email)
    _reach(client, world, phone=MOBILE, sms_agreed="on", phone_safe="on")
    _move(client, world)
    assert _send(s).sent == 1
    # As if the process had died after Notify took it, before we recorded it: the row is still 'sending'.
    _execute(s, "UPDATE outbox_message SET status = 'sending', claimed_at = :at", at=dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC))
    done = _send(s)
    assert (done.sent, done.found_sent) == (1, 1)
    assert len(notify_server.sent) == 1  # asked, found, not sent again


def test_two_dispatchers_at_once_send_each_message_once(
    client: TestClient[Any], world: World, settings: Settings, smtp_server: tuple[str, Mailbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, box = smtp_server
    s = _with(monkeypatch, settings, smtp_url=url, mail_from="support@north.example")
    sign_in(client, world.worker.email)
    _reach(client, world)
    for n in range(12):
        answer = client.post(f"/api/cases/{world.north_case}/messages", headers=world.worker.auth,
                             json={"member_id": str(world.north_member), "text": f"Message {n}"})
        assert answer.status_code == 201, answer.text
    from courtjourney.db.engine import make_engine

    async def both() -> list[dispatch.Pass]:
        engine = make_engine(s)
        try:
            maker = async_sessionmaker(engine, expire_on_commit=False)
            return list(await asyncio.gather(*(dispatch.send_due(maker, s, limit=5) for _ in range(4))))
        finally:
            await engine.dispose()

    passes = asyncio.run(both())
    while sum(p.sent for p in passes) < 12 and len(passes) < 20:
        passes.append(_send(s))
    assert sum(p.sent for p in passes) == 12
    ids = box.message_ids()
    assert len(ids) == 12 and len(set(ids)) == 12


def test_a_message_the_worker_writes_is_previewed_exactly_then_sent(
    client: TestClient[Any], world: World, settings: Settings
) -> None:
    sign_in(client, world.worker.email)
    _reach(client, world)
    path = f"/cases/{world.north_case}/messages/new"
    preview = _form(client, path, {"member_id": str(world.north_member), "text": "Can I ring you at 4?"})
    assert preview.status_code == 200 and "This is exactly what arrives" in preview.text
    assert "Can I ring you at 4? - Wren" in preview.text
    assert sql(settings, "SELECT count(*) FROM outbox_message")[0][0] == 0
    sent = _form(client, path, {"member_id": str(world.north_member), "text": "Can I ring you at 4?", "send": "yes"})
    assert sent.status_code == 303
    [shown] = _texts(client, world)
    assert shown["text"] == "Can I ring you at 4? - Wren" and shown["kind"] == "written"
    empty = _form(client, path, {"member_id": str(world.north_member), "text": ""})
    assert empty.status_code == 400 and "Enter the message" in empty.text


def test_another_teams_worker_gets_404_on_every_messages_route(client: TestClient[Any], world: World) -> None:
    for path in ("messages", "messages/new", f"members/{world.north_member}/reach"):
        page = client.get(f"/cases/{world.north_case}/{path}", headers=world.outsider.auth, follow_redirects=False)
        assert page.status_code in {404, 303}  # pages want a signed-in session; the API is for tokens
    assert client.get(f"/api/cases/{world.north_case}/messages", headers=world.outsider.auth).status_code == 404
    answer = client.post(f"/api/cases/{world.north_case}/messages", headers=world.outsider.auth,
                         json={"member_id": str(world.north_member), "text": "x"})
    assert answer.status_code == 404
    sign_in(client, world.outsider.email)
    for path in ("messages", "messages/new", f"members/{world.north_member}/reach"):
        assert client.get(f"/cases/{world.north_case}/{path}").status_code == 404


def test_a_member_of_another_case_is_not_found(client: TestClient[Any], world: World) -> None:
    sign_in(client, world.worker.email)
    assert client.get(f"/cases/{world.north_case}/members/{UUID(int=5)}/reach").status_code == 404


def test_the_demo_has_a_notice_in_the_outbox_and_a_hearing_change_there_writes_another(settings: Settings) -> None:
    from courtjourney.demo import load_demo

    in_db(settings, load_demo)
    [held] = sql(settings, "SELECT id, status, kind, channel FROM outbox_message")
    assert (held.status, held.kind, held.channel) == ("hold", "hearing_change", "email")
    # A worker moving the demo trial again writes the mother a new notice and overtakes the unsent one.
    [(case_id, hearing_id)] = sql(
        settings, "SELECT case_id, id FROM hearing WHERE hearing_type = 'trial' AND listing = 'warned'"
    )
    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.cases.models import Case
    from courtjourney.hearings import services as hearings
    from courtjourney.hearings.models import Hearing
    from courtjourney.messages.services import hearing_changed

    async def move_again(db: Any) -> None:
        case = await db.get(Case, case_id)
        hearing = await db.get(Hearing, hearing_id)
        start = hearing.window_start + dt.timedelta(days=7)
        await hearings.change_and_tell(db, SYSTEM, case, hearing, {
            "listing": "warned", "window_start": start, "window_end": start + dt.timedelta(days=11),
            "reason": "the court's list was full again"}, hearing_changed)

    in_db(settings, move_again)
    rows = sql(settings, "SELECT status FROM outbox_message ORDER BY created_at")
    assert [r.status for r in rows] == ["cancelled", "hold"]
