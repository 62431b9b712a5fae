"""Alembic environment: async engine, the models' metadata, SQLite batch mode for ALTERs."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from courtjourney.db.engine import make_engine
from courtjourney.migrations import compare_type
from courtjourney.schema import metadata
from courtjourney.settings import Settings, get_settings

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=compare_type,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async() -> None:
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    settings = Settings(**{**get_settings().__dict__, "database_url": url})
    engine = make_engine(settings)
    async with engine.connect() as connection:
        await connection.run_sync(run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    existing = config.attributes.get("connection")
    if existing is not None:
        run(existing)
    else:
        asyncio.run(run_async())
