"""PostgreSQL's own tools for backups: pg_dump writes the copy; pg_restore and psql load it in one transaction.

They reach the database named by the service's SQLAlchemy URL through libpq's environment variables, so a
password is never on a command line (where `ps` would show it). They must be of the server's major version
or newer (Debian: postgresql-client).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from sqlalchemy.engine import make_url

from courtjourney.errors import BackupError

MISSING = (
    "{tool} was not found: install the PostgreSQL client tools (Debian: postgresql-client) of the server's "
    "version or newer."
)


def dump(url: str, dest: Path, snapshot: str) -> None:
    """pg_dump of the database as the exported `snapshot` sees it (its transaction must still be open)."""
    command = [
        "pg_dump",
        "--format=custom",
        f"--snapshot={snapshot}",
        "--no-password",
        "--file",
        str(dest),
        # Uncompressed: ciphertext hardly compresses, and a plain copy can be searched for what must not be in it.
        "--compress=0",
    ]
    try:
        done = subprocess.run(command, env=libpq_env(url), capture_output=True, check=False)
    except FileNotFoundError:
        raise BackupError(MISSING.format(tool="pg_dump")) from None
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {error_line(done.stderr)}")


def load(url: str, dumped: Path, *, replace: bool) -> None:
    """pg_restore's script fed to psql inside one transaction: all of it is loaded (first emptying the public
    schema, with `replace`) or, on any error, none of it."""
    env = libpq_env(url)
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        try:
            psql = subprocess.Popen(
                ["psql", "-X", "-q", "--no-password", "-v", "ON_ERROR_STOP=1"],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_errors,
            )
            script = subprocess.Popen(
                ["pg_restore", "--no-owner", "--no-acl", "--file=-", str(dumped)],
                stdout=subprocess.PIPE,
                stderr=restore_errors,
            )
        except FileNotFoundError as exc:
            raise BackupError(MISSING.format(tool=exc.filename) + " Nothing was changed.") from None
        assert psql.stdin is not None and script.stdout is not None
        try:
            psql.stdin.write(b"BEGIN;\nSET client_min_messages = warning;\n")
            if replace:
                psql.stdin.write(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
            shutil.copyfileobj(script.stdout, psql.stdin)
            if script.wait() == 0:
                psql.stdin.write(
                    b"COMMIT;\n"
                )  # without it psql ends the session and the transaction is rolled back
        except BrokenPipeError:
            pass  # psql stopped at an error: said below
        finally:
            with suppress(BrokenPipeError):
                psql.stdin.close()
            script.stdout.close()
            script.wait()
            psql.wait()
        if script.returncode != 0 or psql.returncode != 0:
            failed, errors = (
                ("pg_restore", restore_errors) if script.returncode != 0 else ("psql", psql_errors)
            )
            errors.seek(0)
            raise BackupError(
                f"{failed} could not load the backup ({error_line(errors.read())}). It was loaded in one "
                "transaction, which was rolled back: nothing was changed."
            )


def libpq_env(url: str) -> dict[str, str]:
    """The environment for pg_dump, pg_restore and psql to reach the database in a SQLAlchemy URL."""
    parsed = make_url(url)
    ssl = parsed.query.get("sslmode") or parsed.query.get("ssl")
    values = {
        "PGHOST": parsed.host or parsed.query.get("host"),
        "PGPORT": parsed.port,
        "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password,
        "PGDATABASE": parsed.database,
        "PGSSLMODE": {"true": "require", "false": "disable"}.get(str(ssl).lower(), ssl) if ssl else None,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return env


def error_line(stderr: bytes) -> str:
    """The line of a tool's complaint worth showing (the first error), short."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    chosen = next((line for line in lines if "error" in line.lower()), lines[-1] if lines else "no message")
    return chosen[:300]
