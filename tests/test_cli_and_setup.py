"""The `courtjourney` command, the README's promises, and dates in the reader's language."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from courtjourney.i18n import long_date, long_datetime
from courtjourney.settings import SETTINGS_DOC

ROOT = Path(__file__).resolve().parents[1]


def run_cli(tmp: Path, *args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURTJOURNEY_")}
    env.update({
        "COURTJOURNEY_DATABASE_URL": f"sqlite+aiosqlite:///{tmp / 'var' / 'cj.db'}",
        "COURTJOURNEY_KEY_FILE": str(tmp / "var" / "secret.key"),
        **(env_extra or {}),
    })
    return subprocess.run([sys.executable, "-m", "courtjourney.cli", *args], cwd=tmp, env=env, capture_output=True, text=True, timeout=120)


def test_init_makes_a_private_key_file_migrates_and_prints_a_one_time_admin_password(tmp_path: Path) -> None:
    first = run_cli(tmp_path, "init", "--admin-email", "lead@hub.example")
    assert first.returncode == 0, first.stderr
    key = tmp_path / "var" / "secret.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert re.search(r"One-time password .*: [a-z0-9]{5}(-[a-z0-9]{5}){3}", first.stdout)
    again = run_cli(tmp_path, "init")
    assert again.returncode == 0 and "One-time password" not in again.stdout


def test_demo_loads_three_families_at_different_stages_and_prints_logins(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "init").returncode == 0
    demo = run_cli(tmp_path, "demo", "--if-empty")
    assert demo.returncode == 0, demo.stderr
    assert "worker@demo.example" in demo.stdout and "demo-worker-2026" in demo.stdout
    import sqlite3

    db = sqlite3.connect(tmp_path / "var" / "cj.db")
    stages = db.execute(
        "SELECT case_id, to_stage FROM stage_move s WHERE moved_at = (SELECT max(moved_at) FROM stage_move WHERE case_id = s.case_id)"
    ).fetchall()
    assert len(stages) >= 3 and len({stage for _, stage in stages}) >= 3
    assert run_cli(tmp_path, "demo", "--if-empty").stdout.startswith("Demo data is already there")


def test_users_create_token_and_disable(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "init").returncode == 0
    created = run_cli(tmp_path, "users", "create", "new@hub.example", "--name", "New Worker", "--team", "Hub")
    assert created.returncode == 0, created.stderr
    assert re.search(r"/account/setup/cjset_[A-Za-z0-9_-]{40,}", created.stdout), "a setup link, never a password"
    assert "password:" not in created.stdout.lower()
    again = run_cli(tmp_path, "users", "let-back-in", "new@hub.example")
    assert again.returncode == 0 and re.search(r"/account/setup/cjset_[A-Za-z0-9_-]{40,}", again.stdout)
    duplicate = run_cli(tmp_path, "users", "create", "NEW@hub.example", "--name", "Again")
    assert duplicate.returncode != 0 and "already exists" in duplicate.stderr
    token = run_cli(tmp_path, "users", "token", "new@hub.example")
    assert re.search(r"cjapi_[A-Za-z0-9_-]{40,}", token.stdout)
    assert run_cli(tmp_path, "users", "disable", "new@hub.example").returncode == 0
    missing = run_cli(tmp_path, "users", "token", "nobody@hub.example")
    assert missing.returncode != 0 and "No account" in missing.stderr


def test_the_readme_opens_with_the_two_commands() -> None:
    lines = [line for line in (ROOT / "README.md").read_text().splitlines() if line.strip()]
    head = "\n".join(lines[:5])
    assert "make run" in head and "make test" in head


def test_every_setting_is_in_the_readme_table_and_nowhere_else_undocumented() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in SETTINGS_DOC:
        assert f"| `{name}` |" in readme, name
    used = set(re.findall(r"COURTJOURNEY_[A-Z_]+", "\n".join(p.read_text() for p in (ROOT / "courtjourney").rglob("*.py"))))
    assert used <= set(SETTINGS_DOC), used - set(SETTINGS_DOC)


@pytest.mark.parametrize("locale,expected", [("en", "Monday 2 March 2026 at 10:00"), ("cy", "Dydd Llun 2 Mawrth 2026 am 10:00")])
def test_dates_read_naturally_in_the_readers_language(locale: str, expected: str) -> None:
    # 10:00 UK time on 2 March is 10:00 UTC (GMT); 14 April is in summer time.
    assert long_datetime(dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC), locale) == expected
    assert long_date(dt.datetime(2026, 4, 14, 9, 0, tzinfo=dt.UTC), "en") == "Tuesday 14 April 2026"
    assert long_datetime(dt.datetime(2026, 4, 14, 9, 0, tzinfo=dt.UTC), "en").endswith("at 10:00")


def test_the_welsh_catalogue_is_complete_and_its_placeholders_match() -> None:
    """Every string the code marks for translation has a Welsh translation, none fuzzy, with the same placeholders."""
    import re

    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with (ROOT / "courtjourney/i18n/locales/cy/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    placeholder = re.compile(r"%\((\w+)\)[sd]")
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, f"fuzzy Welsh entry: {message.id!r}"
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"no Welsh for {message.id!r}"
        wanted = set().union(*(placeholder.findall(i) for i in ids))
        for text in strings:
            assert set(placeholder.findall(text)) <= wanted, (message.id, text)
    method_map = [("courtjourney/**.py", "python"), ("courtjourney/**/templates/**.html", "jinja2")]
    options = {"courtjourney/**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    extracted = {
        found[2] if isinstance(found[2], str) else found[2][0]
        for found in extract_from_dir(str(ROOT), method_map, options_map=options, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "t": None})
    }
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = sorted(extracted - known)
    assert not missing, f"strings with no Welsh yet (run `make messages` and translate): {missing[:10]}"
