#!/usr/bin/env python
"""Scale benchmark: the same requests on a 1,000-case service and on a national one of 100,000 cases.

    make bench-scale                                          # 1,000 and 100,000 cases (about 15 minutes)
    .venv/bin/python bench/scale.py --cases 5000 --small 500  # a quick run while developing
    .venv/bin/python bench/scale.py --keep                    # keep both databases ...
    .venv/bin/python bench/scale.py --reuse                   # ... and measure them again without refilling

What it does, in one run:

1. Fills two PostgreSQL databases (`scale_bench_<cases>`, created here, migrated with our Alembic
   migrations, dropped at the end unless --keep or --reuse): the small service (--small cases) and
   the big one (--cases). Both have the same shape per case: 10 hearings and 5 intimidation incidents
   on average, one worker per 50 cases in teams of 20 with a manager each, family members, contacts,
   a contact log (up to 30 calls and visits a case; the measured case has 400, years of support),
   consent, risk assessments, stage moves and playbook tasks, proceedings and charges, every hearing's
   change history and who attends it, special measures, calendar subscriptions, outcomes and support
   plans for cases past the trial, the audit trail and each team's local glossary entries. Every name
   is made up. Rows go in by COPY; encrypted columns hold ciphertext made by the columns' own types
   (Advanced Alchemy's EncryptedString backends, mounted once), evidence files are encrypted as
   threats.evidence does, and every incident log is a real HMAC chain made by threats.chain with the
   service's key, so pages decrypt and verify what they read exactly as in production.
2. The first three workers' 150 cases are generated identically at both sizes (each case from its own
   seeded random stream), so the measured caseload, case, feeds and briefing are the same work at both
   sizes; only the rest of the service around them differs. Worker 1 also co-works worker 2's cases,
   so it sees 100 cases against worker 0's 50: the N+1 check.
3. Builds the real app (create_app) for each database in this process and sends the requests through
   httpx's ASGI transport in the same event loop (no sockets, the app's lifespan run around it), taking
   turns between sizes and requests
   so machine noise hits both alike. The floor is a minimal Litestar route (bench/floor_app.py) sent
   the same way in the same rounds. SQL statements are counted with a before_cursor_execute event on
   each app's own engine, so guards, middleware and the request's session all count.

No assertions on time: this prints a table. It never touches var/ or the tests' databases.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import logging
import os
import platform
import queue
import random
import re
import statistics
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # measure this checkout's code, whatever is installed
sys.path.insert(0, str(BENCH_DIR))

DEFAULT_PG_ADMIN = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DB_PREFIX = "scale_bench_"
# Fictional data under a fixed, published key: a kept database can be measured again by a later run.
SECRET = "scale-bench-fictional-data-this-key-is-not-secret"
# Raise when the generated shape changes, so --reuse refills databases made by an older version.
FILL_FORMAT = 4  # 2: the keyed name index (search_token); 3: the contact log, and moved hearings' earlier dates as real dates;
# 4: each hearing change's plain day_after and went_ahead (migration 0021)
CASES_PER_WORKER = 50
WORKERS_PER_TEAM = 20
HEARINGS_PER_CASE = 10
INCIDENTS_PER_CASE = 5
AUDIT_PER_CASE = 6
LOCAL_ENTRIES_PER_TEAM = 2
FIXED_WORKERS = 3  # workers 0, 1 and 2 have the same cases at every size
CHUNK_CASES = 500  # cases generated and copied together (one transaction)


# --- settings and databases --------------------------------------------------------------------


def configure() -> Any:
    """Point courtjourney's global settings (the encrypted column types' key) at the bench key."""
    os.environ.update({
        "COURTJOURNEY_SECRET_KEY": SECRET,
        "COURTJOURNEY_DATABASE_URL": DEFAULT_PG_ADMIN,
        "COURTJOURNEY_DEBUG": os.environ.get("BENCH_DEBUG", "false"),
        "COURTJOURNEY_KEY_FILE": "/nonexistent/scale-bench.key",
    })
    from courtjourney import settings as settings_module

    settings_module.use_settings(None)  # read the environment just set
    return settings_module.get_settings()


def db_url(admin_url: str, name: str) -> str:
    return urlsplit(admin_url)._replace(path=f"/{name}").geturl()


def plain_dsn(url: str) -> str:
    return url.replace("+asyncpg", "")


async def admin_exec(admin_url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(dsn=plain_dsn(admin_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def admin_fetchval(admin_url: str, sql: str, *args: Any) -> Any:
    import asyncpg

    conn = await asyncpg.connect(dsn=plain_dsn(admin_url))
    try:
        return await conn.fetchval(sql, *args)
    finally:
        await conn.close()


def fill_marker(n_cases: int, seed: int) -> str:
    return f"courtjourney scale bench: format {FILL_FORMAT}, {n_cases} cases, seed {seed}, complete"


# --- bulk rows: COPY, with encrypted columns encrypted by their own types --------------------------


class Sink:
    """One table's rows for the current chunk, turned into COPY records column by column.

    Encrypted columns go through the column type's own backend (Fernet under the service key),
    mounted once rather than for every value; the unencrypted-length check is the type's own rule.
    """

    def __init__(self, model: Any, now: dt.datetime) -> None:
        from advanced_alchemy.types import EncryptedString

        table = model.__table__
        self.name = table.name
        self.columns = [c.name for c in table.columns]
        self.rows: list[dict[str, Any]] = []
        self.now = now
        self.convert: list[Callable[[Any], Any] | None] = []
        self.fallback: list[Any] = []
        for column in table.columns:
            kind = column.type
            if isinstance(kind, EncryptedString):
                kind.mount_vault()
                self.convert.append(self._sealer(kind, column.name))
            else:
                self.convert.append(None)
            default = column.default
            if column.name in {"id", "created_at", "updated_at", "sa_orm_sentinel"}:
                self.fallback.append(column.name)
            elif default is not None and getattr(default, "is_scalar", False):
                self.fallback.append(("value", default.arg))
            elif column.nullable:
                self.fallback.append(("value", None))
            else:
                self.fallback.append(("required", column.name))

    @staticmethod
    def _sealer(kind: Any, name: str) -> Callable[[Any], Any]:
        encrypt = kind.backend.encrypt
        limit = kind.length

        def seal(value: Any) -> Any:
            if value is None:
                return None
            if limit is not None and len(str(value)) > limit:
                raise ValueError(f"{name}: {len(str(value))} characters, more than the column's {limit}")
            return encrypt(value)

        return seal

    def add(self, **row: Any) -> dict[str, Any]:
        if "id" not in row:
            row["id"] = new_id()
        self.rows.append(row)
        return row

    def records(self) -> list[tuple[Any, ...]]:
        out = []
        plan = list(zip(self.columns, self.convert, self.fallback, strict=True))
        if self.rows and (unknown := set(self.rows[0]) - set(self.columns)):
            raise KeyError(f"{self.name} has no column(s) {sorted(unknown)}")
        for row in self.rows:
            created = row.get("created_at") or self.now
            record = []
            for name, convert, fallback in plan:
                if name in row:
                    value = row[name]
                elif fallback == "created_at" or fallback == "updated_at":
                    value = created
                elif fallback == "sa_orm_sentinel":
                    value = None
                elif fallback[0] == "value":
                    value = fallback[1]
                else:
                    raise KeyError(f"{self.name}.{name} needs a value")
                record.append(convert(value) if convert is not None else value)
            out.append(tuple(record))
        self.rows = []
        return out


def new_id() -> uuid.UUID:
    """The models' own id scheme (time-ordered UUIDv7)."""
    from advanced_alchemy.mixins.uuid import uuid7

    value = uuid7()
    return value if type(value) is uuid.UUID else uuid.UUID(bytes=value.bytes)


# --- words: fictional, realistic in shape ----------------------------------------------------------

FIRST = ("Alex", "Sam", "Jordan", "Charlie", "Robin", "Morgan", "Casey", "Jamie", "Taylor", "Riley", "Jesse", "Kit",
         "Ashley", "Drew", "Frankie", "Harper", "Rowan", "Sasha", "Toni", "Billie", "Eden", "Ellis", "Hayden", "Jules",
         "Lee", "Marley", "Nico", "Quinn", "Reese", "Shay", "Sky", "Tate")
SYLLABLE = ("Ash", "Bram", "Cor", "Dun", "Ell", "Fen", "Gar", "Hol", "Ing", "Kel", "Lan", "Mor", "Nor", "Pen", "Quil",
            "Ros", "Sel", "Tam", "Wil", "Yar")
ENDING = ("by", "den", "field", "ford", "ham", "ley", "more", "ton", "wick", "worth", "cott", "stead")
TOWNS = ("Northtown", "Southport Vale", "Eastbury", "Westford", "Millbridge", "Harbourside", "Kingsmead", "Ashby Cross",
         "Fenwick", "Lowmoor", "Greyhaven", "Oakridge", "Redwater", "Thornbury Green", "Blackmere", "Whitecliff",
         "Stonebridge", "Elmstead", "Brookhollow", "Castlegate")
NARRATIVES = (
    "A grey car parked across the road from the house for about {n} minutes in the evening. The same car was there last week.",
    "Her daughter got messages on {app} from an account she did not know, saying she would be sorry if she went to court.",
    "A man came to the door asking for {child} by name and left when the father answered.",
    "Someone shouted at the mother outside the school gates and said everyone knew what her family had done.",
    "The tyres of the family car were slashed overnight. Nothing else was taken.",
    "{n} missed calls from a withheld number between 11pm and 2am. Nobody spoke when she answered.",
    "A group of young men followed the child's brother home from the bus stop and filmed him on a phone.",
    "A comment under a local news post named the street the family lives on.",
    "A friend of one of the accused waited by the shop at the end of the road and stared at the mother.",
    "A parcel with no note was left on the doorstep. The family did not open it and called the police.",
)
PLACES = ("Outside the house", "At the school gates", "At the bus stop on the high street", "Online", "At the corner shop",
          "In the park near the house", "At the supermarket car park")
PEOPLE = ("A man in his twenties, tall, dark jacket", "Two young men, one with a red cap", "A woman the mother thinks is a cousin of one accused",
          "Unknown: the account had no picture", "The same man as last time")
APPS = ("Snapchat", "Instagram", "TikTok", "WhatsApp", "Facebook")
CHARGES = (("Sexual activity with a child", "sexual"), ("Arranging or facilitating a child sex offence", "sexual"),
           ("Trafficking a person for sexual exploitation", "sexual"), ("Causing a child to watch a sexual act", "sexual"),
           ("Assault occasioning actual bodily harm", "violent"), ("Intimidating a witness", "other"),
           ("Supplying a controlled drug to a child", "other"))
OWN_TASKS = ("Call the school about the new timetable", "Ring the mother after the police visit",
             "Chase the witness care officer about the trial date", "Book the court visit for the family",
             "Send the travel claim form", "Check the housing application with the council")
CONSENTS = (("witness_service", "Witness Service", "To share who is coming to court and what help they need on the day."),
            ("police", "Police", "To pass on what the family notice, with the incident log."),
            ("social_care", "Children's social care", "To share the safety plan with the allocated social worker."))
TEXTS = {
    "safe_contact": ("Text first. Never call before 6pm.", "Call the landline only. Do not leave voicemails.",
                     "Email is safest. The phone may be seen by others."),
    "access_needs": ("Needs an interpreter for long calls.", "Finds letters hard to read: explain by phone.",
                     "Uses a wheelchair: check step-free access."),
    "risk_notes": ("Threats have risen since the charge. Safety plan reviewed with the parents.",
                   "Family settled after the move. Keep checking around court dates.",
                   "Sibling approached at school twice. Police told."),
    "measure_notes": ("Intermediary booked for the recorded cross-examination.", "Screens agreed at the ground rules hearing.", None),
    "contact_notes": ("Rang about the trial date. She is worried about giving evidence.", "Home visit. Talked through the court visit.",
                      "Checked in after the hearing moved. Family coping.", None),
    "arrival": ("Use the side entrance on Church Lane and ask for the Witness Service at the front desk. There is a quiet room on the first floor.",
                "Go to the Witness Service room on the ground floor. Staff will meet you at security."),
}


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(SYLLABLE)}{rng.choice(ENDING)}"


# --- the plan: how many hearings and incidents each case has ----------------------------------------

STAGES = ("risk_assessment", "disclosure", "investigation", "trial", "outcome", "post_trial", "closed")
STAGE_WEIGHTS = (10, 12, 28, 22, 8, 12, 8)
OPENED_DAYS_AGO = {"risk_assessment": (5, 60), "disclosure": (30, 160), "investigation": (60, 500), "trial": (200, 900),
                   "outcome": (400, 1000), "post_trial": (450, 1200), "closed": (600, 2000)}


def profile(seed: int, i: int) -> tuple[random.Random, str, int, int]:
    """Case i's own random stream, its stage and its raw hearing and incident counts (before scaling)."""
    rng = random.Random(seed * 1_000_003 + i)
    stage = rng.choices(STAGES, STAGE_WEIGHTS)[0]
    if stage in ("risk_assessment", "disclosure"):
        hearings = 0
    elif stage == "investigation":
        hearings = 0 if rng.random() < 0.7 else rng.randint(1, 3)
    elif stage == "closed":
        hearings = 0 if rng.random() < 0.3 else rng.randint(8, 26)
    else:
        hearings = rng.randint(8, 28)
    incidents = 0 if rng.random() < 0.45 else min(60, int(rng.expovariate(1 / 8)) + 1)
    if i == 0:  # the measured case: a family waiting for trial, with a full log
        stage, hearings, incidents = "trial", 20, 15
    return rng, stage, hearings, incidents


def scaled(raw: list[int], fixed: int, target: int) -> list[int]:
    """Counts for cases fixed.. scaled so that all cases add up to `target` exactly (cumulative rounding)."""
    free = sum(raw[fixed:])
    want = max(0, target - sum(raw[:fixed]))
    out = raw[:fixed]
    factor = want / free if free else 0.0
    cum = 0.0
    done = 0
    for value in raw[fixed:]:
        cum += value * factor
        count = round(cum) - done
        done += count
        out.append(count)
    return out


@dataclass
class Plan:
    n_cases: int
    stages: list[str]
    hearings: list[int]
    incidents: list[int]

    @classmethod
    def make(cls, n_cases: int, seed: int) -> Plan:
        stages, raw_h, raw_i = [], [], []
        for i in range(n_cases):
            _rng, stage, h, inc = profile(seed, i)
            stages.append(stage)
            raw_h.append(h)
            raw_i.append(inc)
        fixed = FIXED_WORKERS * CASES_PER_WORKER
        return cls(n_cases, stages, scaled(raw_h, fixed, n_cases * HEARINGS_PER_CASE),
                   scaled(raw_i, fixed, n_cases * INCIDENTS_PER_CASE))


# --- the service: people, then each case -------------------------------------------------------------


@dataclass
class People:
    teams: list[uuid.UUID]
    workers: list[uuid.UUID]
    managers: list[uuid.UUID]


def worker_email(w: int) -> str:
    return f"ipsw{w:05d}@scale-bench.example"


def manager_email(t: int) -> str:
    return f"manager{t:04d}@scale-bench.example"


class Service:
    """Generates the whole service into per-table Sinks, one chunk of cases at a time."""

    TABLES = ("Team", "User", "Case", "CaseWorker", "FamilyMember", "RiskAssessment", "Contact", "Consent", "StageMove",
              "Task", "Proceeding", "Charge", "Hearing", "HearingChange", "Attendance", "SpecialMeasure",
              "CalendarSubscription", "Incident", "Amendment", "Evidence", "PoliceReferral", "ChainLink", "Outcome",
              "PlanItem", "PlanReview", "Closure", "WitnessAttendance", "ContactEntry", "ContactMember", "AuditEvent",
              "SearchToken")

    def __init__(self, plan: Plan, seed: int, now: dt.datetime) -> None:
        from courtjourney import schema as m
        from courtjourney.threats import services as threats

        self.plan = plan
        self.seed = seed
        self.now = now
        self.today = now.date()
        from feeds import courts

        self.courts = courts(TOWNS, youth=True)
        self.sinks = {name: Sink(getattr(m, name), now) for name in self.TABLES}
        self.chain_key = threats.chain_key()
        self.files_key = threats.files_key()
        self.counts: dict[str, int] = {}
        n_workers = plan.n_cases // CASES_PER_WORKER
        n_teams = -(-n_workers // WORKERS_PER_TEAM)
        self.people = People([new_id() for _ in range(n_teams)], [new_id() for _ in range(n_workers)],
                             [new_id() for _ in range(n_teams)])

    # -- people ----------------------------------------------------------------------------------------

    def add_people(self) -> None:
        from courtjourney.accounts.credentials import hash_password

        rng = random.Random(self.seed)
        password = hash_password("scale-bench-" + str(self.seed))  # one hash for everyone: sign-in is not measured
        since = self.now - dt.timedelta(days=2500)
        for t, team_id in enumerate(self.people.teams):
            self.sinks["Team"].add(id=team_id, name=f"{TOWNS[t % len(TOWNS)]} Hub {t + 1}", created_at=since)
        users = self.sinks["User"]
        for w, user_id in enumerate(self.people.workers):
            users.add(id=user_id, email=worker_email(w), full_name=person(rng), password_hash=password, role="worker",
                      team_id=self.people.teams[w // WORKERS_PER_TEAM], locale="cy" if rng.random() < 0.08 else "en",
                      phone=f"07700 900{rng.randint(0, 999):03d}", created_at=since)
        for t, user_id in enumerate(self.people.managers):
            users.add(id=user_id, email=manager_email(t), full_name=person(rng), password_hash=password,
                      role="manager", team_id=self.people.teams[t], locale="en", created_at=since)
        users.add(email="admin@scale-bench.example", full_name=person(rng), password_hash=password, role="admin", created_at=since)
        for w, user_id in enumerate(self.people.workers):  # most workers keep their own calendar
            if rng.random() < 0.6:
                self._subscription(rng, user_id=user_id, privacy="standard", created_by_id=user_id)

    def _subscription(self, rng: random.Random, **fields: Any) -> None:
        token = f"cjcal_{rng.getrandbits(128):032x}"  # never handed out: only its hash is stored, as the service does
        fetched = self.now - dt.timedelta(minutes=rng.randint(5, 60 * 48)) if rng.random() < 0.8 else None
        self.sinks["CalendarSubscription"].add(
            token_hash=hashlib.sha256(token.encode()).hexdigest(), hint=token[:10], last_fetched_at=fetched,
            fetch_count=rng.randint(1, 2000) if fetched else 0, **fields)

    # -- one case --------------------------------------------------------------------------------------

    def add_case(self, i: int) -> None:
        from courtjourney.cases import search_index

        rng, stage, _raw_h, _raw_i = profile(self.seed, i)
        n_hearings, n_incidents = self.plan.hearings[i], self.plan.incidents[i]
        s = self.sinks
        w = i // CASES_PER_WORKER
        worker = self.people.workers[w]
        team = self.people.teams[w // WORKERS_PER_TEAM]
        lo, hi = OPENED_DAYS_AGO[stage]
        opened = self.now - dt.timedelta(days=rng.randint(lo, hi), seconds=rng.randint(0, 86399))
        age_days = rng.randint(8 * 365, 17 * 365)
        case = s["Case"].add(reference=f"CJ-{opened.year}-{i + 1:06d}", team_id=team, child_name=rng.choice(FIRST),
                             child_birth_date=(opened.date() - dt.timedelta(days=age_days)).isoformat(),
                             created_by_id=worker, created_at=opened)
        cid = case["id"]
        s["CaseWorker"].add(case_id=cid, user_id=worker, created_at=opened)
        if FIXED_WORKERS > 2 and w == 2:  # worker 1 co-works worker 2's cases: 100 cases against worker 0's 50
            s["CaseWorker"].add(case_id=cid, user_id=self.people.workers[1], created_at=opened)

        # Family: the first member is the parent the worker mostly talks to.
        members = []
        surname = f"{rng.choice(SYLLABLE)}{rng.choice(ENDING)}"
        first_rel = rng.choices(("mother", "father", "carer", "grandparent"), (65, 20, 10, 5))[0]
        relationships = [first_rel] + rng.sample(("father", "step_parent", "sibling", "grandparent"), k=rng.choice((0, 1, 1, 1, 2)))
        if i == 0:
            relationships = ["mother", "father"]
        welsh = rng.random() < 0.08
        for n, rel in enumerate(relationships):
            members.append(s["FamilyMember"].add(
                case_id=cid, name=f"{rng.choice(FIRST)} {surname}", relationship_to_child=rel,
                preferred_language="cy" if welsh and n == 0 else "en",
                safe_contact=rng.choice(TEXTS["safe_contact"]) if rng.random() < 0.5 else None,
                access_needs=rng.choice(TEXTS["access_needs"]) if rng.random() < 0.1 else None,
                is_witness=rng.random() < 0.3, created_at=opened + dt.timedelta(minutes=n)))
        # The keyed name index, as cases.search_index.reindex_case writes it (the same hashes, under the bench key).
        for member_id, texts in [(None, (case["child_name"], case["reference"]))] + [(m["id"], (m["name"],)) for m in members]:
            for token_hash in search_index.person_hashes(*texts):
                s["SearchToken"].add(case_id=cid, family_member_id=member_id, token_hash=token_hash, created_at=opened)
        for n in range(rng.randint(1, 3)):
            on = opened.date() + dt.timedelta(days=60 * n + rng.randint(0, 30))
            if on <= self.today:
                s["RiskAssessment"].add(case_id=cid, level=rng.choices(("low", "medium", "high"), (25, 45, 30))[0], assessed_on=on,
                                        assessed_by_id=worker, notes=rng.choice(TEXTS["risk_notes"]) if rng.random() < 0.5 else None,
                                        created_at=dt.datetime.combine(on, dt.time(12), tzinfo=dt.UTC))
        for role in rng.sample(("officer_in_case", "csw", "witness_care", "isva", "social_worker"), k=rng.randint(1, 4)):
            name = person(rng)
            s["Contact"].add(case_id=cid, role=role, name=("DC " if role == "officer_in_case" else "") + name,
                             organisation=f"{TOWNS[i % len(TOWNS)]} {'Constabulary' if role == 'officer_in_case' else 'Services'}",
                             phone=f"01632 960{rng.randint(0, 999):03d}",
                             email=f"{name.split()[0].lower()}.{i % 997}@example.org" if rng.random() < 0.5 else None,
                             created_at=opened)
        for kind, org, purpose in CONSENTS[: rng.randint(0, 3)] if i else CONSENTS:
            s["Consent"].add(case_id=cid, organisation_kind=kind, organisation=org, purpose=purpose, given_by=members[0]["name"],
                             given_on=(opened + dt.timedelta(days=rng.randint(1, 20))).date(), created_at=opened)

        # The journey so far, and its playbook tasks (earlier stages' mostly done).
        from courtjourney.cases.journey import PLAYBOOKS, Stage

        path = list(STAGES[: STAGES.index(stage) + 1]) if stage != "closed" else list(STAGES[: rng.randint(1, 6)]) + ["closed"]
        span = max(1.0, (self.now - opened).total_seconds() - 86400)
        moves: list[tuple[str, dt.datetime]] = []
        for n, to in enumerate(path):
            at = opened + dt.timedelta(seconds=span * n / len(path))
            moves.append((to, at))
            kind = "start" if n == 0 else ("close" if to == "closed" and path[n - 1] != "post_trial" else "forward")
            s["StageMove"].add(case_id=cid, from_stage=path[n - 1] if n else None, to_stage=to, kind=kind, moved_at=at, moved_by_id=worker,
                               reason="The family asked to end support." if kind == "close" else None, created_at=at)
            current = n == len(path) - 1
            for pos, item in enumerate(PLAYBOOKS[Stage(to)]):
                done = (not current and rng.random() < 0.92) or (current and rng.random() < 0.35)
                due = (at.date() + dt.timedelta(days=item.due_in_days)) if item.due_in_days else None
                s["Task"].add(case_id=cid, stage=to, playbook_key=item.key, title=item.title, due_on=due, position=pos,
                              done_at=at + dt.timedelta(days=rng.randint(1, 20)) if done else None,
                              done_by_id=worker if done else None, created_at=at)
        for _ in range(rng.choice((0, 0, 1, 2))):
            s["Task"].add(case_id=cid, stage=stage, title=rng.choice(OWN_TASKS), position=99,
                          due_on=self.today + dt.timedelta(days=rng.randint(-5, 30)), assigned_to_id=worker,
                          created_at=self.now - dt.timedelta(days=rng.randint(1, 30)))

        hearings, charges = self._hearings(rng, i, cid, worker, stage, opened, members, n_hearings) if n_hearings else ([], [])
        if n_incidents:
            self._incidents(rng, cid, worker, opened, members, n_incidents)
        if stage in ("outcome", "post_trial", "closed") and hearings:
            self._after_trial(rng, cid, worker, stage, moves, hearings, charges)
        if stage == "closed":
            closed_on = moves[-1][1].date()
            retain = closed_on + dt.timedelta(days=6 * 365 + 1)  # the service's six years, near enough for load
            s["Closure"].add(case_id=cid, reason_kind=rng.choice(("support_complete", "family_ended", "moved_away")),
                             reason=None, closed_on=closed_on, retain_until=retain, closed_by_id=worker, created_at=moves[-1][1])
        self._contact_log(i, cid, worker, opened, members)
        # The audit trail the case has gathered: it was opened, read, changed.
        for n in range(AUDIT_PER_CASE):
            at = opened + (self.now - opened) * (n / AUDIT_PER_CASE)
            action, route, method = (("case.opened", "/cases/new", "POST") if n == 0 else
                                     rng.choice((("case.read", "/cases/{case_id:uuid}", "GET"), ("case.listed", "/", "GET"),
                                                 ("case.change", "/cases/{case_id:uuid}/stage", "POST"))))
            s["AuditEvent"].add(actor_id=worker, action=action, case_id=cid, route=route, method=method, outcome="ok",
                                address="10.0.0." + str(rng.randint(2, 250)), created_at=at)

    def _hearings(self, rng: random.Random, i: int, cid: uuid.UUID, worker: uuid.UUID, stage: str, opened: dt.datetime,
                  members: list[dict[str, Any]], count: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        from feeds import schedule

        from courtjourney.hearings import forms
        from courtjourney.hearings.models import uk_day
        from courtjourney.hearings.services import TRACKED
        from courtjourney.i18n import LONDON

        s = self.sinks
        court = rng.choice(self.courts)
        proceedings = [s["Proceeding"].add(case_id=cid, **court, urn=f"{i % 100:02d}AB{rng.randint(0, 9999999):07d}",
                                           defendants="\n".join(f"Defendant {c}" for c in "ABC"[: rng.randint(1, 3)]),
                                           status="active" if stage in ("investigation", "trial") else "concluded", created_at=opened)]
        if rng.random() < 0.1:  # a second prosecution: another defendant, or a retrial
            proceedings.append(s["Proceeding"].add(case_id=cid, **court, urn=f"{i % 100:02d}CD{rng.randint(0, 9999999):07d}",
                                                   defendants="Defendant D", status=proceedings[0]["status"], created_at=opened))
        charges = []
        for p in proceedings:
            for description, category in rng.sample(CHARGES, k=rng.randint(1, 3)):
                charges.append(s["Charge"].add(case_id=cid, proceeding_id=p["id"], description=description, category=category,
                                               defendant=p["defendants"].split("\n")[0], created_at=opened))
        # When: cases waiting for trial have hearings behind and ahead of them; later cases only behind.
        first = opened + (self.now - opened) * 0.35
        last = self.now + dt.timedelta(days=240) if stage in ("investigation", "trial") else self.now - (self.now - opened) * 0.2
        days = sorted(first.date() + dt.timedelta(days=rng.randint(0, max(1, (last - first).days))) for _ in range(count))
        order = ["first_appearance", "ptph"] + [rng.choice(("mention", "mention", "ground_rules", "section_28", "preliminary"))
                                                for _ in range(max(0, count - 4))] + ["trial", "sentencing"]
        types = order[:count]
        if stage in ("investigation", "trial") and count >= 2:
            types[-1] = "trial"
        rows = []
        for n, day in enumerate(days):
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            listing = rng.choices(("fixed", "floating", "warned"), (75, 10, 15))[0]
            row = schedule(rng, day, listing)
            if day < self.today:
                status = rng.choices(("completed", "adjourned", "ineffective", "vacated"), (85, 8, 4, 3))[0]
            else:
                status = rng.choices(("listed", "moved", "vacated", "adjourned"), (82, 12, 3, 3))[0]
            listed_at = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC) - dt.timedelta(days=rng.randint(14, 90))
            listed_at = min(listed_at, self.now - dt.timedelta(days=1))
            off = status in forms.NOT_HAPPENING
            moved = status == "moved"
            revised = listed_at + dt.timedelta(days=rng.randint(1, 10)) if (off or moved) else listed_at
            revised = min(revised, self.now - dt.timedelta(hours=1))
            row.update(
                case_id=cid, proceeding_id=rng.choice(proceedings)["id"], uid=f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@courtjourney",
                hearing_type=types[n] if n < len(types) else "mention", listing=listing,
                court_name=court["court_name"], court_town=court["court_town"], court_address=court["court_address"],
                courtroom=f"Court {rng.randint(1, 12)}" if listing != "floating" and rng.random() < 0.7 else None,
                status=status, status_reason="The court had no judge free that day." if off else None,
                accompanied_by="Your ISVA and your support worker" if rng.random() < 0.2 else None,
                arrival_notes=rng.choice(TEXTS["arrival"]) if rng.random() < 0.3 else None,
                sequence=(rng.randint(1, 3) if moved else 1 if off else 0), revised_at=revised,
                cancelled_at=revised if off else None, created_at=listed_at,
            )
            hearing = s["Hearing"].add(**row)
            rows.append(hearing)
            listed = {k: [None, v.isoformat() if isinstance(v, dt.date) else v] for k, v in row.items() if k in TRACKED and v is not None}
            day_after = uk_day(row["window_start"], row["starts_at"])  # as hearings.services writes it
            s["HearingChange"].add(case_id=cid, hearing_id=hearing["id"], kind="listed", changes=json.dumps(listed), changed_at=listed_at,
                                   day_after=day_after, went_ahead=False,
                                   changed_by_id=worker, known_at=listed_at, told_at=listed_at + dt.timedelta(hours=rng.randint(1, 30)),
                                   told_by_id=worker, created_at=listed_at)
            if moved or off:
                kind = "moved" if moved else "status"
                # A move's earlier date is a real one (two weeks before the new), so the story reads it as a date.
                new_when = row["starts_at"] or row["window_start"]
                change = ({"starts_at": [(new_when - dt.timedelta(days=14)).isoformat() if new_when else None,
                                         new_when.isoformat() if new_when else None]} if moved
                          else {"status": ["listed", status]})
                s["HearingChange"].add(case_id=cid, hearing_id=hearing["id"], kind=kind, changes=json.dumps(change),
                                       day_after=day_after, went_ahead=False,
                                       reason="The court had no judge free that day." if rng.random() < 0.6 else None,
                                       changed_at=revised, changed_by_id=worker, known_at=revised - dt.timedelta(hours=rng.randint(0, 48)),
                                       told_at=revised + dt.timedelta(hours=rng.randint(1, 72)) if rng.random() < 0.9 else None,
                                       told_by_id=worker, created_at=revised)
            for n_member, member in enumerate(members):
                if i == 0:
                    wanted = ("needed" if n_member == 0 else "following")
                elif rng.random() < (0.9 if n_member == 0 else 0.35):
                    wanted = rng.choices(("needed", "attending", "following"), (30, 40, 30))[0]
                else:
                    continue
                s["Attendance"].add(case_id=cid, hearing_id=hearing["id"], family_member_id=member["id"], attendance=wanted,
                                    created_at=listed_at)
        if i == 0:
            # The briefing measured: the next trial hearing, fixed, listed, with the court's address.
            ahead = [h for h in rows if (h["starts_at"] or dt.datetime.combine(h["window_start"], dt.time(), tzinfo=dt.UTC)) > self.now]
            target = ahead[0] if ahead else rows[-1]
            start = dt.datetime.combine(max(self.today + dt.timedelta(days=30), (target["starts_at"] or self.now).date()), dt.time(10),
                                        tzinfo=LONDON).astimezone(dt.UTC)
            target.update(listing="fixed", status="listed", hearing_type="trial", starts_at=start, ends_at=None, window_start=None,
                          window_end=None, cancelled_at=None, status_reason=None, sequence=0)
        if stage in ("trial", "outcome", "post_trial", "closed"):
            for measure in rng.sample(("screens", "live_link", "video_evidence", "section_28", "intermediary", "wigs_and_gowns"),
                                      k=rng.randint(1, 4)):
                s["SpecialMeasure"].add(case_id=cid, measure=measure, status=rng.choices(("granted", "applied", "refused"), (70, 20, 10))[0],
                                        notes=rng.choice(TEXTS["measure_notes"]), created_at=opened)
        # Many families waiting for court follow their dates on a phone. (The measured case's feed is made
        # through the services when it is measured.)
        if i != 0 and ((stage in ("investigation", "trial") and rng.random() < 0.5) or rng.random() < 0.1):
            self._subscription(rng, case_id=cid, family_member_id=members[0]["id"],
                               privacy="discreet" if rng.random() < 0.8 else "standard", created_by_id=worker)
        return rows, charges

    def _incidents(self, rng: random.Random, cid: uuid.UUID, worker: uuid.UUID, opened: dt.datetime,
                   members: list[dict[str, Any]], count: int) -> None:
        from courtjourney.threats import chain
        from courtjourney.threats import evidence as files
        from courtjourney.threats.rules import HOW_KNOWN, KINDS
        from courtjourney.threats.services import CHAIN_FIELDS, clean_identifiers

        s = self.sinks
        span = max(3600.0, (self.now - opened).total_seconds() - 7200)
        entries: list[tuple[dt.datetime, str, dict[str, Any]]] = []
        incidents = []
        for _ in range(count):
            # Intimidation gathers towards the present (and the court dates): a skew to recent times.
            occurred = opened + dt.timedelta(seconds=span * (rng.random() ** 0.6))
            occurred = occurred.replace(microsecond=rng.randint(0, 999999))
            recorded = min(self.now - dt.timedelta(minutes=30), occurred + dt.timedelta(minutes=rng.randint(10, 72 * 60)))
            narrative = rng.choice(NARRATIVES).format(n=rng.randint(2, 90), app=rng.choice(APPS), child="the child")
            identifiers = None
            if rng.random() < 0.4:
                raw: dict[str, list[str]] = {}
                if rng.random() < 0.6:
                    raw["vehicle"] = [f"{rng.choice('ABCDEFGHKLMNPRSVWY')}{rng.choice('ABCDEFGHKLMNPRSVWY')}{rng.randint(10, 74)} "
                                      f"{''.join(rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ') for _ in range(3))}"]
                if rng.random() < 0.4:
                    raw["phone"] = [f"07700 900{rng.randint(0, 999):03d}"]
                if rng.random() < 0.3 or not raw:
                    raw["username"] = [f"@{rng.choice(SYLLABLE).lower()}{rng.randint(10, 9999)}"]
                identifiers = clean_identifiers(raw)
            row = s["Incident"].add(
                case_id=cid, number=0, recorded_by_id=worker, recorded_at=recorded, occurred_from=occurred,
                occurred_to=occurred + dt.timedelta(hours=rng.randint(1, 6)) if rng.random() < 0.15 else None,
                reported_at=recorded - dt.timedelta(minutes=rng.randint(0, 9)),
                reported_by_member_id=members[0]["id"] if rng.random() < 0.7 else None,
                kind=rng.choice(KINDS)[0], place=rng.choice(PLACES) if rng.random() < 0.6 else None,
                people=rng.choice(PEOPLE) if rng.random() < 0.4 else None, identifiers=identifiers, narrative=narrative,
                how_known=rng.choice(HOW_KNOWN)[0] if rng.random() < 0.8 else None,
                how_known_detail="She saw it from the front window." if rng.random() < 0.3 else None,
                evidence_kept="Screenshots kept on the mother's phone." if rng.random() < 0.2 else None,
                created_at=recorded)
            incidents.append(row)
        incidents.sort(key=lambda r: r["recorded_at"])
        for number, row in enumerate(incidents, start=1):
            row["number"] = number
            entries.append((row["recorded_at"], "incident", row))
            after = row["recorded_at"]
            if rng.random() < 0.1:
                at = min(self.now - dt.timedelta(minutes=5), after + dt.timedelta(hours=rng.randint(1, 200)))
                entries.append((at, "amendment", s["Amendment"].add(
                    case_id=cid, incident_id=row["id"], note="The mother remembered the car's colour after the call.",
                    recorded_by_id=worker, recorded_at=at, people="A man in a silver car", created_at=at)))
            if rng.random() < 0.03:
                at = min(self.now - dt.timedelta(minutes=5), after + dt.timedelta(hours=rng.randint(1, 48)))
                content = b"\x89PNG\r\n\x1a\n" + rng.getrandbits(8 * 600).to_bytes(600, "big")
                digest = files.sha256(content)
                evidence_id = new_id()
                entries.append((at, "evidence", s["Evidence"].add(
                    id=evidence_id, case_id=cid, incident_id=row["id"], filename="screenshot.png", media_type="image/png",
                    size_bytes=len(content), sha256=digest, content=files.encrypt(self.files_key, evidence_id, digest, content),
                    recorded_by_id=worker, recorded_at=at, created_at=at)))
            if rng.random() < 0.35:
                at = min(self.now - dt.timedelta(minutes=5), after + dt.timedelta(hours=rng.randint(1, 300)))
                entries.append((at, "police", s["PoliceReferral"].add(
                    case_id=cid, incident_id=row["id"], passed_on=at.date(), passed_by=rng.choice(("worker", "worker", "family")),
                    crime_reference=f"{rng.choice('ABCDEFGH')}{rng.choice('ABCDEFGH')}/{rng.randint(10000, 99999)}/{at.year % 100:02d}"
                    if rng.random() < 0.6 else None,
                    officer=f"DC {rng.choice(SYLLABLE)}{rng.choice(ENDING)}" if rng.random() < 0.4 else None,
                    recorded_by_id=worker, recorded_at=at, created_at=at)))
        # The chain, in the order entries were written, made by our own chain code with the service's key.
        previous = chain.GENESIS
        for seq, (at, entry_type, row) in enumerate(sorted(entries, key=lambda e: e[0]), start=1):
            fields = {name: row.get(name) for name in ("id", "case_id", *CHAIN_FIELDS[entry_type])}
            link = chain.next_link(self.chain_key, previous, chain.canonical(entry_type, seq, fields))
            s["ChainLink"].add(case_id=cid, seq=seq, entry_type=entry_type, entry_id=row["id"], link=link, created_at=at)
            previous = link

    def _contact_log(self, i: int, cid: uuid.UUID, worker: uuid.UUID, opened: dt.datetime,
                     members: list[dict[str, Any]]) -> None:
        """The case's contact log: calls and visits over its life. Its own random stream, so the rest of the
        case is what it was before the log was generated; the measured case (i == 0) has years of it."""
        rng = random.Random(self.seed * 1_000_003 + i)
        n = 400 if i == 0 else rng.randint(0, 30)
        span = max(1.0, (self.now - opened).total_seconds() - 3600)
        kinds = ("call", "call", "call", "visit_home", "text_email", "no_answer", "court_with_family")
        for k in range(n):
            at = opened + dt.timedelta(seconds=span * (k + rng.random()) / max(n, 1))
            kind = rng.choice(kinds)
            entry = self.sinks["ContactEntry"].add(
                case_id=cid, kind=kind, at=at, minutes=rng.choice((5, 10, 20, 30, 60)) if kind != "no_answer" else None,
                recorded_by_id=worker, notes=rng.choice(TEXTS["contact_notes"]) if kind != "no_answer" else None,
                corrections=0, created_at=at)
            self.sinks["ContactMember"].add(case_id=cid, entry_id=entry["id"], member_id=members[0]["id"], created_at=at)

    def _after_trial(self, rng: random.Random, cid: uuid.UUID, worker: uuid.UUID, stage: str,
                     moves: list[tuple[str, dt.datetime]], hearings: list[dict[str, Any]], charges: list[dict[str, Any]]) -> None:
        s = self.sinks
        decided = next((at for to, at in moves if to == "outcome"), moves[-1][1]).date()
        for charge in charges:
            result = rng.choices(("convicted", "guilty_plea", "acquitted", "hung_jury", "discontinued"), (45, 20, 22, 3, 10))[0]
            convicted = result in ("convicted", "guilty_plea")
            s["Outcome"].add(case_id=cid, proceeding_id=charge["proceeding_id"], charge_id=charge["id"], defendant=charge["defendant"],
                             result=result, decided_on=decided, court_type="crown", court_name=hearings[0]["court_name"],
                             category=charge["category"], sentence_type="custody" if convicted else None,
                             custody_months=rng.choice((18, 36, 60, 96, 144)) if convicted else None,
                             sentence_on=decided + dt.timedelta(days=28) if convicted else None,
                             uls_eligible=rng.choice(("yes", "no", "unknown")), restraining_order=convicted and rng.random() < 0.5,
                             created_at=dt.datetime.combine(decided, dt.time(16), tzinfo=dt.UTC))
        for hearing in hearings:
            if hearing["hearing_type"] in ("trial", "section_28") and hearing["status"] == "completed" and rng.random() < 0.8:
                s["WitnessAttendance"].add(case_id=cid, hearing_id=hearing["id"],
                                           attended=rng.choice(("gave_evidence", "gave_evidence", "attended", "did_not_attend")))
        if stage in ("post_trial", "closed"):
            start = next((at for to, at in moves if to == "post_trial"), moves[-1][1])
            for kind in rng.sample(("emotional", "compensation", "housing", "schooling", "victim_contact"), k=rng.randint(2, 4)):
                s["PlanItem"].add(case_id=cid, kind=kind, details=None, owner="Support worker",
                                  due_on=start.date() + dt.timedelta(days=rng.randint(14, 200)),
                                  status=rng.choice(("planned", "in_progress", "done")), created_at=start)
            for months in (1, 3, 6, 9):
                due = start.date() + dt.timedelta(days=30 * months)
                done = due < self.today and (stage == "closed" or rng.random() < 0.85)
                s["PlanReview"].add(case_id=cid, months=months, due_on=due, created_at=start,
                                    done_at=dt.datetime.combine(due, dt.time(11), tzinfo=dt.UTC) if done else None)

    # -- chunks ----------------------------------------------------------------------------------------

    def chunk(self) -> list[tuple[str, list[str], list[tuple[Any, ...]]]]:
        """Everything generated since the last call, as (table, columns, records) in foreign-key order."""
        out = []
        for name in self.TABLES:
            sink = self.sinks[name]
            if sink.rows:
                records = sink.records()
                self.counts[sink.name] = self.counts.get(sink.name, 0) + len(records)
                out.append((sink.name, sink.columns, records))
        return out


def local_entries(service: Service) -> list[dict[str, Any]]:
    """Each team's own glossary words (a room in their court, a local service): public, no personal data."""
    rows = []
    for t, team_id in enumerate(service.people.teams):
        town = TOWNS[t % len(TOWNS)]
        for n in range(LOCAL_ENTRIES_PER_TEAM):
            place = ("family room", "side entrance")[n % 2]
            rows.append({"id": new_id(), "team_id": team_id, "created_by_id": service.people.managers[t], "locale": "en",
                         "term": f"{town} {place} {t + 1}", "aliases": [], "stages": ["trial"], "source": "",
                         "definition": f"The {place} at {town} court. Staff will show you the way.",
                         "for_you": "Ask at the front desk. Your support worker can come with you."})
    return rows


# --- filling a database --------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fill(settings: Any, n_cases: int, seed: int) -> tuple[float, dict[str, int]]:
    """Generate the service in this thread while a second thread COPYs each finished chunk into PostgreSQL."""
    started = time.perf_counter()
    plan = Plan.make(n_cases, seed)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    service = Service(plan, seed, now)
    chunks: queue.Queue[Any] = queue.Queue(maxsize=3)
    failure: list[BaseException] = []

    async def consume() -> None:
        import asyncpg

        conn = await asyncpg.connect(dsn=plain_dsn(settings.database_url))
        try:
            await conn.execute("SET synchronous_commit = off")
            while (item := await asyncio.get_running_loop().run_in_executor(None, chunks.get)) is not None:
                async with conn.transaction():
                    for table, columns, records in item:
                        await conn.copy_records_to_table(table, records=records, columns=columns)
        finally:
            await conn.close()

    def consumer() -> None:
        try:
            asyncio.run(consume())
        except BaseException as exc:  # noqa: BLE001 - reported by the producer
            failure.append(exc)
            while True:  # let the producer finish putting, then stop
                with contextlib.suppress(queue.Empty):
                    if chunks.get(timeout=0.1) is None:
                        return

    thread = threading.Thread(target=consumer, name="copy", daemon=True)
    thread.start()
    try:
        service.add_people()
        chunks.put(service.chunk())
        last_note = time.perf_counter()
        for start in range(0, n_cases, CHUNK_CASES):
            for i in range(start, min(n_cases, start + CHUNK_CASES)):
                service.add_case(i)
            chunks.put(service.chunk())
            if failure:
                break
            if time.perf_counter() - last_note > 15:
                last_note = time.perf_counter()
                progress(f"  {min(n_cases, start + CHUNK_CASES):,} of {n_cases:,} cases ({time.perf_counter() - started:.0f} s)")
    finally:
        chunks.put(None)
        thread.join()
    if failure:
        raise failure[0]
    entries = local_entries(service)
    asyncio.run(_insert_local_entries(settings, entries))
    service.counts["glossary_local_entry"] = len(entries)
    return time.perf_counter() - started, service.counts


async def _insert_local_entries(settings: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert

    from courtjourney.db.engine import make_engine
    from courtjourney.glossary.models import LocalEntry

    engine = make_engine(settings)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(LocalEntry), rows)
    finally:
        await engine.dispose()


@dataclass
class Size:
    label: str
    cases: int
    name: str
    settings: Any
    fill_s: float | None = None
    vacuum_s: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    reused: bool = False


def prepare_database(args: argparse.Namespace, base: Any, n_cases: int, label: str) -> Size:
    """A migrated, filled database for n_cases: reused when --reuse finds a complete one, else made anew."""
    from courtjourney.migrations import upgrade

    name = f"{DB_PREFIX}{n_cases}"
    settings = dataclasses.replace(base, database_url=db_url(args.admin_url, name))
    size = Size(label, n_cases, name, settings)
    marker = fill_marker(n_cases, args.seed)
    if args.reuse:
        found = asyncio.run(admin_fetchval(
            args.admin_url, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = $1", name))
        if found == marker:
            progress(f"{name}: reusing (upgrading to the newest migration if needed) ...")
            upgrade(settings)  # a kept database takes new migrations, as a live service would
            size.reused = True
            size.counts = asyncio.run(_row_counts(settings))
            return size
    progress(f"{name}: creating, migrating and filling {n_cases:,} cases ...")
    asyncio.run(admin_exec(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin_exec(args.admin_url, f'CREATE DATABASE "{name}"'))
    upgrade(settings)
    size.fill_s, size.counts = fill(settings, n_cases, args.seed)
    progress(f"{name}: filled in {size.fill_s:.0f} s; VACUUM ANALYZE ...")
    began = time.perf_counter()
    asyncio.run(admin_exec(db_url(args.admin_url, name), "VACUUM (ANALYZE)"))
    size.vacuum_s = time.perf_counter() - began
    asyncio.run(admin_exec(args.admin_url, f"COMMENT ON DATABASE \"{name}\" IS '{marker}'"))
    return size


async def _row_counts(settings: Any) -> dict[str, int]:
    import asyncpg

    conn = await asyncpg.connect(dsn=plain_dsn(settings.database_url))
    try:
        rows = await conn.fetch("SELECT relname, n_live_tup FROM pg_stat_user_tables")
        return {r["relname"]: int(r["n_live_tup"]) for r in rows}
    finally:
        await conn.close()


# --- measuring -------------------------------------------------------------------------------------------


@dataclass
class Target:
    key: str
    label: str
    method: str
    expect: int
    check: Callable[[Any], str | None] | None = None


TARGETS = (
    Target("caseload", "caseload page (worker, 50 cases)", "GET", 200),
    Target("team_caseload", "caseload page (manager, team of 20 workers)", "GET", 200),
    Target("case", "case page", "GET", 200),
    Target("worker_feed", "worker's calendar feed", "GET", 200),
    Target("parent_feed", "parent's calendar feed", "GET", 200),
    Target("glossary", "glossary search", "GET", 200),
    Target("briefing", "briefing (.docx, made and stored)", "POST", 303),
    # Not asked for by issue 9, measured because they read across a caseload or team too.
    Target("upcoming", "next 14 days (worker)", "GET", 200),
    Target("team", "team page (manager)", "GET", 200),
    Target("report", "quarterly report page (manager, team of 20 workers)", "GET", 200),
    # Issue 15: the worker's home page, every list bounded by the worker's visible cases.
    Target("my_day", "My day (worker, 50 cases)", "GET", 200),
    Target("search", "search by a parent's name (worker)", "GET", 200),
    Target("team_search", "search by a parent's name (manager, team of 20 workers)", "GET", 200),
    # Issue 15: the case's story, every part's lines merged, one page.
    Target("timeline", "case timeline", "GET", 200),
)


@dataclass
class Subject:
    """What is measured in one database: the people, ids and secrets the requests need."""

    size: Size
    app: Any
    client: Any
    counter: StatementCounter
    paths: dict[str, str]
    headers: dict[str, dict[str, str]]
    expect_text: dict[str, str]
    times: dict[str, list[float]] = field(default_factory=dict)
    stmts: dict[str, list[int]] = field(default_factory=dict)
    sql_s: dict[str, list[float]] = field(default_factory=dict)


@dataclass
class StatementCounter:
    """Counts statements (and their time) on one app's engine; keeps them when asked, for EXPLAIN."""

    count: int = 0
    seconds: float = 0.0
    keep: bool = False
    kept: list[tuple[str, Any, float]] = field(default_factory=list)

    def attach(self, engine: Any) -> None:
        from sqlalchemy import event

        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def before(conn: Any, _cursor: Any, _statement: str, _parameters: Any, _context: Any, _many: bool) -> None:
            conn.info.setdefault("scale_bench_started", []).append(time.perf_counter())

        @event.listens_for(engine.sync_engine, "after_cursor_execute")
        def after(conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
            took = time.perf_counter() - conn.info["scale_bench_started"].pop()
            self.count += 1
            self.seconds += took
            if self.keep:
                self.kept.append((statement, parameters, took))

    def reset(self) -> None:
        self.count, self.seconds, self.kept = 0, 0.0, []


async def subject_for(size: Size, who: int = 0) -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    """Sign in, make the feeds and find the measured case and hearing, all through the services."""
    from litestar.middleware.csrf import generate_csrf_token
    from sqlalchemy import select
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from courtjourney.accounts.models import User
    from courtjourney.accounts.services import open_session
    from courtjourney.cases.models import Case, FamilyMember
    from courtjourney.db.engine import make_engine
    from courtjourney.accounts.audit import Actor
    from courtjourney.hearings import services as hearing_services
    from courtjourney.hearings.models import Attendance, Hearing

    settings = size.settings
    engine = make_engine(settings)
    try:
        maker = async_sessionmaker(engine, expire_on_commit=False)
        async with maker() as db, db.begin():
            worker = await db.scalar(select(User).where(User.email == worker_email(who)))
            assert worker is not None, f"{size.name} has no {worker_email(who)}"
            session = await open_session(db, settings, worker)
            manager = await db.scalar(select(User).where(User.email == manager_email(0)))
            assert manager is not None
            manager_session = await open_session(db, settings, manager)
            _sub, worker_token = await hearing_services.new_worker_subscription(db, Actor.of(worker))
            case = await db.scalar(select(Case).where(Case.reference.like("%-000001")))
            assert case is not None
            parent = await db.scalar(select(FamilyMember).where(FamilyMember.case_id == case.id)
                                     .order_by(FamilyMember.created_at, FamilyMember.id).limit(1))
            assert parent is not None
            _psub, parent_token = await hearing_services.subscribe(db, Actor.of(worker), case, {"family_member_id": parent.id, "privacy": "discreet"})
            hearing = await db.scalar(
                select(Hearing).join(Attendance, Attendance.hearing_id == Hearing.id)
                .where(Hearing.case_id == case.id, Hearing.status == "listed", Hearing.listing == "fixed",
                       Hearing.starts_at > dt.datetime.now(dt.UTC), Hearing.court_address.is_not(None),
                       Attendance.family_member_id == parent.id, Attendance.attendance.in_(("needed", "attending")))
                .order_by(Hearing.starts_at).limit(1))
            assert hearing is not None, "the measured case has no hearing to brief on"
            child = case.child_name
            parent_name = parent.name
    finally:
        await engine.dispose()
    csrf = generate_csrf_token(settings.secret_key)
    signed_in = {"Cookie": f"cj_session={session}; cj_csrf={csrf}"}
    paths = {
        "caseload": "/",
        "team_caseload": "/",
        "case": f"/cases/{case.id}",
        "worker_feed": f"/calendar/{worker_token}.ics",
        "parent_feed": f"/calendar/{parent_token}.ics",
        "glossary": "/glossary?q=intermediry",
        "briefing": f"/cases/{case.id}/hearings/{hearing.id}/briefings",
        "upcoming": "/hearings/upcoming",
        "team": "/team",
        "report": "/reports",  # this quarter, the manager's team
        "my_day": "/my-day",
        # Every word must be looked up: the parent's first name is shared by one person in 32 at every size.
        "search": f"/search?q={quote(parent_name)}",
        "team_search": f"/search?q={quote(parent_name)}",
        "timeline": f"/cases/{case.id}/timeline",
    }
    headers = {"caseload": signed_in, "team_caseload": {"Cookie": f"cj_session={manager_session}"}, "case": signed_in, "briefing": {**signed_in, "x-csrf-token": csrf},
               "worker_feed": {}, "parent_feed": {}, "glossary": {}, "upcoming": signed_in,
               "team": {"Cookie": f"cj_session={manager_session}"}, "report": {"Cookie": f"cj_session={manager_session}"},
               "my_day": signed_in, "search": signed_in,
               "team_search": {"Cookie": f"cj_session={manager_session}"}, "timeline": signed_in}
    # What each answer must hold, so a fast wrong page cannot pass: decrypted names, a verified log, feeds.
    expect = {"case": child, "glossary": "Intermediary", "worker_feed": "BEGIN:VEVENT", "parent_feed": "BEGIN:VEVENT",
              "caseload": "CJ-", "my_day": "Families to tell about a hearing change", "search": parent_name,
              "team_search": parent_name, "timeline": "/timeline?before=", "report": "Referrals received"}
    expect["case_log"] = "log-intact"
    return paths, headers, expect


async def measure(args: argparse.Namespace, sizes: list[Size]) -> tuple[list[Subject], dict[str, list[float]], dict[str, Any]]:

    from courtjourney.app import create_app, settle_memory
    from courtjourney.db.engine import SESSIONS_KEY
    from floor_app import create_app as floor_app

    subjects: list[Subject] = []
    async with contextlib.AsyncExitStack() as stack:
        for size in sizes:
            app = create_app(size.settings)
            counter = StatementCounter()
            counter.attach(app.state[SESSIONS_KEY].kw["bind"])
            client = await stack.enter_async_context(asgi_client(app))
            paths, headers, expect = await subject_for(size)
            subjects.append(Subject(size, app, client, counter, paths, headers, expect))
        floor = await stack.enter_async_context(asgi_client(floor_app()))
        if not args.unsettled:
            settle_memory()  # as `courtjourney serve` does once it has started (app.serving_app)
        # httpx logs every request at INFO, feed tokens included: the bench prints no secrets.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        floor_times: list[float] = []

        async def send(subject: Subject, target: Target, record: bool) -> None:
            subject.client.cookies.clear()  # each request carries exactly the headers given
            subject.counter.reset()
            began = time.perf_counter()
            if target.method == "GET":
                response = await subject.client.get(subject.paths[target.key], headers=subject.headers[target.key])
            else:
                response = await subject.client.post(subject.paths[target.key], headers=subject.headers[target.key],
                                                     follow_redirects=False)
            took = time.perf_counter() - began
            if response.status_code != target.expect:
                raise SystemExit(f"{subject.size.name}: {target.label} answered {response.status_code}, not {target.expect}:\n"
                                 f"{response.text[:2000]}")
            text = subject.expect_text.get(target.key)
            if text and text not in response.text:
                raise SystemExit(f"{subject.size.name}: {target.label} lacks {text!r}")
            if target.key == "case" and subject.expect_text["case_log"] not in response.text:
                raise SystemExit(f"{subject.size.name}: the measured case's incident log is not shown intact")
            if record:
                subject.times.setdefault(target.key, []).append(took)
                subject.stmts.setdefault(target.key, []).append(subject.counter.count)
                subject.sql_s.setdefault(target.key, []).append(subject.counter.seconds)

        progress(f"warming up, then {args.runs} round(s) over {len(args.targets)} requests x {len(subjects)} sizes ...")
        for _ in range(args.warmup):
            for target in args.targets:
                for subject in subjects:
                    await send(subject, target, record=False)
            await floor.get("/floor")
        for r in range(args.runs):
            began = time.perf_counter()
            await floor.get("/floor")
            floor_times.append(time.perf_counter() - began)
            targets = list(args.targets)
            random.Random(r).shuffle(targets)
            for target in targets:
                for subject in (subjects if r % 2 == 0 else list(reversed(subjects))):
                    await send(subject, target, record=True)
        extra = {"n_plus_one": await n_plus_one(subjects),
                 "explain": await explain(subjects[-1], send, args.targets) if args.explain else [],
                 "profile": await profile_request(subjects, send, args.profile) if args.profile else []}
    return subjects, {"floor": floor_times}, extra


@contextlib.asynccontextmanager
async def asgi_client(app: Any) -> Any:
    """httpx over ASGI in this event loop, with the app's start-up and shut-down run around it (as a server would).

    Litestar's own AsyncTestClient runs the app in a second thread through a portal; this keeps client and
    app in one loop and one thread, so the profiler sees the app and the hop between threads is not timed.
    """
    import httpx

    async with app.lifespan(), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        yield client


async def n_plus_one(subjects: list[Subject]) -> list[tuple[str, str, int, int]]:
    """Statements for worker 0 (50 cases) and worker 1 (100 cases) on the caseload page, their own feed and My day."""
    out = []
    for subject in subjects:
        paths, headers, _expect = await subject_for(subject.size, who=1)
        for key, label in (("caseload", "caseload page"), ("worker_feed", "worker's calendar feed"), ("my_day", "My day")):
            counts = []
            for p, h in ((subject.paths, subject.headers), (paths, headers)):
                for _ in range(2):  # the second request is counted: both feeds are then past their first build
                    subject.client.cookies.clear()
                    subject.counter.reset()
                    response = await subject.client.get(p[key], headers=h[key])
                    assert response.status_code == 200, response.text[:500]
                counts.append(subject.counter.count)
            out.append((subject.size.label, label, counts[0], counts[1]))
    return out




async def explain(subject: Subject, send: Callable[..., Any], targets: list[Target]) -> list[tuple[str, list[tuple[float, str, str]]]]:
    """Each request's SELECTs at the big size, EXPLAIN (ANALYZE, BUFFERS) run on the same parameters: the
    three slowest, and any other whose plan scans a table or filters out more than 1,000 rows."""
    import asyncpg

    out = []
    conn = await asyncpg.connect(dsn=plain_dsn(subject.size.settings.database_url))
    try:
        for target in targets:
            subject.counter.keep = True
            await send(subject, target, record=False)
            kept = sorted(subject.counter.kept, key=lambda k: k[2], reverse=True)
            subject.counter.keep = False
            plans = []
            for n, (statement, parameters, took) in enumerate(kept):
                if not statement.lstrip().upper().startswith("SELECT"):
                    if n < 3:
                        plans.append((took, statement, "(not a SELECT: not explained)"))
                    continue
                plan = await _plan(conn, statement, parameters)
                if n < 3 or _scans(plan):
                    plans.append((took, statement, plan))
            out.append((target.label, plans))
    finally:
        await conn.close()
    return out


async def _plan(conn: Any, statement: str, parameters: Any) -> str:
    params = list(parameters) if isinstance(parameters, (list, tuple)) else []
    tr = conn.transaction()
    await tr.start()
    try:
        rows = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + statement, *params)
        return "\n".join(r[0] for r in rows)
    except Exception as exc:  # noqa: BLE001 - shown in the report instead of a plan
        return f"(could not explain: {exc})"
    finally:
        await tr.rollback()


def _scans(plan: str) -> bool:
    """A sequential scan that read over 1,000 rows, or a filter that threw away over 1,000."""
    lines = plan.splitlines()
    for n, line in enumerate(lines):
        if "Rows Removed by Filter:" in line and int(line.rsplit(":", 1)[1]) > 1000:
            return True
        if "Seq Scan on" in line:
            found = re.search(r"actual time=\S+ rows=(\d+) loops=(\d+)", line)
            removed = next((int(x.rsplit(":", 1)[1]) for x in lines[n + 1:n + 4] if "Rows Removed by Filter:" in x), 0)
            if found and int(found[1]) * int(found[2]) + removed > 1000:
                return True
    return False


async def profile_request(subjects: list[Subject], send: Callable[..., Any], key: str) -> list[tuple[str, str]]:
    """cProfile 20 requests of one kind at each size: where the time goes, in the app's own functions."""
    import cProfile
    import io
    import pstats

    target = next(t for t in TARGETS if t.key == key)
    out = []
    for subject in subjects:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            await send(subject, target, record=False)
        profiler.disable()
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("tottime").print_stats(20)
        stats.sort_stats("cumulative").print_stats(35)
        out.append((subject.size.label, text.getvalue()))
    return out


# --- the table -------------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def ms(value: float) -> str:
    return f"{value * 1000:,.1f}"


def stmt_text(values: list[int]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo}" if lo == hi else f"{lo}-{hi}"


def describe(sizes: list[Size]) -> None:
    """What is in each database, and how long it took to fill."""
    print()
    print("courtjourney scale benchmark")
    for size in sizes:
        c = size.counts
        made = ("reused (filled by an earlier run)" if size.reused else
                f"filled in {size.fill_s:.0f} s, VACUUM ANALYZE {size.vacuum_s:.0f} s")
        print(f"  {size.label:>5}  database {size.name}: {c.get('case_record', 0):,} cases, {c.get('hearing', 0):,} hearings, "
              f"{c.get('incident', 0):,} incidents, {c.get('user_account', 0):,} accounts in {c.get('team', 0):,} teams; {made}")
        print(f"         also {c.get('hearing_change', 0):,} hearing changes, {c.get('hearing_attendance', 0):,} attendances, "
              f"{c.get('case_task', 0):,} tasks, {c.get('incident_chain', 0):,} chain links, {c.get('audit_event', 0):,} audit events, "
              f"{c.get('calendar_subscription', 0):,} calendar subscriptions, {c.get('glossary_local_entry', 0):,} local glossary entries")


def report(args: argparse.Namespace, sizes: list[Size], subjects: list[Subject], floor: dict[str, list[float]],
           extra: dict[str, Any], load: tuple[float, float]) -> None:
    from importlib.metadata import version

    from feeds import print_table

    small, big = subjects
    describe(sizes)
    print(f"  machine  {os.cpu_count()} CPUs, Python {platform.python_version()}, Litestar {version('litestar')}, "
          f"SQLAlchemy {version('sqlalchemy')}, asyncpg {version('asyncpg')}, PostgreSQL at {urlsplit(args.admin_url).hostname}")
    busy = max(load) > (os.cpu_count() or 1) * 0.75
    print(f"           load average {load[0]:.1f} at the start, {load[1]:.1f} at the end"
          + (": other work shared the CPUs" if busy else ""))
    print()
    print(f"Requests through the real app in process (httpx over ASGI in one event loop, no sockets), {args.runs} timed runs "
          f"each after {args.warmup} warm-up, sizes and requests taken in turns. Times in ms.")
    s, b = small.size.label, big.size.label
    rows = [["request", f"stmts@{s}", f"stmts@{b}", f"median/p95 @{s}", f"median/p95 @{b}", "ratio", f"SQL ms @{s}", f"@{b}"]]
    floor_med = statistics.median(floor["floor"])
    rows.append(["floor: minimal Litestar route", "0", "0", f"{ms(floor_med)} / {ms(pct(floor['floor'], 0.95))}",
                 f"{ms(floor_med)} / {ms(pct(floor['floor'], 0.95))}", "1.00", "0.0", "0.0"])
    missed = []
    for target in args.targets:
        k = target.key
        m_s, m_b = statistics.median(small.times[k]), statistics.median(big.times[k])
        ratio = m_b / m_s if m_s else 0.0
        rows.append([target.label, stmt_text(small.stmts[k]), stmt_text(big.stmts[k]),
                     f"{ms(m_s)} / {ms(pct(small.times[k], 0.95))}", f"{ms(m_b)} / {ms(pct(big.times[k], 0.95))}",
                     f"{ratio:.2f}", ms(statistics.median(small.sql_s[k])), ms(statistics.median(big.sql_s[k]))])
        if statistics.median(big.stmts[k]) != statistics.median(small.stmts[k]):
            missed.append(f"{target.label}: statements differ ({stmt_text(small.stmts[k])} against {stmt_text(big.stmts[k])})")
        if ratio > 1.5:
            missed.append(f"{target.label}: {ratio:.2f}x slower at {b}")
    print_table(rows, right={1, 2, 3, 4, 5, 6, 7})
    print(f"  ratio = median @{b} / median @{s} (aim: 1.5 or less); SQL ms = median time per request inside the database driver.")
    print("  A statement range (11-12) is the signed-in session's last-seen time, written at most once a minute.")
    print(f"  floor median {ms(floor_med)} ms: the client and ASGI cost of any request, measured in the same rounds.")
    print()
    print("N+1 check: statements for a worker with 50 cases and one with 100 (worker 1 co-works worker 2's cases)")
    rows = [["size", "request", "50 cases", "100 cases"]]
    for label, request, fifty, hundred in extra["n_plus_one"]:
        rows.append([label, request, str(fifty), str(hundred)])
        if fifty != hundred:
            missed.append(f"{request} @{label}: {fifty} statements for 50 cases, {hundred} for 100 (per-row queries)")
    print_table(rows, right={2, 3})
    print()
    print("Aims (same statements at both sizes and for both caseloads; 1.5x or less): "
          + ("all met." if not missed else "missed:\n  - " + "\n  - ".join(missed)))
    for label, text in extra["profile"]:
        print()
        print(f"cProfile of 20 requests @{label}: {args.profile}")
        print(text)
    for label, plans in extra["explain"]:
        print()
        print(f"EXPLAIN @{b}: {label}: its slowest statements")
        for took, statement, plan in plans:
            print(f"  -- {took * 1000:.2f} ms: {' '.join(statement.split())[:300]}")
            print("     " + plan.replace("\n", "\n     "))
    sys.stdout.flush()


# --- main ------------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", type=int, default=100_000, help="cases in the big service (default 100000)")
    p.add_argument("--small", type=int, default=1_000, help="cases in the small service (default 1000)")
    p.add_argument("--runs", type=int, default=30, help="timed requests of each kind at each size (default 30)")
    p.add_argument("--warmup", type=int, default=3, help="untimed rounds first (default 3)")
    p.add_argument("--keep", action="store_true", help="keep both databases afterwards (for --reuse)")
    p.add_argument("--reuse", action="store_true", help="measure databases a previous --keep run filled (implies --keep)")
    p.add_argument("--fill-only", action="store_true", help="fill (or find) the databases and measure nothing")
    p.add_argument("--only", default="", metavar="KEYS",
                   help="measure only these requests (comma-separated: " + ", ".join(t.key for t in TARGETS) + ")")
    p.add_argument("--profile", default="", metavar="KEY", help="also cProfile 20 requests of KEY at each size and print the top functions")
    p.add_argument("--unsettled", action="store_true",
                   help="skip app.settle_memory() (which `courtjourney serve` runs once started): measure as before it existed")
    p.add_argument("--explain", action="store_true", help="also print EXPLAIN ANALYZE of each request's slowest statements at the big size")
    p.add_argument("--admin-url", default=DEFAULT_PG_ADMIN, help=f"PostgreSQL to create the databases through (default {DEFAULT_PG_ADMIN})")
    p.add_argument("--seed", type=int, default=20260101, help="random seed for the generated service")
    args = p.parse_args()
    for n in (args.cases, args.small):
        if n < FIXED_WORKERS * CASES_PER_WORKER or n % CASES_PER_WORKER:
            p.error(f"sizes must be multiples of {CASES_PER_WORKER} and at least {FIXED_WORKERS * CASES_PER_WORKER} cases")
    if args.small >= args.cases:
        p.error("--small must be smaller than --cases")
    known = {t.key for t in TARGETS}
    args.targets = [t for t in TARGETS if not args.only or t.key in args.only.split(",")]
    if not args.targets or any(k not in known for k in args.only.split(",") if k) or (args.profile and args.profile not in known):
        p.error("--only and --profile take: " + ", ".join(sorted(known)))
    return args


def main() -> None:
    args = parse_args()
    base = configure()
    load_before = os.getloadavg()[0]
    sizes: list[Size] = []
    keep = args.keep or args.reuse
    try:
        for n, label in ((args.small, short(args.small)), (args.cases, short(args.cases))):
            sizes.append(prepare_database(args, base, n, label))
        if args.fill_only:
            describe(sizes)
            return
        subjects, floor, extra = asyncio.run(measure(args, sizes))
        report(args, sizes, subjects, floor, extra, (load_before, os.getloadavg()[0]))
    finally:
        if not keep:
            for size in sizes:
                asyncio.run(admin_exec(args.admin_url, f'DROP DATABASE IF EXISTS "{size.name}" WITH (FORCE)'))


def short(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


if __name__ == "__main__":
    main()
