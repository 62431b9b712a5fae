"""Render Word documents from the templates in templates/docx/ and make them accessible.

Every document the service produces goes through `render()`:

- docxtpl over python-docx, with Jinja autoescape on (docxtpl leaves it off, and a family name with
  "&" or "<" would otherwise corrupt the file) and StrictUndefined, so a missing variable is an error
  rather than a blank in a letter to a family;
- then `make_accessible()`: the document language set on the style defaults (w:lang, which is what
  Word and screen readers read, not core_properties.language), a meaningful title, and the first row
  of every table marked as a header row (w:tblHeader) so it repeats on each page and is announced.

Templates are real .docx files a manager can open and edit in Word or LibreOffice. Each one is built
from a short python-docx script beside it (templates/docx/sources/) so it can be rebuilt after a
style change; `new_template()` gives those scripts the house style (Arial 12pt, built-in headings).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from courtjourney.errors import TemplateError

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates" / "docx"
LANGUAGE_TAGS = {"en": "en-GB", "cy": "cy-GB"}
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def template_path(name: str | Path) -> Path:
    """templates/docx/<name>.docx, or `name` itself when given a Path (tests build their own)."""
    path = name if isinstance(name, Path) else TEMPLATES_DIR / f"{name}.docx"
    if not path.is_file():
        raise TemplateError(f"no Word template {path.name} in {TEMPLATES_DIR}")
    return path


def jinja_env() -> Environment:
    return Environment(undefined=StrictUndefined, autoescape=True)


def undeclared_variables(name: str | Path) -> set[str]:
    """Every top-level variable the template uses (body, headers and footers)."""
    return set(_undeclared(*_file_key(template_path(name))))


def _file_key(path: Path) -> tuple[Path, int, int]:
    stat = path.stat()
    return path, stat.st_mtime_ns, stat.st_size


@lru_cache(maxsize=64)
def _undeclared(path: Path, _mtime_ns: int, _size: int) -> frozenset[str]:
    """The variables a template file uses, worked out once per version of the file: docxtpl opens and
    parses the whole template to find them, which was a quarter of a letter's time when done per render.
    Keyed by the file's modification time and size, so a template edited while the service runs is read
    again."""
    return frozenset(DocxTemplate(path).get_undeclared_template_variables(jinja_env()))


def template_version(name: str | Path) -> str:
    """The first 12 hex digits of the template file's SHA-256: which edit of the template made a document
    (read once per version of the file, like the variables above)."""
    return _sha256(*_file_key(template_path(name)))[:12]


@lru_cache(maxsize=64)
def _sha256(path: Path, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def render(name: str | Path, context: Mapping[str, Any], *, lang: str, title: str) -> bytes:
    """Render templates/docx/<name>.docx with `context` and return the finished, accessible .docx.

    The accessibility pass works on docxtpl's own rendered document before its one save (docxtpl has
    no media or sub-document replacements here, so its save is python-docx's), rather than saving,
    opening the saved file again and saving it a second time."""
    path = template_path(name)
    missing = _undeclared(*_file_key(path)) - set(context)
    if missing:
        raise TemplateError(f"template {name} uses {', '.join(sorted(missing))}, not given by its builder")
    tpl = DocxTemplate(path)
    tpl.render(dict(context), jinja_env(), autoescape=True)
    assert tpl.docx is not None
    make_accessible(tpl.docx, lang=lang, title=title)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def make_accessible(document: DocumentObject, *, lang: str, title: str) -> None:
    """Language on the style defaults, a title, header rows on every table."""
    set_language(document, LANGUAGE_TAGS.get(lang, "en-GB"))
    document.core_properties.title = title
    document.core_properties.author = "courtjourney"
    for table in document.tables:
        mark_header_row(table)


def set_language(document: DocumentObject, tag: str) -> None:
    """Set w:lang (val, eastAsia, bidi) in the document's run-property defaults."""
    styles = document.styles.element
    doc_defaults = styles.find(qn("w:docDefaults"))
    if doc_defaults is None:
        doc_defaults = OxmlElement("w:docDefaults")
        styles.insert(0, doc_defaults)
    rpr_default = doc_defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        doc_defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    lang_el = rpr.find(qn("w:lang"))
    if lang_el is None:
        lang_el = OxmlElement("w:lang")
        rpr.append(lang_el)
    lang_el.set(qn("w:val"), tag)
    lang_el.set(qn("w:eastAsia"), tag)
    lang_el.set(qn("w:bidi"), tag)


def mark_header_row(table: Any) -> None:
    """Mark a table's first row as its header row (python-docx has no API for w:tblHeader)."""
    if not table.rows:
        return
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:tblHeader")) is None:
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)


def new_template() -> DocumentObject:
    """A blank document in the house style, for the scripts that build templates/docx/*.docx.

    Arial 12pt, left aligned, built-in Heading 1-3 (so screen readers find the headings), and the
    "Table Grid" style available for tables.
    """
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(12)
    for level, size in ((1, 18), (2, 15), (3, 13)):
        style = document.styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.size = Pt(size)
    if "Table Grid" not in [s.name for s in document.styles if s.type == WD_STYLE_TYPE.TABLE]:
        document.styles.add_style("Table Grid", WD_STYLE_TYPE.TABLE)
    return document
