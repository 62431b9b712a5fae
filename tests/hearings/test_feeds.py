"""Calendar feeds as real calendar apps read them: two independent parsers, stable bytes, 304s, privacy."""

from __future__ import annotations

import datetime as dt
import email.utils
from typing import Any

import time_machine
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, sql
from tests.readability import grade
from tests.hearings.helpers import ENDED_SUMMARY, assert_ended, change, events, feed, hearing_api, parse_both

LONDON_OFFSET = {"GMT": dt.timedelta(0), "BST": dt.timedelta(hours=1)}


def the_event(client: TestClient[Any], world: World) -> Any:
    response = feed(client, world.north_feed_token)
    assert response.status_code == 200
    cal, _ = parse_both(response.content)
    found = list(events(cal).values())
    assert len(found) == 1
    return found[0], response


def test_a_feed_is_what_calendar_apps_need(client: TestClient[Any], world: World) -> None:
    response = feed(client, world.north_feed_token)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert "content-disposition" not in response.headers
    body = response.content
    cal, other = parse_both(body)
    assert "METHOD" not in cal
    assert str(cal["X-WR-CALNAME"]) == str(cal["NAME"]) == "Appointments"
    assert cal["REFRESH-INTERVAL"].dt == dt.timedelta(hours=1)
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body and b"X-PUBLISHED-TTL:PT1H\r\n" in body
    lines = body.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines), "lines are folded at 75 octets"
    assert b"\n" not in body.replace(b"\r\n", b""), "every line ends with CRLF"
    assert body.index(b"BEGIN:VTIMEZONE") < body.index(b"BEGIN:VEVENT")
    assert b"TZID:Europe/London" in body
    [event] = events(cal).values()
    assert event["DTSTART"].dt == dt.datetime(2026, 12, 14, 10, 0, tzinfo=event["DTSTART"].dt.tzinfo)
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert str(event["STATUS"]) == "CONFIRMED" and event["SEQUENCE"] == 0
    assert len(other.events) == 1 and other.events[0].uid == str(event["UID"])


def test_the_discreet_feed_gives_nothing_away(client: TestClient[Any], world: World) -> None:
    body = feed(client, world.north_feed_token).content.decode()
    unfolded = body.replace("\r\n ", "")
    for secret in ("Nell", "Northfield", "Nora", "CJ-", "Defendant A", "12AB3456789", "Court Street", "Crown Court", "trial",
                   "Trial", "sexual", "NT1"):
        assert secret not in unfolded, secret
    event = events(parse_both(body.encode())[0])
    [uid] = event
    assert str(world.north_case) not in uid and str(world.north_hearing) not in uid
    assert str(event[uid]["SUMMARY"]) == "Appointment" and str(event[uid]["LOCATION"]) == "Northtown"


def test_the_standard_feed_names_the_court_but_still_not_the_child_or_the_offence(client: TestClient[Any], world: World) -> None:
    made = client.post(f"/api/cases/{world.north_case}/subscriptions", headers=world.worker.auth,
                       json={"family_member_id": str(world.north_member), "privacy": "standard"})
    assert made.status_code == 201, made.text
    assert made.json()["webcal_url"].startswith("webcal://") and made.json()["token"].startswith("cjcal_")
    change(client, world, arrival_notes="Side door on Mill Lane; the Witness Service meets you.")
    body = feed(client, made.json()["token"]).content
    [event] = events(parse_both(body)[0]).values()
    assert str(event["SUMMARY"]) == "Court hearing, Northtown Crown Court"
    assert "1 Court Street" in str(event["LOCATION"])
    assert "Mill Lane" in str(event["DESCRIPTION"])
    text = body.decode().replace("\r\n ", "")
    for secret in ("Nell", "Northfield", "CJ-", "Defendant A", "12AB3456789"):
        assert secret not in text, secret


def test_an_unchanged_feed_is_byte_identical_and_answers_304(client: TestClient[Any], world: World) -> None:
    first = feed(client, world.north_feed_token)
    second = feed(client, world.north_feed_token)
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["last-modified"] == second.headers["last-modified"]
    again = feed(client, world.north_feed_token, **{"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    by_date = feed(client, world.north_feed_token, **{"If-Modified-Since": first.headers["last-modified"]})
    assert by_date.status_code == 304, "Apple's calendar revalidates with If-Modified-Since only"
    stale = feed(client, world.north_feed_token, **{"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_google_s_fetcher_with_no_accept_header_gets_the_feed(client: TestClient[Any], world: World) -> None:
    request = client.build_request("GET", f"/calendar/{world.north_feed_token}.ics",
                                   headers={"User-Agent": "Google-Calendar-Importer"})
    del request.headers["accept"]
    response = client.send(request)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")


def test_a_move_keeps_the_uid_raises_sequence_and_changes_the_etag(client: TestClient[Any], world: World) -> None:
    before, first = the_event(client, world)
    story = change(client, world, date="2027-01-12", start_time="14:00", reason="the court had no judge free")
    assert story["story"] == "Moved from Monday 14 December to Tuesday 12 January: the court had no judge free."
    after, second = the_event(client, world)
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert second.headers["etag"] != first.headers["etag"]
    assert email.utils.parsedate_to_datetime(second.headers["last-modified"]) >= email.utils.parsedate_to_datetime(first.headers["last-modified"])
    assert after["DTSTART"].dt.hour == 14 and after["DTSTART"].dt.date() == dt.date(2027, 1, 12)
    assert after["DTSTAMP"].dt >= before["DTSTAMP"].dt
    # A change of what the family reads but not of time, place or status keeps SEQUENCE.
    change(client, world, accompanied_by="Bea from the support service")
    kept, _ = the_event(client, world)
    assert kept["SEQUENCE"] == after["SEQUENCE"]


def test_a_cancelled_hearing_shows_as_cancelled_then_leaves_after_14_days(client: TestClient[Any], world: World) -> None:
    start = dt.datetime.now(dt.UTC)
    change(client, world, status="vacated", status_reason="The defendant pleaded guilty.", reason="the defendant pleaded guilty")
    event, _ = the_event(client, world)
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    assert str(event["SUMMARY"]).startswith("Cancelled")
    with time_machine.travel(start + dt.timedelta(days=13, hours=23), tick=False):
        assert len(events(parse_both(feed(client, world.north_feed_token).content)[0])) == 1
    with time_machine.travel(start + dt.timedelta(days=14, hours=1), tick=False):
        gone = feed(client, world.north_feed_token)
        assert len(events(parse_both(gone.content)[0])) == 0
    # Listed again: it comes back under the same UID with a higher SEQUENCE.
    change(client, world, status="listed", reason="relisted after all")
    back, _ = the_event(client, world)
    assert str(back["UID"]) == str(event["UID"]) and back["SEQUENCE"] == 2 and str(back["STATUS"]) == "CONFIRMED"


def test_last_modified_never_goes_backwards(client: TestClient[Any], world: World) -> None:
    first = feed(client, world.north_feed_token)
    change(client, world, status="vacated", status_reason="Not needed.", reason="not needed")
    start = dt.datetime.now(dt.UTC)
    with time_machine.travel(start + dt.timedelta(days=15), tick=False):
        dropped = feed(client, world.north_feed_token)  # the cancelled hearing has left: newer bytes, older events
    stamps = [email.utils.parsedate_to_datetime(r.headers["last-modified"]) for r in (first, dropped)]
    assert stamps[1] > stamps[0]


def test_hearings_in_the_clock_change_weeks_keep_their_local_time(client: TestClient[Any], world: World) -> None:
    cases = {
        # (date, local time) -> UTC hour: GMT before the last Sunday in March and after the last in October.
        ("2027-03-26", "10:00"): 10,  # Friday before the spring change (GMT)
        ("2027-03-29", "10:00"): 9,  # Monday after it (BST)
        ("2026-10-23", "10:00"): 9,  # Friday before the autumn change (BST)
        ("2026-10-26", "10:00"): 10,  # Monday after it (GMT)
    }
    for (day, time), utc_hour in cases.items():
        change(client, world, date=day, start_time=time, end_time="11:30", reason="listed again")
        event, response = the_event(client, world)
        start = event["DTSTART"].dt
        assert start.hour == 10 and start.isoformat()[:10] == day
        assert start.astimezone(dt.UTC).hour == utc_hour, (day, start.utcoffset())
        other = parse_both(response.content)[1]
        assert other.events[0].dtstart.astimezone(dt.UTC).hour == utc_hour
        assert event["DTEND"].dt.astimezone(dt.UTC) - start.astimezone(dt.UTC) == dt.timedelta(hours=1, minutes=30)


def test_a_warned_list_is_an_all_day_tentative_window(client: TestClient[Any], world: World) -> None:
    change(client, world, listing="warned", window_start="2027-02-01", window_end="2027-02-12", reason="put in the warned list")
    event, response = the_event(client, world)
    assert event["DTSTART"].dt == dt.date(2027, 2, 1)
    assert event["DTEND"].dt == dt.date(2027, 2, 13), "DTEND is the day after the last day"
    assert b"DTSTART;VALUE=DATE:20270201" in response.content
    assert str(event["STATUS"]) == "TENTATIVE"
    other = parse_both(response.content)[1]
    assert other.events[0].dtstart == dt.date(2027, 2, 1) and other.events[0].dtend == dt.date(2027, 2, 13)


def test_revoked_and_replaced_addresses_serve_the_ended_calendar_and_unknown_ones_get_404(
        client: TestClient[Any], world: World, settings: Settings) -> None:
    """Issue 16: an address that was replaced or turned off serves a calendar with no hearings and one neutral
    entry, so the phone drops the dates it held (a 404 leaves them frozen on it); addresses that never
    existed still get 404 and count towards the guessing limit."""
    base = f"/api/cases/{world.north_case}/subscriptions/{world.north_subscription}"
    assert len(events(parse_both(feed(client, world.north_feed_token).content)[0])) == 1
    replaced = client.post(f"{base}/replace", headers=world.worker.auth)
    assert replaced.status_code == 201
    assert_ended(feed(client, world.north_feed_token))
    new_token = replaced.json()["token"]
    assert feed(client, new_token).status_code == 200
    assert len(events(parse_both(feed(client, new_token).content)[0])) == 1
    new_id = replaced.json()["subscription"]["id"]
    assert client.post(f"/api/cases/{world.north_case}/subscriptions/{new_id}/revoke", headers=world.worker.auth).status_code == 200
    assert_ended(feed(client, new_token))
    for wrong in ("cjcal_not-a-real-token", "nothing", world.north_feed_token[:-2], "cjcal_" + "x" * 300):
        assert feed(client, wrong).status_code == 404
    assert client.get(f"/calendar/{new_token}").status_code == 404, "the address ends in .ics"
    stored = {row[0] for row in sql(settings, "SELECT token_hash FROM calendar_subscription")}
    assert new_token not in stored and world.north_feed_token not in stored


def test_the_ended_calendar_is_in_the_member_s_language_and_the_same_all_day(
        client: TestClient[Any], world: World) -> None:
    base = f"/api/cases/{world.north_case}/subscriptions/{world.north_subscription}"
    member = f"/api/cases/{world.north_case}/family-members/{world.north_member}"
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        assert client.post(f"{base}/revoke", headers=world.worker.auth).status_code == 200
        morning = feed(client, world.north_feed_token)
    with time_machine.travel(dt.datetime(2026, 12, 1, 23, 30, tzinfo=dt.UTC), tick=False):
        night = feed(client, world.north_feed_token)
    assert_ended(morning)
    assert morning.content == night.content and morning.headers["etag"] == night.headers["etag"]
    (entry,) = events(parse_both(morning.content)[0]).values()
    assert entry.decoded("DTSTART") == dt.date(2026, 12, 1)
    words = f"{entry['SUMMARY']}. {entry['DESCRIPTION']}"
    assert grade(words) <= 6, (grade(words), words)
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        next_day = feed(client, world.north_feed_token)
    (entry,) = events(parse_both(next_day.content)[0]).values()
    assert entry.decoded("DTSTART") == dt.date(2026, 12, 2), "the entry is on the day the phone looks"
    changed = client.patch(member, headers=world.worker.auth, json={"preferred_language": "cy"})
    assert changed.status_code == 200, changed.text
    welsh = feed(client, world.north_feed_token)
    assert welsh.status_code == 200
    (entry,) = events(parse_both(welsh.content)[0]).values()
    assert str(entry["SUMMARY"]) != ENDED_SUMMARY and str(entry["SUMMARY"])


def test_the_feed_holds_only_hearings_the_person_attends_or_follows(client: TestClient[Any], world: World) -> None:
    assert len(events(parse_both(feed(client, world.north_feed_token).content)[0])) == 1
    put = client.put(hearing_api(world, "/attendance"), headers=world.worker.auth,
                     json=[{"family_member_id": str(world.north_member), "attendance": None}])
    assert put.status_code == 200 and put.json()["attendance"] == []
    assert len(events(parse_both(feed(client, world.north_feed_token).content)[0])) == 0
    client.put(hearing_api(world, "/attendance"), headers=world.worker.auth,
               json=[{"family_member_id": str(world.north_member), "attendance": "following"}])
    assert len(events(parse_both(feed(client, world.north_feed_token).content)[0])) == 1


def test_fetches_are_seen_by_the_worker_and_in_the_audit_trail(client: TestClient[Any], world: World, settings: Settings) -> None:
    listed = client.get(f"/api/cases/{world.north_case}/subscriptions", headers=world.worker.auth).json()
    assert listed[0]["last_fetched_at"] is None and listed[0]["fetch_count"] == 0
    assert "token" not in listed[0] and listed[0]["hint"].startswith("cjcal_")
    feed(client, world.north_feed_token)
    listed = client.get(f"/api/cases/{world.north_case}/subscriptions", headers=world.worker.auth).json()
    assert listed[0]["last_fetched_at"] is not None and listed[0]["fetch_count"] == 1
    fetched = audit_events(settings, case_id=world.north_case, action="calendar.fetched")
    assert len(fetched) == 1 and world.north_feed_token not in str(fetched[0])


def test_the_worker_feed_carries_case_references_never_names(client: TestClient[Any], world: World) -> None:
    from tests.conftest import csrf_token, sign_in

    sign_in(client, world.worker.email)
    page = client.post("/account/calendar", data={"_csrf_token": csrf_token(client, "/account/calendar")})
    assert page.status_code == 201 or page.status_code == 200
    import re

    token = re.search(r"(cjcal_[A-Za-z0-9_\-]+)\.ics", page.text).group(1)  # type: ignore[union-attr]
    body = feed(client, token).content
    [event] = events(parse_both(body)[0]).values()
    assert str(event["SUMMARY"]).startswith("CJ-") and "Northtown Crown Court" in str(event["SUMMARY"])
    assert "Nell" not in body.decode() and "Northfield" not in body.decode().replace("\r\n ", "")
    again = client.post("/account/calendar", data={"_csrf_token": csrf_token(client, "/account/calendar")})
    assert again.status_code in {200, 201}
    assert feed(client, token).status_code == 404, "a new worker address turns the old one off"


def test_a_one_off_download_of_one_hearing(client: TestClient[Any], world: World) -> None:
    from tests.conftest import sign_in

    sign_in(client, world.worker.email)
    response = client.get(f"/cases/{world.north_case}/hearings/{world.north_hearing}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    cal, other = parse_both(response.content)
    [event] = events(cal).values()
    assert str(event["SUMMARY"]) == "Court hearing, Northtown Crown Court"
    assert len(other.events) == 1


def test_calendar_tokens_never_reach_the_access_log() -> None:
    import logging

    from courtjourney.web.logs import RedactTokens, uvicorn_log_config

    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", "/calendar/cjcal_AbCdEf0123456789_-xyz.ics", "1.1", 200), None)
    RedactTokens().filter(record)
    line = record.getMessage()
    assert "AbCdEf0123456789" not in line and "/calendar/cjcal_[hidden].ics" in line
    config = uvicorn_log_config()
    assert all("redact_tokens" in handler["filters"] for handler in config["handlers"].values())


def test_a_304_is_answered_without_building_the_feed(client: TestClient[Any], world: World, monkeypatch: Any) -> None:
    from courtjourney.hearings import feeds

    first = feed(client, world.north_feed_token)
    built = []
    real = feeds.build_for

    async def counting(*args: Any, **kwargs: Any) -> Any:
        built.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(feeds, "build_for", counting)
    assert feed(client, world.north_feed_token, **{"If-None-Match": first.headers["etag"]}).status_code == 304
    assert built == [], "an unchanged feed is not rebuilt to answer 304"
    change(client, world, courtroom="3", reason="moved rooms")
    moved = feed(client, world.north_feed_token, **{"If-None-Match": first.headers["etag"]})
    assert moved.status_code == 200 and built == [1], "a change is noticed without waiting for anything"
    assert moved.headers["etag"] != first.headers["etag"]
