"""Shared by the hearing tests: read a feed with both independent parsers, change hearings through the API."""

from __future__ import annotations

from typing import Any

import icalendar
from ical.calendar_stream import IcsCalendarStream
from litestar.testing import TestClient

from tests.conftest import World


def parse_both(body: bytes) -> tuple[icalendar.Calendar, Any]:
    """Parse with icalendar (no component may report errors) and with the independent `ical` package."""
    cal = icalendar.Calendar.from_ical(body)
    for component in cal.walk():
        assert component.errors == [], (component.name, component.errors)
    other = IcsCalendarStream.calendar_from_ics(body.decode("utf-8"))
    return cal, other


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def feed(client: TestClient[Any], token: str, **headers: str) -> Any:
    return client.get(f"/calendar/{token}.ics", headers=headers)


def hearing_api(world: World, rest: str = "") -> str:
    return f"/api/cases/{world.north_case}/hearings/{world.north_hearing}{rest}"


def change(client: TestClient[Any], world: World, **body: Any) -> Any:
    response = client.patch(hearing_api(world), headers=world.worker.auth, json=body)
    assert response.status_code == 200, response.text
    return response.json()


ENDED_SUMMARY = "Ask your support worker for a new link"


def assert_ended(response: Any, summary: str = ENDED_SUMMARY) -> None:
    """A family calendar that has ended: a real calendar (both parsers read it) with no hearing in it and one
    neutral all-day entry, so the phone drops the dates it held instead of keeping them."""
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.headers["cache-control"] == "no-store"
    cal, other = parse_both(response.content)
    (entry,) = events(cal).values()
    assert str(entry["SUMMARY"]) == summary
    assert not entry.get("LOCATION"), "the entry names no court and no town"
    assert len(other.events) == 1 and other.events[0].summary == summary
    for word in ("Northtown", "Nell", "Northfield", "Court hearing"):
        assert word not in response.text, word
