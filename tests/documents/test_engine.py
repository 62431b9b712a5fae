"""The shared document engine: escaping, strict variables, accessibility marks, LibreOffice opens it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from courtjourney.documents import convert, engine

HOSTILE = 'A & B <C> “x” </w:t>'


@pytest.fixture()
def template(tmp_path: Path) -> Path:
    doc = engine.new_template()
    doc.add_heading("{{ heading }}", level=1)
    doc.add_paragraph("Dear {{ name }},")
    table = doc.add_table(rows=2, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text = "Word"
    table.cell(0, 1).text = "Meaning"
    table.cell(1, 0).text = "{{ word }}"
    table.cell(1, 1).text = "{{ meaning }}"
    path = tmp_path / "sample.docx"
    doc.save(path)
    return path


def context() -> dict[str, str]:
    return {"heading": "Your hearing", "name": HOSTILE, "word": "Adjournment", "meaning": HOSTILE}


def test_hostile_text_is_escaped_and_survives(template: Path) -> None:
    produced = Document(io.BytesIO(engine.render(template, context(), lang="cy", title="Prawf")))
    assert produced.paragraphs[1].text == f"Dear {HOSTILE},"
    assert produced.tables[0].cell(1, 1).text == HOSTILE


def test_accessibility_marks(template: Path) -> None:
    produced = Document(io.BytesIO(engine.render(template, context(), lang="cy", title="Your hearing")))
    lang = produced.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr")).find(
        qn("w:lang")
    )
    assert lang.get(qn("w:val")) == "cy-GB"
    assert produced.core_properties.title == "Your hearing"
    first_row = produced.tables[0].rows[0]._tr
    assert first_row.trPr.find(qn("w:tblHeader")) is not None
    assert produced.paragraphs[0].style.name == "Heading 1"


def test_missing_variable_is_an_error_not_a_blank(template: Path) -> None:
    assert engine.undeclared_variables(template) == {"heading", "name", "word", "meaning"}
    partial = {k: v for k, v in context().items() if k != "meaning"}
    with pytest.raises(engine.TemplateError, match="meaning"):
        engine.render(template, partial, lang="en", title="x")


def test_unknown_template_is_named() -> None:
    with pytest.raises(engine.TemplateError, match="no-such-template"):
        engine.render("no-such-template", {}, lang="en", title="x")


@pytest.mark.skipif(convert.soffice() is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_it(template: Path) -> None:
    pdf = convert.docx_to_pdf(engine.render(template, context(), lang="en", title="Sample"))
    assert pdf.startswith(b"%PDF")
