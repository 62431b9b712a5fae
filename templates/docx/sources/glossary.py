"""Build templates/docx/glossary.docx, the printable glossary for one stage of the journey.

Run from the repository root:  .venv/bin/python templates/docx/sources/glossary.py

Context (see courtjourney/glossary/document.py): title, intro, col_word, col_meaning, col_for_you,
terms (each: term, also, definition, for_you), notes_heading, notes. The table's first row is its
header row (the engine marks it so it repeats on each page); the {%tr %} rows repeat once per word.
"""

from __future__ import annotations

from pathlib import Path

from courtjourney.documents.engine import new_template

OUT = Path(__file__).resolve().parents[1] / "glossary.docx"


def build() -> Path:
    doc = new_template()
    doc.add_heading("{{ title }}", level=1)
    doc.add_paragraph("{{ intro }}")
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("{{ col_word }}", "{{ col_meaning }}", "{{ col_for_you }}"), strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    table.cell(1, 0).text = "{%tr for t in terms %}"
    word = table.cell(2, 0)
    word.text = "{{ t.term }}"
    word.paragraphs[0].runs[0].bold = True
    word.add_paragraph("{{ t.also }}")
    table.cell(2, 1).text = "{{ t.definition }}"
    table.cell(2, 2).text = "{{ t.for_you }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    doc.add_heading("{{ notes_heading }}", level=2)
    doc.add_paragraph("{%p for note in notes %}")
    doc.add_paragraph("{{ note }}")
    doc.add_paragraph("{%p endfor %}")
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    print(f"wrote {build()}")
