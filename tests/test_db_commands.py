"""`courtjourney db ...`: upgrade, downgrade and current through the real command line, and `db revision`
finding (or not finding) a schema change. SQLite in a temporary folder; the repository is left unchanged."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from courtjourney.migrations import VERSIONS
from tests.test_cli_and_setup import run_cli


def latest() -> str:
    return max(p.name[:4] for p in VERSIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def test_upgrade_current_downgrade_and_upgrade_again(tmp_path: Path) -> None:
    head = latest()
    missing = run_cli(tmp_path, "db", "current")
    assert missing.returncode == 0 and "There is no database" in missing.stdout, missing.stderr
    assert not (tmp_path / "var" / "cj.db").exists(), "asking where the database is must not create it"

    up = run_cli(tmp_path, "db", "upgrade")
    assert up.returncode == 0, up.stderr
    assert f"Upgraded the database from no migration (empty) to {head}." in up.stdout
    assert run_cli(tmp_path, "db", "current").stdout.strip() == f"{head} (the latest)"

    down = run_cli(tmp_path, "db", "downgrade", "0005")
    assert down.returncode == 0, down.stderr
    assert f"Downgraded the database from {head} to 0005." in down.stdout
    behind = run_cli(tmp_path, "db", "current").stdout
    assert behind.startswith(f"0005; the latest is {head}") and "db upgrade" in behind

    again = run_cli(tmp_path, "db", "upgrade")
    assert again.returncode == 0 and f"from 0005 to {head}." in again.stdout, again.stderr
    still = run_cli(tmp_path, "db", "upgrade")
    assert still.returncode == 0 and f"already at {head}" in still.stdout

    # The first admin can be made after the round trip: the schema came back whole.
    made = run_cli(tmp_path, "init")
    assert made.returncode == 0 and "One-time password" in made.stdout, made.stderr

    base = run_cli(tmp_path, "db", "downgrade", "base")
    assert base.returncode == 0 and "to no migration (empty)." in base.stdout, base.stderr


def test_a_revision_that_does_not_exist_is_said_plainly(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "db", "upgrade").returncode == 0
    for args in (("db", "downgrade", "9999"), ("db", "upgrade", "nonsense")):
        wrong = run_cli(tmp_path, *args)
        assert wrong.returncode == 1, wrong.stdout
        assert "There is no migration by that name" in wrong.stderr and "Traceback" not in wrong.stderr
    unreachable = run_cli(
        tmp_path,
        "db",
        "current",
        env_extra={"COURTJOURNEY_DATABASE_URL": "postgresql+asyncpg://nobody@127.0.0.1:1/none"},
    )
    assert unreachable.returncode == 1 and "Could not use the database" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr


def copy_of_versions(tmp_path: Path, *, up_to: str | None = None) -> Path:
    """The migrations in a folder of their own (up to and including `up_to`), so the repository's stay as they are."""
    versions = tmp_path / "versions"
    shutil.copytree(VERSIONS, versions, ignore=shutil.ignore_patterns("__pycache__"))
    for path in versions.glob("[0-9][0-9][0-9][0-9]_*.py"):
        if up_to and path.name[:4] > up_to:
            path.unlink()
    return versions


def test_a_revision_with_no_model_change_writes_nothing(tmp_path: Path) -> None:
    versions = copy_of_versions(tmp_path)
    before = sorted(p.name for p in versions.iterdir())
    ours = sorted(p.name for p in VERSIONS.glob("*.py"))
    made = run_cli(tmp_path, "db", "revision", "-m", "nothing at all", "--versions-dir", str(versions))
    assert made.returncode == 0, made.stderr
    assert "nothing to change" in made.stdout and "no migration was written" in made.stdout
    assert sorted(p.name for p in versions.iterdir()) == before
    assert sorted(p.name for p in VERSIONS.glob("*.py")) == ours
    # It brought the database up to the latest migration to compare against.
    assert run_cli(tmp_path, "db", "current").stdout.strip() == f"{latest()} (the latest)"


def test_a_revision_finds_what_the_models_have_and_the_database_lacks(tmp_path: Path) -> None:
    # The migrations up to 0006 only: the models have the rate_limit table (0007), the database does not.
    versions = copy_of_versions(tmp_path, up_to="0006")
    ours = sorted(p.name for p in VERSIONS.glob("*.py"))
    made = run_cli(tmp_path, "db", "revision", "-m", "Shared rate limits!", "--versions-dir", str(versions))
    assert made.returncode == 0, made.stderr
    written = versions / "0007_shared_rate_limits.py"
    assert f"Wrote {written}." in made.stdout, made.stdout
    text = written.read_text(encoding="utf-8")
    assert re.search(r"^revision = '0007'$", text, re.M)
    assert re.search(r"^down_revision = '0006'$", text, re.M)
    assert "op.create_table(\n        'rate_limit'" in text or "op.create_table('rate_limit'" in text, text
    assert "op.drop_table('rate_limit')" in text
    assert sorted(p.name for p in VERSIONS.glob("*.py")) == ours
