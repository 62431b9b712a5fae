"""Every calendar poll a real server answered is in the audit trail once, and "last checked" is the last
poll's time, though the server was killed with kill -9 straight after the last answer (hearings/polls.py:
a poll is journalled, not written in its request; the restarted server replays what the dead one held).

tests/test_faults.py kills a server under fifty writers; this is the poll on its own, counted exactly."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from pathlib import Path

from tests.served import Served, cli, fetch, prepared
from tests.test_faults import database  # noqa: F401  (the fixture: a SQLite file or a new PostgreSQL database)

POLLS = 30


def subscribe(base: str, api_token: str) -> tuple[str, str]:
    """A new calendar for the demo's first family member: (subscription id, feed token)."""
    status, _h, cases = fetch(f"{base}/api/cases", api_token)
    assert status == 200
    for case in (c["id"] for c in json.loads(cases)):
        members = json.loads(fetch(f"{base}/api/cases/{case}/family-members", api_token)[2])
        if members:
            status, _h, made = fetch(f"{base}/api/cases/{case}/subscriptions", api_token,
                                     {"family_member_id": members[0]["id"]})
            assert status == 201, made
            new = json.loads(made)
            return new["subscription"]["id"], new["token"]
    raise AssertionError("the demo has no family member")


def journalled(spool: Path, sub_id: str) -> set[str]:
    """The audit event ids of this subscription's polls in the journals a dead server left."""
    ids = set()
    for path in spool.glob("polls-*.jsonl"):
        for line in path.read_bytes().splitlines():
            try:
                event_id, sub, *_rest = json.loads(line)
            except ValueError:
                continue  # a line cut short by the kill (none here: the kill came after the answers)
            if sub == sub_id:
                ids.add(event_id)
    return ids


def stored(url: str, sub_id: str) -> tuple[set[str], list[dt.datetime], int, dt.datetime | None]:
    """What the database holds for the subscription: its fetch events' ids and times, count, last checked."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import create_async_engine

    from courtjourney.accounts.models import AuditEvent
    from courtjourney.hearings.models import CalendarSubscription

    async def read() -> tuple[set[str], list[dt.datetime], int, dt.datetime | None]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as db:
                events = (await db.execute(
                    select(AuditEvent.id, AuditEvent.created_at).where(
                        AuditEvent.action == "calendar.fetched", AuditEvent.target_id == uuid.UUID(sub_id)))).all()
                count, last = (await db.execute(
                    select(CalendarSubscription.fetch_count, CalendarSubscription.last_fetched_at).where(
                        CalendarSubscription.id == uuid.UUID(sub_id)))).one()
            return {str(i) for i, _at in events}, [at for _i, at in events], count, last
        finally:
            await engine.dispose()

    return asyncio.run(read())


def utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def test_every_poll_answered_before_a_kill_9_is_in_the_audit_trail_once(
    database: tuple[str, str], tmp_path: Path  # noqa: F811
) -> None:
    _backend, url = database
    env = prepared(tmp_path, url)
    api_token = cli(env, "users", "token", "worker@demo.example").stdout.strip().split()[-1]
    spool = tmp_path / "spool" / "polls"  # polls.spool_folder: beside the key file
    server = Served(env, tmp_path / "serve.log").start()
    try:
        sub_id, feed_token = subscribe(server.base, api_token)
        address = f"{server.base}/calendar/{feed_token}.ics"
        status, headers, _body = fetch(address)
        assert status == 200
        tag = headers["etag"]
        statuses = [status]
        # Unchanged polls, as calendar apps make them: most with the ETag they hold (304), some without.
        for n in range(POLLS - 2):
            status, _h, _b = fetch(address, headers={"If-None-Match": tag} if n % 3 else None)
            statuses.append(status)
        before_last = dt.datetime.now(dt.UTC)
        status, _h, _b = fetch(address, headers={"If-None-Match": tag})
        after_last = dt.datetime.now(dt.UTC)
        statuses.append(status)
        server.kill()  # straight after the last answer: the writer had no chance to write it
    finally:
        server.stop()
    assert set(statuses) == {200, 304} and len(statuses) == POLLS

    # At the kill, every answered poll was in the database or in a journal (both, if the process died
    # between a flush's commit and deleting its file): none was only in the dead process's memory.
    in_db, _times, _count, _last = stored(url, sub_id)
    in_journal = journalled(spool, sub_id)
    assert len(in_db | in_journal) == POLLS, (
        f"{POLLS} polls answered; at the kill {len(in_db)} in the database, {len(in_journal)} in journals")

    Served(env, tmp_path / "again.log").start().stop()  # start-up replays the dead server's journals
    ids, times, count, last = stored(url, sub_id)
    assert len(ids) == POLLS and ids == in_db | in_journal, f"{len(ids)} fetch events for {POLLS} polls"
    assert count == POLLS, f"the worker sees {count} fetches for {POLLS} polls"
    assert last is not None and utc(last) == max(utc(t) for t in times), "last checked: the latest poll"
    assert before_last <= utc(last) <= after_last, "last checked is the time of the poll answered last"
    assert list(spool.glob("*.jsonl")) == [], "replayed journals are deleted"
