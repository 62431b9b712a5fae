"""Build the Word templates in templates/docx/ from these scripts: `python templates/docx/sources/build.py`.

Each template is a real .docx a manager can open and edit in Word or LibreOffice. The words a family reads
come from the service (translated through the catalogue), so one template serves English and Welsh; the
template holds the layout: built-in heading styles, Arial 12pt, left aligned, a header row on each table.
Jinja tags sit alone in their own paragraph or cell, so Word never splits them across runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from courtjourney.documents.engine import TEMPLATES_DIR, new_template  # noqa: E402


def sections_body(document) -> None:  # type: ignore[no-untyped-def]
    """The body shared by letters: sections of paragraphs and bullet lists, then the words used."""
    document.add_paragraph("{%p for s in sections %}")
    document.add_heading("{{ s.heading }}", level=2)
    document.add_paragraph("{%p for line in s.paragraphs %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p for item in s.bullets %}")
    document.add_paragraph("{{ item }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p if words %}")
    document.add_heading("{{ words_heading }}", level=2)
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "{{ word_label }}"
    table.cell(0, 1).text = "{{ meaning_label }}"
    table.cell(1, 0).text = "{%tr for w in words %}"
    table.cell(2, 0).text = "{{ w.term }}"
    table.cell(2, 1).text = "{{ w.meaning }}"
    row = table.add_row()
    row.cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p endif %}")


def parent_briefing() -> None:
    document = new_template()
    document.add_heading("{{ title }}", level=1)
    document.add_paragraph("{{ greeting }}")
    document.add_paragraph("{{ intro }}")
    sections_body(document)
    document.add_paragraph("{{ sign_off }}")
    document.save(TEMPLATES_DIR / "parent_briefing.docx")


def witness_pack() -> None:
    document = new_template()
    for part in (document.sections[0].header, document.sections[0].footer):
        part.paragraphs[0].text = "{{ marking }}"
    document.add_heading("{{ title }}", level=1)
    document.add_paragraph("{{ intro }}")
    document.add_paragraph("{%p for s in sections %}")
    document.add_heading("{{ s.heading }}", level=2)
    document.add_paragraph("{%p for line in s.paragraphs %}")
    document.add_paragraph("{{ line }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p if s.rows %}")
    table = document.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for n, key in enumerate(("a", "b", "c")):
        table.cell(0, n).text = "{{ s.columns[%d] }}" % n
        table.cell(2, n).text = "{{ r.%s }}" % key
    table.cell(1, 0).text = "{%tr for r in s.rows %}"
    row = table.add_row()
    row.cells[0].text = "{%tr endfor %}"
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")
    document.save(TEMPLATES_DIR / "witness_pack.docx")


if __name__ == "__main__":
    parent_briefing()
    witness_pack()
    print(f"templates written to {TEMPLATES_DIR}")
