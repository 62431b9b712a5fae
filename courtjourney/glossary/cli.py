"""The `courtjourney glossary load` command: read and check the glossary's data files."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.db.engine import run_in_session


@click.group()
def glossary() -> None:
    """The plain-language glossary: check its data files."""


@glossary.command("load")
@click.option(
    "--en",
    "en_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Check this English file instead of the shipped one.",
)
@click.option(
    "--cy",
    "cy_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Check this Welsh file instead of the shipped one.",
)
@click.option(
    "--check-local",
    is_flag=True,
    help="Also list local entries in the database that a shipped word now hides.",
)
def glossary_load(en_path: str | None, cy_path: str | None, check_local: bool) -> None:
    """Read and check the glossary files, and report what they hold. Changes nothing.

    On bad data it stops with the file, the line of the [[term]] at fault and the problem. The
    service reads the shipped files when it starts: restart it after changing them.
    """
    from pathlib import Path

    from courtjourney.glossary.terms import STAGES, GlossaryDataError, data_path, name_key, parse_terms

    def read(locale: str, path: str | None, known: set[str] | None) -> Any:
        origin = path or f"courtjourney/glossary/data/{locale}.toml"
        text = (
            Path(path).read_text(encoding="utf-8") if path else data_path(locale).read_text(encoding="utf-8")
        )
        return parse_terms(text, locale, origin=origin, known_ids=known)

    try:
        en = read("en", en_path, None)
        cy = read("cy", cy_path, {t.id for t in en})
    except (GlossaryDataError, UnicodeDecodeError) as exc:
        raise click.ClickException(str(exc)) from None
    unreviewed = sum(1 for t in cy if not t.reviewed)
    click.echo(
        f"English: {len(en)} terms. Welsh: {len(cy)} terms ({unreviewed} not yet checked by a fluent speaker)."
    )
    for stage in STAGES:
        click.echo(
            f"  {stage:16} {sum(stage in t.stages for t in en):4} English, {sum(stage in t.stages for t in cy):4} Welsh"
        )
    if check_local:
        from courtjourney.glossary.models import LocalEntry

        shipped = {name_key(n) for t in (*en, *cy) for n in t.names}

        async def hidden(db: AsyncSession) -> list[str]:
            rows = await db.scalars(select(LocalEntry))
            return [e.term for e in rows if any(name_key(n) in shipped for n in (e.term, *(e.aliases or ())))]

        names = run_in_session(hidden)
        if names:
            click.echo("Local entries hidden because a shipped word now uses their name: " + ", ".join(names))
        else:
            click.echo("No local entry clashes with a shipped word.")
    click.echo("Checked; nothing was changed.")
