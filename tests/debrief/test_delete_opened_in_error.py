"""Deleting a case opened in error (issue 17): in its first 7 days, by whoever opened it or a manager of its
team, with a reason and a tick to say it cannot be undone. Everything of it goes; the audit trail keeps that
it existed, who deleted it and why. On SQLite and PostgreSQL, through the pages and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from litestar.testing import TestClient

from courtjourney.settings import Settings
from tests.conftest import WORLD_BUILT_AT, World, audit_events, csrf_token, in_db, sign_in, sql

#: Two days after the world's cases were opened: still inside the 7 days.
SOON = WORLD_BUILT_AT + dt.timedelta(days=2)


def rows_left(settings: Settings, case_id: Any) -> dict[str, int]:
    """Rows of the case in every table that holds a case's data (purge's own list of them), and the case's own."""
    from sqlalchemy import func, select

    from courtjourney.cases.models import Case
    from courtjourney.debrief.services import case_tables

    async def work(db: Any) -> dict[str, int]:
        counts = {t.name: await db.scalar(select(func.count()).select_from(t).where(t.c.case_id == case_id))
                  for t in case_tables()}
        counts["case_record"] = await db.scalar(select(func.count()).select_from(Case).where(Case.id == case_id))
        return {name: n for name, n in counts.items() if n}

    return in_db(settings, work)


def test_the_worker_who_opened_a_case_deletes_it_after_confirming_and_nothing_of_it_is_left(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    travel = time_machine.travel(SOON, tick=False)
    travel.start()
    sign_in(client, world.worker.email)
    case_page = client.get(f"/cases/{world.north_case}").text
    assert f'href="/cases/{world.north_case}/delete"' in case_page
    form = client.get(f"/cases/{world.north_case}/delete")
    assert form.status_code == 200 and "This cannot be undone." in form.text
    assert rows_left(settings, world.north_case), "the world's case has records to lose"
    unticked = client.post(f"/cases/{world.north_case}/delete", follow_redirects=False,
                           data={"reason_kind": "duplicate", "_csrf_token": csrf_token(client, "/account")})
    assert unticked.status_code == 400 and "Tick the box" in unticked.text
    assert rows_left(settings, world.north_case)
    done = client.post(f"/cases/{world.north_case}/delete", follow_redirects=False,
                       data={"reason_kind": "duplicate", "understood": "on", "_csrf_token": csrf_token(client, "/account")})
    assert done.status_code == 303 and done.headers["location"] == "/?deleted=1"
    assert "The case was deleted." in client.get("/?deleted=1").text
    assert client.get(f"/cases/{world.north_case}").status_code == 404
    assert rows_left(settings, world.north_case) == {}
    assert sql(settings, "SELECT reference, opened_in_error, closed_on FROM purged_case") == [("CJ-2026-0001", "duplicate", None)]
    deleted = audit_events(settings, action="case.deleted")
    assert len(deleted) == 1 and deleted[0].actor_id == world.worker.id and deleted[0].case_id == world.north_case
    assert client.get(f"/calendar/{world.north_feed_token}.ics").status_code == 404, "the family's calendar went with it"
    travel.stop()


def test_after_seven_days_a_case_can_only_be_closed(client: TestClient[Any], settings: Settings, world: World) -> None:
    later = WORLD_BUILT_AT + dt.timedelta(days=7, hours=1)
    with time_machine.travel(later, tick=False):
        sign_in(client, world.worker.email)
        assert "/delete" not in client.get(f"/cases/{world.north_case}").text
        page = client.get(f"/cases/{world.north_case}/delete").text
        assert "more than 7 days ago, so it cannot be deleted. Close it instead" in page
        refused = client.post(f"/api/cases/{world.north_case}/deletion", headers=world.worker.auth,
                              json={"reason_kind": "duplicate", "understood": True})
    assert refused.status_code == 400 and "Close it instead" in refused.text
    assert rows_left(settings, world.north_case) and audit_events(settings, action="case.deleted") == []


def test_only_its_opener_or_a_manager_of_its_team_may_delete_it(
        client: TestClient[Any], settings: Settings, world: World) -> None:
    from courtjourney.accounts.audit import Actor
    from courtjourney.accounts.models import User
    from courtjourney.cases import services as cases
    from courtjourney.cases.models import Case

    async def assign_colleague(db: Any) -> None:
        worker, case = await db.get(User, world.worker.id), await db.get(Case, world.north_case)
        await cases.assign_worker(db, Actor.of(worker), case, {"worker_id": world.colleague.id})

    in_db(settings, assign_colleague)
    body = {"reason_kind": "wrong_family", "understood": True}
    travel = time_machine.travel(SOON, tick=False)
    travel.start()
    colleague = client.post(f"/api/cases/{world.north_case}/deletion", headers=world.colleague.auth, json=body)
    assert colleague.status_code == 400 and "Only the person who opened this case" in colleague.text
    outsider = client.post(f"/api/cases/{world.north_case}/deletion", headers=world.outsider.auth, json=body)
    assert outsider.status_code == 404
    assert rows_left(settings, world.north_case)
    manager = client.post(f"/api/cases/{world.north_case}/deletion", headers=world.manager.auth, json=body)
    assert manager.status_code == 200, manager.text
    assert manager.json()["reference"] == "CJ-2026-0001" and manager.json()["opened_in_error"] == "wrong_family"
    assert rows_left(settings, world.north_case) == {}
    assert rows_left(settings, world.south_case), "another case is untouched"
    travel.stop()
