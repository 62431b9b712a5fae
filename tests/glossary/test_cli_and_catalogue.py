"""`courtjourney glossary load` checks files and changes nothing; every glossary page string is in Welsh."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from courtjourney.cli import main
from courtjourney.glossary.terms import data_path

ROOT = Path(__file__).resolve().parents[2]


def test_load_reports_what_the_shipped_files_hold() -> None:
    result = CliRunner().invoke(main, ["glossary", "load"])
    assert result.exit_code == 0, result.output
    assert "English: " in result.output and "Welsh: " in result.output and "nothing was changed" in result.output


def test_load_names_the_file_and_line_of_bad_data_and_changes_nothing(tmp_path: Path) -> None:
    good = data_path("en").read_text(encoding="utf-8")
    lines = good.splitlines()
    target = next(i for i, line in enumerate(lines) if line.startswith('id = "jury"'))
    lines[target + 5] = 'stages = ["courtroom"]'  # the jury's stages line, now an unknown stage
    bad = tmp_path / "en.toml"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = bad.read_bytes()
    result = CliRunner().invoke(main, ["glossary", "load", "--en", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}, line {target}:" in result.output and "term 'jury'" in result.output
    assert "unknown stage 'courtroom'" in result.output
    assert bad.read_bytes() == before and data_path("en").read_text(encoding="utf-8") == good


def test_every_glossary_page_string_has_a_welsh_translation() -> None:
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with (ROOT / "courtjourney/i18n/locales/cy/LC_MESSAGES/messages.po").open("rb") as fh:
        catalogue = {m.id: m for m in read_po(fh) if m.id}
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = [message for _file, _line, message, _comments, _context in
             extract_from_dir(str(ROOT / "courtjourney/glossary"), method_map, options, keywords={"_": None, "N_": None, "gettext": None})]
    assert len(found) >= 40
    missing = [m for m in found if isinstance(m, str) and (m not in catalogue or not catalogue[m].string or catalogue[m].fuzzy)]
    assert not missing, f"not translated into Welsh: {missing}"
