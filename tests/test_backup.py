"""`courtjourney backup` and `restore`, on SQLite and PostgreSQL, through the real command and the real service.

Per backend, once: the service runs (`init`, `demo`, `serve`) on a fresh database while a writer records
incidents, evidence files and briefings through the API; `courtjourney backup` runs in the middle of
that; the archive is restored into another fresh database. The tests then compare what was restored
with the manifest (independently of the restore's own checks), serve the restored database and read it
back through the API, search the archive's bytes for what was written, and try what must be refused.
Every PostgreSQL database here is created for this module and dropped after it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import _pg_database_url, _pg_exec, postgres_admin_url, run_async
from tests.served import Served

ROOT = Path(__file__).resolve().parents[1]
KEY = "backup-test-key-0123456789abcdefghijklmnopqrstuvwxyz"
CHILD = "Rowan Quillfeather-Ashdown"  # a child's name, written through the API: must never appear in plain text
NARRATIVE = "A blue van with a torn sticker waited by Hollybank school gates"
WORKER = "worker@demo.example"


# --- databases, the command, the service ----------------------------------------------------------


@dataclass
class Database:
    backend: str
    url: str
    file: Path | None = None  # SQLite

    def env(self, key: str = KEY) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("COURTJOURNEY_")}
        env.update({"COURTJOURNEY_DATABASE_URL": self.url, "COURTJOURNEY_SECRET_KEY": key,
                     "COURTJOURNEY_KEY_FILE": "/nonexistent/secret.key", "COURTJOURNEY_SECURE_COOKIES": "false"})
        return env

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        if self.file is not None:
            conn = sqlite3.connect(self.file)
            try:
                return conn.execute(statement).fetchall()
            finally:
                conn.close()

        async def work() -> list[tuple[Any, ...]]:
            import asyncpg

            conn = await asyncpg.connect(self.url.replace("+asyncpg", ""))
            try:
                return [tuple(r) for r in await conn.fetch(statement)]
            finally:
                await conn.close()

        return run_async(work)

    def tables(self) -> set[str]:
        if self.file is not None:
            if not self.file.exists():
                return set()
            return {r[0] for r in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {r[0] for r in self.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}


class Databases:
    """Fresh, empty databases of one backend; PostgreSQL ones are dropped at the end."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend, self.tmp, self.made = backend, tmp, []  # type: ignore[var-annotated]
        self.admin = postgres_admin_url() if backend == "postgresql" else None
        if backend == "postgresql":
            if self.admin is None:
                pytest.skip("PostgreSQL: no server answers on 127.0.0.1:5432 and COURTJOURNEY_TEST_POSTGRES_URL is not set")
            for tool in ("pg_dump", "pg_restore", "psql"):
                if shutil.which(tool) is None:
                    pytest.skip(f"{tool} is not installed (Debian: postgresql-client)")

    def new(self, purpose: str) -> Database:
        if self.backend == "sqlite":
            folder = self.tmp / f"{purpose}-{uuid.uuid4().hex[:6]}"
            return Database("sqlite", f"sqlite+aiosqlite:///{folder / 'cj.db'}", folder / "cj.db")
        name = f"backup_{purpose}_{uuid.uuid4().hex[:8]}"
        run_async(lambda: _pg_exec(self.admin or "", f'CREATE DATABASE "{name}"'))
        self.made.append(name)
        return Database("postgresql", _pg_database_url(self.admin or "", name))

    def drop_all(self) -> None:
        for name in self.made:
            run_async(lambda: _pg_exec(self.admin or "", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def cli(db: Database, *args: str, key: str = KEY) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "courtjourney.cli", *args], env=db.env(key), cwd=ROOT,
                          capture_output=True, text=True, timeout=180)


def ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, f"{done.args[3:]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@contextmanager
def serving(db: Database, log_path: Path) -> Iterator[str]:
    server = Served(db.env(), log_path).start()
    try:
        yield server.base
    finally:
        server.stop()


def api_token(db: Database, email: str) -> str:
    out = ok(cli(db, "users", "token", email))
    return next(word for word in out.split() if word.startswith("cjapi_"))


def png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + os.urandom(48)


# --- the writer ----------------------------------------------------------------------------------


@dataclass
class Writer:
    """Records incidents (with evidence files and briefings now and then) through the API until stopped."""

    base: str
    token: str
    case_id: str
    hearing: tuple[str, str] | None  # (case id, hearing id) to make briefings for
    acknowledged: int = 0
    errors: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)  # id -> SHA-256 of what was sent
    documents: list[tuple[str, str]] = field(default_factory=list)  # (case id, document id)
    stop: threading.Event = field(default_factory=threading.Event)
    limit: int = 400

    def run(self) -> None:
        with httpx.Client(base_url=self.base, headers={"Authorization": f"Bearer {self.token}"}, timeout=60) as http:
            for i in range(self.limit):
                if self.stop.is_set():
                    return
                made = http.post(f"/api/cases/{self.case_id}/incidents",
                                 json={"narrative": f"{NARRATIVE} (note {i})", "occurred_from": "2026-01-10T18:00:00Z"})
                if made.status_code != 201:
                    self.errors.append(f"incident: {made.status_code} {made.text[:200]}")
                    return
                if i % 3 == 0:
                    content = png()
                    sent = http.post(f"/api/cases/{self.case_id}/incidents/{made.json()['id']}/evidence",
                                     files={"file": (f"photo-{i}.png", content, "image/png")})
                    if sent.status_code != 201:
                        self.errors.append(f"evidence: {sent.status_code} {sent.text[:200]}")
                        return
                    self.evidence[sent.json()["id"]] = hashlib.sha256(content).hexdigest()
                if i % 10 == 0 and self.hearing:
                    case_id, hearing_id = self.hearing
                    briefed = http.post(f"/api/cases/{case_id}/hearings/{hearing_id}/briefings")
                    if briefed.status_code != 201:
                        self.errors.append(f"briefings: {briefed.status_code} {briefed.text[:200]}")
                        return
                    self.documents += [(case_id, d["id"]) for d in briefed.json()]
                self.acknowledged += 1


# --- once per backend: a backup taken under load, and its restore ---------------------------------


@dataclass
class Taken:
    dbs: Databases
    source: Database
    archive: Path
    manifest: dict[str, Any]
    output: str
    token: str
    case_id: str  # the case opened through the API, holding the incidents written during the backup
    incident_id: str  # one incident written before the backup
    evidence: dict[str, str]
    documents: list[tuple[str, str]]
    before: int  # incidents acknowledged before the backup started
    after: int  # ... and by the time it finished
    demo_incidents: int
    restored: Database | None = None
    restore_output: str = ""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def taken(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Taken]:
    tmp = tmp_path_factory.mktemp(f"backup-{request.param}")
    dbs = Databases(request.param, tmp)
    try:
        source = dbs.new("source")
        ok(cli(source, "init"))
        ok(cli(source, "demo"))
        token = api_token(source, WORKER)
        demo_incidents = len(source.query("SELECT id FROM incident"))
        with serving(source, tmp / "source.log") as base:
            http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60)
            case = http.post("/api/cases/", json={"child_name": CHILD, "child_birth_date": "2013-05-02"})
            assert case.status_code == 201, case.text
            case_id = case.json()["id"]
            first = http.post(f"/api/cases/{case_id}/incidents", json={"narrative": NARRATIVE, "occurred_from": "2026-01-09T17:30:00Z"})
            assert first.status_code == 201, first.text
            hearing = None
            for listed in http.get("/api/cases/").json():
                hearings = http.get(f"/api/cases/{listed['id']}/hearings").json()
                if hearings:
                    hearing = (listed["id"], hearings[0]["id"])
                    break
            writer = Writer(base, token, case_id, hearing)
            thread = threading.Thread(target=writer.run, daemon=True)
            thread.start()
            while writer.acknowledged < 5 and thread.is_alive():
                time.sleep(0.05)
            before = writer.acknowledged
            archive = tmp / "backups" / "courtjourney.cjbackup"
            archive.parent.mkdir()
            output = ok(cli(source, "backup", str(archive)))
            after = writer.acknowledged
            while writer.acknowledged < after + 3 and thread.is_alive():  # the service went on taking writes
                time.sleep(0.05)
            writer.stop.set()
            thread.join(timeout=120)
            http.close()
        assert not writer.errors, writer.errors
        with tarfile.open(archive) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        yield Taken(dbs, source, archive, manifest, output, token, case_id, first.json()["id"], writer.evidence,
                    writer.documents, before, after, demo_incidents)
    finally:
        dbs.drop_all()


@pytest.fixture(scope="module")
def restored(taken: Taken) -> Taken:
    if taken.restored is None:
        target = taken.dbs.new("restored")
        taken.restore_output = ok(cli(target, "restore", str(taken.archive)))
        taken.restored = target
    return taken


def case_uuid(value: Any) -> str:
    return str(uuid.UUID(bytes=value)) if isinstance(value, bytes) else str(value)


# --- the tests -----------------------------------------------------------------------------------


def test_backup_taken_during_writes_restores_with_the_manifests_counts_chain_heads_and_hashes(restored: Taken) -> None:
    manifest, target = restored.manifest, restored.restored
    assert target is not None
    contents = manifest["contents"]
    # Every incident acknowledged before the backup began is in it; none written after it finished.
    in_backup = contents["row_counts"]["incident"] - restored.demo_incidents - 1
    assert restored.before <= in_backup <= restored.after + 1, (restored.before, in_backup, restored.after)
    assert contents["alembic_revision"] == target.query("SELECT version_num FROM alembic_version")[0][0]
    # Row counts, read here table by table, not by the code under test.
    assert set(contents["row_counts"]) == target.tables()
    for name, count in contents["row_counts"].items():
        assert target.query(f'SELECT count(*) FROM "{name}"')[0][0] == count, name
    # Chain heads: the last link of every case.
    heads: dict[str, dict[str, Any]] = {}
    for case_id, seq, link in target.query("SELECT case_id, seq, link FROM incident_chain"):
        key = case_uuid(case_id)
        if seq > heads.get(key, {"entries": 0})["entries"]:
            heads[key] = {"entries": seq, "link": link}
    assert heads == contents["chain_heads"] and restored.case_id in heads
    # Recorded hashes of every document and evidence file.
    assert {case_uuid(i): h for i, h in target.query("SELECT id, sha256 FROM produced_document")} == contents["documents"]
    assert {case_uuid(i): h for i, h in target.query("SELECT id, sha256 FROM incident_evidence")} == contents["evidence_files"]
    assert contents["documents"] and contents["evidence_files"]
    # The restore said what it checked, and that each check passed.
    for what in ("rows", "incident log chain heads", "produced documents", "evidence files", "incident log chains"):
        assert f"ok     {what}:" in restored.restore_output, restored.restore_output
    assert "useless without the encryption key" in restored.restore_output


def test_restored_service_answers_serves_every_file_byte_for_byte_and_its_chains_verify(restored: Taken, tmp_path: Path) -> None:
    target = restored.restored
    assert target is not None
    contents = restored.manifest["contents"]
    with serving(target, tmp_path / "restored.log") as base, \
            httpx.Client(base_url=base, headers={"Authorization": f"Bearer {restored.token}"}, timeout=60) as http:
        case = http.get(f"/api/cases/{restored.case_id}")
        assert case.status_code == 200 and case.json()["child_name"] == CHILD
        incident = http.get(f"/api/cases/{restored.case_id}/incidents/{restored.incident_id}")
        assert incident.status_code == 200 and NARRATIVE in incident.text
        chain = http.get(f"/api/cases/{restored.case_id}/incidents/chain").json()
        assert chain["intact"] is True and chain["last_link"] == contents["chain_heads"][restored.case_id]["link"]
        # Every evidence file and document made before the backup began comes back byte for byte.
        files = [(i, sha) for i, sha in restored.evidence.items() if i in contents["evidence_files"]]
        documents = [(c, i) for c, i in restored.documents if i in contents["documents"]]
        assert files and documents
        for evidence_id, sha in files:
            got = http.get(f"/api/cases/{restored.case_id}/evidence/{evidence_id}")
            assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == sha == contents["evidence_files"][evidence_id]
        for case_id, document_id in documents:
            got = http.get(f"/api/cases/{case_id}/documents/{document_id}")
            assert got.status_code == 200 and hashlib.sha256(got.content).hexdigest() == contents["documents"][document_id]
    assert "all intact" in ok(cli(target, "verify-incidents"))


def test_archive_holds_no_plain_text_of_what_was_written_and_is_private(taken: Taken) -> None:
    raw = taken.archive.read_bytes()
    # The search can find plain text: e-mail addresses are stored in the clear, and are there.
    assert WORKER.encode() in raw
    for secret in (CHILD, NARRATIVE, "Hollybank"):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, f"{secret!r} is in the archive as {encoding} plain text"
    manifest_text = json.dumps(taken.manifest)
    assert CHILD not in manifest_text and "worker@" not in manifest_text
    assert taken.archive.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in taken.archive.parent.iterdir()) == [taken.archive.name]  # no work files left
    assert "useless without the encryption key" in taken.output and "separately from the backups" in taken.output


def test_restore_refuses_a_database_that_holds_tables_unless_forced(taken: Taken) -> None:
    target = taken.dbs.new("nonempty")
    ok(cli(target, "init"))
    accounts = target.query("SELECT count(*) FROM user_account")[0][0]
    refused = cli(target, "restore", str(taken.archive))
    assert refused.returncode != 0
    assert "already holds tables" in refused.stderr and "Nothing was changed" in refused.stderr.replace("nothing was changed", "Nothing was changed")
    assert "Traceback" not in refused.stderr + refused.stdout
    assert target.query("SELECT count(*) FROM user_account")[0][0] == accounts == 1
    forced = ok(cli(target, "restore", "--force", str(taken.archive)))
    assert "FAILED" not in forced
    counts = taken.manifest["contents"]["row_counts"]
    assert target.query("SELECT count(*) FROM user_account")[0][0] == counts["user_account"] != accounts
    assert target.query("SELECT count(*) FROM incident")[0][0] == counts["incident"]


def _damaged_copies(archive: Path, folder: Path) -> dict[str, Path]:
    data = archive.read_bytes()
    with tarfile.open(archive) as tar:
        copy = next(m for m in tar.getmembers() if m.name.startswith("database."))
    flipped = bytearray(data)
    middle = copy.offset_data + copy.size // 2
    flipped[middle] ^= 0xFF
    no_manifest = io.BytesIO()
    with tarfile.open(fileobj=no_manifest, mode="w") as tar:
        info = tarfile.TarInfo("notes.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO(b"hello"))
    incomplete = io.BytesIO()
    with tarfile.open(fileobj=incomplete, mode="w") as tar:
        body = json.dumps({"format": "courtjourney-backup", "format_version": 1, "backend": "sqlite"}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    made = {
        "a byte changed in the database copy": bytes(flipped),
        "a manifest that lacks what it must say": incomplete.getvalue(),
        "cut short": data[: len(data) // 2],
        "not an archive": b"These are not the files you are looking for.\n" * 10,
        "an archive without a manifest": no_manifest.getvalue(),
        "empty": b"",
    }
    paths = {}
    for i, (what, content) in enumerate(made.items()):
        path = folder / f"damaged-{i}.cjbackup"
        path.write_bytes(content)
        paths[what] = path
    return paths


def test_wrong_key_and_damaged_archives_are_refused_plainly_and_change_nothing(taken: Taken, tmp_path: Path) -> None:
    target = taken.dbs.new("refused")
    wrong = cli(target, "restore", str(taken.archive), key="not-the-key-the-backup-was-made-with")
    assert wrong.returncode != 0 and "different encryption key" in wrong.stderr, wrong.stderr
    assert "Traceback" not in wrong.stderr + wrong.stdout
    assert target.tables() == set()
    for what, path in _damaged_copies(taken.archive, tmp_path).items():
        refused = cli(target, "restore", str(path))
        assert refused.returncode != 0, what
        assert "not a courtjourney backup, or it is damaged" in refused.stderr, (what, refused.stderr)
        assert "Nothing was changed" in refused.stderr and "Traceback" not in refused.stderr + refused.stdout, (what, refused.stderr)
        assert target.tables() == set(), what
    missing = cli(target, "restore", str(tmp_path / "no-such.cjbackup"))
    assert missing.returncode != 0 and "There is no backup file" in missing.stderr
    # A backup never overwrites an existing file unless told to.
    kept = cli(taken.source, "backup", str(taken.archive))
    assert kept.returncode != 0 and "already exists" in kept.stderr


def test_a_restore_that_does_not_match_the_manifest_is_reported_and_on_sqlite_changes_nothing(taken: Taken, tmp_path: Path) -> None:
    manifest = json.loads(json.dumps(taken.manifest))
    manifest["contents"]["row_counts"]["incident"] += 1
    manifest["contents"]["chain_heads"][taken.case_id]["link"] = "0" * 64
    edited = tmp_path / "edited.cjbackup"
    with tarfile.open(taken.archive) as source, tarfile.open(edited, "w") as out:
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        out.addfile(info, io.BytesIO(body))
        copy = next(m for m in source.getmembers() if m.name.startswith("database."))
        out.addfile(copy, source.extractfile(copy))
    target = taken.dbs.new("mismatch")
    done = cli(target, "restore", str(edited))
    assert done.returncode != 0 and "Traceback" not in done.stderr + done.stdout
    said = done.stdout + done.stderr
    assert "incident has" in said and "chain heads" in said, said
    if target.backend == "sqlite":
        assert "Nothing was changed" in done.stderr and target.tables() == set()
    else:  # loaded in one transaction, then checked: the checks say what differs
        assert "FAILED" in done.stdout and "does not match the backup" in done.stderr


def test_a_backup_is_restored_only_into_the_kind_of_database_it_came_from(tmp_path: Path) -> None:
    sqlite, postgresql = Databases("sqlite", tmp_path), Databases("postgresql", tmp_path)
    try:
        archives = {}
        for dbs in (sqlite, postgresql):
            source = dbs.new("kind")
            ok(cli(source, "init"))
            archives[dbs.backend] = tmp_path / f"{dbs.backend}.cjbackup"
            ok(cli(source, "backup", str(archives[dbs.backend])))
        for dbs, other in ((sqlite, "postgresql"), (postgresql, "sqlite")):
            target = dbs.new("wrongkind")
            refused = cli(target, "restore", str(archives[other]))
            assert refused.returncode != 0 and "not supported" in refused.stderr and "Nothing was changed" in refused.stderr
            assert "Traceback" not in refused.stderr and target.tables() == set()
    finally:
        postgresql.drop_all()


def test_a_backup_from_an_older_version_is_checked_then_brought_up_to_date(tmp_path: Path) -> None:
    from courtjourney.migrations import alembic_config, upgrade
    from courtjourney.settings import Settings

    dbs = Databases("sqlite", tmp_path)
    source, target = dbs.new("older"), dbs.new("upgraded")
    assert source.file is not None
    source.file.parent.mkdir(parents=True)
    old = Settings.from_env()
    upgrade(Settings(**{**old.__dict__, "database_url": source.url}), "0005")
    archive = tmp_path / "older.cjbackup"
    ok(cli(source, "backup", str(archive)))
    done = ok(cli(target, "restore", str(archive)))
    assert "brought up to date" in done and "FAILED" not in done
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(old)).get_current_head()
    assert target.query("SELECT version_num FROM alembic_version") == [(head,)] != [("0005",)]
