"""The report as files: CSV, XLSX and JSON, with counts under 5 shown as "fewer than 5" in every one.

No database here: a `Report` is plain data, so what each file holds can be read and tested alone.
What a file may hold: the period, the team's name, each figure's section, key and plain words, workers'
names in per-worker figures, and numbers. Never a child's or family member's name, a case reference or
any free text: the parts' figures are counts, hours and shares made from rows, never from what was typed.

Suppression: a count under 5 (0 included) is written "fewer than 5"; hours, shares and medians are not
counts and are written as measured. A total beside its parts can still let a reader work out one
suppressed part by subtraction where only one part is small: read a report as a whole before sending it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from openpyxl import Workbook
from openpyxl.styles import Font

from courtjourney.figures import Figure
from courtjourney.i18n import LONDON, N_, long_datetime
from courtjourney.i18n import gettext as _
from courtjourney.reports.periods import Days, quarter_name

#: Counts below this are never written as they are in a file.
SUPPRESS_BELOW = 5
FEWER_THAN_5 = N_("fewer than 5")
CSV_COLUMNS = ("period_from", "period_to", "team", "section", "key", "figure", "worker", "value", "unit")
#: A cell starting with one of these is read as a formula by spreadsheets (CSV and XLSX injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Report:
    """One report as made: its period, whose cases (the scope's plain name), when, and its figures."""

    days: Days
    scope: str
    made_at: dt.datetime
    figures: list[Figure]
    workers: dict[UUID, str] = field(default_factory=dict)

    def sections(self) -> list[tuple[str, list[Figure]]]:
        """The figures grouped by section, in the order they first appear."""
        grouped: dict[str, list[Figure]] = {}
        for figure in self.figures:
            grouped.setdefault(figure.section, []).append(figure)
        return list(grouped.items())

    def worker(self, figure: Figure) -> str:
        return self.workers.get(figure.worker_id, _("A former worker")) if figure.worker_id else ""


def suppressed(figure: Figure) -> bool:
    """Whether a file writes this figure as "fewer than 5"."""
    return figure.kind == "count" and figure.value is not None and figure.value < SUPPRESS_BELOW


def number(figure: Figure) -> int | float | None:
    """The figure as a file writes its number: a share as a percentage (0 to 100)."""
    if figure.value is None:
        return None
    if figure.kind == "share":
        return round(100 * figure.value, 1)
    return figure.value


def unit(figure: Figure) -> str:
    return {
        "count": _("number"),
        "hours": _("hours"),
        "share": _("per cent"),
        "median": _("median"),
        "mean": _("average"),
    }[figure.kind]


def shown(figure: Figure, *, exact: bool = False) -> str:
    """The figure in words: "fewer than 5" for a small count (unless `exact`), "75%", "12.5", or
    "nothing to measure" where there was nothing to measure."""
    if figure.value is None:
        return _("nothing to measure")
    if not exact and suppressed(figure):
        return _(FEWER_THAN_5)
    value = number(figure)
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}%" if figure.kind == "share" else text


def _safe(text: str) -> str:
    """Text a spreadsheet will not run: a leading =, +, -, @ is kept as text with an apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _cell(figure: Figure) -> int | float | str:
    if suppressed(figure):
        return _(FEWER_THAN_5)
    value = number(figure)
    return "" if value is None else value


def rows(report: Report) -> Iterator[dict[str, Any]]:
    """Every figure as a file writes it, in order."""
    for figure in report.figures:
        yield {
            "period_from": report.days.start.isoformat(),
            "period_to": report.days.end.isoformat(),
            "team": _safe(report.scope),
            "section": _safe(figure.section),
            "key": figure.key,
            "figure": _safe(figure.label),
            "worker": _safe(report.worker(figure)),
            "value": _cell(figure),
            "unit": unit(figure),
        }


def to_csv(report: Report) -> bytes:
    """The report as CSV (UTF-8 with a byte order mark, so spreadsheets read accents and Welsh rightly)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows(report):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(report: Report) -> bytes:
    """The report as an XLSX workbook: a heading, then one row per figure (numbers as numbers)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Report")[:31]
    bold = Font(bold=True)
    heading = [
        (_("Quarterly report"), ""),
        (
            _("Period"),
            f"{quarter_name(report.days)} ({report.days.start.isoformat()} to {report.days.end.isoformat()})",
        ),
        (_("Team"), report.scope),
        (_("Made"), long_datetime(report.made_at)),
        (_("Small numbers"), _("Counts under 5 are shown as 'fewer than 5'.")),
    ]
    for label, value in heading:
        sheet.append([_safe(label), _safe(value)])
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    sheet.append([_("Section"), _("Figure"), _("Worker"), _("Value"), _("Unit"), _("Key")])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    header_row = sheet.max_row
    for row in rows(report):
        sheet.append([row["section"], row["figure"], row["worker"], row["value"], row["unit"], row["key"]])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever it starts with
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    for column, width in zip("ABCDEF", (34, 60, 24, 14, 10, 34), strict=True):
        sheet.column_dimensions[column].width = width
    book.properties.creator = "courtjourney"
    book.properties.title = _("Quarterly report")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_json(report: Report) -> dict[str, Any]:
    """The report as the API gives it and a submitted report keeps it: small counts as "fewer than 5"."""
    return {
        "from": report.days.start.isoformat(),
        "to": report.days.end.isoformat(),
        "period": quarter_name(report.days),
        "team": report.scope,
        "made_at": report.made_at.astimezone(dt.UTC).isoformat(),
        "figures": [
            {
                "section": f.section,
                "key": f.key,
                "label": f.label,
                "kind": f.kind,
                "worker_id": str(f.worker_id) if f.worker_id else None,
                "worker": report.worker(f) or None,
                "value": None if suppressed(f) else number(f),
                "shown": shown(f),
                "suppressed": suppressed(f),
            }
            for f in report.figures
        ],
    }


def json_bytes(report: Report) -> bytes:
    return json.dumps(as_json(report), ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def filename(report: Report, ext: str) -> str:
    """ "courtjourney-report-2026-10-01-to-2026-12-31-North-Hub.csv": the period and team, nothing else."""
    team = "".join(c if c.isalnum() else "-" for c in report.scope).strip("-") or "report"
    return (
        f"courtjourney-report-{report.days.start.isoformat()}-to-{report.days.end.isoformat()}-{team}.{ext}"
    )


def made_on(report: Report) -> dt.date:
    return report.made_at.astimezone(LONDON).date()
