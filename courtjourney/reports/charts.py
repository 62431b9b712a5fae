"""Bar charts drawn as SVG on the server (no script): each bar's words above it, its number at its end.

Every chart sits beside a table of the same figures, which is what a screen reader reads: the chart's
title says so, and names no figure of its own.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from courtjourney.i18n import gettext as _

WIDTH = 400
LONGEST_LABEL = 46  # characters that fit across the chart at its font size


def _short(text: str) -> str:
    return text if len(text) <= LONGEST_LABEL else text[: LONGEST_LABEL - 1].rstrip() + "…"


def bar_chart(key: str, title: str, bars: list[tuple[str, float, str]]) -> Markup:
    """A horizontal bar chart of (words, value, value as written) rows; empty Markup when there are none."""
    if not bars:
        return Markup()
    label_h, bar_h, gap, number_w = 18, 16, 12, 50
    row_h = label_h + bar_h + gap
    height = len(bars) * row_h + gap
    most = max(value for _w, value, _s in bars) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" class="chart" '
        f'aria-labelledby="chart-{key}" focusable="false">',
        f'<title id="chart-{key}">{escape(_("%(title)s: a bar chart of the figures in the table beside it") % {"title": title})}</title>',
    ]
    for i, (words, value, written) in enumerate(bars):
        y = gap + i * row_h
        length = max(2, int((WIDTH - number_w) * value / most))
        parts.append(f'<text x="0" y="{y + 13}" font-size="14" fill="#0b0c0c">{escape(_short(words))}</text>')
        parts.append(
            f'<rect x="0" y="{y + label_h}" width="{length}" height="{bar_h}" fill="#1d70b8"></rect>'
        )
        parts.append(
            f'<text x="{length + 6}" y="{y + label_h + 13}" font-size="14" fill="#0b0c0c">{escape(written)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
