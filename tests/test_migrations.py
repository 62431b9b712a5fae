"""Migrations build exactly the schema the models describe, on every backend, and go down and up again."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from courtjourney.db.engine import make_engine
from courtjourney.migrations import compare_type, downgrade, upgrade
from courtjourney.schema import metadata
from courtjourney.settings import Settings


def schema_differences(settings: Settings) -> list[object]:
    async def main() -> list[object]:
        engine = make_engine(settings)
        try:
            async with engine.connect() as conn:
                def compare(sync_conn):  # type: ignore[no-untyped-def]
                    context = MigrationContext.configure(sync_conn, opts={"compare_type": compare_type})
                    return compare_metadata(context, metadata)

                return await conn.run_sync(compare)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def table_names(settings: Settings) -> set[str]:
    async def main() -> set[str]:
        engine = make_engine(settings)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_migrations_build_the_same_schema_as_the_models(settings: Settings, backend: str) -> None:
    differences = schema_differences(settings)
    assert differences == [], f"{backend}: models and migrations differ: {differences}"


def test_every_model_table_exists_after_migrating(settings: Settings) -> None:
    assert {t.name for t in metadata.sorted_tables} <= table_names(settings)


def test_migrations_go_down_to_nothing_and_back_up(settings: Settings) -> None:
    downgrade(settings, "base")
    assert table_names(settings) - {"alembic_version"} == set()
    upgrade(settings)
    assert schema_differences(settings) == []
