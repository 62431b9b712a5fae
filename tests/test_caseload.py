"""The caseload page: each case's current stage and newest risk, in the same few SQL statements however
many cases the worker has (bench/scale.py measures the same page on a 100,000-case service)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.settings import Settings
from tests.conftest import World, in_db, sign_in


def statements_for(client: TestClient[Any], path: str) -> int:
    """SQL statements one request sends, counted on the app's own engine (guard and middleware included)."""
    from courtjourney.db.engine import SESSIONS_KEY

    engine = client.app.state[SESSIONS_KEY].kw["bind"].sync_engine
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def open_cases(settings: Settings, world: World, how_many: int) -> None:
    """More cases for the worker, each with a stage move, a risk assessment and its playbook tasks."""
    from courtjourney.accounts.audit import Actor
    from courtjourney.accounts.models import User
    from courtjourney.cases import services as cases

    async def work(db: AsyncSession) -> None:
        worker = await db.get(User, world.worker.id)
        assert worker is not None
        for n in range(how_many):
            case = await cases.open_case(db, Actor.of(worker), {"child_name": f"Child {n}", "child_birth_date": None})
            await cases.move_stage(db, Actor.of(worker), case, "disclosure", None)
            await cases.add_risk_assessment(db, Actor.of(worker), case, {"level": "medium", "assessed_on": dt.date(2026, 2, 1)})

    in_db(settings, work)


def test_the_caseload_shows_each_cases_current_stage_and_newest_risk(client: TestClient[Any], world: World,
                                                                     settings: Settings) -> None:
    from courtjourney.accounts.audit import Actor
    from courtjourney.accounts.models import User
    from courtjourney.cases import services as cases
    from courtjourney.cases.models import Case

    async def work(db: AsyncSession) -> None:
        worker = await db.get(User, world.worker.id)
        case = await db.get(Case, world.north_case)
        assert worker is not None
        await cases.move_stage(db, Actor.of(worker), case, "disclosure", None)
        await cases.move_stage(db, Actor.of(worker), case, "investigation", None)
        # Recorded out of order: the newest assessment is the latest date, and on one date the last recorded.
        await cases.add_risk_assessment(db, Actor.of(worker), case, {"level": "low", "assessed_on": dt.date(2026, 3, 1)})
        await cases.add_risk_assessment(db, Actor.of(worker), case, {"level": "high", "assessed_on": dt.date(2026, 1, 1)})
        await cases.add_risk_assessment(db, Actor.of(worker), case, {"level": "medium", "assessed_on": dt.date(2026, 3, 1)})

    in_db(settings, work)
    sign_in(client, world.worker.email)
    # The filter form above the cards names every stage and risk; only the cards say what this case is at.
    page = client.get("/").text.split('<ul class="cards">', 1)[1]
    assert "Investigation" in page and "Disclosure" not in page
    assert "risk-medium" in page and "risk-low" not in page and "risk-high" not in page


def test_the_caseload_sends_as_many_statements_for_six_cases_as_for_one(client: TestClient[Any], world: World,
                                                                       settings: Settings) -> None:
    sign_in(client, world.worker.email)
    client.get("/")  # the first page after signing in may still write the session
    one = statements_for(client, "/")
    open_cases(settings, world, 5)
    client.get("/")
    six = statements_for(client, "/")
    assert client.get("/").text.count("Child ") == 5
    assert six == one, f"{one} statements for 1 case, {six} for 6: a query per case"


def test_a_manager_who_moves_team_still_sees_the_cases_they_are_assigned_to(client: TestClient[Any], world: World,
                                                                           settings: Settings) -> None:
    from courtjourney.accounts.audit import Actor
    from courtjourney.accounts.models import User
    from courtjourney.cases import services as cases

    async def work(db: AsyncSession) -> Any:
        manager = await db.get(User, world.manager.id)
        south = await db.get(User, world.outsider.id)
        assert manager is not None and south is not None
        kept = await cases.open_case(db, Actor.of(manager), {"child_name": "Kit Keptcase", "child_birth_date": None})  # North, assigned
        manager.team_id = south.team_id  # now manages South Hub
        return kept.id

    kept = in_db(settings, work)
    listed = {c["id"] for c in client.get("/api/cases", headers=world.manager.auth).json()}
    assert listed == {str(kept), str(world.south_case)}, "their assigned case and their new team's, not the old team's"
    assert client.get(f"/api/cases/{world.north_case}", headers=world.manager.auth).status_code == 404
    assert client.get(f"/api/cases/{kept}", headers=world.manager.auth).status_code == 200


def cards(page: str) -> int:
    return page.count('<li class="card">')


def test_a_managers_caseload_pages_fifty_cases_at_a_time_and_narrows_by_stage_risk_and_worker(
    client: TestClient[Any], world: World, settings: Settings
) -> None:
    open_cases(settings, world, 55)  # the worker's: disclosure, medium risk
    sign_in(client, world.manager.email)
    first = client.get("/").text
    everyone = client.get("/api/cases", headers=world.manager.auth).json()
    total = len(everyone)
    assert total > 55
    assert cards(first) == 50 and f"Cases 1 to 50 of {total}." in first
    assert 'aria-current="page">1<' in first and "Next page" in first and "Previous page" not in first
    second = client.get("/?page=2").text
    assert cards(second) == total - 50 and f"Cases 51 to {total} of {total}." in second
    assert "Previous page" in second and "Next page" not in second
    # Between them, the two pages hold every case the manager may see, once each.
    shown = [line for page in (first, second) for line in page.split('<li class="card">')[1:]]
    assert len({s.split('href="/cases/', 1)[1].split('"', 1)[0] for s in shown}) == total
    # A page that is not a number shows the first; one past the end shows the last.
    assert client.get("/?page=abc").text.count('<li class="card">') == 50
    assert f"Cases 51 to {total} of {total}." in client.get("/?page=999").text

    disclosure = client.get("/?stage=disclosure").text
    assert "Cases 1 to 50 of 55." in disclosure, "the 55 cases moved to disclosure"
    assert "stage=disclosure" in disclosure.split('aria-label="Pages of the caseload"', 1)[1], "pages keep the filter"
    assert cards(client.get("/?stage=disclosure&page=2").text) == 5
    assert cards(client.get("/?stage=disclosure&risk=high").text) == 0
    assert "No case matches what you chose." in client.get("/?stage=disclosure&risk=high").text
    unassessed = client.get("/?risk=none").text
    assert 0 < cards(unassessed) == total - 55 and "risk-medium" not in unassessed.split('<ul class="cards">', 1)[1]

    theirs = client.get(f"/?worker={world.worker.id}").text
    assert f"of {55 + 1}." in theirs, "the worker's 55 new cases and north_case"
    assert "No case matches what you chose." in client.get(f"/?worker={world.colleague.id}").text
    # Someone outside the team, or nonsense, narrows nothing: the page shows the whole caseload.
    for stray in (world.outsider.id, "not-an-id"):
        page = client.get(f"/?worker={stray}&stage=trial-ish").text
        assert f"Cases 1 to 50 of {total}." in page and "Show every case" not in page


def test_a_workers_caseload_has_no_worker_filter_and_ignores_one_in_the_address(
    client: TestClient[Any], world: World
) -> None:
    sign_in(client, world.worker.email)
    page = client.get(f"/?worker={world.colleague.id}").text
    assert 'name="worker"' not in page and cards(page) >= 1 and "No case matches" not in page


def test_a_managers_caseload_sends_as_many_statements_for_sixty_cases_as_for_six(
    client: TestClient[Any], world: World, settings: Settings
) -> None:
    open_cases(settings, world, 4)
    sign_in(client, world.manager.email)
    client.get("/")
    few = statements_for(client, "/")
    open_cases(settings, world, 54)
    client.get("/")
    many = statements_for(client, "/")
    assert many == few, f"{few} statements for a page of a few cases, {many} for a full page of many"


def test_the_team_page_counts_each_case_at_its_latest_stage_and_the_days_it_has_been_there(
        client: TestClient[Any], world: World, settings: Settings) -> None:
    """The counts come from each case's newest stage move, read for the team through one subquery: a case
    moved twice counts once, at its later stage, and another team's cases are not counted."""
    import re

    import time_machine

    from courtjourney.accounts.audit import Actor
    from courtjourney.accounts.models import User
    from courtjourney.cases import services as cases

    async def open_one(db: AsyncSession) -> Any:
        worker = await db.get(User, world.worker.id)
        assert worker is not None
        return (await cases.open_case(db, Actor.of(worker), {"child_name": "Child", "child_birth_date": None})).id

    def move(case_id: Any, stage: str, on: dt.datetime) -> None:
        from courtjourney.cases.models import Case

        async def work(db: AsyncSession) -> None:
            worker, case = await db.get(User, world.worker.id), await db.get(Case, case_id)
            assert worker is not None and case is not None
            await cases.move_stage(db, Actor.of(worker), case, stage, None)

        with time_machine.travel(on, tick=False):
            in_db(settings, work)

    with time_machine.travel(dt.datetime(2026, 11, 2, 8, tzinfo=dt.UTC), tick=False):
        first, second, third = (in_db(settings, open_one) for _n in range(3))
    for case_id in (first, second, third):
        move(case_id, "disclosure", dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC))
    move(third, "investigation", dt.datetime(2026, 11, 12, 9, tzinfo=dt.UTC))  # moved twice: counted once, here

    async def count_team_cases(db: AsyncSession) -> int:
        from sqlalchemy import func, select

        from courtjourney.cases.models import Case

        north = await db.get(Case, world.north_case)
        assert north is not None
        return await db.scalar(select(func.count()).select_from(Case).where(Case.team_id == north.team_id)) or 0

    team_cases = in_db(settings, count_team_cases)
    with time_machine.travel(dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), tick=False):
        sign_in(client, world.manager.email)
        page = client.get("/team").text
    table = page.split("<caption class=\"visually-hidden\">Cases at each stage</caption>", 1)[1].split("</table>", 1)[0]
    rows = {re.sub(r"<[^>]+>", "", name): (int(count), days) for name, count, days in
            re.findall(r"<tr><td>(.*?)</td><td>(\d+)</td><td>(\d*)</td></tr>", table)}
    assert rows["Disclosure"] == (2, "20") and rows["Investigation"] == (1, "10"), rows
    assert sum(count for count, _days in rows.values()) == team_cases
