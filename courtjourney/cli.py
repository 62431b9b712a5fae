"""The `courtjourney` command: init, serve, demo, users, glossary."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from courtjourney.settings import get_settings

T = TypeVar("T")


def run_in_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run `work` in one transaction against the configured database, then close the engine."""
    import courtjourney.schema  # noqa: F401 - every table known, for commands that read them all (retention)
    from courtjourney.db.engine import make_engine

    async def main() -> T:
        engine = make_engine(get_settings())
        try:
            maker = async_sessionmaker(engine, expire_on_commit=False)
            async with maker() as db, db.begin():
                return await work(db)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@click.group()
def main() -> None:
    """courtjourney: the IPSW's tool for families going through the criminal courts."""


@main.command()
@click.option(
    "--admin-email", default="admin@localhost", show_default=True, help="Email of the first admin account."
)
@click.option("--quiet-if-done", is_flag=True, help="Say nothing more when the database is already set up.")
def init(admin_email: str, quiet_if_done: bool) -> None:
    """Create the key file if needed, run the migrations, and create the first admin."""
    from courtjourney.accounts import services
    from courtjourney.accounts.credentials import new_password
    from courtjourney.accounts.models import Role, User
    from courtjourney.migrations import upgrade

    settings = get_settings()
    if settings.ensure_key_file():
        click.echo(
            f"Created the secret key file {settings.key_file} (mode 0600). Keep a copy somewhere safe:"
        )
        click.echo("  without it, encrypted names and notes (and any backup) cannot be read.")
    if settings.is_sqlite:
        path = settings.database_url.split("///", 1)[-1]
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
    upgrade(settings)

    async def first_admin(db: AsyncSession) -> str | None:
        if await db.scalar(select(func.count()).select_from(User)):
            return None
        password = new_password()
        await services.create_user(
            db,
            email=admin_email,
            full_name="Administrator",
            password=password,
            role=Role.ADMIN.value,
            must_change_password=True,
        )
        return password

    password = run_in_session(first_admin)
    if password:
        click.echo(f"Database ready. First admin: {admin_email}")
        click.echo(f"One-time password (shown once; you will be asked to change it): {password}")
    elif not quiet_if_done:
        click.echo("Database is up to date; accounts already exist.")


@main.command()
@click.option("--host", default=None, help="Address to listen on (default COURTJOURNEY_HOST).")
@click.option("--port", default=None, type=int, help="Port (default COURTJOURNEY_PORT).")
@click.option("--workers", default=None, type=int, help="Worker processes (default COURTJOURNEY_WORKERS).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the web pages and API."""
    import uvicorn

    from courtjourney.web.logs import uvicorn_log_config

    settings = get_settings()
    workers = workers or settings.workers
    if workers > 1 and settings.is_sqlite:
        click.echo(
            "Note: several workers on SQLite queue their writes; PostgreSQL suits several workers better."
        )
    host = host or settings.host
    port = port or settings.port
    click.echo(f"courtjourney is running at http://{host}:{port}  (Ctrl+C to stop)")
    uvicorn.run(
        "courtjourney.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
        log_level="info",
        log_config=uvicorn_log_config(),
    )


@main.command()
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only load the demo when there are no cases yet; always print the logins.",
)
def demo(if_empty: bool) -> None:
    """Load a fictional team and caseload, and print the demo logins."""
    from courtjourney.demo import DEMO_LOGINS, load_demo

    token = run_in_session(lambda db: load_demo(db, only_if_empty=if_empty))
    click.echo("Demo data loaded (all names are fictional)." if token else "Demo data is already there.")
    if token:
        settings = get_settings()
        base = settings.public_url or f"http://{settings.host}:{settings.port}"
        click.echo(
            f"A demo parent's calendar feed (Sam Example, discreet; shown this once): {base}/calendar/{token}.ics"
        )
    click.echo("Demo logins (password for each shown beside it):")
    for email, password, what in DEMO_LOGINS:
        click.echo(f"  {email:34} {password:22} {what}")


@main.command("verify-incidents")
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


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace FILE if it already exists.")
def backup(file: Path, replace: bool) -> None:
    """Write a consistent copy of the database, with every document and evidence file, to FILE while the
    service runs. The copy is encrypted like the database: useless without the encryption key, which must be
    kept separately from the backups."""
    from courtjourney import backup as backups

    try:
        taken = backups.take(get_settings(), file, replace=replace)
    except backups.BackupError as exc:
        raise click.ClickException(f"{exc}\n{backups.KEY_CUSTODY}") from None
    click.echo(f"Backup written to {taken.path} ({taken.size:,} bytes, mode 0600) in {taken.seconds:.2f} s.")
    click.echo(f"  {backups.describe(taken.manifest)}.")
    click.echo(backups.KEY_CUSTODY)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace everything in the target database (stop the service first)."
)
def restore(file: Path, force: bool) -> None:
    """Restore a backup into the empty database COURTJOURNEY_DATABASE_URL points at, then check it against the
    backup's manifest. Needs the encryption key the backup was made with, kept apart from the backups."""
    from courtjourney import backup as backups

    try:
        restored = backups.restore(get_settings(), file, force=force)
    except backups.BackupError as exc:
        raise click.ClickException(f"{exc}\n{backups.KEY_CUSTODY}") from None
    click.echo(
        f"Restored {file} into {backups.where(get_settings())}:\n  {backups.describe(restored.manifest)}."
    )
    if restored.upgraded:
        click.echo(
            "  The backup came from an older version and was brought up to date after the checks below."
        )
    click.echo("Checked against the backup's manifest:")
    for check in restored.checks:
        click.echo(f"  {'ok' if check.ok else 'FAILED':6} {check.what}: {check.detail}")
    click.echo(backups.KEY_CUSTODY)
    if not restored.ok:
        raise click.ClickException("The restored database does not match the backup (see FAILED above).")


@main.group()
def documents() -> None:
    """Word documents: preview every template against the demo data."""


@documents.command("preview")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the .docx files to.",
)
def documents_preview(out_dir: Path) -> None:
    """Render every template in templates/docx/ with the demo data (English and Welsh where both exist)."""
    from courtjourney.documents.preview import preview_all

    for path in preview_all(get_settings(), out_dir):
        click.echo(f"  {path}")


@main.group()
def users() -> None:
    """Create and disable accounts, and issue API tokens."""


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--role", type=click.Choice(["admin", "manager", "worker"]), default="worker", show_default=True
)
@click.option("--team", default=None, help="Team (hub or service area); created if new.")
def users_create(email: str, name: str, role: str, team: str | None) -> None:
    """Create an account and print its one-time password."""
    from courtjourney.accounts import services
    from courtjourney.accounts.credentials import new_password
    from courtjourney.errors import InputError

    password = new_password()

    async def work(db: AsyncSession) -> None:
        team_row = await services.get_or_create_team(db, team) if team else None
        await services.create_user(
            db,
            email=email,
            full_name=name,
            password=password,
            role=role,
            team=team_row,
            must_change_password=True,
        )

    try:
        run_in_session(work)
    except InputError as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from None
    click.echo(f"Created {email}. One-time password (shown once): {password}")


def _user_by_email(email: str) -> Callable[[AsyncSession], Awaitable[Any]]:
    from courtjourney.accounts.models import User
    from courtjourney.accounts.services import normalise_email

    async def find(db: AsyncSession) -> Any:
        user = await db.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise click.ClickException(f"No account with the email {email}.")
        return user

    return find


@users.command("disable")
@click.argument("email")
def users_disable(email: str) -> None:
    """Disable an account: ends its sessions and revokes its API tokens."""
    from courtjourney.accounts import services

    async def work(db: AsyncSession) -> None:
        await services.disable_user(db, await _user_by_email(email)(db))

    run_in_session(work)
    click.echo(f"Disabled {email}.")


@users.command("token")
@click.argument("email")
@click.option("--name", default="script", show_default=True, help="What the token is for.")
@click.option("--revoke", is_flag=True, help="Revoke every token of this account instead.")
def users_token(email: str, name: str, revoke: bool) -> None:
    """Issue a personal API token (shown once), or revoke them all."""
    from courtjourney.accounts import services

    async def work(db: AsyncSession) -> str:
        user = await _user_by_email(email)(db)
        if revoke:
            return f"Revoked {await services.revoke_api_tokens(db, user.id)} token(s) of {email}."
        _row, token = await services.issue_api_token(db, user, name)
        return f"API token for {email} (shown once; send as 'Authorization: Bearer <token>'):\n{token}"

    click.echo(run_in_session(work))


@main.group()
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


@main.command()
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
    from courtjourney.cases.models import Case
    from courtjourney.debrief import services

    async def work(db: AsyncSession) -> list[str]:
        if only:
            case = await db.scalar(select(Case).where(Case.reference == only))
            if case is None:
                raise click.ClickException(f"No case with the reference {only}.")
            targets = [(case.id, case.reference, None)]
        else:
            targets = [(e.case_id, e.reference, e.retain_until) for e in await services.past_retention(db)]
        lines = []
        for case_id, reference, until in targets:
            if delete_them:
                try:
                    record = await services.purge(db, case_id)
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


if __name__ == "__main__":
    main()
