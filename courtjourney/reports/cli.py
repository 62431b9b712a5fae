"""`courtjourney report quarterly --from 2026-10-01 --to 2026-12-31 [--team NAME] --out FILE`: the report as
CSV or XLSX (by the file's extension), made on the server for one team or all, and audited."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.db.engine import run_in_session

FORMATS = {".csv": "csv", ".xlsx": "xlsx"}


@click.group()
def report() -> None:
    """The quarterly report the funders ask for."""


@report.command()
@click.option("--from", "start", required=True, help="First day, like 2026-10-01.")
@click.option("--to", "end", required=True, help="Last day, like 2026-12-31.")
@click.option("--team", default=None, help="One team's name (default: every team).")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="FILE.csv or FILE.xlsx",
)
def quarterly(start: str, end: str, team: str | None, out: Path) -> None:
    """Write the report for the days given (both included) to FILE: counts under 5 as 'fewer than 5'."""
    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.errors import InputError, NotFound
    from courtjourney.i18n import LONDON, gettext
    from courtjourney.reports import periods, services
    from courtjourney.reports.scope import scope_for

    fmt = FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise click.BadParameter("The file must end .csv or .xlsx.", param_hint="--out")

    async def work(db: AsyncSession) -> bytes:
        try:
            days = periods.parse(start, end, dt.datetime.now(LONDON).date())
            scope = await scope_for(db, SYSTEM, team, admin_sees_all=False, everything=True)
        except InputError as wrong:
            raise click.ClickException(
                " ".join(f"--{k}: {gettext(v)}" for k, v in wrong.errors.items())
            ) from None
        except NotFound:
            raise click.ClickException(f"No team is called {team!r}.") from None
        made = await services.make_report(db, SYSTEM, days, scope, action=f"report.downloaded.{fmt}")
        return services.file_of(made, fmt)

    body = run_in_session(work)
    # Written under a temporary name and moved into place, readable only by whoever ran it (it may name workers).
    temporary = out.with_name(f".{out.name}.part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(body)
    temporary.replace(out)
    click.echo(f"Wrote {out} ({len(body)} bytes).")
