"""The quarterly report: its figures from a small world worked out by hand, counts under 5 written
"fewer than 5" in the CSV and XLSX (read back with csv and openpyxl), no names, references or notes in
any file, a submitted quarter frozen with its hashes, who sees which figures, plain-English 400s for bad
dates, every report audited with no case, and the command line."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import zipfile
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.figures import Figure, Period
from courtjourney.migrations import downgrade, upgrade
from courtjourney.settings import Settings
from tests.conftest import World, audit_events, csrf_token, in_db, sign_in, sql
from tests.reports.conftest import Q4, East
from tests.test_migrations import schema_differences

QUERY = f"from={Q4[0]}&to={Q4[1]}"


def figures_for(settings: Settings, period: Period) -> list[Figure]:
    from courtjourney.reports.gather import gather

    async def work(db: AsyncSession) -> list[Figure]:
        return await gather(db, period)

    return in_db(settings, work)


def by_key(figures: list[Figure]) -> dict[str, Any]:
    return {f.key: f.value for f in figures if f.worker_id is None}


EXPECTED = {
    # parents: A's two and F's continue; B's mother and D's father (back after more than a year) are new;
    # E's carer came back within a year (continuing); C's support ended before the quarter.
    "parents.supported": 6,
    "parents.new": 2,
    "parents.continuing": 4,
    "cases.supported": 5,
    "cases.opened": 1,
    "cases.reopened": 2,
    "cases.closed": 1,
    "cases.open_at_end": 4,
    "stages.at_end.risk_assessment": 1,
    "stages.at_end.disclosure": 1,
    "stages.at_end.investigation": 1,
    "stages.at_end.trial": 1,
    "stages.at_end.outcome": 0,
    "stages.at_end.post_trial": 0,
    "stages.moves": 5,
    "stages.moved_to.investigation": 2,
    "stages.moved_to.trial": 1,
    "stages.moved_to.disclosure": 1,
    "stages.moved_to.closed": 1,
    "stages.moved_to.risk_assessment": 0,
    "contacts.total": 10,
    "contacts.reached": 9,
    "contacts.hours": 11.0,
    "contacts.count.call": 6,
    "contacts.count.visit_home": 1,
    "contacts.count.court_with_family": 2,
    "contacts.count.no_answer": 1,
    "contacts.count.video_call": 0,
    "contacts.hours.call": 1.5,
    "contacts.hours.visit_home": 1.5,
    "contacts.hours.court_with_family": 8.0,
    "court.times": 2,
    "court.families": 1,
    "court.hearings": 1,
    "court.hours": 8.0,
    "trials.listed": 5,
    "trials.went_ahead": 1,
    "trials.adjourned": 1,
    "trials.vacated": 0,
    "trials.cancelled": 0,
    "trials.ineffective": 1,
    "trials.not_recorded": 1,
    "trials.to_come": 1,
    "changes.listed": 4,
    "changes.moved": 1,
    "changes.place": 0,
    "changes.status": 3,
    "changes.details": 0,
    "notice.none": 1,
    "notice.1_6": 1,
    "notice.7_13": 0,
    "notice.14_plus": 3,
    "notice.not_told": 2,
    "notice.median_days": 50,
    "telling.changes": 8,
    "telling.in_time": 5,
    "telling.told_late": 1,
    "telling.untold_late": 1,
    "telling.pending": 1,
    "telling.share_in_time": round(5 / 7, 4),
    "deadlines.due": 4,
    "deadlines.met": 1,
    "deadlines.missed": 2,
    "deadlines.open": 1,
    "outcomes.convictions": 2,
    "outcomes.acquittals": 1,
    "outcomes.not_prosecuted": 1,
    "outcomes.other": 1,
    "incidents.recorded": 3,
    "incidents.kind.phone_call": 1,
    "incidents.kind.assault": 1,
    "incidents.kind.damage": 0,
    "incidents.kind.not_said": 1,
    "incidents.passed": 2,
    "incidents.passed_by.worker": 1,
    "incidents.passed_by.family": 1,
}


def test_figures_of_a_known_small_world(settings: Settings, east: East) -> None:
    figures = figures_for(settings, Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31), (east.team_id,)))
    got = by_key(figures)
    assert {k: got.get(k) for k in EXPECTED} == EXPECTED
    per_worker = {f.worker_id: f.value for f in figures if f.key == "cases.open_per_worker"}
    assert per_worker == {east.worker.id: 2, east.other.id: 2, east.manager.id: 0}
    # Every key once (per worker once each), and stable: the same keys whatever the data.
    keys = [f.key for f in figures if f.worker_id is None]
    assert len(keys) == len(set(keys))
    empty = figures_for(settings, Period(dt.date(2020, 1, 1), dt.date(2020, 3, 31), (east.team_id,)))
    assert [f.key for f in empty if f.worker_id is None] == keys


def test_rows_shared_by_several_figures_are_read_once_per_report(
    settings: Settings, east: East, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stage moves feed three figures and the hearing changes two: one gathering reads each once (and
    the figures are the same as read afresh), while a source called on its own outside a report still
    reads for itself. (The contacts are counted by the database, a row per kind, so nothing is shared.)"""
    from courtjourney.cases import report as cases_report
    from courtjourney.hearings import report as hearings_report

    reads: Counter[str] = Counter()

    def counted(module: Any, name: str) -> None:
        real = getattr(module, name)

        async def read(db: AsyncSession, period: Period) -> Any:
            reads[name] += 1
            return await real(db, period)

        monkeypatch.setattr(module, name, read)

    for module, name in (
        (cases_report, "_read_moves"),
        (hearings_report, "_read_changes"),
    ):
        counted(module, name)
    period = Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31), (east.team_id,))
    got = by_key(figures_for(settings, period))
    assert reads == {"_read_moves": 1, "_read_changes": 1}
    assert {k: got.get(k) for k in EXPECTED} == EXPECTED

    async def alone(db: AsyncSession) -> list[Figure]:
        return [
            *await hearings_report.change_figures(db, period),
            *await hearings_report.telling_figures(db, period),
        ]

    by_itself = {f.key: f.value for f in in_db(settings, alone)}
    assert reads["_read_changes"] == 3
    assert by_itself == {k: v for k, v in got.items() if k in by_itself}


def test_a_worker_s_figures_are_their_own_caseload_s(settings: Settings, east: East) -> None:
    mine = by_key(
        figures_for(settings, Period(dt.date(2026, 10, 1), dt.date(2026, 12, 31), worker_id=east.other.id))
    )
    # Esme holds D (new) and E (continuing): nothing of Ezra's A, B or F.
    assert (
        mine["parents.supported"],
        mine["parents.new"],
        mine["cases.open_at_end"],
        mine["contacts.total"],
    ) == (2, 1, 2, 0)
    assert mine["stages.moved_to.closed"] == 0 and mine["incidents.recorded"] == 0


def test_the_period_s_edges_are_uk_days(settings: Settings, east: East) -> None:
    # The calls of 3 to 8 November: a period of 3 to 5 November holds three of them, whatever the offset.
    got = by_key(figures_for(settings, Period(dt.date(2026, 11, 3), dt.date(2026, 11, 5), (east.team_id,))))
    assert got["contacts.count.call"] == 3
    # A's two, B's mother, D's father (back from 2 November: new then, not in these days) and E's carer.
    assert got["parents.new"] == 0 and got["parents.supported"] == 5


# --- the files ---------------------------------------------------------------------------------------


def csv_rows(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def xlsx_rows(body: bytes) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(values) if r and r[0] == "Section")
    names = values[header]
    return [dict(zip(names, r, strict=True)) for r in values[header + 1 :]]


def test_counts_under_5_read_fewer_than_5_in_csv_and_xlsx(client: TestClient[Any], east: East) -> None:
    got_csv = client.get(f"/api/reports/quarterly.csv?{QUERY}", headers=east.manager.auth)
    got_xlsx = client.get(f"/api/reports/quarterly.xlsx?{QUERY}", headers=east.manager.auth)
    assert got_csv.status_code == got_xlsx.status_code == 200
    assert got_csv.headers["content-type"].startswith("text/csv")
    assert (
        got_xlsx.headers["content-type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert (
        'filename="courtjourney-report-2026-10-01-to-2026-12-31-East-Hub.csv"'
        in got_csv.headers["content-disposition"]
    )
    rows = csv_rows(got_csv.content)
    from_csv = {r["key"]: r["value"] for r in rows if not r["worker"]}
    from_xlsx = {r["Key"]: r["Value"] for r in xlsx_rows(got_xlsx.content) if not r["Worker"]}
    for key, value in EXPECTED.items():
        counted = (
            isinstance(value, int) and not key.endswith(("hours", "median_days")) and ".hours." not in key
        )
        if counted and value < 5:
            assert from_csv[key] == "fewer than 5", key
            assert from_xlsx[key] == "fewer than 5", key
        elif counted:
            assert from_csv[key] == str(value), key
            assert from_xlsx[key] == value, key
    assert (
        from_csv["contacts.hours"] == "11.0" and from_xlsx["contacts.hours"] == 11.0
    )  # hours are not counts
    assert from_xlsx["telling.share_in_time"] == 71.4 and from_csv["telling.share_in_time"] == "71.4"
    # Per-worker figures name the worker (and are suppressed alike).
    workers = {r["worker"]: r["value"] for r in rows if r["key"] == "cases.open_per_worker"}
    assert workers == {
        "Ezra Eastwood": "fewer than 5",
        "Esme Eaves": "fewer than 5",
        "Erin Eastman": "fewer than 5",
    }
    assert {r["team"] for r in rows} == {"East Hub"} and {r["period_from"] for r in rows} == {"2026-10-01"}
    # The JSON API suppresses them too.
    api = client.get(f"/api/reports/quarterly?{QUERY}", headers=east.manager.auth).json()
    new = next(f for f in api["figures"] if f["key"] == "parents.new")
    supported = next(f for f in api["figures"] if f["key"] == "parents.supported")
    assert (new["value"], new["shown"], new["suppressed"]) == (None, "fewer than 5", True)
    assert (supported["value"], supported["suppressed"]) == (6, False)
    assert api["from"] == "2026-10-01" and api["to"] == "2026-12-31" and api["team"] == "East Hub"


def file_text(body: bytes) -> str:
    """Everything a file holds as text: a CSV as it is, an XLSX's every part unzipped."""
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return body.decode("utf-8", "replace")


def test_no_export_holds_a_name_a_case_reference_or_free_text(
    client: TestClient[Any], settings: Settings, world: World, east: East
) -> None:
    secrets = list(east.secrets)
    secrets += [r[0] for r in sql(settings, "SELECT reference FROM case_record")]
    secrets += [
        "Nell Northfield",
        "Nora Northfield",
        "Sky Southgate",
        "Talked about the trial",
        "A car waited outside",
    ]
    assert len(secrets) > 30
    sign_in(client, "manager@east.example")
    files = {
        "csv": client.get(f"/reports/quarterly.csv?{QUERY}").content,
        "xlsx": client.get(f"/reports/quarterly.xlsx?{QUERY}").content,
        "json": client.get(f"/api/reports/quarterly?{QUERY}", headers=east.manager.auth).content,
    }
    submitted = submit(client, Q4[0], Q4[1])
    files["stored csv"] = client.get(f"{submitted}/report.csv").content
    files["stored xlsx"] = client.get(f"{submitted}/report.xlsx").content
    for name, body in files.items():
        text = file_text(body).lower()
        found = [s for s in secrets if s.lower() in text]
        assert not found, f"the {name} holds {found}"
        assert "ezra eastwood" in text, f"the {name} should name the workers in the per-worker figures"


def test_a_formula_in_a_worker_s_name_stays_text(
    client: TestClient[Any], settings: Settings, east: East
) -> None:
    from courtjourney.accounts.models import User

    async def rename(db: AsyncSession) -> None:
        user = await db.get(User, east.worker.id)
        assert user is not None
        user.full_name = '=HYPERLINK("http://evil.example")'

    in_db(settings, rename)
    body = client.get(f"/api/reports/quarterly.xlsx?{QUERY}", headers=east.manager.auth).content
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    assert sheet is not None
    cells = [
        c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" and c.value.startswith("'=") for c in cells)
    rows = csv_rows(client.get(f"/api/reports/quarterly.csv?{QUERY}", headers=east.manager.auth).content)
    assert {r["worker"] for r in rows if "HYPERLINK" in r["worker"]} == {
        '\'=HYPERLINK("http://evil.example")'
    }


# --- submitting: frozen ------------------------------------------------------------------------------


def submit(client: TestClient[Any], start: str, end: str, team: str = "") -> str:
    """Submit from the page as whoever is signed in; the submitted report's address."""
    token = csrf_token(client, "/reports")
    answer = client.post(
        "/reports/submit",
        data={"from": start, "to": end, "team": team, "_csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:500]
    return answer.headers["location"].split("?")[0]


def test_a_submitted_report_is_frozen_and_a_new_version_keeps_the_old(
    client: TestClient[Any], settings: Settings, east: East
) -> None:
    from courtjourney.accounts.audit import Actor
    from courtjourney.accounts.models import User
    from courtjourney.cases.models import Case
    from courtjourney.contacts import services as contacts

    sign_in(client, "manager@east.example")
    first = submit(client, *Q4)
    page = client.get(first)
    assert page.status_code == 200 and "version 1" in page.text
    stored = {fmt: client.get(f"{first}/report.{fmt}") for fmt in ("csv", "xlsx")}
    for fmt, answer in stored.items():
        digest = hashlib.sha256(answer.content).hexdigest()
        assert answer.headers["x-content-sha256"] == digest and digest in page.text, fmt
    [(csv_hash, xlsx_hash, json_hash, figures)] = sql(
        settings, "SELECT csv_sha256, xlsx_sha256, figures_sha256, figures_json FROM submitted_report"
    )
    assert (csv_hash, xlsx_hash) == tuple(
        hashlib.sha256(stored[f].content).hexdigest() for f in ("csv", "xlsx")
    )
    assert "Ezra" not in figures  # the figures (they name workers) are encrypted at rest
    assert {r["key"]: r["value"] for r in csv_rows(stored["csv"].content)}["contacts.total"] == "10"

    async def more_contacts(db: AsyncSession) -> None:
        user = await db.get(User, east.worker.id)
        case = await db.get(Case, east.case_ids["A"])
        assert user is not None and case is not None
        for _i in range(3):
            await contacts.record_contact(
                db, Actor.of(user), case, {"kind": "call", "notes": "Another call", "minutes": 5}
            )

    in_db(settings, more_contacts)
    again = {fmt: client.get(f"{first}/report.{fmt}").content for fmt in ("csv", "xlsx")}
    assert again == {fmt: a.content for fmt, a in stored.items()}, "a submitted report changed with the data"
    live = csv_rows(client.get(f"/reports/quarterly.csv?{QUERY}").content)
    assert {r["key"]: r["value"] for r in live}["contacts.total"] == "13"
    second = submit(client, *Q4)
    assert second != first
    listed = client.get("/reports/submitted")
    assert listed.status_code == 200 and first in listed.text and second in listed.text
    assert {r["key"]: r["value"] for r in csv_rows(client.get(f"{second}/report.csv").content)}[
        "contacts.total"
    ] == "13"
    assert sorted(v for (v,) in sql(settings, "SELECT version FROM submitted_report")) == [1, 2]
    # Straight in the database too: a submitted report is never edited or deleted.
    for statement in ("UPDATE submitted_report SET csv_sha256 = 'x'", "DELETE FROM submitted_report"):
        with pytest.raises(Exception, match="append-only"):
            sql(settings, statement)
    assert [e.case_id for e in audit_events(settings, action="report.submitted")] == [None, None]


# --- who sees what -----------------------------------------------------------------------------------


def test_a_worker_sees_their_own_caseload_and_no_other_team(client: TestClient[Any], east: East) -> None:
    own = client.get(f"/api/reports/quarterly?{QUERY}", headers=east.other.auth)
    assert own.status_code == 200 and own.json()["team"] == "Your own caseload"
    workers = {f["worker"] for f in own.json()["figures"] if f["worker_id"]}
    assert workers == {"Esme Eaves"}
    assert (
        client.get(f"/api/reports/quarterly?{QUERY}&team=East%20Hub", headers=east.other.auth).status_code
        == 200
    )
    for team in ("North Hub", "Nowhere Hub"):
        refused = client.get(f"/api/reports/quarterly.csv?{QUERY}&team={team}", headers=east.other.auth)
        assert refused.status_code == 404 and "No team of that name" in refused.json()["detail"]
    sign_in(client, "esme@east.example")
    page = client.get(f"/reports?{QUERY}")
    assert (
        page.status_code == 200 and "Your own caseload" in page.text and "Submit this report" not in page.text
    )
    token = csrf_token(client, "/reports")
    assert (
        client.post("/reports/submit", data={"from": Q4[0], "to": Q4[1], "_csrf_token": token}).status_code
        == 404
    )
    assert client.get("/reports/submitted").status_code == 404


def test_a_manager_sees_their_team_and_no_other(client: TestClient[Any], world: World, east: East) -> None:
    mine = client.get(f"/api/reports/quarterly?{QUERY}", headers=east.manager.auth).json()
    north = client.get(f"/api/reports/quarterly?{QUERY}", headers=world.manager.auth).json()
    assert mine["team"] == "East Hub" and north["team"] == "North Hub"
    value = {f["key"]: f["value"] for f in mine["figures"]}
    assert value["parents.supported"] == 6  # East's alone: North's Nora is not among them
    assert (
        client.get(f"/api/reports/quarterly?{QUERY}&team=North%20Hub", headers=east.manager.auth).status_code
        == 404
    )
    sign_in(client, "manager@north.example")
    north_report = submit(client, *Q4)
    client.cookies.clear()
    sign_in(client, "manager@east.example")
    assert client.get(north_report).status_code == 404
    assert client.get(f"{north_report}/report.csv").status_code == 404
    assert north_report not in client.get("/reports/submitted").text


def admin_client(settings: Settings, allowed: bool) -> TestClient[Any]:
    from courtjourney.app import create_app

    return TestClient(
        create_app(replace(settings, admin_sees_all_reports=allowed)), base_url="http://testserver.local"
    )


def test_an_admin_sees_all_teams_only_where_the_setting_allows(
    client: TestClient[Any], settings: Settings, world: World, east: East
) -> None:
    with admin_client(settings, False) as off:
        own = off.get(f"/api/reports/quarterly?{QUERY}", headers=world.admin.auth)
        assert own.status_code == 200 and own.json()["team"] == "Your own caseload"
        assert {f["key"]: f["value"] for f in own.json()["figures"]}[
            "parents.supported"
        ] is None  # none: suppressed 0
        assert (
            off.get(f"/api/reports/quarterly?{QUERY}&team=East%20Hub", headers=world.admin.auth).status_code
            == 404
        )
        sign_in(off, "admin@example.org")
        page = off.get("/reports")
        assert "COURTJOURNEY_ADMIN_SEES_ALL_REPORTS" in page.text and "Submit this report" not in page.text
        assert off.get("/reports/submitted").status_code == 404
    with admin_client(settings, True) as on:
        east_only = on.get(f"/api/reports/quarterly?{QUERY}&team=East%20Hub", headers=world.admin.auth).json()
        every = on.get(f"/api/reports/quarterly?{QUERY}", headers=world.admin.auth).json()
        assert east_only["team"] == "East Hub" and every["team"] == "All teams"
        value = {f["key"]: f["value"] for f in every["figures"]}
        assert value["parents.supported"] == 7  # East's six and North's Nora
        sign_in(on, "admin@example.org")
        assert "All teams" in on.get("/reports").text
        everything = submit(on, *Q4)
        for_east = submit(on, *Q4, team="East Hub")
        listed = on.get("/reports/submitted").text
        assert everything in listed and for_east in listed
    sign_in(
        client, "manager@east.example"
    )  # the manager sees the admin's report for her team, not the all-teams one
    listed = client.get("/reports/submitted").text
    assert for_east in listed and everything not in listed


def test_every_report_made_downloaded_or_submitted_is_audited_with_no_case(
    client: TestClient[Any], settings: Settings, east: East
) -> None:
    client.get(f"/api/reports/quarterly?{QUERY}", headers=east.manager.auth)
    client.get(f"/api/reports/quarterly.csv?{QUERY}", headers=east.manager.auth)
    client.get(f"/api/reports/quarterly.xlsx?{QUERY}", headers=east.manager.auth)
    sign_in(client, "manager@east.example")
    client.get("/reports")
    stored = submit(client, *Q4)
    client.get(f"{stored}/report.csv")
    client.get(f"{stored}/report.xlsx")
    events = [e for e in audit_events(settings, actor_id=east.manager.id) if e.action.startswith("report.")]
    assert [e.action for e in events] == [
        "report.made",
        "report.downloaded.csv",
        "report.downloaded.xlsx",
        "report.made",
        "report.made",
        "report.submitted",
        "report.submitted_downloaded.csv",
        "report.submitted_downloaded.xlsx",
    ]
    assert all(e.case_id is None for e in events)
    assert {e.target_type for e in events} == {"report", "submitted_report"}


# --- bad input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query,field,words",
    [
        ("from=2026-12-31&to=2026-10-01", "to", "cannot be before the first day"),
        ("from=2024-01-01&to=2026-12-31", "to", "up to two years"),
        ("from=2010-01-01&to=2010-03-31", "from", "more than 10 years ago"),
        ("from=2030-01-01&to=2030-03-31", "to", "more than a year ahead"),
        ("from=2026-13-01&to=2026-12-31", "from", "date"),
        ("from=2026-10-01", "to", "Give the last day"),
        ("to=2026-10-01", "from", "Give the first day"),
    ],
)
def test_bad_dates_get_a_plain_english_400(
    client: TestClient[Any], east: East, query: str, field: str, words: str
) -> None:
    for path in ("/api/reports/quarterly", "/api/reports/quarterly.csv", "/api/reports/quarterly.xlsx"):
        answer = client.get(f"{path}?{query}", headers=east.manager.auth)
        assert answer.status_code == 400, (path, answer.text)
        assert words in answer.json()["errors"][field], answer.json()
    sign_in(client, "manager@east.example")
    page = client.get(f"/reports?{query}")
    assert page.status_code == 400 and words in page.text


def test_the_page_defaults_to_this_quarter_offers_earlier_ones_and_shows_every_section(
    client: TestClient[Any], east: East
) -> None:
    sign_in(client, "manager@east.example")
    page = client.get("/reports")
    assert page.status_code == 200
    assert "East Hub: October to December 2026" in page.text
    assert '<option value="2026-07-01">July to September 2026</option>' in page.text
    for section in (
        "Parents supported",
        "Open cases per worker",
        "Journey stages",
        "Contacts with families",
        "Going with families to court",
        "Trials",
        "Hearing changes",
        "Victims&#39; Code",
        "Deadlines after the verdict",
        "Outcomes",
        "Intimidation incidents",
        "Passed to the police",
    ):
        assert section in page.text, section
    assert page.text.count("<svg") >= 12 and "fewer than 5" in page.text
    link = "/reports/quarterly.xlsx?from=2026-10-01&amp;to=2026-12-31&amp;team=East+Hub"
    assert link in page.text
    download = client.get(link.replace("&amp;", "&"))
    assert download.status_code == 200 and download.content[:2] == b"PK"
    earlier = client.get("/reports?quarter=2026-07-01")
    assert earlier.status_code == 200 and "July to September 2026" in earlier.text


# --- the command line --------------------------------------------------------------------------------


def run_report(settings: Settings, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURTJOURNEY_")}
    env.update(
        {"COURTJOURNEY_DATABASE_URL": settings.database_url, "COURTJOURNEY_SECRET_KEY": settings.secret_key}
    )
    return subprocess.run(
        [sys.executable, "-m", "courtjourney.cli", "report", "quarterly", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_line_writes_csv_or_xlsx_by_extension(
    settings: Settings, east: East, tmp_path: Path
) -> None:
    out = tmp_path / "east.xlsx"
    done = run_report(
        settings, tmp_path, "--from", Q4[0], "--to", Q4[1], "--team", "East Hub", "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    rows = {r["Key"]: r["Value"] for r in xlsx_rows(out.read_bytes()) if not r["Worker"]}
    assert (
        rows["parents.supported"] == 6
        and rows["parents.new"] == "fewer than 5"
        and rows["contacts.count.call"] == 6
    )
    every = tmp_path / "all.csv"
    done = run_report(settings, tmp_path, "--from", Q4[0], "--to", Q4[1], "--out", str(every))
    assert done.returncode == 0, done.stderr
    rows_all = {r["key"]: r for r in csv_rows(every.read_bytes()) if not r["worker"]}
    assert (
        rows_all["parents.supported"]["value"] == "7" and rows_all["parents.supported"]["team"] == "All teams"
    )
    unknown = run_report(
        settings, tmp_path, "--from", Q4[0], "--to", Q4[1], "--team", "Nowhere", "--out", str(every)
    )
    assert unknown.returncode == 1 and "No team is called 'Nowhere'" in unknown.stderr
    backwards = run_report(settings, tmp_path, "--from", Q4[1], "--to", Q4[0], "--out", str(every))
    assert backwards.returncode == 1 and "cannot be before the first day" in backwards.stderr
    wrong = run_report(settings, tmp_path, "--from", Q4[0], "--to", Q4[1], "--out", str(tmp_path / "x.pdf"))
    assert wrong.returncode == 2 and ".csv or .xlsx" in wrong.stderr
    assert [e.actor_id for e in audit_events(settings, action="report.downloaded.xlsx")] == [None]


def test_another_team_s_worker_gets_404_from_every_submitted_report_route(
    client: TestClient[Any], world: World
) -> None:
    from tests.test_access import NOT_CASE_ROUTES

    sign_in(client, "manager@north.example")
    north = submit(client, *Q4)
    client.cookies.clear()
    sign_in(client, "worker@south.example")
    routes = [path for (method, path) in NOT_CASE_ROUTES if path.startswith("/reports/submitted/")]
    assert len(routes) == 3
    for path in routes:
        address = path.replace("/reports/submitted/{report_id:uuid}", north)
        assert client.get(address).status_code == 404, address
    assert client.get("/reports/submitted").status_code == 404
    own = client.get(f"/reports/quarterly.csv?{QUERY}")
    assert own.status_code == 200 and "North Hub" not in own.text and "Your own caseload" in own.text


def test_0021_fills_each_hearing_change_s_day_and_went_ahead_as_the_service_writes_them(
    settings: Settings, east: East
) -> None:
    """East Hub's hearings were listed, moved, adjourned and went ahead through the services, which write
    each change's plain day and went-ahead; going down past 0021 and up again fills both by replaying the
    encrypted history, and must give every change the same values (and keep the history's trigger)."""
    columns = "SELECT id, day_after, went_ahead FROM hearing_change ORDER BY id"
    written = {str(r[0]): (str(r[1]) if r[1] else None, bool(r[2])) for r in sql(settings, columns)}
    assert len(written) > 10 and any(day for day, _ahead in written.values())
    assert any(ahead for _day, ahead in written.values())
    downgrade(settings, "0020")
    upgrade(settings)
    replayed = {str(r[0]): (str(r[1]) if r[1] else None, bool(r[2])) for r in sql(settings, columns)}
    assert replayed == written
    assert schema_differences(settings) == []
    with pytest.raises(Exception, match="history cannot be rewritten"):
        sql(settings, "UPDATE hearing_change SET day_after = NULL")
