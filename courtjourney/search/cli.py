"""The `courtjourney search` command: rebuild the keyed name index from the cases as stored."""

from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.db.engine import run_in_session


@click.group()
def search() -> None:
    """The index that finds cases by a person's name."""


@search.command()
def reindex() -> None:
    """Rebuild the name index for every case (needed only for rows written outside the app)."""
    from courtjourney.cases.search_index import reindex_all

    async def work(db: AsyncSession) -> int:
        return await reindex_all(db)

    done = run_in_session(work)
    click.echo(f"Indexed {done} case{'s' if done != 1 else ''}.")
