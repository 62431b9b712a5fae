"""The audit trail, readable (issue 17): each event in plain words, filtered by person, kind and days,
paged with its filters, and exported as CSV for the data protection officer. Still append-only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import time_machine
from litestar.testing import TestClient

from courtjourney.accounts import audit, trail
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, in_db, sign_in, sql

ROW = re.compile(r"<tr><td>(.*?)</tr>", re.S)
DEC_1 = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)
DEC_2 = dt.datetime(2026, 12, 2, 23, 30, tzinfo=dt.UTC)  # late, but still the 2nd in UK time (GMT in winter)
DEC_3 = dt.datetime(2026, 12, 3, 8, 0, tzinfo=dt.UTC)


def seed(settings: Settings, world: World) -> None:
    """A few events on known days: a change to a hearing, a refused attempt, an unknown action, a hostile address."""

    def at(when: dt.datetime, action: str, actor: audit.Actor, **kw: Any) -> None:
        async def work(db: Any) -> None:
            audit.record(db, action, actor, case_id=world.north_case, **kw)

        with time_machine.travel(when, tick=False):
            in_db(settings, work)

    worker = audit.Actor(user_id=world.worker.id, route="/cases/{case_id:uuid}/hearings/{hearing_id:uuid}/change", method="POST")
    at(DEC_1, "hearing.changed", worker, target_type="hearing", target_id=world.north_hearing)
    at(DEC_2, "case.denied", audit.Actor(user_id=world.admin.id, route="/cases/{case_id:uuid}", method="GET", address="=cmd|' /C calc'!A0"), outcome="denied")
    at(DEC_3, "frobnicate.widget_spun", worker)


def rows(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", r) for r in ROW.findall(html)]


def test_every_action_the_code_records_has_plain_words() -> None:
    source = "\n".join(p.read_text() for p in (Path(__file__).resolve().parent.parent / "courtjourney").rglob("*.py"))
    recorded = set(re.findall(r'record\(\s*[a-z_]+,\s*"([a-z_.]+)"', source))
    recorded |= set(re.findall(r'action\s*=\s*"([a-z_]+\.[a-z_.]+)"', source))
    recorded |= set(re.findall(r'"((?:case|message|referral)\.[a-z_]+)" (?:if|else)', source))
    recorded |= {"case.listed", "message.sent", "message.failed", "audit.exported"}
    assert len(recorded) > 60
    assert sorted(recorded - set(trail.PHRASES)) == []


def test_an_unknown_action_falls_back_to_its_name_never_an_error() -> None:
    assert trail.readable_name("frobnicate.widget_spun") == "frobnicate: widget spun"
    assert trail.readable_name("odd") == "odd"


def test_events_read_in_plain_words_with_links_to_what_they_name(client: TestClient[Any], settings: Settings, world: World) -> None:
    seed(settings, world)
    client.get(f"/api/cases/{world.north_case}", headers=world.worker.auth)
    sign_in(client, world.manager.email)
    page = client.get(f"/cases/{world.north_case}/audit")
    assert page.status_code == 200
    text = "\n".join(rows(page.text))
    assert "Wren Worker changed a hearing" in text
    assert "Adam Admin was refused" in text
    assert "Wren Worker opened the case" in text
    assert "Wren Worker opened a new case" in text
    assert "Wren Worker: frobnicate: widget spun" in text
    assert f'href="/cases/{world.north_case}/hearings/{world.north_hearing}"' in page.text
    assert "Tuesday 1 December 2026 at 10:30" in text


def test_the_trail_filters_by_person_kind_and_days(client: TestClient[Any], settings: Settings, world: World) -> None:
    seed(settings, world)
    sign_in(client, world.manager.email)
    base = f"/cases/{world.north_case}/audit"
    page = client.get(base)
    assert f'<option value="{world.admin.id}">Adam Admin</option>' in page.text, "the people in this trail are offered"
    assert "Sid South" not in page.text, "nobody outside this case's trail is offered"

    admin = rows(client.get(base, params={"who": str(world.admin.id)}).text)
    assert admin == [r for r in admin if "Adam Admin" in r] and len(admin) == 1

    refused = rows(client.get(base, params={"kind": "refused"}).text)
    assert len(refused) == 1 and "Adam Admin was refused" in refused[0]

    reads = rows(client.get(base, params={"kind": "reads"}).text)
    assert reads and all("case.read" in r or "case.listed" in r for r in reads)

    changes = rows(client.get(base, params={"kind": "changes"}).text)
    assert any("changed a hearing" in r for r in changes) and not any("refused" in r for r in changes)

    one_day = rows(client.get(base, params={"from": "1/12/2026", "to": "01/12/2026"}).text)
    assert len(one_day) == 1 and "changed a hearing" in one_day[0]
    since = rows(client.get(base, params={"from": "2/12/2026", "kind": "changes"}).text)
    assert len(since) == 1 and "frobnicate" in since[0]
    until = rows(client.get(base, params={"to": "30/11/2026", "who": str(world.worker.id)}).text)
    assert until and all("Wren Worker" in r and "December" not in r for r in until)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "31/2/2026"}, "The &#39;from&#39; date must be a real date, like 3/12/2026."),
        ({"to": "31/12/9999"}, "The &#39;to&#39; date must be a real date, like 3/12/2026."),
        ({"from": "1/1/0001"}, "The &#39;from&#39; date must be a real date, like 3/12/2026."),
        ({"to": "next tuesday"}, "The &#39;to&#39; date must be a real date, like 3/12/2026."),
        ({"from": "3/12/2026", "to": "1/12/2026"}, "The &#39;to&#39; date must be the same as or after the &#39;from&#39; date."),
        ({"kind": "everything"}, "Choose a kind of event from the list."),
        ({"who": "not-a-person"}, "Choose a person from the list."),
        ({"who": str(uuid.uuid4())}, "Choose a person from the list."),
        ({"before": "nonsense"}, "That page of the trail does not exist."),
    ],
)
def test_bad_filters_are_refused_in_plain_words(client: TestClient[Any], settings: Settings, world: World, params: dict[str, str], message: str) -> None:
    sign_in(client, world.manager.email)
    before = sql(settings, "SELECT count(*) FROM audit_event WHERE action != 'case.read'")[0][0]
    for path in ("audit", "audit.csv") if "before" not in params else ("audit",):  # an export is never paged
        page = client.get(f"/cases/{world.north_case}/{path}", params=params)
        assert page.status_code == 400, page.text[:300]
        assert "text/html" in page.headers["content-type"]
        assert message in page.text
        assert "Traceback" not in page.text
    assert sql(settings, "SELECT count(*) FROM audit_event WHERE action != 'case.read'")[0][0] == before, "no export was recorded"


def test_pages_keep_their_filters(client: TestClient[Any], settings: Settings, world: World) -> None:
    async def many(db: Any) -> None:
        for _ in range(audit.TRAIL_PAGE + 5):
            audit.record(db, "case.read", audit.Actor(user_id=world.worker.id), case_id=world.north_case)
        for _ in range(10):
            audit.record(db, "task.changed", audit.Actor(user_id=world.worker.id), case_id=world.north_case)

    in_db(settings, many)
    sign_in(client, world.manager.email)
    path: str | None = f"/cases/{world.north_case}/audit?kind=reads&who={world.worker.id}"
    pages: list[list[str]] = []
    while path is not None:
        page = client.get(path)
        assert page.status_code == 200
        pages.append(rows(page.text))
        link = re.search(r'<a href="([^"]+)">Older events</a>', page.text)
        path = link.group(1).replace("&amp;", "&") if link else None
        if path:
            assert "kind=reads" in path and f"who={world.worker.id}" in path
        assert len(pages) < 4
    assert len(pages) == 2 and len(pages[0]) == audit.TRAIL_PAGE
    assert all("Wren Worker" in r and "task.changed" not in r for p in pages for r in p)


def test_the_csv_export_is_filtered_safe_and_itself_recorded(client: TestClient[Any], settings: Settings, world: World) -> None:
    seed(settings, world)
    sign_in(client, world.manager.email)
    page = client.get(f"/cases/{world.north_case}/audit", params={"kind": "refused"})
    assert f'href="/cases/{world.north_case}/audit.csv?kind=refused"' in page.text
    response = client.get(f"/cases/{world.north_case}/audit.csv", params={"kind": "refused"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "no-store" in response.headers["cache-control"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0] == ["When (UK time)", "Who", "What", "Action", "Target type", "Target id", "Route", "Outcome", "Address"]
    assert len(table) == 2
    row = dict(zip(table[0], table[1], strict=True))
    assert row["When (UK time)"] == "02/12/2026 23:30:00"
    assert row["Who"] == "Adam Admin" and row["What"] == "Adam Admin was refused" and row["Action"] == "case.denied"
    assert row["Outcome"] == "denied" and row["Route"] == "GET /cases/{case_id:uuid}"
    assert row["Address"] == "'=cmd|' /C calc'!A0", "a formula is written as text"
    for cell in (c for r in table for c in r):
        assert not cell.startswith(("=", "+", "-", "@")), cell

    everything = list(csv.reader(io.StringIO(client.get(f"/cases/{world.north_case}/audit.csv").content.decode("utf-8-sig"))))
    assert any(r[2] == "Wren Worker changed a hearing" and r[5] == str(world.north_hearing) for r in everything)

    exported = audit_events(settings, case_id=world.north_case, action="audit.exported")
    assert [e.actor_id for e in exported] == [world.manager.id, world.manager.id]
    assert (exported[0].route or "").endswith("/audit.csv")
    sharing = rows(client.get(f"/cases/{world.north_case}/audit", params={"kind": "sharing"}).text)
    assert sum("Mina Manager downloaded the audit trail" in r for r in sharing) == 2


def test_a_cell_that_looks_like_a_formula_is_written_as_text() -> None:
    assert [trail.safe_cell(v) for v in ("=1+1", "+44", "-3", "@SUM(A1)", "plain", None)] == [
        "'=1+1", "'+44", "'-3", "'@SUM(A1)", "plain", ""]


@pytest.mark.parametrize("who", ["worker", "colleague", "outsider", "admin"])
def test_only_those_who_may_see_the_trail_see_the_new_pages(client: TestClient[Any], settings: Settings, world: World, who: str) -> None:
    sign_in(client, getattr(world, who).email)
    for path in ("audit?kind=reads", "audit.csv"):
        assert client.get(f"/cases/{world.north_case}/{path}").status_code == 404
    assert audit_events(settings, action="audit.exported") == []


def test_nothing_here_changes_or_deletes_an_event(client: TestClient[Any], settings: Settings, world: World) -> None:
    seed(settings, world)
    before = {tuple(r) for r in sql(settings, "SELECT id, action, actor_id, outcome, address FROM audit_event")}
    sign_in(client, world.manager.email)
    client.get(f"/cases/{world.north_case}/audit", params={"kind": "refused"})
    client.get(f"/cases/{world.north_case}/audit.csv")
    after = {tuple(r) for r in sql(settings, "SELECT id, action, actor_id, outcome, address FROM audit_event")}
    assert before <= after


def test_days_are_uk_days_and_dates_are_read_as_written_in_the_uk() -> None:
    assert trail.parse_uk_date("2/7/2026") == dt.date(2026, 7, 2)  # 2 July, never 7 February
    assert trail.parse_uk_date("02/07/2026") == trail.parse_uk_date("2026-07-02")
    # In summer a UK day starts at 23:00 UTC the evening before.
    assert trail.uk_midnight(dt.date(2026, 7, 2)) == dt.datetime(2026, 7, 1, 23, 0, tzinfo=dt.UTC)
    assert trail.uk_midnight(dt.date(2026, 12, 2)) == dt.datetime(2026, 12, 2, 0, 0, tzinfo=dt.UTC)
    wanted, errors = trail.read_filter({"from": "2/7/2026", "to": "2/7/2026", "kind": "reads"}, [])
    assert errors == {} and wanted.query() == "?kind=reads&from=2%2F7%2F2026&to=2%2F7%2F2026"


def test_an_export_too_long_for_one_file_says_so(client: TestClient[Any], settings: Settings, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from courtjourney.cases import pages

    monkeypatch.setattr(pages, "TRAIL_EXPORT_MAX", 3)
    sign_in(client, world.manager.email)
    table = list(csv.reader(io.StringIO(client.get(f"/cases/{world.north_case}/audit.csv").content.decode("utf-8-sig"))))
    assert len(table) == 1 + 3 + 1
    assert table[-1][2] == "There are older events than one file holds: download a shorter date range too."
