#!/usr/bin/env python
"""Calendar feed benchmark: build times in process, and requests per second over real HTTP.

    make bench                                   # full size: 1,000 cases, 20,000 hearings
    .venv/bin/python bench/feeds.py --cases 100  # a quick run (2,000 hearings)
    .venv/bin/python bench/feeds.py --postgres   # the same on a fresh PostgreSQL database

What it does, in one run:

1. Generates a caseload in a fresh, migrated database (a temporary SQLite file, or with --postgres a
   new PostgreSQL database that is dropped afterwards): one team of workers, each assigned to
   --cases-per-worker cases; each case with one proceeding, one parent and --hearings-per-case
   hearings that the parent attends or follows. The bulk is inserted directly (the rows are the ones
   the services would write, encrypted columns included); the two subscriptions measured are made
   through the services: one parent's discreet feed (their case's hearings) and one worker's own
   feed (every hearing of their cases).
2. Times feeds.build_for() for both subscriptions, each call in a new session like a request.
3. Serves the app with uvicorn in a subprocess (as `courtjourney serve` does, one process) and a
   minimal Litestar app (bench/floor_app.py) the same way, then drives both with the same client
   (wrk when installed, else a small keep-alive HTTP/1.1 client in this file). Targets are taken
   in turn, for several rounds, so drift on a shared machine hits all of them alike; each feed
   figure is divided by the floor measured in the same round.

No assertions on time anywhere: this prints a table. It never touches var/ or the tests' databases.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import datetime as dt
import http.client
import io
import json
import os
import platform
import pstats
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # measure this checkout's code, whatever is installed
DEFAULT_PG_ADMIN = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
TOWNS = (
    "Northtown", "Southport Vale", "Eastbury", "Westford", "Millbridge", "Harbourside",
    "Kingsmead", "Ashby Cross", "Fenwick", "Lowmoor", "Greyhaven", "Oakridge",
)


# --- set-up: settings, database --------------------------------------------------------------------


def configure(database_url: str, tmp: Path) -> Any:
    """Point courtjourney (this process and the servers started from it) at the bench database."""
    os.environ.update({
        "COURTJOURNEY_DATABASE_URL": database_url,
        "COURTJOURNEY_SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
        "COURTJOURNEY_KEY_FILE": str(tmp / "secret.key"),
        "COURTJOURNEY_DEBUG": os.environ.get("BENCH_DEBUG", "false"),
    })
    from courtjourney import settings as settings_module

    settings_module.use_settings(None)  # read the environment just set
    settings = settings_module.get_settings()
    assert settings.secret_key_env and settings.database_url == database_url
    return settings


async def _pg_exec(admin_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn=admin_url.replace("+asyncpg", ""))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextlib.contextmanager
def database(args: argparse.Namespace, tmp: Path) -> Iterator[tuple[str, str]]:
    """Yield (url, description) of a fresh, empty database; drop it afterwards (PostgreSQL)."""
    if not args.postgres:
        path = tmp / "bench.db"
        yield f"sqlite+aiosqlite:///{path}", "SQLite (temporary file)"
        return
    name = f"cj_bench_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_exec(args.postgres, f'CREATE DATABASE "{name}"'))
    url = urlsplit(args.postgres)._replace(path=f"/{name}").geturl()
    try:
        yield url, f"PostgreSQL ({urlsplit(args.postgres).hostname}, database {name}, dropped afterwards)"
    finally:
        asyncio.run(_pg_exec(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- the caseload ---------------------------------------------------------------------------------


@dataclass
class World:
    parent_sub: uuid.UUID
    parent_token: str
    parent_hearings: int
    worker_sub: uuid.UUID
    worker_token: str
    worker_hearings: int
    cases: int
    hearings: int
    workers: int
    seconds: float


def courts(towns: tuple[str, ...] = TOWNS, youth: bool = False) -> list[dict[str, str]]:
    """Fictional courts: a Crown Court and a magistrates' court (and a youth court) in each town (also used by bench/scale.py)."""
    found = []
    for n, town in enumerate(towns, start=1):
        found.append({"court_name": f"{town} Crown Court", "court_town": town,
                      "court_address": f"{n} Court Street, {town} XX{n} 1AA", "court_type": "crown"})
        found.append({"court_name": f"{town} Magistrates' Court", "court_town": town,
                      "court_address": f"{n} Market Square, {town} XX{n} 2BB", "court_type": "magistrates"})
        if youth:
            found.append({"court_name": f"{town} Youth Court", "court_town": town,
                          "court_address": f"{n} Market Square, {town} XX{n} 2BB", "court_type": "youth"})
    return found


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def schedule(rng: random.Random, day: dt.date, listing: str) -> dict[str, Any]:
    """When a generated hearing is (also used by bench/scale.py): a warned list's window of days, or a
    start at 10:00 or 14:00 UK time and, for most, an expected end."""
    from courtjourney.i18n import LONDON

    row: dict[str, Any] = {"starts_at": None, "ends_at": None, "window_start": None, "window_end": None}
    if listing == "warned":
        row.update(window_start=day, window_end=day + dt.timedelta(days=rng.randint(4, 13)))
    else:
        start = dt.datetime.combine(day, dt.time(rng.choice((10, 10, 14))), tzinfo=LONDON)
        row["starts_at"] = start.astimezone(dt.UTC)
        if rng.random() < 0.6:
            row["ends_at"] = (start + dt.timedelta(hours=rng.choice((1, 3, 6)))).astimezone(dt.UTC)
    return row


def _hearing_row(rng: random.Random, case_id: uuid.UUID, proceeding_id: uuid.UUID, court: dict[str, str],
                 courts: list[dict[str, str]], today: dt.date, now: dt.datetime) -> dict[str, Any]:
    from courtjourney.hearings import forms

    listing = rng.choices(("fixed", "floating", "warned"), (70, 15, 15))[0]
    day = _weekday(today + dt.timedelta(days=rng.randint(-200, 400)))
    row = schedule(rng, day, listing)
    if day < today:
        status = rng.choices(("completed", "adjourned", "ineffective", "vacated"), (85, 8, 4, 3))[0]
    else:
        status = rng.choices(("listed", "moved", "vacated", "adjourned"), (80, 12, 4, 4))[0]
    not_happening = status in forms.NOT_HAPPENING
    # Cancelled ones are recent, so every hearing queried is also an event in the feed.
    cancelled_at = now - dt.timedelta(hours=rng.randint(1, 24 * 10)) if not_happening else None
    sequence = rng.randint(1, 3) if status == "moved" else (rng.randint(1, 2) if not_happening else 0)
    where = court if rng.random() < 0.9 else rng.choice(courts)
    row.update(
        id=_uuid7(),
        case_id=case_id,
        proceeding_id=proceeding_id,
        uid=f"{uuid.uuid4()}@courtjourney",
        hearing_type=rng.choice(("first_appearance", "preliminary", "ptph", "mention", "ground_rules", "section_28",
                                 "trial", "trial", "sentencing", "other")),
        listing=listing,
        court_name=where["court_name"],
        court_town=where["court_town"],
        court_address=where["court_address"],
        courtroom=f"Court {rng.randint(1, 12)}" if listing != "floating" and rng.random() < 0.7 else None,
        status=status,
        status_reason="The court had no judge free that day." if not_happening else None,
        accompanied_by="Your ISVA and your support worker" if rng.random() < 0.2 else None,
        arrival_notes=("Use the side entrance on Church Lane and ask for the Witness Service at the front desk. "
                       "There is a quiet room on the first floor.") if rng.random() < 0.3 else None,
        sequence=sequence,
        revised_at=cancelled_at or now - dt.timedelta(days=rng.randint(1, 300), seconds=rng.randint(0, 86399)),
        cancelled_at=cancelled_at,
    )
    return row


def _uuid7() -> uuid.UUID:
    """The models' own id scheme (time-ordered UUIDv7), as the services would get by default."""
    from advanced_alchemy.mixins.uuid import uuid7

    value = uuid7()
    return value if type(value) is uuid.UUID else uuid.UUID(bytes=value.bytes)


async def _insert(db: Any, model: Any, rows: list[dict[str, Any]], chunk: int = 2000) -> None:
    from sqlalchemy import insert

    for i in range(0, len(rows), chunk):
        await db.execute(insert(model), rows[i:i + chunk])


async def generate(settings: Any, n_cases: int, per_case: int, per_worker: int, seed: int) -> World:
    """Bulk-insert the caseload, then make the two measured subscriptions through the services."""
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from courtjourney.accounts.credentials import hash_password
    from courtjourney.accounts.models import Team, User
    from courtjourney.cases.journey import Stage
    from courtjourney.cases.models import Case, CaseWorker, FamilyMember, StageMove
    from courtjourney.db.engine import make_engine
    from courtjourney.accounts.audit import Actor
    from courtjourney.hearings import services
    from courtjourney.hearings.models import Attendance, Hearing, HearingChange, Proceeding

    started = time.perf_counter()
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = now.date()
    known_courts = courts()
    n_workers = max(1, -(-n_cases // per_worker))
    team_id = _uuid7()
    password_hash = hash_password(secrets.token_urlsafe(16))  # one hash for all: nobody signs in here
    users = [{"id": _uuid7(), "email": f"worker{i:04d}@bench.example", "full_name": f"Bench Worker {i}",
              "password_hash": password_hash, "role": "worker", "team_id": team_id, "locale": "en"}
             for i in range(n_workers)]
    cases: list[dict[str, Any]] = []
    case_workers: list[dict[str, Any]] = []
    moves: list[dict[str, Any]] = []
    proceedings: list[dict[str, Any]] = []
    members: list[dict[str, Any]] = []
    hearings: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    attendance: list[dict[str, Any]] = []
    stages = [Stage.RISK_ASSESSMENT, Stage.DISCLOSURE, Stage.INVESTIGATION, Stage.TRIAL]
    for c in range(n_cases):
        worker = users[c // per_worker]
        case_id = _uuid7()
        opened = now - dt.timedelta(days=rng.randint(300, 700))
        cases.append({"id": case_id, "reference": f"CJ-{today.year}-{c + 1:04d}", "team_id": team_id,
                      "child_name": f"Child {c}", "child_birth_date": dt.date(2012, 1, 1 + c % 28).isoformat(),
                      "created_by_id": worker["id"]})
        case_workers.append({"id": _uuid7(), "case_id": case_id, "user_id": worker["id"]})
        for i, stage in enumerate(stages):
            moves.append({"id": _uuid7(), "case_id": case_id, "from_stage": stages[i - 1].value if i else None,
                          "to_stage": stage.value, "kind": "forward" if i else "start",
                          "moved_at": opened + dt.timedelta(days=30 * i), "moved_by_id": worker["id"]})
        court = rng.choice(known_courts)
        proceeding_id = _uuid7()
        proceedings.append({"id": proceeding_id, "case_id": case_id, **court, "urn": f"{c:02d}AB{rng.randint(0, 9999999):07d}",
                            "defendants": "Defendant A", "status": "active"})
        member_id = _uuid7()
        members.append({"id": member_id, "case_id": case_id, "name": f"Parent {c}", "relationship_to_child": "mother",
                        "preferred_language": "en", "is_witness": rng.random() < 0.3})
        for _ in range(per_case):
            row = _hearing_row(rng, case_id, proceeding_id, court, known_courts, today, now)
            hearings.append(row)
            listed = {k: [None, v.isoformat() if isinstance(v, dt.date) else v]
                      for k, v in row.items() if k in services.TRACKED and v is not None}
            changes.append({"id": _uuid7(), "case_id": case_id, "hearing_id": row["id"], "kind": "listed",
                            "changes": json.dumps(listed), "changed_at": row["revised_at"], "changed_by_id": worker["id"],
                            "known_at": row["revised_at"]})
            attendance.append({"id": _uuid7(), "case_id": case_id, "hearing_id": row["id"], "family_member_id": member_id,
                               "attendance": rng.choice(("needed", "attending", "following"))})

    engine = make_engine(settings)
    try:
        maker = async_sessionmaker(engine, expire_on_commit=False)
        async with maker() as db, db.begin():
            await _insert(db, Team, [{"id": team_id, "name": "Bench Hub"}])
            for model, rows in ((User, users), (Case, cases), (CaseWorker, case_workers), (StageMove, moves),
                                (Proceeding, proceedings), (FamilyMember, members), (Hearing, hearings),
                                (HearingChange, changes), (Attendance, attendance)):
                await _insert(db, model, rows)
        # The subscriptions measured: through the services, as the pages make them.
        async with maker() as db, db.begin():
            worker = await db.get(User, users[0]["id"])
            case = await db.get(Case, cases[0]["id"])
            assert worker is not None and case is not None
            parent_sub, parent_token = await services.subscribe(
                db, Actor.of(worker), case, {"family_member_id": members[0]["id"], "privacy": "discreet"})
            worker_sub, worker_token = await services.new_worker_subscription(db, Actor.of(worker))
            parent_count = len(list(await db.scalars(
                select(Attendance.id).where(Attendance.family_member_id == members[0]["id"]))))
            worker_count = sum(1 for h in hearings if h["case_id"] in {r["id"] for r in cases[:per_worker]})
    finally:
        await engine.dispose()
    return World(parent_sub.id, parent_token, parent_count, worker_sub.id, worker_token, worker_count,
                 len(cases), len(hearings), n_workers, time.perf_counter() - started)


# --- build times, in process ----------------------------------------------------------------------


@dataclass
class BuildResult:
    name: str
    hearings: int
    events: int
    size: int
    times: list[float]
    load: list[float]
    mapping: list[float]
    ical: list[float]


class _Stopwatch:
    """Wraps feeds.feed_event and feeds.build_feed (module globals build_for calls) to split its time."""

    def __init__(self) -> None:
        self.mapping = 0.0
        self.ical = 0.0

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        from courtjourney.hearings import feeds

        original_event, original_build = feeds.feed_event, feeds.build_feed

        def feed_event(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return original_event(*a, **k)
            finally:
                self.mapping += time.perf_counter() - t

        def build_feed(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return original_build(*a, **k)
            finally:
                self.ical += time.perf_counter() - t

        feeds.feed_event, feeds.build_feed = feed_event, build_feed  # type: ignore[assignment]
        try:
            yield
        finally:
            feeds.feed_event, feeds.build_feed = original_event, original_build  # type: ignore[assignment]


async def time_builds(settings: Any, world: World, runs: int, profile: int) -> tuple[list[BuildResult], str]:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from courtjourney.db.base import utcnow
    from courtjourney.db.engine import make_engine
    from courtjourney.hearings import feeds
    from courtjourney.hearings.models import CalendarSubscription

    engine = make_engine(settings)
    results: list[BuildResult] = []
    report = ""
    try:
        maker = async_sessionmaker(engine, expire_on_commit=False)
        now = utcnow()
        for name, sub_id, count in (("parent", world.parent_sub, world.parent_hearings),
                                    ("worker", world.worker_sub, world.worker_hearings)):
            async with maker() as db:
                sub = await db.get(CalendarSubscription, sub_id)
            assert sub is not None
            result = BuildResult(name, count, 0, 0, [], [], [], [])
            for i in range(runs + 1):  # the first call warms caches (translations, compiled SQL) and is not counted
                watch = _Stopwatch()
                with watch.installed():
                    async with maker() as db:
                        t = time.perf_counter()
                        feed = await feeds.build_for(db, sub, now)
                        elapsed = time.perf_counter() - t
                if i == 0:
                    result.events, result.size = feed.body.count(b"BEGIN:VEVENT"), len(feed.body)
                    continue
                result.times.append(elapsed)
                result.mapping.append(watch.mapping)
                result.ical.append(watch.ical)
                result.load.append(elapsed - watch.mapping - watch.ical)
            results.append(result)
            if profile and name == "worker":
                profiler = cProfile.Profile()
                for _ in range(profile):
                    async with maker() as db:
                        profiler.enable()
                        await feeds.build_for(db, sub, now)
                        profiler.disable()
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("tottime").print_stats(25)
                stats.sort_stats("cumulative").print_stats(30)
                report = out.getvalue()
    finally:
        await engine.dispose()
    return results, report


# --- servers --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(name: str, factory: str, tmp: Path, app_dir: str = ".", ready: str = "/") -> Server:
    """uvicorn in its own process, one worker, as `courtjourney serve` runs it, quiet (log level warning)."""
    port = free_port()
    log = tmp / f"{name}.log"
    cmd = [sys.executable, "-m", "uvicorn", "--factory", factory, "--app-dir", app_dir, "--host", "127.0.0.1",
           "--port", str(port), "--log-level", "warning", "--no-access-log", "--no-server-header", "--proxy-headers"]
    with log.open("wb") as out:
        # The app answers only the hosts it serves (allowed hosts): tell it the port it is served on.
        env = {**os.environ, "COURTJOURNEY_PORT": str(port)}
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    server = Server(name, port, proc, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{name} server exited:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            status, _h, _b = fetch(port, ready)
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise SystemExit(f"{name} server did not answer on port {port} within 60 s")


def fetch(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# --- load: wrk, or a small keep-alive client -------------------------------------------------------


@dataclass
class Target:
    label: str
    port: int
    path: str
    expect: int
    headers: dict[str, str] = field(default_factory=dict)
    size: int = 0
    rps: list[float] = field(default_factory=list)
    ratio: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)


@dataclass
class Load:
    requests: int
    seconds: float
    statuses: Counter[int]
    p50_ms: float
    p99_ms: float
    errors: int = 0


WRK_SCRIPT = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local merged, parts = {}, {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do merged[k] = (merged[k] or 0) + v end
  end
  for k, v in pairs(merged) do table.insert(parts, string.format('"%d": %d', k, v)) end
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(99), table.concat(parts, ", ")))
end
"""


def run_wrk(target: Target, seconds: float, concurrency: int, script: Path) -> Load:
    cmd = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "30s", "-s", str(script)]
    for k, v in target.headers.items():
        cmd += ["-H", f"{k}: {v}"]
    cmd.append(f"http://127.0.0.1:{target.port}{target.path}")
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk failed:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line[6:])
    return Load(data["requests"], data["duration_us"] / 1e6, Counter({int(k): v for k, v in data["statuses"].items()}),
                data["p50_us"] / 1000, data["p99_us"] / 1000, data["errors"])


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("server closed the connection")
    status = int(status_line.split(b" ", 2)[1])
    length, chunked = 0, False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if status in (204, 304) or 100 <= status < 200:
        return status
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _python_load(target: Target, seconds: float, concurrency: int) -> Load:
    extra = "".join(f"{k}: {v}\r\n" for k, v in target.headers.items())
    request = (f"GET {target.path} HTTP/1.1\r\nHost: 127.0.0.1:{target.port}\r\nUser-Agent: courtjourney-bench\r\n"
               f"Accept: */*\r\n{extra}\r\n").encode()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    errors = 0

    async def connection(stop_at: float) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", target.port)
        try:
            while (start := time.perf_counter()) < stop_at:
                writer.write(request)
                try:
                    status = await _read_response(reader)
                except (ConnectionError, asyncio.IncompleteReadError):
                    errors += 1
                    return
                latencies.append(time.perf_counter() - start)
                statuses[status] += 1
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    began = time.perf_counter()
    await asyncio.gather(*(connection(began + seconds) for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    pick = (lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000) if latencies else (lambda q: 0.0)
    return Load(len(latencies), elapsed, statuses, pick(0.5), pick(0.99), errors)


def run_python(target: Target, seconds: float, concurrency: int) -> Load:
    return asyncio.run(_python_load(target, seconds, concurrency))


# --- the table ------------------------------------------------------------------------------------


def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.1f}"


def _mean(values: list[float]) -> str:
    return f"{statistics.fmean(values) * 1000:,.1f}"


def _p90(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))] * 1000:,.1f}"


def print_table(rows: list[list[str]], right: set[int]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        print("  " + "  ".join(cells).rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


# --- main -----------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=1000, help="cases to generate (default 1000)")
    p.add_argument("--hearings-per-case", type=int, default=20, help="hearings in each case (default 20)")
    p.add_argument("--cases-per-worker", type=int, default=25, help="cases assigned to each worker (default 25: 500 hearings)")
    p.add_argument("--runs", type=int, default=20, help="timed build_for() calls per feed (default 20)")
    p.add_argument("--duration", type=float, default=3.0, help="seconds of load per target per round (default 3)")
    p.add_argument("--rounds", type=int, default=5, help="rounds over all targets; medians are reported (default 5)")
    p.add_argument("--concurrency", type=int, default=1, help="connections kept busy at once (default 1: sequential)")
    p.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                   help="load client: wrk if installed (auto), or the keep-alive client in this file")
    p.add_argument("--postgres", nargs="?", const=DEFAULT_PG_ADMIN, default=None, metavar="ADMIN_URL",
                   help=f"use a fresh PostgreSQL database created through ADMIN_URL (default {DEFAULT_PG_ADMIN})")
    p.add_argument("--profile", type=int, nargs="?", const=5, default=0, metavar="N",
                   help="also cProfile N worker-feed builds (default 5) and print the top functions")
    p.add_argument("--no-http", action="store_true", help="build times only; start no servers")
    p.add_argument("--seed", type=int, default=20260101, help="random seed for the generated caseload")
    return p.parse_args()


def measure_http(args: argparse.Namespace, world: World, client: str, tmp: Path, servers: list[Server]) -> list[Target]:
    """Start the floor and the app, check each feed answers 200 and then 304, and drive every target in turn."""
    floor = start_server("floor", "floor_app:create_app", tmp, app_dir=str(BENCH_DIR), ready="/floor")
    servers.append(floor)
    app = start_server("app", "courtjourney.app:create_app", tmp, ready="/health")
    servers.append(app)
    targets = [Target("floor: minimal Litestar route", floor.port, "/floor", 200, size=len(fetch(floor.port, "/floor")[2])),
               Target("app: GET /health", app.port, "/health", 200, size=len(fetch(app.port, "/health")[2]))]
    for who, token in (("parent", world.parent_token), ("worker", world.worker_token)):
        path = f"/calendar/{token}.ics"
        status, headers, body = fetch(app.port, path)
        if status != 200 or "etag" not in headers:
            raise SystemExit(f"{who} feed answered {status}:\n{body.decode(errors='replace')[-3000:]}\n{app.log.read_text(errors='replace')[-3000:]}")
        targets.append(Target(f"{who} feed, 200", app.port, path, 200, size=len(body)))
        conditional = {"If-None-Match": headers["etag"]}
        if (again := fetch(app.port, path, conditional)[0]) != 304:
            raise SystemExit(f"{who} feed with its own ETag answered {again}, not 304")
        targets.append(Target(f"{who} feed, 304", app.port, path, 304, conditional))
    script = tmp / "count.lua"
    script.write_text(WRK_SCRIPT)

    def drive(target: Target, seconds: float) -> Load:
        if client == "wrk":
            return run_wrk(target, seconds, args.concurrency, script)
        return run_python(target, seconds, args.concurrency)

    progress(f"warming up, then {args.rounds} round(s) of {len(targets)} targets x {args.duration:g} s ...")
    for target in targets:
        drive(target, 1.0)
    for r in range(args.rounds):
        floor_rps = 0.0
        for target in targets:
            load = drive(target, args.duration)
            rps = load.requests / load.seconds if load.seconds else 0.0
            floor_rps = floor_rps or rps  # the first target is the floor
            target.rps.append(rps)
            target.ratio.append(rps / floor_rps if floor_rps else 0.0)
            target.p50.append(load.p50_ms)
            target.p99.append(load.p99_ms)
            target.statuses.update(load.statuses)
            if load.errors:
                target.statuses[-1] += load.errors
        progress(f"  round {r + 1}/{args.rounds} done")
    return targets


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main() -> None:
    args = parse_args()
    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "python"
    elif client == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk); use --client python")
    load_before = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="courtjourney-bench-"))
    try:
        with database(args, tmp) as (url, db_label):
            settings = configure(url, tmp)
            from courtjourney.migrations import upgrade

            began = time.perf_counter()
            upgrade(settings)
            migrate_s = time.perf_counter() - began
            progress(f"generating {args.cases:,} cases x {args.hearings_per_case} hearings ...")
            world = asyncio.run(generate(settings, args.cases, args.hearings_per_case, args.cases_per_worker, args.seed))
            progress("timing feeds.build_for() ...")
            builds, profile = asyncio.run(time_builds(settings, world, args.runs, args.profile))
            targets: list[Target] = []
            servers: list[Server] = []
            try:
                if not args.no_http:
                    targets = measure_http(args, world, client, tmp, servers)
            finally:
                for server in servers:  # before the database goes
                    server.stop()
        report(args, world, builds, targets, db_label, client, migrate_s, (load_before, os.getloadavg()[0]))
        if profile:
            print(f"\ncProfile of {args.profile} worker-feed builds (build_for only; SQL runs in the driver's thread):\n")
            print(profile)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def report(args: argparse.Namespace, world: World, builds: list[BuildResult], targets: list[Target], db_label: str,
           client: str, migrate_s: float, load: tuple[float, float]) -> None:
    from importlib.metadata import version

    if client == "wrk":
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout.split("\n")[0].split(" [")[0]
        client_label = f"{wrk}, 1 thread"
    else:
        client_label = "bench/feeds.py keep-alive HTTP/1.1 client (asyncio)"
    print()
    print("courtjourney calendar feeds benchmark")
    print(f"  database  {db_label}: {world.cases:,} cases, {world.hearings:,} hearings, {world.workers} workers "
          f"(migrated in {migrate_s:.1f} s, generated in {world.seconds:.1f} s)")
    print(f"  machine   {os.cpu_count()} CPUs, Python {platform.python_version()}, Litestar {version('litestar')}, "
          f"Advanced Alchemy {version('advanced-alchemy')}, SQLAlchemy {version('sqlalchemy')}, icalendar {version('icalendar')}")
    busy = max(load) > (os.cpu_count() or 1) * 0.75
    print(f"            load average {load[0]:.1f} at the start, {load[1]:.1f} at the end"
          + (": other work shared the CPUs, so absolute figures suffer (ratios less)" if busy else ""))
    print()
    print(f"Building a feed: feeds.build_for() in process, new session each call, median of {args.runs} (after 1 warm-up)")
    rows = [["feed", "hearings", "events", "bytes", "median ms", "p90 ms", "mean ms", "= SQL+ORM", "+ feed_event", "+ build_feed"]]
    for b in builds:
        rows.append([f"{b.name} ({'discreet' if b.name == 'parent' else 'own caseload'})", f"{b.hearings:,}", f"{b.events:,}",
                     f"{b.size:,}", _ms(b.times), _p90(b.times), _mean(b.times), _mean(b.load), _mean(b.mapping), _mean(b.ical)])
    print_table(rows, right={1, 2, 3, 4, 5, 6, 7, 8, 9})
    print("  The mean is split into: SQL+ORM = the rest of build_for (queries, loading rows, decrypting encrypted columns);")
    print("  feed_event = choosing the words; build_feed = icalendar (components, VTIMEZONE, serialising and folding).")
    if not targets:
        return
    print()
    print(f"Serving over HTTP: uvicorn {version('uvicorn')}, one process each, log level warning; client: {client_label}, "
          f"{args.concurrency} connection(s), {args.rounds} round(s) x {args.duration:g} s per target")
    floor = statistics.median(targets[0].rps)
    rows = [["what", "status", "bytes", "req/s", "p50 ms", "p99 ms", "vs floor", "floor is x faster"]]
    for t in targets:
        ratio = statistics.median(t.ratio)
        seen = ", ".join(f"{'errors' if s == -1 else s}: {n:,}" for s, n in sorted(t.statuses.items()) if s != t.expect)
        rps = statistics.median(t.rps)
        rows.append([t.label, f"{t.expect}" + (f" (also {seen})" if seen else ""), f"{t.size:,}",
                     (f"{rps:,.0f}" if rps >= 100 else f"{rps:.1f}") if rps else "none in time",
                     f"{statistics.median(t.p50):.2f}", f"{statistics.median(t.p99):.2f}",
                     f"{ratio:.4f}" if ratio < 0.01 else f"{ratio:.3f}", f"{1 / ratio:,.0f}" if ratio else "-"])
    print_table(rows, right={2, 3, 4, 5, 6, 7})
    print(f"  req/s, latencies and ratios are medians over rounds; each ratio is against the floor of its own round "
          f"(median floor {floor:,.0f} req/s).")
    by_label = {t.label: statistics.median(t.rps) for t in targets}
    pairs = [(who, by_label.get(f"{who} feed, 304", 0.0), by_label.get(f"{who} feed, 200", 0.0)) for who in ("parent", "worker")]
    print("  304 vs 200 of the same feed: " + ", ".join(f"{who} {a / b:.2f}x" for who, a, b in pairs if b)
          + " (a 304 that saved the build would be well above 1)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
