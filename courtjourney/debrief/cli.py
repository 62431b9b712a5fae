"""The `courtjourney retention` command: closed cases past their retention date, and their deletion."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.db.engine import run_in_session


@click.command()
@click.option(
    "--delete",
    "delete_them",
    is_flag=True,
    help="Delete the listed cases, keeping only a record that they existed.",
)
@click.option(
    "--case",
    "only",
    default=None,
    help="Only this case reference (with --delete: refuses if it is open or not yet due).",
)
def retention(delete_them: bool, only: str | None) -> None:
    """List closed cases past their retention date; with --delete, delete all their data."""
    from courtjourney.accounts.audit import SYSTEM
    from courtjourney.cases.models import Case
    from courtjourney.debrief import services

    async def work(db: AsyncSession) -> list[str]:
        if only:
            case = await db.scalar(select(Case).where(Case.reference == only))
            if case is None:
                raise click.ClickException(f"No case with the reference {only}.")
            targets: list[tuple[UUID, str, dt.date | None]] = [(case.id, case.reference, None)]
        else:
            targets = [(e.case_id, e.reference, e.retain_until) for e in await services.past_retention(db)]
        lines = []
        for case_id, reference, until in targets:
            if delete_them:
                try:
                    record = await services.purge(db, SYSTEM, case_id)
                except services.PurgeRefused as refused:
                    raise click.ClickException(str(refused)) from None
                lines.append(
                    f"Deleted {reference}; kept only that it existed (deleted at {record.deleted_at:%Y-%m-%d %H:%M} UTC)."
                )
            else:
                lines.append(f"{reference}  kept until {until}" if until else f"{reference}")
        return lines

    lines = run_in_session(work)
    if not lines:
        click.echo("No cases are past their retention date.")
    for line in lines:
        click.echo(line)
    if lines and not delete_them:
        click.echo("Run again with --delete to delete them.")


@click.group(name="rules")
def law_rules() -> None:
    """The law's numbers as dated rows (courtjourney/law.py): the figures behind every date we give."""


@law_rules.command(name="check")
def rules_check() -> None:
    """Exit 1, listing them, if any rule in use has a row not yet checked against the primary text."""
    from courtjourney import law
    from courtjourney.debrief import rules  # noqa: F401  (importing it declares the rules it uses)

    broken = law.problems() + [f"{key} is used but has no row" for key in law.without_rows()]
    unchecked = law.unchecked_in_use()
    for problem in broken:
        click.echo(f"Problem: {problem}")
    for row in unchecked:
        state = "not checked" + ("; start not confirmed" if not row.confirmed else "")
        click.echo(f"{row.ref}  {row.value} {row.unit}  {row.law} [{row.source}]  ({state})")
    if broken or unchecked:
        click.echo(f"{len(unchecked)} row(s) of rules in use not checked against the law's own text.")
        raise SystemExit(1)
    click.echo(f"Every row of the {len(law.USED)} rules in use is checked.")
