"""Test fixtures: every test that takes `backend` runs on SQLite and, where a server answers, PostgreSQL.

Each backend is migrated once per run (through Alembic, the same path production takes). Each test
then gets clean data: SQLite copies the migrated file; PostgreSQL truncates every table.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import re
import shutil
import socket
import sys
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from litestar.testing import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from courtjourney import settings as settings_module
from courtjourney.settings import Settings

T = TypeVar("T")

# The "next year" run (`make test-next-year`, or CLOCK_SHIFT_DAYS=N make test): every process the
# suite starts imports tests/clockshift/sitecustomize.py, which moves its clock N days ahead. A test
# that passes today and fails then depends on the day it runs: pin its clock with time_machine.
if os.environ.get("CLOCK_SHIFT_DAYS"):
    _clockshift = str(Path(__file__).resolve().parent / "clockshift")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [_clockshift, os.environ.get("PYTHONPATH")]))
    if "sitecustomize" not in sys.modules or not getattr(sys.modules["sitecustomize"], "__file__", "").startswith(_clockshift):
        import importlib.util

        _spec = importlib.util.spec_from_file_location("_clockshift", Path(_clockshift) / "sitecustomize.py")
        assert _spec and _spec.loader
        _spec.loader.exec_module(importlib.util.module_from_spec(_spec))

SECRET = "test-secret-key-not-for-production"
BACKENDS_RAN: set[str] = set()


def postgres_admin_url() -> str | None:
    """COURTJOURNEY_TEST_POSTGRES_URL, or the local server on 127.0.0.1:5432 if one answers."""
    url = os.environ.get("COURTJOURNEY_TEST_POSTGRES_URL")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
    except OSError:
        return None


def run_async(work: Callable[[], Awaitable[T]]) -> T:
    return asyncio.run(work())  # type: ignore[arg-type]


def _settings(url: str, tmp: Path) -> Settings:
    return Settings(
        database_url=url,
        key_file=tmp / "secret.key",
        secret_key_env=SECRET,
        host="127.0.0.1",
        port=8000,
        workers=1,
        secure_cookies="auto",
        session_idle_minutes=30,
        session_max_hours=12,
        login_max_failures=5,
        login_lock_minutes=15,
        max_body_bytes=1024 * 1024,
        debug=False,
        # The test client's address (Litestar's TestClient and ours ask for http://testserver.local):
        # links are built from it, and it is among the hosts answered.
        public_url="http://testserver.local",
    )


def use_settings(monkeypatch: pytest.MonkeyPatch, s: Settings) -> None:
    """Make the whole app (and the encrypted column types) see these settings."""
    monkeypatch.setenv("COURTJOURNEY_DATABASE_URL", s.database_url)
    monkeypatch.setenv("COURTJOURNEY_SECRET_KEY", SECRET)
    monkeypatch.setenv("COURTJOURNEY_KEY_FILE", str(s.key_file))
    monkeypatch.setattr(settings_module, "_in_use", s)  # settings.use_settings(s), put back when the test ends


@dataclass
class Backend:
    name: str
    template_url: str
    admin_url: str | None = None
    db_name: str | None = None
    tables: list[str] = field(default_factory=list)


def _pg_database_url(admin_url: str, name: str) -> str:
    parts = urlsplit(admin_url)
    return parts._replace(path=f"/{name}").geturl()


async def _pg_exec(admin_url: str, sql: str) -> None:
    import asyncpg

    parts = urlsplit(admin_url.replace("+asyncpg", ""))
    conn = await asyncpg.connect(dsn=parts.geturl())
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def migrated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    from courtjourney.migrations import upgrade

    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / 'template.db'}"
        with pytest.MonkeyPatch.context() as mp:
            use_settings(mp, _settings(url, tmp))
            upgrade(_settings(url, tmp))
        BACKENDS_RAN.add("sqlite")
        yield Backend("sqlite", url)
        return
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("PostgreSQL: no server answers on 127.0.0.1:5432 and COURTJOURNEY_TEST_POSTGRES_URL is not set")
    name = f"cj_test_{uuid.uuid4().hex[:10]}"
    try:
        run_async(lambda: _pg_exec(admin, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach PostgreSQL means: skip it, say why
        pytest.skip(f"PostgreSQL at {urlsplit(admin).hostname} did not let us create a test database: {exc}")
    url = _pg_database_url(admin, name)
    with pytest.MonkeyPatch.context() as mp:
        use_settings(mp, _settings(url, tmp))
        upgrade(_settings(url, tmp))
    BACKENDS_RAN.add("postgresql")
    from courtjourney.schema import metadata

    yield Backend("postgresql", url, admin_url=admin, db_name=name, tables=[t.name for t in metadata.sorted_tables])
    run_async(lambda: _pg_exec(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def settings(migrated: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for one test, pointing at a clean, migrated database."""
    if migrated.name == "sqlite":
        template = Path(migrated.template_url.split("///", 1)[1])
        target = tmp_path / "cj.db"
        shutil.copy(template, target)
        url = f"sqlite+aiosqlite:///{target}"
    else:
        url = migrated.template_url
        tables = ", ".join(f'"{t}"' for t in migrated.tables)
        # TRUNCATE does not fire the row triggers that keep the audit trail append-only.
        run_async(lambda: _pg_exec(_pg_database_url(migrated.admin_url or "", migrated.db_name or ""), f"TRUNCATE {tables} CASCADE"))
    s = _settings(url, tmp_path)
    use_settings(monkeypatch, s)
    return s


@pytest.fixture
def backend(migrated: Backend) -> str:
    return migrated.name


def in_db(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one committed transaction on the test database (outside the app)."""
    from courtjourney.db.engine import make_engine

    async def main() -> T:
        engine = make_engine(settings)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
                return await work(db)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def sql(settings: Settings, statement: str, **params: Any) -> list[Any]:
    async def work(db: AsyncSession) -> list[Any]:
        return list((await db.execute(text(statement), params)).all())

    return in_db(settings, work)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Any]]:
    from courtjourney.app import create_app

    with TestClient(create_app(settings), base_url="http://testserver.local") as c:
        yield c


# --- a small world: two teams, their people and their cases ----------------------------------

PASSWORD = "correct horse battery staple"


@dataclass
class Person:
    id: uuid.UUID
    email: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    worker: Person  # North Hub, assigned to north_case
    colleague: Person  # North Hub, not assigned to north_case
    manager: Person  # North Hub manager
    admin: Person  # no team, not assigned
    outsider: Person  # South Hub worker, assigned to south_case
    north_case: uuid.UUID
    south_case: uuid.UUID
    north_task: uuid.UUID
    north_consent: uuid.UUID
    north_incident: uuid.UUID
    north_evidence: uuid.UUID
    north_member: uuid.UUID | None = None  # a parent, following the hearing below
    north_proceeding: uuid.UUID | None = None
    north_hearing: uuid.UUID | None = None
    north_subscription: uuid.UUID | None = None
    north_feed_token: str = ""  # the parent's discreet calendar address
    north_document: uuid.UUID | None = None  # the parent's briefing for the hearing
    north_share: uuid.UUID | None = None
    north_charge: uuid.UUID | None = None
    north_outcome: uuid.UUID | None = None  # a conviction and prison sentence on north_case
    north_plan_item: uuid.UUID | None = None
    north_review: uuid.UUID | None = None
    north_contact_entry: uuid.UUID | None = None  # a call with the parent, in the contact log
    north_message: uuid.UUID | None = None  # a message to the parent, kept for the worker to send (no channel set)


#: When the tests' own tokens stop working: never, in practice. The world and other fixtures are built on
#: fixed days, and a token's 90 days from one of them would end whatever the suite then does with it (or
#: every API test, on some day after). How tokens expire is tested in tests/accounts.
TEST_TOKENS_EXPIRE = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


async def lasting_api_token(db: AsyncSession, user: Any, name: str = "tests") -> str:
    """An API token for a test person that works whatever day the suite runs (or pins its clock to)."""
    from courtjourney.accounts import services as accounts

    row, token = await accounts.issue_api_token(db, user, name)
    row.expires_at = TEST_TOKENS_EXPIRE
    return token


async def build_world(db: AsyncSession) -> World:
    import datetime as dt

    from courtjourney.accounts import services as accounts
    from courtjourney.accounts.audit import Actor
    from courtjourney.cases import services as cases

    north = await accounts.get_or_create_team(db, "North Hub")
    south = await accounts.get_or_create_team(db, "South Hub")

    async def person(email: str, name: str, role: str, team: Any) -> tuple[Any, Person]:
        user = await accounts.create_user(db, email=email, full_name=name, password=PASSWORD, role=role, team=team)
        token = await lasting_api_token(db, user)
        return user, Person(user.id, email, token)

    worker_user, worker = await person("worker@north.example", "Wren Worker", "worker", north)
    _, colleague = await person("colleague@north.example", "Cole Colleague", "worker", north)
    _, manager = await person("manager@north.example", "Mina Manager", "manager", north)
    _, admin = await person("admin@example.org", "Adam Admin", "admin", None)
    outsider_user, outsider = await person("worker@south.example", "Sid South", "worker", south)
    as_worker = Actor.of(worker_user)  # what the services are handed for the worker's own actions

    north_case = await cases.open_case(db, as_worker, {"child_name": "Nell Northfield", "child_birth_date": dt.date(2012, 4, 1)})
    south_case = await cases.open_case(db, Actor.of(outsider_user), {"child_name": "Sky Southgate", "child_birth_date": None})
    task = await cases.add_task(db, as_worker, north_case, {"title": "Phone the school", "due_on": None, "assigned_to_id": None})
    consent = await cases.add_consent(db, as_worker, north_case, {
        "organisation_kind": "police", "organisation": "North Police", "purpose": "Investigation", "given_by": "Parent", "given_on": dt.date(2026, 1, 5)})
    from courtjourney.threats import services as threats

    incident = await threats.record_incident(db, as_worker, north_case, {
        "narrative": "A car waited outside the house", "occurred_from": dt.datetime(2026, 1, 6, 18, 0, tzinfo=dt.UTC)})
    evidence = await threats.add_evidence(db, as_worker, north_case, incident, "car.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    from courtjourney.hearings import services as hearings

    parent = await cases.add_family_member(db, as_worker, north_case, {
        "name": "Nora Northfield", "relationship_to_child": "mother", "preferred_language": "en", "is_witness": True})
    proceeding = await hearings.add_proceeding(db, as_worker, north_case, {
        "court_name": "Northtown Crown Court", "court_town": "Northtown", "court_address": "1 Court Street, Northtown NT1 1AA",
        "court_type": "crown", "urn": "12AB3456789", "defendants": "Defendant A", "status": "active"})
    hearing = await hearings.add_hearing(db, as_worker, north_case, {
        "proceeding_id": proceeding.id, "hearing_type": "trial", "listing": "fixed", "date": dt.date(2026, 12, 14),
        "start_time": dt.time(10, 0), "end_time": None, "court_name": "Northtown Crown Court", "court_town": "Northtown",
        "court_address": "1 Court Street, Northtown NT1 1AA"})
    await hearings.set_attendance(db, as_worker, north_case, hearing, {parent.id: "needed"})
    subscription, feed_token = await hearings.subscribe(db, as_worker, north_case, {"family_member_id": parent.id, "privacy": "discreet"})
    from courtjourney.documents import store

    [briefing] = await hearings.make_briefings(db, as_worker, north_case, hearing)
    share, _token = await store.share(db, as_worker, north_case, briefing, organisation="North Witness Service", recipient="Wynn")
    from courtjourney.debrief import services as debrief

    charge = await hearings.add_charge(db, as_worker, north_case, proceeding, {
        "description": "Sexual activity with a child", "category": "sexual", "defendant": "Defendant A"})
    outcome = await debrief.add_outcome(db, as_worker, north_case, {
        "proceeding_id": proceeding.id, "charge_id": charge.id, "result": "convicted", "decided_on": dt.date(2026, 10, 1),
        "sentence_type": "custody", "custody_months": "36", "sentence_on": dt.date(2026, 10, 29), "uls_eligible": "yes"})
    item = await debrief.add_plan_item(db, as_worker, north_case, {"kind": "emotional", "owner": "IPSW", "status": "planned"})
    reviews = await debrief.set_reviews(db, as_worker, north_case, dt.date(2026, 10, 29))
    from courtjourney.contacts import services as contacts

    entry = await contacts.record_contact(db, as_worker, north_case, {
        "kind": "call", "notes": "Talked about the trial", "minutes": 20, "member_ids": [parent.id]})
    from courtjourney.messages import services as messages

    await messages.set_reach(db, as_worker, north_case, parent, {
        "email": "nora@family.example", "email_agreed": True, "email_safe": True,
        "safe_from": dt.time(8, 0), "safe_until": dt.time(20, 0), "weekends": True, "discretion": "discreet"})
    message = await messages.write_message(db, as_worker, north_case, {"member_id": parent.id, "text": "Can I visit on Friday?"})
    return World(worker, colleague, manager, admin, outsider, north_case.id, south_case.id, task.id, consent.id,
                 incident.id, evidence.id,
                 north_member=parent.id, north_proceeding=proceeding.id, north_hearing=hearing.id,
                 north_subscription=subscription.id, north_feed_token=feed_token, north_document=briefing.id,
                 north_share=share.id, north_charge=charge.id,
                 north_outcome=outcome.id, north_plan_item=item.id, north_review=reviews[0].id,
                 north_contact_entry=entry.id, north_message=message.id)


# The small world is built at one fixed moment, so what it records (when a change became known, when a
# case was opened) is the same whatever day the suite runs; tests that depend on "now" pin it themselves.
WORLD_BUILT_AT = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)  # a Monday, before every date the world holds


@pytest.fixture
def world(settings: Settings) -> World:
    import time_machine

    with time_machine.travel(WORLD_BUILT_AT, tick=True):
        return in_db(settings, build_world)


CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(client: TestClient[Any], path: str = "/login") -> str:
    page = client.get(path)
    match = CSRF_FIELD.search(page.text)
    assert match, f"no CSRF field on {path}"
    return match.group(1)


def sign_in(client: TestClient[Any], email: str, password: str = PASSWORD) -> None:
    token = csrf_token(client)
    response = client.post("/login", data={"email": email, "password": password, "_csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    ran = ", ".join(sorted(BACKENDS_RAN)) or "none"
    terminalreporter.write_line(f"database backends that ran: {ran}")


def audit_events(settings: Settings, **where: Any) -> list[Any]:
    """Audit events matching column=value filters, oldest first."""
    from sqlalchemy import select

    from courtjourney.accounts.models import AuditEvent

    async def work(db: AsyncSession) -> list[Any]:
        query = select(AuditEvent).order_by(AuditEvent.created_at, AuditEvent.id)
        for column, value in where.items():
            query = query.where(getattr(AuditEvent, column) == value)
        return list(await db.scalars(query))

    return in_db(settings, work)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashing() -> Iterator[None]:
    """Real argon2id, with the library's cheapest parameters: tests make many accounts, and the
    cost setting is not what they test. Production keeps argon2-cffi's recommended defaults."""
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST

    from courtjourney.accounts import credentials

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(credentials, "_hasher", PasswordHasher.from_parameters(CHEAPEST))
        mp.setattr(credentials, "_DUMMY_HASH", credentials._hasher.hash("dummy"))
        yield


@pytest.fixture(autouse=True)
def _one_alchemy_config_at_a_time() -> Iterator[None]:
    """advanced-alchemy keeps, on its config class, every session and engine key any config ever took, so
    that two configs in one app never share one; it never forgets them, and finds a free key by recursing
    once per key taken. A service builds one app; this test process builds about a thousand, and past
    that the recursion limit answered every new app with RecursionError. Each test's apps are gone when
    it ends, so their keys are forgotten with them."""
    yield
    from advanced_alchemy.extensions.litestar.plugins.init.config.asyncio import SQLAlchemyAsyncConfig

    for registry in ("_SESSION_SCOPE_KEY_REGISTRY", "_ENGINE_APP_STATE_KEY_REGISTRY",
                     "_SESSIONMAKER_APP_STATE_KEY_REGISTRY"):
        getattr(SQLAlchemyAsyncConfig, registry).clear()
