"""Calendar polls go to a journal, not a write transaction (hearings/polls.py), and every one reaches the
audit trail and the subscription's count exactly once: through a page that shows them, a clean stop, or
the replay of a journal whose process died (tests/test_faults.py kills the server with kill -9)."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import uuid
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import event

from courtjourney.settings import Settings
from tests.conftest import World, audit_events, in_db, run_async
from tests.hearings.helpers import change, feed


def writes_during(client: TestClient[Any], call: Any) -> list[str]:
    """The INSERT, UPDATE and DELETE statements the app's engine sends while `call` runs."""
    from courtjourney.db.engine import SESSIONS_KEY

    engine = client.app.state[SESSIONS_KEY].kw["bind"].sync_engine
    seen: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", watch)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", watch)
    return seen


def test_an_unchanged_feed_poll_writes_nothing_and_is_still_counted(client: TestClient[Any], world: World,
                                                                    settings: Settings) -> None:
    first = feed(client, world.north_feed_token)  # the first answer stores the feed's ETag
    assert first.status_code == 200
    tag = first.headers["etag"]
    polls = [writes_during(client, lambda: feed(client, world.north_feed_token)),
             writes_during(client, lambda: feed(client, world.north_feed_token, **{"If-None-Match": tag}))]
    assert polls == [[], []], f"a poll of an unchanged feed wrote: {polls}"
    assert audit_events(settings, action="calendar.fetched") == [], "held in the journal for the moment"
    listed = client.get(f"/api/cases/{world.north_case}/subscriptions", headers=world.worker.auth).json()
    mine = next(s for s in listed if s["id"] == str(world.north_subscription))
    assert mine["fetch_count"] == 3 and mine["last_fetched_at"] is not None
    fetched = audit_events(settings, action="calendar.fetched")
    assert len(fetched) == 3 and {e.target_id for e in fetched} == {world.north_subscription}
    assert all(e.case_id == world.north_case and e.actor_id is None for e in fetched)


def statements_during(client: TestClient[Any], call: Any) -> list[str]:
    """Every statement the app's engines send while `call` runs (BEGIN IMMEDIATE included, on SQLite):
    its own, and the poll reader's when it has one (a SQLite file: db/engine.PollReader)."""
    from courtjourney.db.engine import POLL_READER_KEY, SESSIONS_KEY

    engines = [client.app.state[SESSIONS_KEY].kw["bind"].sync_engine, client.app.state[POLL_READER_KEY].sync_engine]
    seen: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.lstrip().split(None, 1)[0].upper())

    for engine in filter(None, engines):
        event.listen(engine, "before_cursor_execute", watch)
    try:
        call()
    finally:
        for engine in filter(None, engines):
            event.remove(engine, "before_cursor_execute", watch)
    return seen


def test_an_unchanged_family_feed_is_answered_from_one_read_outside_any_transaction(
        client: TestClient[Any], world: World) -> None:
    first = feed(client, world.north_feed_token)
    tag = first.headers["etag"]
    for headers in ({"If-None-Match": tag}, {}):
        answers: list[Any] = []
        sent = statements_during(client, lambda h=headers, out=answers: out.append(feed(client, world.north_feed_token, **h)))  # type: ignore[misc]
        assert answers[0].status_code == (304 if headers else 200) and answers[0].headers["etag"] == tag
        # No BEGIN IMMEDIATE (SQLite's write lock, queued behind every writer), no write: one SELECT.
        assert sent == ["SELECT"], f"an unchanged poll sent {sent}"


def test_the_one_read_gives_the_fingerprint_the_write_path_records(client: TestClient[Any], world: World,
                                                                    settings: Settings) -> None:
    """feeds.family_poll reads the fingerprint in the poll's one statement; it must be fingerprint()'s, or
    every poll would take the write path (and a wrong match would send 304 for a changed feed)."""
    from courtjourney.accounts import limits
    from courtjourney.db.base import utcnow
    from courtjourney.hearings import feeds, services

    async def both(db: Any, at: dt.datetime) -> tuple[str | None, str]:
        from courtjourney.hearings.models import CalendarSubscription

        sub = await db.get(CalendarSubscription, world.north_subscription)
        token_hash = services.calendar_token_hash(world.north_feed_token)
        rate_key = limits.key_of(settings, limits.unknown_tokens(settings), "192.0.2.1")
        poll = await db.run_sync(lambda s: feeds.family_poll(s, token_hash, rate_key, at))
        return poll.key, await feeds.fingerprint(db, sub, at)

    now = utcnow()
    read, made = in_db(settings, lambda db: both(db, now))
    assert read == made
    change(client, world, status="vacated", status_reason="Not needed.", reason="not needed")
    for at in (now, now + dt.timedelta(days=15)):  # the cancelled hearing shown, then gone
        read, made = in_db(settings, lambda db, at=at: both(db, at))  # type: ignore[misc]
        assert read == made, at
    assert in_db(settings, lambda db: both(db, now)) != in_db(settings, lambda db: both(db, now + dt.timedelta(days=15)))


def test_the_trail_page_shows_every_poll_answered_so_far(client: TestClient[Any], world: World) -> None:
    feed(client, world.north_feed_token)
    trail = client.get(f"/api/cases/{world.north_case}/audit", headers=world.manager.auth).json()
    assert [e for e in trail if e["action"] == "calendar.fetched"], "the poll is in the trail the manager reads"


def journal_file(folder: Path, lines: list[bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"polls-999999-{uuid.uuid4().hex}.jsonl"
    path.write_bytes(b"".join(lines))
    return path


def test_a_dead_process_s_journal_is_replayed_once_however_often_it_is_read(world: World, settings: Settings) -> None:
    from courtjourney.db.engine import make_engine
    from courtjourney.hearings import polls

    at = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)
    made = [polls.Poll(uuid.uuid4(), world.north_subscription, world.north_case, at + dt.timedelta(minutes=i), "192.0.2.7")  # type: ignore[arg-type]
            for i in range(3)]
    folder = polls.spool_folder(settings.key_file)
    # Two files hold the same polls (a process died after its commit, before deleting its file), and
    # the second was cut short mid-line by the kill.
    journal_file(folder, [p.line() for p in made])
    journal_file(folder, [made[0].line(), made[1].line(), made[2].line()[:17]])

    async def replay() -> tuple[int, int]:
        from sqlalchemy.ext.asyncio import async_sessionmaker

        engine = make_engine(settings)
        try:
            journal = polls.PollJournal(folder, async_sessionmaker(engine, expire_on_commit=False))
            return await journal.recover(), await journal.recover()
        finally:
            await engine.dispose()

    assert run_async(replay) == (3, 0)
    assert list(folder.glob("*.jsonl")) == []
    async def read(db: Any) -> Any:
        from courtjourney.hearings.models import CalendarSubscription

        return await db.get(CalendarSubscription, world.north_subscription)

    sub = in_db(settings, read)
    assert sub.fetch_count == 3 and sub.last_fetched_at == at + dt.timedelta(minutes=2), "the latest of the three"
    events = audit_events(settings, action="calendar.fetched")
    assert sorted(e.id for e in events) == sorted(p.event_id for p in made)
    assert {e.address for e in events} == {"192.0.2.7"}


def test_a_journal_its_process_still_holds_is_left_alone(world: World, settings: Settings) -> None:
    from courtjourney.db.engine import make_engine
    from courtjourney.hearings import polls

    folder = polls.spool_folder(settings.key_file)
    poll = polls.Poll(uuid.uuid4(), world.north_subscription, world.north_case, dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC), None)  # type: ignore[arg-type]
    path = journal_file(folder, [poll.line()])
    held = os.open(path, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)  # as a live serving process holds its own

    async def replay() -> int:
        from sqlalchemy.ext.asyncio import async_sessionmaker

        engine = make_engine(settings)
        try:
            return await polls.PollJournal(folder, async_sessionmaker(engine, expire_on_commit=False)).recover()
        finally:
            await engine.dispose()

    try:
        assert run_async(replay) == 0 and path.exists()
    finally:
        os.close(held)
    assert run_async(replay) == 1 and not path.exists(), "once its process is gone, it is replayed"


def test_journals_are_private_to_the_service(client: TestClient[Any], world: World, settings: Settings) -> None:
    from courtjourney.hearings import polls

    feed(client, world.north_feed_token)
    folder = polls.spool_folder(settings.key_file)
    files = list(folder.glob("*.jsonl"))
    assert files and all(f.stat().st_mode & 0o077 == 0 for f in files)
    assert folder.stat().st_mode & 0o077 == 0
    assert world.north_feed_token.encode() not in b"".join(f.read_bytes() for f in files), "no token in the journal"


def test_built_feeds_are_kept_per_fingerprint_within_a_budget_of_bytes() -> None:
    from courtjourney.hearings.feeds import BuiltFeeds

    kept = BuiltFeeds(budget=10)
    a, b = uuid.uuid4(), uuid.uuid4()
    kept.keep(a, "k1", b"12345")
    assert kept.get(a, "k1") == b"12345" and kept.get(a, "k2") is None, "another fingerprint is another feed"
    kept.keep(b, "k1", b"678")
    kept.get(a, "k1")  # a is the most recently used now
    kept.keep(b, "k2", b"abcdef")  # 5 + 6 > 10: the least recently used goes
    assert kept.get(a, "k1") is None and kept.get(b, "k2") == b"abcdef"
    kept.keep(a, "k1", b"x" * 11)  # larger than the whole budget: not kept
    assert kept.get(a, "k1") is None and kept.get(b, "k2") == b"abcdef"
