"""The Alembic migrations, run from code (no alembic.ini needed): `courtjourney init`, `courtjourney db ...`
and the tests use this. env.py and versions/ sit beside it; ops.py holds what the migrations share."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import TypeDecorator

from courtjourney.settings import Settings

MIGRATIONS = Path(__file__).parent
VERSIONS = MIGRATIONS / "versions"


def alembic_config(settings: Settings, versions: Path | None = None) -> Config:
    """Alembic's configuration for this database; `versions` reads (and writes) the migrations elsewhere."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")  # a folder named with spaces stays one folder
    if versions is not None:
        cfg.set_main_option("version_locations", str(versions).replace("%", "%%"))
    cfg.set_main_option("sqlalchemy.url", settings.database_url.replace("%", "%%"))
    return cfg


def upgrade(settings: Settings, revision: str = "head", versions: Path | None = None) -> None:
    command.upgrade(alembic_config(settings, versions), revision)


def downgrade(settings: Settings, revision: str, versions: Path | None = None) -> None:
    command.downgrade(alembic_config(settings, versions), revision)


def head(settings: Settings, versions: Path | None = None) -> str | None:
    """The newest migration this version of courtjourney has."""
    return ScriptDirectory.from_config(alembic_config(settings, versions)).get_current_head()


def current(settings: Settings) -> str | None:
    """The migration the database is at (None when none has run)."""
    from courtjourney.db.engine import make_engine

    async def read() -> str | None:
        engine = make_engine(settings)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(
                    lambda sync: MigrationContext.configure(sync).get_current_revision()
                )
        finally:
            await engine.dispose()

    return asyncio.run(read())


def revision(settings: Settings, message: str, versions: Path | None = None) -> Path | None:
    """Write the migration from the database (upgraded to head first) to the models' metadata.

    The new file takes the next four-digit revision id (0008 after 0007). None, and no file, when
    the models and the database already agree.
    """
    cfg = alembic_config(settings, versions)
    cfg.cmd_opts = argparse.Namespace(quiet=True)  # the command line says what was written, in its own words
    script = ScriptDirectory.from_config(cfg)
    numbers = [int(r.revision) for r in script.walk_revisions() if r.revision.isdigit()]
    upgrade(settings, "head", versions)
    empty: list[bool] = []

    def skip_if_empty(_context: Any, _revision: Any, directives: list[Any]) -> None:
        if directives and directives[0].upgrade_ops.is_empty():
            empty.append(True)
            directives[:] = []

    written = command.revision(
        cfg,
        message=message,
        autogenerate=True,
        rev_id=f"{max(numbers, default=0) + 1:04d}",
        process_revision_directives=skip_if_empty,
    )
    if empty or written is None:
        return None
    scripts = [s for s in (written if isinstance(written, list) else [written]) if s is not None]
    return Path(scripts[0].path) if scripts else None


def compare_type(_context, _inspected_column, _metadata_column, _inspected_type, metadata_type):
    """Compare plain column types as Alembic does; skip Advanced Alchemy's TypeDecorators.

    SQLite reflects their storage types (BINARY(16) for GUID, VARCHAR for encrypted text) under
    other names, which would report a change on every run. Their columns, nullability and
    indexes are still compared.
    """
    if isinstance(metadata_type, TypeDecorator):
        return False
    return None
