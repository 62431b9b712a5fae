"""Backups: a consistent copy of the database, taken while the service runs, and its restore.

A backup is one tar archive holding `manifest.json` and the database copy:

- SQLite: `database.sqlite3`, made with SQLite's online backup API (Python's `Connection.backup`). In
  WAL mode, copying every page in one step reads one snapshot while the service goes on writing.
- PostgreSQL: `database.pgdump`, made by `pg_dump --format=custom`. The manifest is computed in a
  REPEATABLE READ READ ONLY transaction whose snapshot `pg_dump --snapshot` shares, so the two agree.

Evidence files and produced documents live in the database (encrypted), so the copy holds them. The
manifest says what the copy must hold: row counts per table, each case's incident chain head, the
SHA-256 of every document and evidence file (the hashes already recorded beside them), the Alembic
revision, and a one-way check value of the encryption key. It holds no names, narratives or anything
decrypted, and the copy itself holds only what the database holds: ciphertext for every secret column.

A restore checks the archive (the copy's SHA-256 against the manifest), the key (against the check
value), the backend and the target (empty unless forced) before it changes anything; then it compares
the restored database with the manifest, decrypting every document and file to recompute its SHA-256,
and verifies every incident chain. On SQLite all of that happens on a copy beside the target before
the target is swapped in; on PostgreSQL the load is one transaction, checked once it has committed.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO
from urllib.parse import quote

import msgspec
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from courtjourney.backup import pgtools
from courtjourney.backup.manifest import (
    FORMAT,
    FORMAT_VERSION,
    KEY_CUSTODY,
    Check,
    Contents,
    DatabaseCopy,
    Manifest,
    compare,
    contents_at,
    key_check,
    read_contents,
)
from courtjourney.errors import BackupError
from courtjourney.settings import Settings

MANIFEST = "manifest.json"
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
BACKEND_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MANIFEST_MAX_BYTES = 256 * 1024 * 1024


# --- taking a backup ------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Taken:
    path: Path
    manifest: Manifest
    size: int
    seconds: float


def take(settings: Settings, path: Path, *, replace: bool = False) -> Taken:
    """Write a backup of the configured database to `path` (mode 0600, written whole or not at all)."""
    try:
        return _take(settings, path, replace=replace)
    except OSError as exc:
        raise BackupError(
            f"The backup could not be written: {exc.strerror or exc} ({exc.filename or path}). "
            "No backup file was made."
        ) from None
    except SQLAlchemyError as exc:
        raise BackupError(
            f"The database could not be read: {_first_line(exc)} No backup file was made."
        ) from None


def _take(settings: Settings, path: Path, *, replace: bool) -> Taken:
    started = time.monotonic()
    path = path.expanduser().absolute()
    if path.exists() and not replace:
        raise BackupError(f"{path} already exists. Choose another name, or add --replace to replace it.")
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent} to write the backup in.")
    backend = backend_of(settings.database_url)
    check = key_check(settings)
    with _scratch(path.parent) as work:
        copy = work / MEMBERS[backend]
        if backend == "sqlite":
            _copy_sqlite(sqlite_path(settings.database_url), copy)
            contents = asyncio.run(contents_at(_sqlite_url(copy)))
        else:
            contents = asyncio.run(_dump_postgresql(settings.database_url, copy))
        if contents.alembic_revision is None:
            raise BackupError(
                "The database has not been set up (it has no courtjourney tables): "
                "there is nothing to back up."
            )
        size, digest = _hash_file(copy)
        manifest = Manifest(
            format=FORMAT,
            format_version=FORMAT_VERSION,
            backend=backend,
            created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            key_check=check,
            database=DatabaseCopy(copy.name, size, digest),
            contents=contents,
        )
        _write_archive(path, manifest, copy, work)
    return Taken(path, manifest, path.stat().st_size, time.monotonic() - started)


def _copy_sqlite(source: Path, dest: Path) -> None:
    if not source.is_file():
        raise BackupError(f"There is no database at {source}: check COURTJOURNEY_DATABASE_URL.")
    try:
        src = sqlite3.connect(
            f"file:{quote(str(source))}?mode=rw", uri=True, timeout=30
        )  # rw: never creates a file
    except sqlite3.Error as exc:
        raise BackupError(f"The database at {source} could not be opened: {exc}.") from None
    try:
        os.close(os.open(dest, os.O_WRONLY | os.O_CREAT, 0o600))  # the copy is 0600 from its first byte
        dst = sqlite3.connect(dest)
        try:
            # pages=-1 copies every page in one step, under one read transaction: one consistent snapshot,
            # while the service's writers go on (WAL lets readers and a writer work at once).
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy the database at {source}: {exc}.") from None
    finally:
        src.close()


async def _dump_postgresql(url: str, dest: Path) -> Contents:
    """pg_dump and the manifest's contents, both from one exported snapshot."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            async with conn.begin():
                snapshot = await conn.scalar(text("SELECT pg_export_snapshot()"))
                contents = await read_contents(conn)
                # The snapshot stays importable only while this transaction is open, so pg_dump runs inside it.
                pgtools.dump(url, dest, snapshot)
                return contents
    except (SQLAlchemyError, OSError) as exc:
        raise BackupError(f"Could not read the PostgreSQL database: {_first_line(exc)}") from None
    finally:
        await engine.dispose()


def _write_archive(path: Path, manifest: Manifest, copy: Path, work: Path) -> None:
    """tar: manifest first, then the copy; written under a temporary name, synced, then renamed into place."""
    body = msgspec.json.format(msgspec.json.encode(manifest), indent=2)
    partial = work / f"{path.name}.part"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask says
    with os.fdopen(fd, "wb") as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            _add(tar, MANIFEST, len(body), io.BytesIO(body))
            with copy.open("rb") as fh:
                _add(tar, copy.name, copy.stat().st_size, fh)
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, path)
    _sync_folder(path.parent)


def _add(tar: tarfile.TarFile, name: str, size: int, fileobj: IO[bytes]) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    tar.addfile(info, fileobj)


# --- restoring ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Restored:
    manifest: Manifest
    checks: list[Check]
    upgraded: bool  # the backup came from an older revision and was brought up to date

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


def restore(settings: Settings, path: Path, *, force: bool = False) -> Restored:
    """Restore the backup at `path` into the configured database, then check it against the manifest."""
    try:
        return _restore(settings, path, force=force)
    except OSError as exc:
        raise BackupError(
            f"The restore could not go on: {exc.strerror or exc} ({exc.filename or path})."
        ) from None
    except SQLAlchemyError as exc:
        raise BackupError(
            f"The restore could not go on, a database would not answer: {_first_line(exc)}"
        ) from None


def _restore(settings: Settings, path: Path, *, force: bool) -> Restored:
    path = path.expanduser().absolute()
    backend = backend_of(settings.database_url)
    target = sqlite_path(settings.database_url) if backend == "sqlite" else None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)  # as `courtjourney init` does
    with _scratch(target.parent if target else None) as work:
        manifest, copy = read_archive(path, work)
        if manifest.backend != backend:
            raise BackupError(
                f"This is a {BACKEND_NAMES[manifest.backend]} backup, and COURTJOURNEY_DATABASE_URL points at a "
                f"{BACKEND_NAMES[backend]} database. Restoring from one to the other is not supported: restore it "
                f"into a {BACKEND_NAMES[manifest.backend]} database. Nothing was changed."
            )
        if not hmac.compare_digest(manifest.key_check, key_check(settings)):
            raise BackupError(
                f"This backup was made with a different encryption key from the one set here ({_key_source(settings)}). "
                "Without the key it was made with, its names, notes, documents and evidence files cannot be read. "
                "Set that key and try again. Nothing was changed."
            )
        upgrading = _check_revision(settings, manifest.contents.alembic_revision)
        if backend == "sqlite":
            assert target is not None
            if not force and _sqlite_has_tables(target):
                raise BackupError(_not_empty(f"The database file {target}"))
            # Check the copy where it lies, beside the target, and only then swap it in: a copy that fails
            # its checks never replaces anything.
            checks = asyncio.run(compare(_sqlite_url(copy), manifest, settings, upgrade=upgrading))
            if not all(c.ok for c in checks):
                raise BackupError(
                    "The backup does not match its own manifest, so it was not restored. "
                    "Nothing was changed.\n"
                    + "\n".join(f"  {c.what}: {c.detail}" for c in checks if not c.ok)
                )
            _swap_in(copy, target)
        else:
            if not force and asyncio.run(_postgresql_has_tables(settings.database_url)):
                raise BackupError(_not_empty("The PostgreSQL database's public schema"))
            pgtools.load(settings.database_url, copy, replace=force)
            checks = asyncio.run(compare(settings.database_url, manifest, settings, upgrade=upgrading))
    return Restored(manifest, checks, upgrading)


def _key_source(settings: Settings) -> str:
    return (
        "the key in COURTJOURNEY_SECRET_KEY"
        if settings.secret_key_env
        else f"the key in the key file {settings.key_file}"
    )


def _not_empty(what: str) -> str:
    return (
        f"{what} already holds tables. A restore goes into an empty database, so nothing was changed. "
        "To replace everything in it with the backup, stop the service and run the restore again with --force."
    )


def read_archive(path: Path, work: Path) -> tuple[Manifest, Path]:
    """The manifest, and the database copy extracted into `work` and checked against it."""
    damaged = f"{path} is not a courtjourney backup, or it is damaged"
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    try:
        with tarfile.open(path, mode="r:") as tar:
            try:
                info = tar.getmember(MANIFEST)
            except KeyError:
                raise BackupError(f"{damaged}: it holds no {MANIFEST}. Nothing was changed.") from None
            if not info.isfile() or info.size > MANIFEST_MAX_BYTES:
                raise BackupError(
                    f"{damaged}: its {MANIFEST} is not a file of a sensible size. Nothing was changed."
                )
            manifest = _parse_manifest(_read_member(tar, info), path, damaged)
            try:
                info = tar.getmember(manifest.database.member)
            except KeyError:
                raise BackupError(f"{damaged}: the database copy is missing. Nothing was changed.") from None
            if info.name != MEMBERS[manifest.backend] or not info.isfile():
                raise BackupError(
                    f"{damaged}: the database copy is not where it should be. Nothing was changed."
                )
            copy = work / info.name
            source = tar.extractfile(info)
            assert source is not None
            digest = hashlib.sha256()
            with source, open(copy, "wb") as out:
                os.fchmod(out.fileno(), 0o600)
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
    except (tarfile.TarError, EOFError, OSError, UnicodeDecodeError) as exc:
        raise BackupError(
            f"{damaged}: it could not be read ({_first_line(exc)}). Nothing was changed."
        ) from None
    if copy.stat().st_size != manifest.database.size or digest.hexdigest() != manifest.database.sha256:
        raise BackupError(
            f"{damaged}: the database copy does not match the SHA-256 in its manifest. Nothing was changed."
        )
    return manifest, copy


def _read_member(tar: tarfile.TarFile, info: tarfile.TarInfo) -> bytes:
    fh = tar.extractfile(info)
    assert fh is not None
    with fh:
        data = fh.read()
    if len(data) != info.size:
        raise EOFError("the archive ends early")
    return data


def _parse_manifest(raw: bytes, path: Path, damaged: str) -> Manifest:
    try:
        head = json.loads(raw)
    except ValueError:
        raise BackupError(f"{damaged}: its {MANIFEST} is not readable JSON. Nothing was changed.") from None
    if not isinstance(head, dict) or head.get("format") != FORMAT:
        raise BackupError(
            f"{damaged}: its {MANIFEST} is not a courtjourney backup manifest. Nothing was changed."
        )
    if not isinstance(head.get("format_version"), int) or head["format_version"] > FORMAT_VERSION:
        raise BackupError(
            f"{path} was made by a newer version of courtjourney (backup format "
            f"{head.get('format_version')!r}; this version reads {FORMAT_VERSION}). Restore it with that version. "
            "Nothing was changed."
        )
    try:
        manifest = msgspec.json.decode(raw, type=Manifest)
    except msgspec.MsgspecError as exc:
        raise BackupError(f"{damaged}: its {MANIFEST} is incomplete ({exc}). Nothing was changed.") from None
    if manifest.backend not in MEMBERS:
        raise BackupError(f"{damaged}: its {MANIFEST} names an unknown database kind. Nothing was changed.")
    return manifest


def _check_revision(settings: Settings, revision: str | None) -> bool:
    """Refuse a revision this version does not know; True when it is older than ours (upgrade after loading)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from courtjourney.migrations import alembic_config

    script = ScriptDirectory.from_config(alembic_config(settings))
    head = script.get_current_head()
    try:
        known = revision is not None and script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise BackupError(
            f"This backup's database is at revision {revision!r}, which this version of courtjourney does not know "
            f"(it knows up to {head!r}): it was probably made by a newer version. Restore it with that version. "
            "Nothing was changed."
        )
    return revision != head


def _sqlite_has_tables(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=30)
        try:
            return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(
            f"The file {path} is there but is not a database SQLite can read ({exc}). "
            "Nothing was changed: move it away, or choose another COURTJOURNEY_DATABASE_URL."
        ) from None


def _swap_in(copy: Path, target: Path) -> None:
    # A -wal left by the old database would be replayed onto the new file: remove it first (the old data
    # is being replaced anyway), then rename the checked copy into place in one step.
    for suffix in ("-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            os.unlink(f"{target}{suffix}")
    os.chmod(copy, 0o600)
    os.replace(copy, target)
    _sync_folder(target.parent)


async def _postgresql_has_tables(url: str) -> bool:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(
                text("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            )
            return bool(found)
    except (SQLAlchemyError, OSError) as exc:
        raise BackupError(
            f"Could not reach the PostgreSQL database to restore into: {_first_line(exc)} "
            "Nothing was changed."
        ) from None
    finally:
        await engine.dispose()


# --- small shared pieces --------------------------------------------------------------------------


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def sqlite_path(url: str) -> Path:
    path = url.split("///", 1)[-1] if "///" in url else ""
    if not path or path == ":memory:":
        raise BackupError(
            "COURTJOURNEY_DATABASE_URL names no SQLite file (an in-memory database cannot be backed up or restored)."
        )
    return Path(path).absolute()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return path.stat().st_size, digest.hexdigest()


@contextmanager
def _scratch(near: Path | None) -> Iterator[Path]:
    """A private folder for work files (beside `near`, so a finished file can be renamed into place), removed after."""
    folder = Path(tempfile.mkdtemp(prefix=".courtjourney-backup-", dir=near))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def where(settings: Settings) -> str:
    """The configured database, fit to print: a SQLite file's path, or a PostgreSQL URL without its password."""
    if backend_of(settings.database_url) == "sqlite":
        return str(sqlite_path(settings.database_url))
    return make_url(settings.database_url).render_as_string(hide_password=True)


def describe(manifest: Manifest) -> str:
    c = manifest.contents
    return (
        f"{BACKEND_NAMES[manifest.backend]}, database revision {c.alembic_revision}, taken {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC: "
        f"{sum(c.row_counts.values()):,} rows in {len(c.row_counts)} tables, {len(c.chain_heads)} incident log(s), "
        f"{len(c.documents)} document(s), {len(c.evidence_files)} evidence file(s)"
    )


__all__ = (
    "KEY_CUSTODY",
    "BackupError",
    "Manifest",
    "Restored",
    "Taken",
    "describe",
    "read_archive",
    "restore",
    "take",
    "where",
)
