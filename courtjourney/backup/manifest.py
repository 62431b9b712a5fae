"""What a backup must hold, and the checks that a restored database holds it.

The manifest proves a backup's contents without a word of what they say: row counts per table, each case's
incident chain head, the SHA-256 recorded beside every produced document and evidence file, the Alembic
revision, and a one-way check value of the encryption key. Nothing in it is decrypted; ids are the only keys.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import datetime as dt
import hashlib
import hmac
from typing import Any

import msgspec
from sqlalchemy import func, inspect, select, table, text, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.types import LargeBinary, Text

from courtjourney.settings import Settings

FORMAT = "courtjourney-backup"
FORMAT_VERSION = 1
KEY_CHECK_PURPOSE = "backup-key-check/v1"
KEY_CUSTODY = (
    "A backup is useless without the encryption key (COURTJOURNEY_SECRET_KEY or the key file): names, notes, "
    "documents and evidence files in it are encrypted. Keep the key separately from the backups, never beside them."
)


class ChainHead(msgspec.Struct, frozen=True):
    entries: int  # the last entry's position in the case's incident log
    link: str  # its HMAC link: the head of the chain


class Contents(msgspec.Struct, frozen=True, kw_only=True):
    """What a database holds, as counts, chain heads and hashes, keyed by table name or id."""

    alembic_revision: str | None
    row_counts: dict[str, int]
    chain_heads: dict[str, ChainHead]  # case id -> head
    documents: dict[str, str]  # produced document id -> SHA-256 of the document as produced
    evidence_files: dict[str, str]  # evidence id -> SHA-256 of the file as received


class DatabaseCopy(msgspec.Struct, frozen=True):
    member: str  # its name in the archive
    size: int
    sha256: str


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    format: str
    format_version: int
    backend: str  # "sqlite" or "postgresql"
    created_at: dt.datetime
    key_check: str
    database: DatabaseCopy
    contents: Contents
    note: str = KEY_CUSTODY  # for whoever opens the file


def key_check(settings: Settings) -> str:
    """HMAC of a fixed text under a key derived from the secret: tells a wrong key at once, and reveals nothing of it."""
    return hmac.new(
        settings.derived_key(KEY_CHECK_PURPOSE), b"courtjourney backup", hashlib.sha256
    ).hexdigest()


async def read_contents(conn: AsyncConnection) -> Contents:
    """Count every table and read the chain heads and recorded hashes (nothing is decrypted)."""
    import courtjourney.schema  # noqa: F401 - every table, so foreign-key columns know their types
    from courtjourney.documents.models import ProducedDocument
    from courtjourney.threats.models import ChainLink, Evidence

    names = sorted(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    counts = {
        name: int(await conn.scalar(select(func.count()).select_from(table(name))) or 0) for name in names
    }
    revision = (
        await conn.scalar(text("SELECT version_num FROM alembic_version"))
        if "alembic_version" in names
        else None
    )
    heads: dict[str, ChainHead] = {}
    if ChainLink.__tablename__ in names:
        links = ChainLink.__table__
        last = (
            select(links.c.case_id, func.max(links.c.seq).label("seq")).group_by(links.c.case_id).subquery()
        )
        rows = await conn.execute(
            select(links.c.case_id, links.c.seq, links.c.link).join(
                last, (links.c.case_id == last.c.case_id) & (links.c.seq == last.c.seq)
            )
        )
        heads = {str(case_id): ChainHead(seq, link) for case_id, seq, link in rows}

    async def hashes(model: Any) -> dict[str, str]:
        if model.__tablename__ not in names:
            return {}
        return dict(
            sorted(
                (str(row_id), digest) for row_id, digest in await conn.execute(select(model.id, model.sha256))
            )
        )

    return Contents(
        alembic_revision=revision,
        row_counts=counts,
        chain_heads=dict(sorted(heads.items())),
        documents=await hashes(ProducedDocument),
        evidence_files=await hashes(Evidence),
    )


async def contents_at(url: str) -> Contents:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await read_contents(conn)
    finally:
        await engine.dispose()


# --- checking a restored database ----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Check:
    what: str
    ok: bool
    detail: str


async def compare(url: str, manifest: Manifest, settings: Settings, *, upgrade: bool = False) -> list[Check]:
    """Check the database at `url` against the manifest; with `upgrade`, migrate it to the current revision
    after the comparisons and before the chains are verified (verification reads today's models)."""
    expected = manifest.contents
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            found = await read_contents(conn)
            checks = [
                _same_counts(expected.row_counts, found.row_counts),
                _same_heads(expected.chain_heads, found.chain_heads),
                await _documents_decrypt(conn, expected.documents, found.documents),
                await _files_decrypt(conn, settings, expected.evidence_files, found.evidence_files),
            ]
        if upgrade:
            await asyncio.to_thread(_upgrade, settings, url)
        checks.append(await _chains_verify(engine))
    finally:
        await engine.dispose()
    return checks


def _same_counts(expected: dict[str, int], found: dict[str, int]) -> Check:
    if expected == found:
        return Check(
            "rows", True, f"{len(found)} tables, {sum(found.values()):,} rows: the same as the backup"
        )
    wrong = [
        f"{name} has {found.get(name, 'no table')}, the backup has {expected.get(name, 'no table')}"
        for name in sorted(set(expected) | set(found))
        if expected.get(name) != found.get(name)
    ]
    return Check("rows", False, "DIFFERENT: " + "; ".join(wrong[:10]))


def _same_heads(expected: dict[str, ChainHead], found: dict[str, ChainHead]) -> Check:
    what = "incident log chain heads"
    if expected == found:
        return Check(what, True, f"{len(found)} case(s): the same as the backup")
    wrong = sorted(k for k in set(expected) | set(found) if expected.get(k) != found.get(k))
    return Check(what, False, f"DIFFERENT for {len(wrong)} case(s), the first being case {wrong[0]}")


def _hash_check(
    what: str, expected: dict[str, str], recorded: dict[str, str], computed: dict[str, str | None]
) -> Check:
    if expected != recorded:
        return Check(
            what,
            False,
            f"DIFFERENT: {len(recorded)} recorded here, {len(expected)} in the backup, "
            "or their recorded SHA-256 differ",
        )
    bad = sorted(k for k, v in computed.items() if v != expected.get(k))
    if bad:
        return Check(
            what,
            False,
            f"{len(bad)} could not be decrypted or do not match their SHA-256, the first being {bad[0]}",
        )
    return Check(what, True, f"{len(expected)}: each decrypted, and its SHA-256 is the one in the backup")


async def _documents_decrypt(
    conn: AsyncConnection, expected: dict[str, str], recorded: dict[str, str]
) -> Check:
    from courtjourney.documents.models import ProducedDocument

    column = ProducedDocument.__table__.c.content
    secret: Any = column.type  # the encrypted type, whose decryption is used directly
    computed: dict[str, str | None] = {}
    if recorded:
        # Read the ciphertext as it is stored and decrypt row by row, so one bad row is reported, not raised.
        async for row_id, stored in await conn.stream(
            select(ProducedDocument.id, type_coerce(column, Text()))
        ):
            try:
                body = base64.b64decode(secret.process_result_value(stored, conn.dialect))
                computed[str(row_id)] = hashlib.sha256(body).hexdigest()
            except Exception:  # noqa: BLE001 - any failure to decrypt or decode is what this check reports
                computed[str(row_id)] = None
    return _hash_check("produced documents", expected, recorded, computed)


async def _files_decrypt(
    conn: AsyncConnection, settings: Settings, expected: dict[str, str], recorded: dict[str, str]
) -> Check:
    from courtjourney.threats import evidence as files
    from courtjourney.threats.models import Evidence

    key = settings.derived_key(files.KEY_PURPOSE)
    column = Evidence.__table__.c.content
    computed: dict[str, str | None] = {}
    if recorded:
        async for row_id, digest, stored in await conn.stream(
            select(Evidence.id, Evidence.sha256, type_coerce(column, LargeBinary()))
        ):
            try:
                computed[str(row_id)] = files.sha256(files.decrypt(key, row_id, digest, stored))
            except Exception:  # noqa: BLE001 - as above
                computed[str(row_id)] = None
    return _hash_check("evidence files", expected, recorded, computed)


async def _chains_verify(engine: AsyncEngine) -> Check:
    from courtjourney.threats import services

    async with async_sessionmaker(engine, expire_on_commit=False)() as db:
        cases = await services.cases_with_incidents(db)
        for case in cases:
            verdict = await services.verify_case(db, case.id)
            if not verdict.intact:
                return Check(
                    "incident log chains",
                    False,
                    f"case {case.id} BREAKS AT entry {verdict.broken_at}: {verdict.problem}",
                )
    return Check("incident log chains", True, f"{len(cases)} case(s) verified: all intact")


def _upgrade(settings: Settings, url: str) -> None:
    from courtjourney.migrations import upgrade

    upgrade(dataclasses.replace(settings, database_url=url))
