"""Calendar polls, every one accounted for, without a write transaction per poll.

A calendar app asks for its feed every few minutes to every few hours, for months; almost every answer
is "unchanged". Each poll must still reach the audit trail ("calendar.fetched": which subscription, from
which address, when) and the subscription's "last checked" and count, which the worker sees. Writing
them in the request cost a write transaction per poll (SQLite's single writer, PostgreSQL's WAL flush),
most of a poll's time.

So a poll is written to this process's journal instead: one line appended to a file in the spool
folder (next to the key file), with the audit event's id chosen then. A background task (and any page
that shows the counts) moves the journal into the database every second, in one transaction: the
audit events in one INSERT and each subscription's count and last-checked time in one UPDATE.

Why nothing is lost or counted twice:
- The line is written with os.write on an O_APPEND file before the answer is sent. A process killed
  with kill -9 loses nothing the kernel has (what the file holds is in the page cache, not in the
  process); a power cut can lose the last second of polls, as it can lose any unsynced write.
- Each journal file is held with flock by the process writing it. A flush starts a new file, writes the
  old file's polls and deletes the file only after the transaction commits. A file nobody holds (its
  process died, or its flush failed) is taken by whichever process locks it first, at start-up and then
  every few seconds, and replayed the same way.
- Replaying is idempotent: each audit event's id was chosen at the poll, so a poll already in the
  database (the process died after the commit, before deleting the file) is skipped, and only the polls
  newly written add to the subscription's count.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import json
import logging
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import case, event, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts import audit
from courtjourney.accounts.audit import Actor
from courtjourney.accounts.models import AuditEvent
from courtjourney.hearings.models import CalendarSubscription

log = logging.getLogger("courtjourney.polls")

JOURNAL_KEY = "poll_journal"  # the app's state holds its journal under this name
ACTION = "calendar.fetched"
ROUTE = "/calendar/{filename:str}"
#: How often the background task moves the journal into the database.
FLUSH_SECONDS = 1.0
#: How often it looks for journals nobody holds (a process that died).
RECOVER_EVERY = 5


@dataclass(frozen=True)
class Poll:
    event_id: uuid.UUID  # the audit event's id, chosen at the poll: replayed twice, it is written once
    subscription_id: uuid.UUID
    case_id: uuid.UUID | None
    at: dt.datetime
    address: str | None

    def line(self) -> bytes:
        return (
            json.dumps(
                [
                    str(self.event_id),
                    str(self.subscription_id),
                    self.case_id and str(self.case_id),
                    self.at.isoformat(),
                    self.address,
                ],
                separators=(",", ":"),
            )
            + "\n"
        ).encode()

    @classmethod
    def parse(cls, line: bytes) -> Poll | None:
        """A journal line; None for one cut short (the process died mid-write) or otherwise unreadable."""
        try:
            event, sub, case_id, at, address = json.loads(line)
            return cls(
                uuid.UUID(event),
                uuid.UUID(sub),
                uuid.UUID(case_id) if case_id else None,
                dt.datetime.fromisoformat(at),
                address,
            )
        except (ValueError, TypeError):
            return None


def spool_folder(key_file: Path) -> Path:
    """Where journals are kept: beside the key file (var/ when served), private to the service."""
    return key_file.parent / "spool" / "polls"


class PollJournal:
    """This process's journal in one spool folder (one per database, as the key file is)."""

    def __init__(self, folder: Path, sessions: Callable[[], Any]) -> None:
        self.folder = folder
        self.sessions = sessions
        self.pending: list[Poll] = []
        self._lock = asyncio.Lock()
        self._pid = -1
        self._fd = -1
        self._path = Path()

    def _open_new(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / f"polls-{os.getpid()}-{uuid.uuid4().hex}.jsonl"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._pid, self._fd, self._path = os.getpid(), fd, path

    def record(self, poll: Poll) -> None:
        """Keep a poll: in the journal file first (so a kill -9 loses nothing), then in memory."""
        if self._pid != os.getpid():  # first use, after a flush, or a forked worker (never a parent's file)
            if self._fd >= 0 and self._pid != -1:
                self.pending = []  # a parent's polls: its own process writes them
            self._open_new()
        os.write(self._fd, poll.line())
        self.pending.append(poll)

    async def flush(self, db: AsyncSession | None = None) -> int:
        """Move this process's polls into the database; returns how many were new there.

        With `db` (a page about to show fetch counts or the trail), they are written in that request's
        own transaction, so the page reads them (SQLite keeps one snapshot per transaction) and the
        journal file is deleted only once the request commits; if it rolls back, the file stays and
        recovery replays it."""
        async with self._lock:
            if not self.pending or self._pid != os.getpid():
                return 0  # nothing kept, or a parent's file (a forked worker writes only its own)
            polls, fd, path = self.pending, self._fd, self._path
            self.pending = []
            self._pid = -1  # the next poll starts a new file (so a clean stop leaves none behind)
            if db is not None:
                return await self._write_in(db, polls, fd, path)
            try:
                written = await write_polls(self.sessions, polls)
            except Exception:
                # The file stays, unlocked once closed: the next recovery replays it.
                log.exception("calendar polls could not be written yet; they are kept in the spool folder")
                os.close(fd)
                return 0
            path.unlink(missing_ok=True)
            os.close(fd)
            return written

    @staticmethod
    async def _write_in(db: AsyncSession, polls: list[Poll], fd: int, path: Path) -> int:
        ended = False

        def finish(delete: bool) -> None:
            nonlocal ended
            if not ended:
                ended = True
                if delete:
                    path.unlink(missing_ok=True)
                os.close(fd)

        try:
            async with db.begin_nested():  # a failure here must not spoil the page's own transaction
                written = await _write(db, polls)
        except Exception:
            log.exception("calendar polls could not be written yet; they are kept in the spool folder")
            finish(delete=False)
            return 0
        event.listen(db.sync_session, "after_commit", lambda _s: finish(delete=True), once=True)
        event.listen(db.sync_session, "after_soft_rollback", lambda _s, _t: finish(delete=False), once=True)
        return written

    async def recover(self) -> int:
        """Replay every journal in the folder that no live process holds; returns the polls newly written."""
        if not self.folder.is_dir():
            return 0
        written = 0
        for path in sorted(self.folder.glob("polls-*.jsonl")):
            if path == self._path and self._pid == os.getpid():
                continue
            try:
                fd = os.open(path, os.O_RDONLY)
            except FileNotFoundError:
                continue  # another process replayed it first
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue  # its process is alive and writing it
                if not path.exists():
                    continue  # replayed and deleted between our open and our lock
                polls = [p for p in map(Poll.parse, _read_all(fd).splitlines()) if p is not None]
                if polls:
                    written += await write_polls(self.sessions, polls)
                path.unlink(missing_ok=True)
            finally:
                os.close(fd)
        return written

    async def run_forever(self) -> None:
        """The background task of a serving process: flush every second, look for orphans every few."""
        rounds = 0
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            rounds += 1
            try:
                await self.flush()
                if rounds % RECOVER_EVERY == 0:
                    await self.recover()
            except Exception:  # the database may be away for a moment: the journal keeps everything
                log.exception("calendar polls: flush failed; retrying")


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


async def write_polls(sessions: Callable[[], Any], polls: list[Poll]) -> int:
    """Write polls in one transaction: the audit events not yet there, and for each subscription the
    count of those and the latest time. Returns how many polls were new."""
    async with sessions() as db, db.begin():
        return await _write(db, polls)


async def _write(db: AsyncSession, polls: list[Poll]) -> int:
    ids = [p.event_id for p in polls]
    there: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        there.update(
            await db.scalars(select(AuditEvent.id).where(AuditEvent.id.in_(ids[start : start + 500])))
        )
    fresh = [p for p in dict((p.event_id, p) for p in polls).values() if p.event_id not in there]
    if not fresh:
        return 0
    # The rows audit.record makes for a fetch by a calendar app: no one signed in, the address kept.
    await db.execute(
        insert(AuditEvent),
        [
            {
                **audit.event_columns(
                    ACTION,
                    Actor(user_id=None, route=ROUTE, method="GET", address=p.address),
                    case_id=p.case_id,
                    target_type=CalendarSubscription.__tablename__,
                    target_id=p.subscription_id,
                ),
                "id": p.event_id,
                "created_at": p.at,
                "updated_at": p.at,
            }
            for p in fresh
        ],
    )
    per_sub: dict[uuid.UUID, tuple[int, dt.datetime]] = {}
    for p in fresh:
        n, last = per_sub.get(p.subscription_id, (0, p.at))
        per_sub[p.subscription_id] = (n + 1, max(last, p.at))
    for sub_id, (n, last) in per_sub.items():
        # Added in the database, so two processes writing at once both count.
        await db.execute(
            update(CalendarSubscription)
            .where(CalendarSubscription.id == sub_id)
            .values(
                fetch_count=CalendarSubscription.fetch_count + n,
                last_fetched_at=case(
                    (CalendarSubscription.last_fetched_at.is_(None), last),
                    (CalendarSubscription.last_fetched_at < last, last),
                    else_=CalendarSubscription.last_fetched_at,
                ),
            )
        )
    return len(fresh)
