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
    page = client.get("/").text
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
