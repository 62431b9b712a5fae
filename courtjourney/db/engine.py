"""Engine and session configuration for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from courtjourney.settings import Settings, get_settings

T = TypeVar("T")

#: app.state key of the sessionmaker that guards and middleware use outside the request's session.
SESSIONS_KEY = "courtjourney_sessions"
#: app.state key of read_sessions(engine): sessions that read without a transaction (the calendar poll).
READS_KEY = "courtjourney_reads"
#: app.state key of the PollReader: the calendar poll's one read.
POLL_READER_KEY = "courtjourney_poll_reader"
#: The execution option read_sessions sets on its connection (tune_sqlite then sends no BEGIN IMMEDIATE).
READ_ONLY = "courtjourney_read_only"


def engine_options(settings: Settings) -> dict[str, Any]:
    if settings.is_sqlite:
        # SQLite gets one connection per task from a small pool; busy_timeout waits for the writer.
        return {"connect_args": {"timeout": 30}}
    return {"pool_size": 10, "max_overflow": 10, "pool_pre_ping": True}


def private_sqlite_files(database: str | None) -> None:
    """The SQLite file, and its -wal and -shm, readable by the service's own user only (0600), like the
    key file: SQLite creates a new file 0644 (less the umask), and its WAL and shared-memory files copy
    the database file's mode. A missing file is made 0600 before SQLite opens it; an existing one (an
    older install, a restore) is narrowed to 0600."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    for path in (database, f"{database}-wal", f"{database}-shm", f"{database}-journal"):
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)


def tune_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE so two writers queue instead of failing mid-transaction.

    With SQLite's default deferred BEGIN, a read that later writes can hit "database is locked"
    when another connection is writing; taking the write lock up front makes writers wait
    (busy_timeout) rather than lose work. See SQLAlchemy's pysqlite/aiosqlite transaction notes.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        private_sqlite_files(engine.url.database)  # the -wal and -shm files exist from here

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            return  # read_sessions: each SELECT is its own implicit read transaction, no write lock
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(settings: Settings) -> AsyncEngine:
    engine = create_async_engine(settings.database_url, **engine_options(settings))
    if settings.is_sqlite:
        private_sqlite_files(engine.url.database)
        tune_sqlite(engine)
    return engine


ReadSessions = Callable[[], contextlib.AbstractAsyncContextManager[AsyncSession]]


def read_sessions(engine: AsyncEngine) -> ReadSessions:
    """Sessions for reads that need no transaction of their own: each statement runs by itself, with no
    BEGIN and no COMMIT, so a calendar poll that finds its feed unchanged costs its SELECTs and nothing
    else (on SQLite a transaction here would be BEGIN IMMEDIATE: the write lock, queued behind every
    writer). Statements in one such session do not share a snapshot; a caller that needs them to agree
    checks (the poll: a fingerprint that does not match what the subscription row says falls back to
    the write path). Nothing may be written in one: SQLite would commit each statement on its own."""
    sqlite = engine.dialect.name == "sqlite"

    @contextlib.asynccontextmanager
    async def open_read() -> AsyncIterator[AsyncSession]:
        async with engine.connect() as conn:
            if sqlite:
                # Not isolation_level="AUTOCOMMIT": on SQLite that is undone when the connection goes
                # back to the pool by turning on pysqlite's own implicit BEGIN, which tune_sqlite turns off.
                await conn.execution_options(**{READ_ONLY: True})
            else:
                await conn.execution_options(isolation_level="AUTOCOMMIT")  # asyncpg: no BEGIN, no COMMIT
            async with AsyncSession(bind=conn, expire_on_commit=False) as db:
                yield db

    return open_read


class PollReader:
    """Runs one read of the calendar poll (a function of a sync Session) in as few hops as it can.

    SQLite through aiosqlite costs a hop to its thread for every cursor step (open, execute, fetch,
    close, end): about five per statement, each a thread switch, and on a busy machine each switch is
    most of a millisecond (measured: connect + SELECT 1 took 1.1 ms that way, 0.34 ms as one hop). So on a
    SQLite file the read runs in a worker thread, whole, on a synchronous engine of its own that only
    reads: no BEGIN (each statement is its own read transaction; in WAL mode it never waits for a
    writer), no writes. On PostgreSQL (asyncpg has no thread) it runs on a read session.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._reads = read_sessions(engine)
        self._sync: Engine | None = None
        database = engine.url.database
        if (
            engine.dialect.name == "sqlite"
            and database
            and database != ":memory:"
            and not database.startswith("file:")
        ):
            self._sync = create_engine(
                engine.url.set(drivername="sqlite"),
                connect_args={
                    "timeout": 30,
                    "check_same_thread": False,
                },  # one thread at a time, from the pool
            )
            _tune_sqlite_reader(self._sync)

    @property
    def sync_engine(self) -> Engine | None:
        """The reading engine of its own (a SQLite file), or None when reads go through the app's."""
        return self._sync

    async def run(self, work: Callable[[Session], T]) -> T:
        if self._sync is not None:
            return await asyncio.to_thread(self._in_thread, work)
        async with self._reads() as db:
            return await db.run_sync(work)

    def _in_thread(self, work: Callable[[Session], T]) -> T:
        with Session(self._sync, expire_on_commit=False) as db:
            return work(db)

    def dispose(self) -> None:
        if self._sync is not None:
            self._sync.dispose()


def _tune_sqlite_reader(engine: Engine) -> None:
    """tune_sqlite's settings for a connection that only reads, and never a BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # no implicit BEGIN from the driver either
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(_conn: Any) -> None:
        return  # each SELECT is its own read transaction


def make_alchemy_config(settings: Settings, engine: AsyncEngine | None = None) -> SQLAlchemyAsyncConfig:
    engine = engine or make_engine(settings)
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit_include_redirects",
        create_all=False,
    )


def run_in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction against the configured database, then close the engine (the command line)."""

    async def main() -> T:
        engine = make_engine(get_settings())
        try:
            maker = async_sessionmaker(engine, expire_on_commit=False)
            async with maker() as db, db.begin():
                return await work(db)
        finally:
            await engine.dispose()

    return asyncio.run(main())


__all__ = (
    "EngineConfig",
    "PollReader",
    "make_alchemy_config",
    "make_engine",
    "read_sessions",
    "run_in_session",
    "tune_sqlite",
)
