"""The `courtjourney verify-incidents` command: check every case's incident log chain."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.db.engine import run_in_session


@click.command("verify-incidents")
@click.option(
    "--skip-files", is_flag=True, help="Check the chain only, without decrypting every evidence file."
)
def verify_incidents(skip_files: bool) -> None:
    """Check every case's incident log chain; exit 1 and say where, if any chain breaks."""
    from courtjourney.threats import services

    async def work(db: AsyncSession) -> list[tuple[str, Any]]:
        return [
            (case.reference, await services.verify_case(db, case.id, check_files=not skip_files))
            for case in await services.cases_with_incidents(db)
        ]

    results = run_in_session(work)
    broken = 0
    for reference, verdict in results:
        if verdict.intact:
            click.echo(f"{reference}: intact, {verdict.entries} entries, last link {verdict.last_link}")
        else:
            broken += 1
            click.echo(f"{reference}: BREAKS AT entry {verdict.broken_at}: {verdict.problem}")
    click.echo(f"Checked {len(results)} case log(s): " + (f"{broken} broken." if broken else "all intact."))
    if broken:
        raise SystemExit(1)
