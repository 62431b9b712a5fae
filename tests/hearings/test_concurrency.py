"""Two people changing hearings at once (found by tests/test_faults.py under load on PostgreSQL).

Each test holds one change open in its own transaction, as a second worker process would, and sends
the other through the API while it waits. SQLite runs one writing transaction at a time from its first
statement (BEGIN IMMEDIATE), so these interleavings cannot happen there: the tests run on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from courtjourney.settings import Settings
from tests.conftest import World
from tests.hearings.helpers import events, feed, hearing_api, parse_both


@pytest.fixture(autouse=True)
def only_postgresql(backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite lets one writer in at a time from its first statement: two changes cannot interleave there")


async def _wait_for_a_blocked_request(db: AsyncSession, count: int = 1) -> None:
    """Until `count` other connections to this database wait for a row lock (bounded, not timed)."""
    for _ in range(600):
        await db.execute(text("SELECT pg_stat_clear_snapshot()"))  # else the view stays as first read in this transaction
        waiting = await db.scalar(text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"))
        if waiting >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the request never reached the hearing's lock")


def _in_background(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    return thread, result


Step = Callable[[AsyncSession], Awaitable[None]]


async def _nothing(_db: AsyncSession) -> None:
    return None


async def _open_change(settings: Settings, world: World, hearing_id: UUID, values: dict[str, Any], *,
                       before: Step = _nothing, after: Step = _nothing) -> None:
    """Change a hearing through the service in a transaction of its own, as another worker process
    would: `before` runs once the transaction has begun, `after` once the change is made but not saved."""
    from courtjourney.accounts.models import User
    from courtjourney.cases.models import Case
    from courtjourney.db.engine import make_engine
    from courtjourney.accounts.audit import Actor
    from courtjourney.hearings import services
    from courtjourney.hearings.models import Hearing

    engine = make_engine(settings)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
            case = await db.get(Case, world.north_case)
            user = await db.get(User, world.worker.id)
            hearing = await db.scalar(select(Hearing).where(Hearing.id == hearing_id))
            assert case is not None and user is not None and hearing is not None
            await before(db)
            await services.change_hearing(db, Actor.of(user), case, hearing, values)
            await after(db)
    finally:
        await engine.dispose()


def test_a_date_only_move_waits_for_a_change_in_progress_and_builds_on_it(
    client: TestClient[Any], settings: Settings, world: World
) -> None:
    """A move that sends only a new date keeps the time of day the hearing has when the move is made,
    even when another change of time was being saved as it arrived, and comes after that change in the story."""
    blocked: dict[str, Any] = {}

    async def send_the_date_only_move_and_wait_until_it_queues(db: AsyncSession) -> None:
        from courtjourney.hearings.models import Hearing

        # The other change takes the hearing first (as its own request would), then the API request comes.
        await db.execute(select(Hearing.id).where(Hearing.id == world.north_hearing).with_for_update())
        blocked["thread"], blocked["result"] = _in_background(lambda: client.patch(
            hearing_api(world), headers=world.worker.auth, json={"date": "2027-02-01", "reason": "the judge is ill"}))
        await _wait_for_a_blocked_request(db)

    asyncio.run(_open_change(settings, world, world.north_hearing, {
        "listing": "fixed", "date": dt.date(2026, 12, 14), "start_time": dt.time(14, 0), "end_time": None,
        "reason": "the court needs the morning"}, before=send_the_date_only_move_and_wait_until_it_queues))
    blocked["thread"].join(timeout=120)
    [answer] = blocked["result"]
    assert answer.status_code == 200, answer.text

    now = client.get(hearing_api(world), headers=world.worker.auth).json()
    assert now["starts_at"].startswith("2027-02-01T14:00"), f"the date-only move undid the change of time: {now['starts_at']}"
    story = client.get(hearing_api(world, "/changes"), headers=world.worker.auth).json()
    assert [c["reason"] for c in story[1:]] == ["the court needs the morning", "the judge is ill"], "the story is out of order"
    assert [c["sequence"] for c in story] == [0, 1, 2] and answer.json()["sequence"] == 2 == now["sequence"]
    assert story[2]["changes"]["starts_at"][0].startswith("2026-12-14T14:00")


def test_a_feed_shows_a_change_that_was_saved_after_a_later_one(client: TestClient[Any], settings: Settings, world: World) -> None:
    """A calendar app that sends its ETag sees every change, even one whose transaction began before
    another change to a different hearing but was saved after it (their times are not in commit order)."""
    made = client.post(f"/api/cases/{world.north_case}/hearings", headers=world.worker.auth, json={
        "proceeding_id": str(world.north_proceeding), "hearing_type": "mention", "listing": "fixed", "date": "2027-01-11",
        "start_time": "10:00", "court_name": "Northtown Crown Court", "court_town": "Northtown"})
    assert made.status_code == 201, made.text
    second = made.json()["id"]
    put = client.put(f"/api/cases/{world.north_case}/hearings/{second}/attendance", headers=world.worker.auth,
                     json=[{"family_member_id": str(world.north_member), "attendance": "needed"}])
    assert put.status_code == 200
    seen: dict[str, Any] = {"etag": feed(client, world.north_feed_token).headers["etag"]}

    async def change_the_other_hearing_and_fetch(_db: AsyncSession) -> None:
        # The first hearing's change is made (its time taken) but not yet saved.
        moved = client.patch(f"/api/cases/{world.north_case}/hearings/{second}", headers=world.worker.auth,
                             json={"courtroom": "7", "reason": "room change"})
        assert moved.status_code == 200, moved.text
        fetched = feed(client, world.north_feed_token, **{"If-None-Match": seen["etag"]})
        assert fetched.status_code == 200
        seen["etag"] = fetched.headers["etag"]

    asyncio.run(_open_change(settings, world, world.north_hearing, {
        "listing": "fixed", "date": dt.date(2026, 12, 15), "start_time": dt.time(10, 0), "end_time": None,
        "reason": "the court had no judge free"}, after=change_the_other_hearing_and_fetch))
    after = feed(client, world.north_feed_token, **{"If-None-Match": seen["etag"]})
    assert after.status_code == 200, "the calendar app was told nothing changed, but the first hearing moved to another day"
    sequences = {str(e["UID"]): int(e["SEQUENCE"]) for e in events(parse_both(after.content)[0]).values()}
    assert sorted(sequences.values()) == [1, 1]
    assert b"20261215T100000" in after.content


def test_two_fetches_of_one_feed_at_once_are_both_counted(client: TestClient[Any], settings: Settings, world: World) -> None:
    """The worker sees how often a family's calendar fetched its feed: a phone and a laptop fetching
    at the same moment count twice, not once."""
    from courtjourney.db.engine import make_engine
    from courtjourney.hearings.models import CalendarSubscription

    fetches: list[tuple[threading.Thread, list[Any]]] = []

    async def hold_the_subscription_while_two_fetches_queue() -> None:
        engine = make_engine(settings)
        try:
            async with async_sessionmaker(engine)() as db, db.begin():
                await db.execute(select(CalendarSubscription.id).where(CalendarSubscription.id == world.north_subscription)
                                 .with_for_update())
                for _ in range(2):
                    fetches.append(_in_background(lambda: feed(client, world.north_feed_token)))
                    await _wait_for_a_blocked_request(db, count=len(fetches))
        finally:
            await engine.dispose()

    asyncio.run(hold_the_subscription_while_two_fetches_queue())
    for thread, result in fetches:
        thread.join(timeout=120)
        assert result[0].status_code == 200
    listed = client.get(f"/api/cases/{world.north_case}/subscriptions", headers=world.worker.auth).json()
    assert [s["fetch_count"] for s in listed if s["id"] == str(world.north_subscription)] == [2]
