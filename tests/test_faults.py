"""Faults: two worker processes under fifty writers, and a kill -9 in the middle of it.

On SQLite and on PostgreSQL (a fresh database made through the admin URL, as tests/conftest.py does),
the real service runs as it does in production: `courtjourney init`, `courtjourney demo`, API tokens
from `courtjourney users token EMAIL` for the demo workers, then `courtjourney serve --workers 2` in a
subprocess on a free port, in its own process group. Fifty clients, each with its own connection, make
mixed writes through the JSON API for COURTJOURNEY_FAULT_SECONDS seconds of service (default 60, as
issue 9 asks; use 10 while developing on a small machine), half before the crash and half after it:

- new incidents (POST .../incidents), which append to each case's HMAC chain;
- hearing changes (PATCH .../hearings/{id}): moves to a new date and time, date-only moves, moves onto a
  warned list, status changes and courtroom changes, each with a reason;
- stage moves (POST .../stage-moves), always with a reason, so any target but the current stage is allowed;
- documents: parent briefings and the Witness Service pack.

Two more clients act as a parent's calendar app, polling a feed made through the API (one sends
If-None-Match as calendar apps do, one does not). Halfway through, the whole server (master and
workers) is killed with SIGKILL and started again on the same port and database; the clients carry on
throughout (a refused connection is "not sent" and tried again), and the second half is timed from the
moment the restarted server answers. A write whose answer never arrived is "unknown", never "acknowledged".

Then, with the server stopped where the database is read directly:
- every acknowledged write (2xx) is in the database: incidents, hearing changes, stage moves, documents;
- no answer was a server error; refusals are 400/409 with a plain message, and are counted;
- connections failed only while the server was down;
- every incident chain verifies (`courtjourney verify-incidents` exits 0), and no two acknowledged
  incidents of a case share a number or a chain position;
- each hearing's history replays to its current state, each acknowledged change's SEQUENCE is where the
  history puts it, and a date-only move kept the time of day the hearing had when it moved;
- in every feed fetched during the load each UID's SEQUENCE never went down, and the last feed (fetched
  the way a calendar app does, with its ETag) carries at least every acknowledged SEQUENCE.

The figures (writes acknowledged per kind, unknowns, refusals, server errors, requests per second and
the restart time) are printed; run with `-s` to see them. They are reported, never asserted on.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import re
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest

from tests import served
from tests.conftest import BACKENDS_RAN, _pg_database_url, _pg_exec, postgres_admin_url, run_async
from tests.served import CLI, ROOT, Served, free_port

FAULT_SECONDS = float(os.environ.get("COURTJOURNEY_FAULT_SECONDS", "60"))
WRITERS = 50
FEED_POLLERS = 2
LONDON = ZoneInfo("Europe/London")
SEED = int(os.environ.get("COURTJOURNEY_FAULT_SEED", "0")) or random.randrange(1, 10**6)
WORKER = "worker@demo.example"
OTHER_WORKER = "other.worker@demo.example"
OPEN_STAGES = ("risk_assessment", "disclosure", "investigation", "trial", "outcome", "post_trial")
HEARING_STATUSES = ("listed", "adjourned", "vacated", "cancelled", "completed", "ineffective")
INCIDENT_KINDS = ("threat_in_person", "messages_online", "phone_call")
HOW_KNOWN = ("saw_heard", "told", "screenshot_photo")
# Relative weights of the kinds of write each client picks from.
WEIGHTS = {"incident": 4, "hearing": 4, "stage": 2, "document": 1}
AFTER_CRASH_KINDS = ("incident", "hearing", "stage")  # each must be acknowledged after the restart too


# --------------------------------------------------------------------------------------------
# The service: started in its own process group, so kill -9 takes the master and its workers
# --------------------------------------------------------------------------------------------


def cli(env: dict[str, str], *args: str) -> str:
    return served.cli(env, *args).stdout


class Service(Served):
    """`courtjourney serve --workers 2` on one port; start, kill -9, start again, stop."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        super().__init__(env, log, workers=2, port=port)
        self.starts = 0

    def start(self, wait: float = 0) -> Service:  # noqa: ARG002 - the clients wait, with ready()
        """Launch without waiting: the writers keep running (and counting refusals) while it comes up."""
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n--- start {self.starts} ---\n".encode())
        self.launch()
        return self

    async def ready(self, limit: float = 90) -> None:
        """Wait until /health answers ok (every worker shares the socket, so one answer will do)."""
        deadline = time.monotonic() + limit
        async with httpx.AsyncClient(timeout=2) as http:
            while True:
                try:
                    if (await http.get(f"{self.base}/health")).text.strip() == "ok":
                        return
                except httpx.TransportError:
                    pass
                assert self.proc is not None
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start:\n{self.log_path.read_text()[-4000:]}")
                await asyncio.sleep(0.1)


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(backend, database URL): a SQLite file, or a fresh PostgreSQL database dropped afterwards."""
    if request.param == "sqlite":
        BACKENDS_RAN.add("sqlite")
        yield "sqlite", f"sqlite+aiosqlite:///{tmp_path / 'cj.db'}"
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL: no server answers on 127.0.0.1:5432 and COURTJOURNEY_TEST_POSTGRES_URL is not set")
    name = f"cj_faults_{uuid.uuid4().hex[:10]}"
    run_async(lambda: _pg_exec(admin, f'CREATE DATABASE "{name}"'))
    BACKENDS_RAN.add("postgresql")
    try:
        yield "postgresql", _pg_database_url(admin, name)
    finally:
        run_async(lambda: _pg_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --------------------------------------------------------------------------------------------
# What the clients did and saw
# --------------------------------------------------------------------------------------------


@dataclass
class Ack:
    """One acknowledged write: what the server said it stored."""

    kind: str
    id: str
    case_id: str
    after_crash: bool
    body: dict[str, Any]
    op: str
    path: str

    @property
    def hearing_id(self) -> str:
        return self.path.split("/")[5]


@dataclass
class Ledger:
    acks: list[Ack] = field(default_factory=list)
    unknown: list[tuple[str, float, float, str]] = field(default_factory=list)  # kind, started, ended, error
    not_sent: Counter[str] = field(default_factory=Counter)  # refused connections: nothing reached the server
    refused: Counter[str] = field(default_factory=Counter)
    refusal_messages: Counter[str] = field(default_factory=Counter)
    bad_refusals: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    requests: int = 0
    feed_fetches: Counter[int] = field(default_factory=Counter)
    feed_problems: list[str] = field(default_factory=list)
    killed_at: float | None = None
    ready_again_at: float | None = None


@dataclass
class Plan:
    """What the demo gave us, as read through the API."""

    base: str
    tokens: dict[str, str]
    cases: list[tuple[str, str]]  # (case id, token of its worker)
    hearings: list[tuple[str, str]]  # (case id, hearing id)
    briefable: list[tuple[str, str]]  # hearings someone is going to
    trials: list[tuple[str, str]]  # trials in a case with the Witness Service's consent
    feed_url: str
    subscription_id: str


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def discover(base: str, tokens: dict[str, str]) -> Plan:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        cases: list[tuple[str, str]] = []
        hearings, briefable, trials = [], [], []
        feed_case = feed_member = None
        for who in ("worker", "other"):
            listed = (await http.get("/api/cases/", headers=bearer(tokens[who]))).json()
            for case in listed:
                cases.append((case["id"], tokens[who]))
                for h in (await http.get(f"/api/cases/{case['id']}/hearings", headers=bearer(tokens[who]))).json():
                    hearings.append((case["id"], h["id"]))
                    going = [a for a in h["attendance"] if a["attendance"] in {"needed", "attending"}]
                    if going:
                        briefable.append((case["id"], h["id"]))
                        feed_case, feed_member = case["id"], going[0]["family_member_id"]
                        if h["hearing_type"] == "trial":
                            trials.append((case["id"], h["id"]))
        assert [c for c in cases if c[1] == tokens["worker"]] and [c for c in cases if c[1] == tokens["other"]], cases
        assert briefable and trials and feed_case, "the demo should give one case hearings that a parent goes to, and a trial"
        made = await http.post(f"/api/cases/{feed_case}/subscriptions", headers=bearer(tokens["worker"]),
                               json={"family_member_id": feed_member, "privacy": "standard"})
        assert made.status_code == 201, made.text
        feed_url = f"{base}/calendar/{made.json()['token']}.ics"
    return Plan(base, tokens, cases, hearings, briefable, trials, feed_url, made.json()["subscription"]["id"])


def token_for(plan: Plan, case_id: str) -> str:
    return next(token for cid, token in plan.cases if cid == case_id)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def next_write(rng: random.Random, plan: Plan, client: int, n: int) -> tuple[str, str, str, str, str, dict[str, Any] | None]:
    """(kind, op, method, path, token, body) of one random write."""
    kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    tag = f"client {client} write {n}"
    if kind == "incident":
        case_id, token = rng.choice(plan.cases)
        when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=rng.randint(1, 72))
        body = {"narrative": f"A car waited outside the house again ({tag}).", "occurred_from": when.isoformat(),
                "kind": rng.choice(INCIDENT_KINDS), "how_known": rng.choice(HOW_KNOWN)}
        return kind, "record", "POST", f"/api/cases/{case_id}/incidents", token, body
    if kind == "stage":
        case_id, token = rng.choice(plan.cases)
        body = {"to_stage": rng.choice(OPEN_STAGES), "reason": f"The family's situation changed ({tag})."}
        return kind, "move", "POST", f"/api/cases/{case_id}/stage-moves", token, body
    if kind == "document":
        if rng.random() < 0.5:
            case_id, hearing_id = rng.choice(plan.briefable)
            return kind, "briefings", "POST", f"/api/cases/{case_id}/hearings/{hearing_id}/briefings", token_for(plan, case_id), None
        case_id, hearing_id = rng.choice(plan.trials)
        body = {"separate_entrance": rng.random() < 0.5, "separate_waiting": True}
        return kind, "witness_pack", "POST", f"/api/cases/{case_id}/hearings/{hearing_id}/witness-pack", token_for(plan, case_id), body
    case_id, hearing_id = rng.choice(plan.hearings)
    path, token = f"/api/cases/{case_id}/hearings/{hearing_id}", token_for(plan, case_id)
    today = dt.date.today()
    day = today + dt.timedelta(days=rng.randint(7, 700))
    reason = f"The court listed it again ({tag})."
    op = rng.choice(["move", "move", "move_date", "warned", "status", "courtroom"])
    if op == "move":
        start = rng.choice(["09:30", "10:00", "10:30", "11:00", "14:00", "14:30"])
        end = f"{int(start[:2]) + 1:02d}{start[2:]}"
        body = {"listing": rng.choice(["fixed", "floating"]), "date": day.isoformat(), "start_time": start, "end_time": end,
                "reason": reason}
    elif op == "move_date":  # only the date: the time of day must stay as it is
        body = {"date": day.isoformat(), "reason": reason}
    elif op == "warned":
        first = monday(day)
        body = {"listing": "warned", "window_start": first.isoformat(), "window_end": (first + dt.timedelta(days=11)).isoformat(),
                "reason": reason}
    elif op == "status":
        body = {"status": rng.choice(HEARING_STATUSES), "status_reason": f"The court said so ({tag}).", "reason": reason}
    else:
        body = {"courtroom": f"Court {rng.randint(1, 30)}", "reason": reason}
    return "hearing", op, "PATCH", path, token, body


def record_answer(ledger: Ledger, kind: str, op: str, path: str, answer: httpx.Response) -> None:
    ledger.requests += 1
    status = answer.status_code
    if status >= 500:
        ledger.server_errors.append(f"{kind}/{op}: {status} {answer.text[:300]}")
        return
    if status >= 300:
        ledger.refused[f"{kind}/{op}/{status}"] += 1
        try:
            body = answer.json()
        except ValueError:
            body = {}
        message = body.get("detail") if isinstance(body, dict) else None
        errors = body.get("errors") if isinstance(body, dict) else None
        if status not in {400, 409} or not message:
            ledger.bad_refusals.append(f"{kind}/{op}: {status} {answer.text[:300]}")
        else:
            ledger.refusal_messages[f"{kind}/{op}: " + "; ".join(f"{k}: {v}" for k, v in sorted((errors or {}).items()))[:200]] += 1
        return
    after = ledger.killed_at is not None
    body = answer.json()
    for item in body if isinstance(body, list) else [body]:
        ledger.acks.append(Ack(kind, item["id"], path.split("/")[3], after, item, op, path))


def carry_on(ledger: Ledger, half: float) -> bool:
    """Half the run before the kill, and half again from the moment the restarted server answers."""
    return ledger.ready_again_at is None or time.monotonic() < ledger.ready_again_at + half


async def writer(client: int, plan: Plan, ledger: Ledger, half: float) -> None:
    rng = random.Random(SEED * 1000 + client)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with httpx.AsyncClient(base_url=plan.base, timeout=httpx.Timeout(120), limits=limits) as http:
        n = 0
        while carry_on(ledger, half):
            n += 1
            kind, op, method, path, token, body = next_write(rng, plan, client, n)
            started = time.monotonic()
            try:
                answer = await http.request(method, path, headers=bearer(token), json=body)
            except httpx.ConnectError:
                # Nothing was sent (the server is down): not a write at all. Try again shortly.
                ledger.not_sent[kind] += 1
                await asyncio.sleep(0.2)
                continue
            except httpx.TransportError as exc:
                # No answer: the write may or may not have happened. Carry on, as a real client would.
                ledger.unknown.append((kind, started, time.monotonic(), type(exc).__name__))
                await asyncio.sleep(0.2)
                continue
            record_answer(ledger, kind, op, path, answer)


def feed_sequences(body: bytes) -> dict[str, int]:
    cal = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): int(e.get("SEQUENCE", 0)) for e in cal.walk("VEVENT")}


@dataclass
class FeedReader:
    """A parent's calendar app: keeps the last body, and (if conditional) sends its ETag back."""

    conditional: bool
    etag: str | None = None
    body: bytes | None = None
    seen: dict[str, int] = field(default_factory=dict)
    answered: int = 0  # fetches the server answered (each one counted in its subscription)
    unanswered: int = 0  # fetches sent whose answer never came (counted or not)

    async def fetch(self, http: httpx.AsyncClient, url: str, ledger: Ledger) -> None:
        headers = {"If-None-Match": self.etag} if self.conditional and self.etag else {}
        try:
            answer = await http.get(url, headers=headers)
        except httpx.ConnectError:
            raise
        except httpx.TransportError:
            self.unanswered += 1
            raise
        ledger.feed_fetches[answer.status_code] += 1
        self.answered += answer.status_code in {200, 304}
        if answer.status_code == 304:
            assert self.body is not None
            return
        if answer.status_code != 200:
            ledger.feed_problems.append(f"feed answered {answer.status_code}: {answer.text[:200]}")
            return
        self.etag, self.body = answer.headers.get("etag"), answer.content
        for uid, sequence in feed_sequences(answer.content).items():
            if sequence < self.seen.get(uid, -1):
                ledger.feed_problems.append(f"{uid}: SEQUENCE went down from {self.seen[uid]} to {sequence}")
            self.seen[uid] = max(sequence, self.seen.get(uid, -1))


async def feed_poller(reader: FeedReader, plan: Plan, ledger: Ledger, half: float) -> None:
    async with httpx.AsyncClient(timeout=httpx.Timeout(120)) as http:
        while carry_on(ledger, half):
            try:
                await reader.fetch(http, plan.feed_url, ledger)
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.3)


async def crash_in_the_middle(service: Service, ledger: Ledger, at: float) -> None:
    await asyncio.sleep(max(0.0, at - time.monotonic()))
    ledger.killed_at = time.monotonic()
    service.kill()
    service.start()
    await service.ready()
    ledger.ready_again_at = time.monotonic()


async def load(service: Service, plan: Plan, ledger: Ledger, readers: list[FeedReader]) -> float:
    """The load, with the crash halfway: returns the seconds the clients ran for (the restart included)."""
    started = time.monotonic()
    half = FAULT_SECONDS / 2
    await asyncio.gather(
        *(writer(n, plan, ledger, half) for n in range(WRITERS)),
        *(feed_poller(r, plan, ledger, half) for r in readers),
        crash_in_the_middle(service, ledger, started + half),
    )
    return time.monotonic() - started


# --------------------------------------------------------------------------------------------
# Reading back what was stored
# --------------------------------------------------------------------------------------------


def as_time(value: Any) -> Any:
    """ISO datetimes as aware datetimes (the API and the stored history spell them differently)."""
    if isinstance(value, str) and re.match(r"^\d{4}-\d\d-\d\dT", value):
        return dt.datetime.fromisoformat(value).astimezone(dt.UTC)
    return value


HISTORY_FIELDS = ("listing", "starts_at", "ends_at", "window_start", "window_end", "court_name", "court_town",
                  "court_address", "courtroom", "status", "status_reason", "hearing_type")


async def read_hearings(plan: Plan) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each hearing as it now stands, and its history, through the API."""
    out = {}
    async with httpx.AsyncClient(base_url=plan.base, timeout=60) as http:
        for case_id, hearing_id in plan.hearings:
            headers = bearer(token_for(plan, case_id))
            now = (await http.get(f"/api/cases/{case_id}/hearings/{hearing_id}", headers=headers)).json()
            history = (await http.get(f"/api/cases/{case_id}/hearings/{hearing_id}/changes", headers=headers)).json()
            out[hearing_id] = (now, history)
    return out


def check_hearing(hearing_id: str, now: dict[str, Any], history: list[dict[str, Any]], acks: list[Ack]) -> list[str]:
    problems = []
    by_id = {c["id"]: c for c in history}
    state: dict[str, Any] = {}
    for n, change in enumerate(history):
        for key, (old, new) in change["changes"].items():
            if n and key in state and as_time(old) != as_time(state[key]):
                problems.append(f"hearing {hearing_id}: change {change['id']} says {key} was {old}, the one before left {state[key]}")
            state[key] = new
    for key in HISTORY_FIELDS:
        if key in state and as_time(state[key]) != as_time(now.get(key)):
            problems.append(f"hearing {hearing_id}: {key} is {now.get(key)} but its history ends at {state[key]}")
    if history and now["sequence"] != history[-1]["sequence"]:
        problems.append(f"hearing {hearing_id}: SEQUENCE is {now['sequence']}, its history ends at {history[-1]['sequence']}")
    for ack in acks:
        stored = by_id.get(ack.id)
        if stored is None:
            problems.append(f"hearing {hearing_id}: acknowledged change {ack.id} is not in its history")
            continue
        if stored["sequence"] != ack.body["sequence"]:
            problems.append(f"hearing {hearing_id}: change {ack.id} was acknowledged with SEQUENCE {ack.body['sequence']}, "
                            f"its history puts it at {stored['sequence']}")
        if ack.op == "move_date" and "starts_at" in stored["changes"]:
            old, new = (as_time(v) for v in stored["changes"]["starts_at"])
            if old is not None and new is not None and old.astimezone(LONDON).time() != new.astimezone(LONDON).time():
                problems.append(f"hearing {hearing_id}: a date-only move (change {ack.id}) changed the time of day "
                                f"from {old.astimezone(LONDON):%H:%M} to {new.astimezone(LONDON):%H:%M}")
    return problems


async def stored_ids(url: str, spool: Path | None = None) -> dict[str, Any]:
    """Ids of what is stored, read directly from the database with the server stopped (and the calendar
    poll journals still in `spool`: none, once the server has stopped cleanly)."""
    from sqlalchemy import select

    from courtjourney.accounts.models import AuditEvent
    from sqlalchemy.ext.asyncio import create_async_engine

    from courtjourney.cases.models import StageMove
    from courtjourney.documents.models import ProducedDocument
    from courtjourney.hearings.models import CalendarSubscription, Hearing, HearingChange
    from courtjourney.threats.models import ChainLink, Incident

    engine = create_async_engine(url)
    try:
        async with engine.connect() as db:

            async def rows(*columns: Any) -> list[Any]:
                return list((await db.execute(select(*columns))).all())

            return {
                "incident": {str(i): (str(c), n) for i, c, n in await rows(Incident.id, Incident.case_id, Incident.number)},
                "links": {str(e) for e, in await rows(ChainLink.entry_id)},
                "hearing": {str(i): str(h) for i, h in await rows(HearingChange.id, HearingChange.hearing_id)},
                "stage": {str(i): (str(c), s) for i, c, s in await rows(StageMove.id, StageMove.case_id, StageMove.to_stage)},
                "document": {str(i): sha for i, sha in await rows(ProducedDocument.id, ProducedDocument.sha256)},
                "uids": {str(i): (u, s) for i, u, s in await rows(Hearing.id, Hearing.uid, Hearing.sequence)},
                "fetches": {str(i): n for i, n in await rows(CalendarSubscription.id, CalendarSubscription.fetch_count)},
                "fetched_events": Counter(str(t) for t, in (await db.execute(
                    select(AuditEvent.target_id).where(AuditEvent.action == "calendar.fetched"))).all()),
                "spool_left": sorted(p.name for p in spool.glob("*.jsonl")) if spool is not None else [],
            }
    finally:
        await engine.dispose()


def lost_writes(acks: list[Ack], stored: dict[str, Any]) -> list[str]:
    lost = []
    for ack in acks:
        if ack.kind == "incident":
            row = stored["incident"].get(ack.id)
            if row != (ack.case_id, ack.body["number"]) or ack.id not in stored["links"]:
                lost.append(f"incident {ack.id} (number {ack.body['number']}): stored as {row}, linked: {ack.id in stored['links']}")
        elif ack.kind == "hearing":
            if ack.id not in stored["hearing"]:
                lost.append(f"hearing change {ack.id}")
        elif ack.kind == "stage":
            if stored["stage"].get(ack.id) != (ack.case_id, ack.body["to_stage"]):
                lost.append(f"stage move {ack.id} to {ack.body['to_stage']}: stored as {stored['stage'].get(ack.id)}")
        elif stored["document"].get(ack.id) != ack.body["sha256"]:
            lost.append(f"document {ack.id}")
    return lost


ROWS_PER_WRITE = {"incident": 1, "hearing": 1, "stage": 1, "document": 2}  # a briefing per family member going


def unacknowledged_rows(acks: list[Ack], before: dict[str, Any], after: dict[str, Any]) -> Counter[str]:
    """Rows of each kind added during the load that no acknowledged write accounts for."""
    return Counter({kind: len(set(after[kind]) - set(before[kind]) - {a.id for a in acks if a.kind == kind})
                    for kind in ROWS_PER_WRITE})


def duplicate_places(acks: list[Ack]) -> list[str]:
    """Two acknowledged incidents of one case with the same number or chain position."""
    seen: dict[tuple[str, str, int], str] = {}
    clashes = []
    for ack in (a for a in acks if a.kind == "incident"):
        for what in ("number", "chain_position"):
            key = (ack.case_id, what, ack.body[what])
            if key in seen:
                clashes.append(f"incidents {seen[key]} and {ack.id} share {what} {ack.body[what]}")
            seen[key] = ack.id
    return clashes


# --------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------


def test_two_workers_under_fifty_writers_lose_nothing_even_through_a_kill_9(database: tuple[str, str], tmp_path: Path) -> None:
    backend, url = database
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURTJOURNEY_")}
    env.update({"COURTJOURNEY_DATABASE_URL": url, "COURTJOURNEY_KEY_FILE": str(tmp_path / "secret.key"),
                "COURTJOURNEY_SECURE_COOKIES": "false"})
    cli(env, "init")
    cli(env, "demo")
    tokens = {who: cli(env, "users", "token", email, "--name", "fault test").strip().splitlines()[-1]
              for who, email in (("worker", WORKER), ("other", OTHER_WORKER))}
    assert all(t.startswith("cjapi_") for t in tokens.values()), tokens
    demo = asyncio.run(stored_ids(url))
    service = Service(env, free_port(), tmp_path / "serve.log")
    ledger = Ledger()
    readers = [FeedReader(conditional=True), FeedReader(conditional=False)]

    async def run() -> tuple[float, Plan, dict[str, Any], FeedReader]:
        service.start()
        await service.ready()
        plan = await discover(service.base, tokens)
        seconds = await load(service, plan, ledger, readers)
        hearings = await read_hearings(plan)
        # The load is over: the calendar app asks once more, with its ETag, as it would an hour later.
        last = readers[0]
        async with httpx.AsyncClient(timeout=60) as http:
            await last.fetch(http, plan.feed_url, ledger)
        return seconds, plan, hearings, last

    try:
        seconds, plan, hearings, last = asyncio.run(run())
    finally:
        service.stop()
    verified = subprocess.run(CLI + ["verify-incidents"], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
                              check=False)
    stored = asyncio.run(stored_ids(url, tmp_path / "spool" / "polls"))

    acks = ledger.acks
    per_kind = Counter(a.kind for a in acks)
    after_crash = Counter(a.kind for a in acks if a.after_crash)
    unknown = Counter(u[0] for u in ledger.unknown)
    restart = (ledger.ready_again_at or 0) - (ledger.killed_at or 0)
    landed = unacknowledged_rows(acks, demo, stored)
    print(f"\n[{backend}] {seconds:.0f} s, {WRITERS} writers, 2 workers, seed {SEED}: {ledger.requests} answers "
          f"({ledger.requests / (seconds - restart):.1f}/s while up); acknowledged {dict(per_kind)} ({dict(after_crash)} after the crash); "
          f"unknown {dict(unknown)} (stored all the same: {dict(landed)}); not sent while down {sum(ledger.not_sent.values())}; refused {dict(ledger.refused)}; "
          f"server errors {len(ledger.server_errors)}; "
          f"feed fetches {dict(ledger.feed_fetches)}; restart after kill -9 took {restart:.1f} s")
    for message, count in ledger.refusal_messages.most_common(8):
        print(f"  refused x{count}: {message}")

    assert ledger.killed_at is not None and ledger.ready_again_at is not None, "the server was not killed and restarted"
    assert not ledger.server_errors, f"{len(ledger.server_errors)} server errors, e.g.:\n" + "\n".join(ledger.server_errors[:5])
    assert not ledger.bad_refusals, "refusals that were not a plain 400/409:\n" + "\n".join(ledger.bad_refusals[:5])
    log = service.log_path.read_text()
    trouble = [i for i in (log.find("Traceback"), log.find("database is locked")) if i >= 0]
    assert not trouble, f"the server logged errors:\n{log[min(trouble or [0]):][:4000]}"
    assert all(per_kind[k] for k in WEIGHTS), f"some kind of write was never acknowledged: {dict(per_kind)}"
    assert all(after_crash[k] for k in AFTER_CRASH_KINDS), f"writes stopped after the restart: {dict(after_crash)}"
    outside = [u for u in ledger.unknown if not (u[2] >= ledger.killed_at and u[1] <= ledger.ready_again_at)]
    assert not outside, f"connections failed while the server was up: {outside[:5]}"

    lost = lost_writes(acks, stored)
    assert not lost, f"{len(lost)} acknowledged writes are not in the database:\n" + "\n".join(lost[:10])
    for kind, most in ROWS_PER_WRITE.items():
        assert landed[kind] <= unknown[kind] * most, (
            f"{landed[kind]} {kind} rows were stored without an acknowledgement, but only {unknown[kind]} went unanswered: "
            "a refused or failed write was kept")
    clashes = duplicate_places(acks)
    assert not clashes, "\n".join(clashes[:10])
    assert verified.returncode == 0, f"verify-incidents:\n{verified.stdout}\n{verified.stderr}"
    assert "all intact" in verified.stdout

    changes = [a for a in acks if a.kind == "hearing"]
    problems = []
    for _case_id, hearing_id in plan.hearings:
        now, history = hearings[hearing_id]
        problems += check_hearing(hearing_id, now, history, [a for a in changes if a.hearing_id == hearing_id])
    assert not problems, "\n".join(problems[:10])

    assert not ledger.feed_problems, "\n".join(ledger.feed_problems[:10])
    answered, unanswered = sum(r.answered for r in readers), sum(r.unanswered for r in readers)
    counted = stored["fetches"][plan.subscription_id]
    assert answered <= counted <= answered + unanswered, f"{answered} fetches answered ({unanswered} unanswered), {counted} counted"
    # Polls are journalled, not written per request (hearings/polls.py): those answered before the kill -9
    # were replayed by the restarted server, each once, so the trail holds one event for every poll counted.
    assert stored["fetched_events"][plan.subscription_id] == counted, (
        f"{counted} fetches counted, {stored['fetched_events'][plan.subscription_id]} in the audit trail")
    assert stored["spool_left"] == [], f"journals left after a clean stop: {stored['spool_left']}"
    assert last.body is not None
    final = feed_sequences(last.body)
    in_the_feed = {h for _c, h in plan.briefable}
    for hearing_id, (uid, sequence) in stored["uids"].items():
        acked = [a.body["sequence"] for a in changes if a.hearing_id == hearing_id]
        if not acked:
            continue
        assert sequence >= max(acked), f"hearing {hearing_id} is at SEQUENCE {sequence}, below an acknowledged {max(acked)}"
        if hearing_id in in_the_feed:
            assert final.get(uid, -1) >= max(acked), (
                f"the parent's calendar shows {uid} at SEQUENCE {final.get(uid)}, below the acknowledged {max(acked)}")
