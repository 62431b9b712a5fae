"""The `courtjourney` command: the service-wide commands (init, serve, demo, backup, restore, db, documents
preview) and each part's own, assembled from the part's cli.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from courtjourney.accounts.cli import users
from courtjourney.db.engine import run_in_session
from courtjourney.debrief.cli import law_rules, retention
from courtjourney.glossary.cli import glossary
from courtjourney.messages.cli import messages
from courtjourney.reports.cli import report
from courtjourney.search.cli import search
from courtjourney.settings import Settings, get_settings, use_settings
from courtjourney.threats.cli import verify_incidents

T = TypeVar("T")


@click.group()
def main() -> None:
    """courtjourney: the IPSW's tool for families going through the criminal courts."""
    # Every table known before any command runs: retention's purge reads them all from the metadata.
    import courtjourney.schema  # noqa: F401


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
    # The workers read their settings from the environment: where we listen is where links point
    # (when COURTJOURNEY_PUBLIC_URL is empty) and which Host headers are answered.
    os.environ["COURTJOURNEY_HOST"], os.environ["COURTJOURNEY_PORT"] = host, str(port)
    use_settings(None)
    click.echo(f"courtjourney is running at http://{host}:{port}  (Ctrl+C to stop)")
    uvicorn.run(
        "courtjourney.app:serving_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Forwarded headers are believed only from the proxies named in COURTJOURNEY_TRUSTED_PROXIES;
        # uvicorn's own default would believe 127.0.0.1, so anyone behind a same-host proxy could pick
        # the address the limits and the audit see.
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies) or None,
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
        base = settings.link_base
        click.echo(
            f"A demo parent's calendar feed (Sam Example, discreet; shown this once): {base}/calendar/{token}.ics"
        )
    click.echo("Demo logins (password for each shown beside it):")
    for email, password, what in DEMO_LOGINS:
        click.echo(f"  {email:34} {password:22} {what}")


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
def db() -> None:
    """The database's migrations: make one for each schema change, move between them, say which has run."""


def _sqlite_file(settings: Settings) -> Path | None:
    """The SQLite database's file, when there is one."""
    path = settings.database_url.split("///", 1)[-1] if settings.is_sqlite else ""
    return Path(path) if path and path != ":memory:" else None


def _migrating(settings: Settings, work: Callable[[], T]) -> T:
    """Run one migration step, turning what goes wrong into a plain sentence (no traceback)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from courtjourney import migrations

    try:
        return work()
    except CommandError as exc:
        text = str(exc)
        if "Can't locate revision" in text or "No such revision" in text or "is not present" in text:
            raise click.ClickException(
                f"There is no migration by that name; the migrations run up to {migrations.head(settings)}"
                " (run `courtjourney db current` to see where the database is)."
            ) from None
        raise click.ClickException(f"The migrations stopped: {text}") from None
    except (SQLAlchemyError, OSError) as exc:  # OSError: the server refused or could not be reached
        reason = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"Could not use the database: {reason}") from None


def _at(revision: str | None) -> str:
    return revision or "no migration (empty)"


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Run the migrations up to REVISION (default: the latest, head)."""
    from courtjourney import migrations

    settings = get_settings()
    if (path := _sqlite_file(settings)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    before = _migrating(settings, lambda: migrations.current(settings))
    _migrating(settings, lambda: migrations.upgrade(settings, revision))
    after = migrations.current(settings)
    if before == after:
        click.echo(f"The database is already at {_at(after)}; nothing to do.")
    else:
        click.echo(f"Upgraded the database from {_at(before)} to {after}.")


@db.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Undo the migrations after REVISION (`base` undoes them all). Back up first: dropped data is gone."""
    from courtjourney import migrations

    settings = get_settings()
    before = _migrating(settings, lambda: migrations.current(settings))
    _migrating(settings, lambda: migrations.downgrade(settings, revision))
    after = migrations.current(settings)
    if before == after:
        click.echo(f"The database is already at {_at(after)}; nothing to do.")
    else:
        click.echo(f"Downgraded the database from {_at(before)} to {_at(after)}.")


@db.command("current")
def db_current() -> None:
    """Say which migration the database is at, and whether it is the latest."""
    from courtjourney import migrations

    settings = get_settings()
    head = migrations.head(settings)
    path = _sqlite_file(settings)
    if path is not None and not path.exists():
        click.echo(
            f"There is no database at {path} yet: `courtjourney init` creates it (the latest migration is {head})."
        )
        return
    revision = _migrating(settings, lambda: migrations.current(settings))
    if revision == head:
        click.echo(f"{revision} (the latest)")
    elif revision is None:
        click.echo(
            f"No migration has run on this database yet; the latest is {head}: run `courtjourney db upgrade`."
        )
    else:
        click.echo(f"{revision}; the latest is {head}: run `courtjourney db upgrade` to bring it up to date.")


@db.command("revision")
@click.option("-m", "--message", required=True, help="What the schema change does, in a few words.")
@click.option(
    "--versions-dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    help="Read and write the migrations in this folder instead of courtjourney/migrations/versions.",
)
def db_revision(message: str, versions_dir: Path | None) -> None:
    """Write the migration for a schema change: compare the models with the database (brought up to the
    latest migration first) and write what differs as the next numbered file in migrations/versions."""
    from courtjourney import migrations

    settings = get_settings()
    if (path := _sqlite_file(settings)) is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    written = _migrating(settings, lambda: migrations.revision(settings, message, versions_dir))
    if written is None:
        click.echo(
            "The models and the database agree: there is nothing to change, so no migration was written."
        )
        return
    click.echo(f"Wrote {written}.")
    click.echo(
        "  Read it before you commit: autogenerate cannot see renames, data to move, or the append-only"
        " triggers. Then try `courtjourney db upgrade` and `courtjourney db downgrade` on a copy."
    )


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
    from courtjourney.previews import preview_all

    for path in preview_all(get_settings(), out_dir):
        click.echo(f"  {path}")


main.add_command(users)
main.add_command(verify_incidents)
main.add_command(glossary)
main.add_command(retention)
main.add_command(law_rules)
main.add_command(search)
main.add_command(messages)
main.add_command(report)


if __name__ == "__main__":
    main()
