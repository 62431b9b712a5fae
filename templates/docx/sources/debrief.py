"""Build templates/docx/debrief_outcome.docx and debrief_not_prosecuted.docx.

Run from the repository root: .venv/bin/python templates/docx/sources/debrief.py
The words come from courtjourney/debrief/letter.py (already in the family's language); these
templates only lay them out, so one template serves English and Welsh. Each Jinja tag sits alone in
its own paragraph or run ({%p %} and {%tr %}), as docxtpl needs. The two letters share a layout
today; they are separate files so each can be changed on its own (the not-prosecuted letter leads with
the right to review, which letter.py puts first). Edit the layout in Word freely:
keep the tags as they are.
"""

from __future__ import annotations

from pathlib import Path

from courtjourney.documents.engine import new_template

OUT = Path(__file__).resolve().parents[1]


def build(name: str) -> Path:
    doc = new_template()
    doc.add_heading("{{ title }}", level=1)
    doc.add_paragraph("{{ written_on }}")
    doc.add_paragraph("{{ greeting }}")
    doc.add_paragraph("{%p for line in intro %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p for section in sections %}")
    doc.add_heading("{{ section.heading }}", level=2)
    doc.add_paragraph("{%p for line in section.paragraphs %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_heading("{{ deadlines_heading }}", level=2)
    doc.add_paragraph("{{ deadlines_intro }}")
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("{{ th_what }}", "{{ th_by }}", "{{ th_rule }}"), strict=True):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for row in deadlines %}"
    for cell, text in zip(table.rows[2].cells, ("{{ row.what }}", "{{ row.by }}", "{{ row.rule }}"), strict=True):
        cell.text = text
    end = table.add_row()
    end.cells[0].text = "{%tr endfor %}"
    doc.add_paragraph("{%p for section in after %}")
    doc.add_heading("{{ section.heading }}", level=2)
    doc.add_paragraph("{%p for line in section.paragraphs %}")
    doc.add_paragraph("{{ line }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if words_used %}")
    doc.add_heading("{{ words_heading }}", level=2)
    doc.add_paragraph("{%p for word in words_used %}")
    doc.add_paragraph("{{ word.term }}: {{ word.meaning }}")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{ sign_off }}")
    path = OUT / f"{name}.docx"
    doc.core_properties.title = "Debrief letter"
    doc.save(path)
    return path


if __name__ == "__main__":
    print(build("debrief_outcome"))
    print(build("debrief_not_prosecuted"))
