"""Build templates/docx/police_export.docx: the incident log export for the police.

Run from the repository root after changing this script: `.venv/bin/python templates/docx/sources/police_export.py`.
The context it expects comes from courtjourney/threats/export.py `docx_context()`. Headings use the
built-in Heading styles; table rows repeat with docxtpl's {%tr %} tags; whole sections with {%p %}.
"""

from __future__ import annotations

from pathlib import Path

from courtjourney.documents.engine import new_template

OUT = Path(__file__).resolve().parents[1] / "police_export.docx"


def table(document, headers, cells, loop):  # type: ignore[no-untyped-def]
    """A header row, then one templated row repeated by `loop` ({%tr for ... %})."""
    t = document.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    for i, text in enumerate(headers):
        t.cell(0, i).text = text
    t.cell(1, 0).text = "{%tr for " + loop + " %}"
    for i, text in enumerate(cells):
        t.cell(2, i).text = text
    t.cell(3, 0).text = "{%tr endfor %}"
    return t


def build() -> None:
    doc = new_template()
    doc.add_heading("{{ title }}", level=1)
    doc.add_paragraph("Child: {{ child_name }}. Case reference: {{ reference }}.")
    doc.add_paragraph("Incidents that happened {{ period }}. {{ count }}")
    doc.add_paragraph("{{ prepared }}")
    doc.add_paragraph(
        "This is what the family noticed and told us, with how each item is known to be true. "
        "It is information, not intelligence: the police decide what to do with it."
    )
    doc.add_heading("Checking that nothing was removed", level=2)
    doc.add_paragraph(
        "Every entry in the log is chained to the one before it with a keyed SHA-256 link. "
        "A changed, removed or reordered entry breaks the chain."
    )
    doc.add_paragraph("{{ chain }}")
    doc.add_heading("Summary", level=2)
    table(doc, ["Incident", "When it happened", "Type", "Passed to the police"],
          ["{{ s.number }}", "{{ s.when }}", "{{ s.type }}", "{{ s.police }}"], "s in summary")
    doc.add_paragraph("{%p for i in incidents %}")
    doc.add_heading("{{ i.heading }}", level=2)
    doc.add_paragraph("{{ i.position }}")
    table(doc, ["Detail", "As first recorded"], ["{{ r.label }}", "{{ r.value }}"], "r in i.rows")
    doc.add_paragraph("{%p for a in i.amendments %}")
    doc.add_heading("{{ a.heading }}", level=3)
    doc.add_paragraph("{{ a.position }}")
    table(doc, ["Detail", "Corrected or added"], ["{{ r.label }}", "{{ r.value }}"], "r in a.rows")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if i.files %}")
    doc.add_heading("Evidence files", level=3)
    table(doc, ["File", "Type", "Size", "SHA-256"], ["{{ f.name }}", "{{ f.type }}", "{{ f.size }}", "{{ f.sha256 }}"],
          "f in i.files")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if i.police %}")
    doc.add_heading("Passed to the police", level=3)
    table(doc, ["Date", "By", "Crime reference", "Officer"], ["{{ p.on }}", "{{ p.by }}", "{{ p.reference }}", "{{ p.officer }}"],
          "p in i.police")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endfor %}")
    doc.save(OUT)


if __name__ == "__main__":
    build()
