"""Engine and session configuration for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    EngineConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from courtjourney.settings import Settings, get_settings

T = TypeVar("T")

#: app.state key of the sessionmaker that guards and middleware use outside the request's session.
SESSIONS_KEY = "courtjourney_sessions"


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
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(settings: Settings) -> AsyncEngine:
    engine = create_async_engine(settings.database_url, **engine_options(settings))
    if settings.is_sqlite:
        private_sqlite_files(engine.url.database)
        tune_sqlite(engine)
    return engine


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


__all__ = ("EngineConfig", "make_alchemy_config", "make_engine", "run_in_session", "tune_sqlite")
