"""The case timeline through real HTTP, page and API: every part's lines present, newest first, filtered by
kind, paged by (at, id) across a page boundary that falls among lines of the same moment, other teams kept
out, the read audited, and bad filters answered 400 in plain words."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, in_db, sign_in
from tests.timeline.conftest import NOW


def api(case: uuid.UUID, query: str = "") -> str:
    return f"/api/cases/{case}/timeline{query}"


def page(case: uuid.UUID, query: str = "") -> str:
    return f"/cases/{case}/timeline{query}"


def read(client: TestClient[Any], world: World, query: str = "") -> dict[str, Any]:
    response = client.get(api(world.north_case, query), headers=world.worker.auth)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def key(entry: dict[str, Any]) -> tuple[dt.datetime, uuid.UUID]:
    return dt.datetime.fromisoformat(entry["at"]), uuid.UUID(entry["id"])


@pytest.fixture
def story(client: TestClient[Any], world: World) -> None:
    """Beyond the small world: a stage move, a risk assessment, a moved hearing, an amended incident passed to
    the police, and a support plan review done."""
    case, auth = world.north_case, world.worker.auth
    for path, body in [
        (f"/api/cases/{case}/stage-moves", {"to_stage": "disclosure"}),
        (f"/api/cases/{case}/risk-assessments", {"level": "high", "assessed_on": "2026-11-30"}),
        (f"/api/cases/{case}/amendments", {"incident_id": str(world.north_incident), "note": "More detail"}),
        (f"/api/cases/{case}/police-referrals", {"incident_ids": [str(world.north_incident)]}),
        (f"/api/cases/{case}/support-plan/reviews/{world.north_review}/done", {"notes": "Going well"}),
    ]:
        response = client.post(path, headers=auth, json=body)
        assert response.status_code in {200, 201}, (path, response.text)
    moved = client.patch(f"/api/cases/{case}/hearings/{world.north_hearing}", headers=auth,
                         json={"date": "2027-01-12", "start_time": "14:00", "reason": "the court had no judge free"})
    assert moved.status_code == 200, moved.text


def test_every_part_offers_its_lines_in_plain_words(client: TestClient[Any], world: World, story: None) -> None:
    view = read(client, world)
    texts = {e["kind"]: [] for e in view["entries"]}
    for e in view["entries"]:
        texts[e["kind"]].append((e["text"], e["href"]))
    case = f"/cases/{world.north_case}"
    assert set(view["kinds"]) == {"contacts", "journey", "hearings", "incidents", "documents", "outcomes"}
    assert ("Phone call with Nora, 20 minutes", f"{case}/contact-log#entry-{world.north_contact_entry}") in texts["contacts"]
    journey = [t for t, _h in texts["journey"]]
    assert any(t.startswith("Journey: moved from") and t.endswith("Disclosure") for t in journey), journey
    assert any(t.startswith("Case opened at") for t in journey) and "Risk assessed: high" in journey
    hearings = [t for t, h in texts["hearings"] if h == f"{case}/hearings/{world.north_hearing}"]
    assert any(t.startswith("Trial: Listed for") for t in hearings), hearings
    assert any("Moved from" in t and "the court had no judge free" in t for t in hearings), hearings
    incidents = [t for t, h in texts["incidents"] if h == f"{case}/incidents/{world.north_incident}"]
    assert {"Incident 1 recorded", "Incident 1 amended", "Incident 1 passed to the police"} <= set(incidents), incidents
    documents = [t for t, _h in texts["documents"]]
    assert any(t.startswith("Document made:") for t in documents)
    assert any(t.startswith("Shared with North Witness Service:") for t in documents), documents
    outcomes = {t for t, _h in texts["outcomes"]}
    assert {"Outcome recorded: found guilty", "Support plan: 1-month review done"} <= outcomes, outcomes
    # Notes stay where they were written: the timeline says what happened, not what was said.
    assert "Talked about the trial" not in str(view) and "Going well" not in str(view)


def test_lines_are_newest_first(client: TestClient[Any], world: World, story: None) -> None:
    entries = read(client, world)["entries"]
    assert len(entries) > 10
    assert [key(e) for e in entries] == sorted((key(e) for e in entries), reverse=True)
    assert entries[0]["kind"] == "hearings"  # the move, the last thing the story fixture did


def test_kinds_filter_the_lines(client: TestClient[Any], world: World, story: None) -> None:
    only = read(client, world, "?kind=contacts")
    assert only["kinds"] == ["contacts"] and {e["kind"] for e in only["entries"]} == {"contacts"}
    two = read(client, world, "?kind=hearings&kind=incidents")
    assert {e["kind"] for e in two["entries"]} == {"hearings", "incidents"}
    assert read(client, world, "?kind=hearings,incidents") == two
    everything = read(client, world, "?kind=")
    assert len(everything["kinds"]) == 6


def _many_contacts(settings: Settings, world: World) -> list[uuid.UUID]:
    """60 calls before NOW, one a minute, except that five of them share one moment (50 minutes ago)."""
    from courtjourney.accounts.audit import Actor
    from courtjourney.accounts.models import User
    from courtjourney.cases.models import Case
    from courtjourney.contacts import services

    async def work(db: AsyncSession) -> list[uuid.UUID]:
        worker, case = await db.get(User, world.worker.id), await db.get(Case, world.north_case)
        assert worker is not None and case is not None
        ids = []
        for n in range(1, 61):
            minutes_ago = 50 if 48 <= n <= 52 else n
            entry = await services.record_contact(db, Actor.of(worker), case, {
                "kind": "call", "notes": f"Call {n}", "at": NOW - dt.timedelta(minutes=minutes_ago), "member_ids": []})
            ids.append(entry.id)
        return ids

    return in_db(settings, work)


def test_paging_walks_every_line_once_across_boundaries_among_lines_of_one_moment(
    client: TestClient[Any], settings: Settings, world: World, story: None
) -> None:
    made = _many_contacts(settings, world)
    for query in ("?kind=contacts", ""):
        seen: list[dict[str, Any]] = []
        view = read(client, world, query)
        pages = 1
        assert len(view["entries"]) == 50 and view["older"]
        while True:
            seen += view["entries"]
            if not view["older"]:
                break
            view = read(client, world, f"{query}{'&' if query else '?'}before={view['older']}")
            pages += 1
        assert pages == 2
        assert len({e["id"] for e in seen}) == len(seen)  # no line twice
        assert [key(e) for e in seen] == sorted((key(e) for e in seen), reverse=True)
        assert {str(i) for i in made} <= {e["id"] for e in seen}
    # A plain date and time works as `before` too: only what happened before it.
    earlier = read(client, world, "?kind=contacts&before=2026-12-01T09:00:00Z")["entries"]
    assert earlier and all(key(e)[0] < NOW - dt.timedelta(hours=1) for e in earlier)
    uk = read(client, world, "?kind=contacts&before=2026-12-01T09:00:00")["entries"]  # UK time is UTC in winter
    assert uk == earlier


def test_the_page_lists_the_lines_with_filters_and_an_older_link(
    client: TestClient[Any], settings: Settings, world: World, story: None
) -> None:
    _many_contacts(settings, world)
    sign_in(client, "worker@north.example")
    case = client.get(f"/cases/{world.north_case}")
    assert f'href="/cases/{world.north_case}/timeline"' in case.text
    first = client.get(page(world.north_case, "?kind=contacts"))
    assert first.status_code == 200, first.text
    assert "Phone call" in first.text and 'name="kind" value="contacts" type="checkbox" checked' in first.text
    assert first.text.count('class="timeline-entry') == 50
    assert "Older" in first.text
    link = next(part for part in first.text.split('"') if "/timeline?before=" in part).replace("&amp;", "&")
    assert "kind=contacts" in link
    second = client.get(link)
    assert second.status_code == 200 and "Back to the newest" in second.text
    assert second.text.count('class="timeline-entry') >= 11  # the other ten calls and the world's one


def test_another_teams_case_is_not_found(client: TestClient[Any], world: World) -> None:
    assert client.get(api(world.north_case), headers=world.outsider.auth).status_code == 404
    assert client.get(api(world.south_case), headers=world.worker.auth).status_code == 404
    sign_in(client, "worker@south.example")
    response = client.get(page(world.north_case))
    assert response.status_code == 404 and "Nell" not in response.text


def test_reading_the_timeline_is_audited(client: TestClient[Any], settings: Settings, world: World) -> None:
    read(client, world)
    sign_in(client, "worker@north.example")
    assert client.get(page(world.north_case)).status_code == 200
    events = audit_events(settings, action="case.timeline_viewed", case_id=world.north_case)
    assert [e.actor_id for e in events] == [world.worker.id, world.worker.id]
    assert {e.route for e in events} == {"/api/cases/{case_id}/timeline", "/cases/{case_id}/timeline"}


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("?kind=gossip", "kind", "Choose kinds from: contacts, journey"),
        ("?kind=contacts&kind=nope", "kind", "Choose kinds from"),
        ("?before=yesterday", "before", "Check the date"),
        ("?before=2026-13-40T10:00:00Z", "before", "Check the date"),
        ("?before=1066-10-14T10:00:00Z", "before", "Check the date"),
        ("?before=2026-12-01T10:00:00Z~not-an-id", "before", "Check the date"),
        ("?before=9999-12-31T23:59:59-23:59", "before", "Check the date"),
    ],
)
def test_bad_filters_are_refused_plainly(client: TestClient[Any], world: World, query: str, field: str,
                                         words: str) -> None:
    response = client.get(api(world.north_case, query), headers=world.worker.auth)
    assert response.status_code == 400, response.text
    assert words in response.json()["errors"][field]
    sign_in(client, "worker@north.example")
    shown = client.get(page(world.north_case, query))
    assert shown.status_code == 400 and words in shown.text


def test_a_longer_story_costs_no_more_statements(client: TestClient[Any], settings: Settings, world: World,
                                                 story: None) -> None:
    """Each part's query is bounded, so a page costs the same statements at 20 lines or 80 (bench/scale.py
    checks the same at 1,000 and 100,000 cases)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    counted: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        counted.append(statement)

    def statements(query: str = "") -> int:
        counted.clear()
        read(client, world, query)
        return len(counted)

    read(client, world)  # the token's last use is written at most once a minute: let this request write it
    event.listen(Engine, "before_cursor_execute", count)
    try:
        short = statements()
        _many_contacts(settings, world)
        assert statements() == short
        assert statements("?kind=contacts") < short  # parts not asked for are not read at all
    finally:
        event.remove(Engine, "before_cursor_execute", count)
